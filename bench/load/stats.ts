/** Latency percentiles (nearest rank) of a list of milliseconds. */
export interface LatencySummary {
  count: number
  mean: number
  p50: number
  p90: number
  p99: number
  max: number
}

export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0)
    return { count: 0, mean: Number.NaN, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN }
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
  return {
    count: sorted.length,
    mean: sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  }
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same request sequence. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Picks one of `items` with probability proportional to its weight. */
export function weighted<T extends { weight: number }>(items: readonly T[], next: () => number): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0)
  let r = next() * total
  for (const item of items) {
    r -= item.weight
    if (r < 0) return item
  }
  const last = items[items.length - 1]
  if (!last) throw new Error('weighted() needs at least one item')
  return last
}
