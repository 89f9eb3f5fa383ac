import autocannon, { type Instance, type RequestParams } from 'autocannon'
import type { PlannedRequest, RequestKind, Scenario } from './scenarios'

/** One answered request. */
export interface Sample {
  kind: RequestKind
  status: number
  /** From the request's scheduled start to the end of its response: queueing included. */
  latencyMs: number
  /** From the moment the request was written to the socket (what autocannon reports). */
  serviceMs: number
  /** What the worker reported in Server-Timing (API routes only): D1 and KV round trips and time. */
  d1RoundTrips?: number
  d1Ms?: number
  kvOps?: number
  kvMs?: number
  /** Why the answer was wrong, when it was. */
  unexpected?: string
}

export interface DriveResult {
  targetRate: number
  achievedRate: number
  durationSec: number
  connections: number
  samples: Sample[]
  /** Socket errors and timeouts, by message. */
  errors: Record<string, number>
}

export interface DriveOptions {
  url: string
  scenario: Scenario
  /** Requests per second over all connections. */
  rate: number
  durationSec: number
  connections: number
  timeoutSec: number
}

/**
 * Drives the target at a fixed request rate with autocannon. autocannon paces per connection and
 * per second (every connection's budget restarts on the same tick), which sends synchronised
 * bursts; instead, each connection here is its own autocannon instance with a small per-second
 * budget, and the instances start evenly spread over one second. The arrivals are then spread
 * evenly, close to an open-loop generator at `rate`.
 *
 * Latency is measured from each request's scheduled start (instance start + its slot in the
 * per-second budget) to the end of its response, or from the moment it was sent if that is later:
 * a connection that falls behind its schedule adds the wait to its latency instead of hiding it.
 * The achieved rate is reported beside the target, so a generator that could not keep up shows.
 */
export async function drive(options: DriveOptions): Promise<DriveResult> {
  const { scenario, rate, durationSec } = options
  const connections = Math.max(1, Math.min(Math.round(rate), options.connections))
  const budgets = distribute(Math.round(rate), connections)
  const samples: Sample[] = []
  const errors: Record<string, number> = {}
  const instances: Instance[] = []
  const achieved: number[] = []

  const runInstance = (budget: number) =>
    new Promise<void>((resolve) => {
      const started = performance.now()
      let answered = 0
      let last: { request: PlannedRequest; status: number; headers: Record<string, string> } | null = null
      const instance = autocannon(
        {
          url: options.url,
          connections: 1,
          connectionRate: budget,
          duration: durationSec,
          timeout: options.timeoutSec,
          ignoreCoordinatedOmission: true,
          requests: [
            {
              setupRequest(request: RequestParams, context: Record<string, unknown>) {
                const planned = scenario.next()
                context.planned = planned
                return {
                  ...request,
                  method: planned.method,
                  path: planned.path,
                  headers: planned.headers,
                  body: planned.body ?? '',
                }
              },
              onResponse(status, _body, context, headers) {
                last = { request: context.planned as PlannedRequest, status, headers: lowerCaseKeys(headers) }
              },
            },
          ],
        },
        (error, result) => {
          if (error) errors[error.message] = (errors[error.message] ?? 0) + 1
          achieved.push(result ? answered / Math.max(result.duration, durationSec) : 0)
          resolve()
        },
      )
      instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
        const now = performance.now()
        const scheduled = started + Math.floor(answered / budget) * 1000 + (answered % budget) * (1000 / budget)
        answered++
        const answer = last
        last = null
        if (!answer) return
        const { request, status, headers } = answer
        let unexpected: string | undefined
        if (status !== request.expectStatus)
          unexpected = `${request.kind}: HTTP ${status}, expected ${request.expectStatus}`
        else unexpected = scenario.check?.(request, status, headers) ?? undefined
        samples.push({
          kind: request.kind,
          status,
          latencyMs: Math.max(responseTime, now - scheduled),
          serviceMs: responseTime,
          ...serverTiming(headers),
          ...(unexpected ? { unexpected } : {}),
        })
      })
      instance.on('reqError', (error: Error) => {
        const key = (error as NodeJS.ErrnoException).code ?? error.message
        errors[key] = (errors[key] ?? 0) + 1
      })
      instances.push(instance)
    })

  const runs: Promise<void>[] = []
  await new Promise<void>((resolve) => {
    budgets.forEach((budget, i) => {
      setTimeout(
        () => {
          runs.push(runInstance(budget))
          if (runs.length === budgets.length) resolve()
        },
        (i * 1000) / budgets.length,
      )
    })
  })
  await Promise.all(runs)
  return {
    targetRate: rate,
    achievedRate: achieved.reduce((sum, r) => sum + r, 0),
    durationSec,
    connections,
    samples,
    errors,
  }
}

/**
 * Closed loop, as fast as the target answers: `connections` busy connections for `durationSec`.
 * Used on the no-op route, it measures the harness ceiling (generator + loopback + workerd + app
 * middleware, no I/O).
 */
export async function saturate(
  url: string,
  scenario: Scenario,
  connections: number,
  durationSec: number,
): Promise<number> {
  let answered = 0
  let failed = 0
  const request = scenario.next()
  const result = await new Promise<{ duration: number }>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: durationSec,
        requests: [{ method: request.method, path: request.path, headers: request.headers }],
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    )
    instance.on('response', (_client: unknown, status: number) => {
      if (status === request.expectStatus) answered++
      else failed++
    })
  })
  if (failed > 0) throw new Error(`the no-op route answered ${failed} requests with an unexpected status`)
  return answered / result.duration
}

/** Splits `total` into `parts` integers that differ by at most one. */
function distribute(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0))
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(headers))
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  return out
}

function serverTiming(headers: Record<string, string>): Pick<Sample, 'd1RoundTrips' | 'd1Ms' | 'kvOps' | 'kvMs'> {
  const header = headers['server-timing']
  if (!header) return {}
  const metric = (name: string) => {
    const part = header.split(',').find((p) => p.trim().startsWith(`${name};`)) ?? ''
    return { dur: Number(/dur=([\d.]+)/.exec(part)?.[1] ?? 0), desc: Number(/desc="?(\d+)/.exec(part)?.[1] ?? 0) }
  }
  const d1 = metric('d1')
  const kv = metric('kv')
  return { d1RoundTrips: d1.desc, d1Ms: d1.dur, kvOps: kv.desc, kvMs: kv.dur }
}
