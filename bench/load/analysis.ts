import type { DriveResult, Sample } from './driver'
import { type LatencySummary, summarize } from './stats'

/** A measured step, and whether it held: p99 within the SLA, the rate held, nothing unexpected. */
export interface StepResult {
  rate: number
  drive: DriveResult
  latency: LatencySummary
  service: LatencySummary
  unexpected: number
  socketErrors: number
  held: boolean
  reasons: string[]
}

/** Requests under 95% of the target mean the target could not be held. */
export const MIN_ACHIEVED_SHARE = 0.95

export function judge(drive: DriveResult, slaMs: number): StepResult {
  const latency = summarize(drive.samples.map((s) => s.latencyMs))
  const service = summarize(drive.samples.map((s) => s.serviceMs))
  const unexpected = drive.samples.filter((s) => s.unexpected).length
  const socketErrors = Object.values(drive.errors).reduce((sum, n) => sum + n, 0)
  const reasons: string[] = []
  if (!(latency.p99 <= slaMs)) reasons.push(`p99 ${latency.p99.toFixed(0)} ms > SLA ${slaMs} ms`)
  if (drive.achievedRate < MIN_ACHIEVED_SHARE * drive.targetRate) {
    reasons.push(`achieved ${drive.achievedRate.toFixed(1)} req/s < 95% of ${drive.targetRate}`)
  }
  if (unexpected > 0) reasons.push(`${unexpected} unexpected answers`)
  if (socketErrors > 0) reasons.push(`${socketErrors} socket errors or timeouts`)
  return {
    rate: drive.targetRate,
    drive,
    latency,
    service,
    unexpected,
    socketErrors,
    held: reasons.length === 0,
    reasons,
  }
}

/** Latency, statuses and D1 round trips per kind of request. */
export function byKind(samples: readonly Sample[]) {
  const kinds = new Map<string, Sample[]>()
  for (const s of samples) kinds.set(s.kind, [...(kinds.get(s.kind) ?? []), s])
  return [...kinds].map(([kind, list]) => {
    const statuses: Record<string, number> = {}
    for (const s of list) statuses[s.status] = (statuses[s.status] ?? 0) + 1
    const d1 = list.flatMap((s) => (s.d1RoundTrips === undefined ? [] : [s.d1RoundTrips]))
    const timed = list.filter((s) => s.d1Ms !== undefined)
    const meanOf = (pick: (s: Sample) => number) =>
      timed.length === 0 ? Number.NaN : timed.reduce((sum, s) => sum + pick(s), 0) / timed.length
    return {
      kind,
      count: list.length,
      latency: summarize(list.map((s) => s.latencyMs)),
      service: summarize(list.map((s) => s.serviceMs)),
      statuses,
      d1:
        d1.length === 0
          ? null
          : { mean: d1.reduce((a, b) => a + b, 0) / d1.length, min: Math.min(...d1), max: Math.max(...d1) },
      d1Ms: meanOf((s) => s.d1Ms ?? 0),
      kvOps: meanOf((s) => s.kvOps ?? 0),
      kvMs: meanOf((s) => s.kvMs ?? 0),
      unexpected: [...new Set(list.flatMap((s) => (s.unexpected ? [s.unexpected] : [])))],
    }
  })
}

/** The rates of a find-max ladder: from `start`, times `factor`, integers, ending at `target`. */
export function ladder(start: number, factor: number, target: number): number[] {
  const rates: number[] = []
  for (let r = start; r < target; r = Math.max(Math.round(r * factor), r + 1)) rates.push(Math.round(r))
  rates.push(target)
  return rates
}
