/**
 * What a benchmark test records for the report, beside vitest's own statistics: the cases it
 * compared and, per case, the round trips the worker reported in `Server-Timing`.
 */
export interface BenchCaseMeta {
  /** What the case measures, in one line. */
  description: string
  /** Requests whose Server-Timing was read (warmup included). */
  requests: number
  /** Means per request, from Server-Timing. */
  d1RoundTrips: number
  d1Ms: number
  kvOps: number
  cacheHits: number
  cacheMisses: number
  /** D1's own SQL execution time of the request's write batch (`meta.duration`), round trip excluded. */
  batchSqlMs: number
}

export interface BenchGroupMeta {
  /** Report section this group belongs to. */
  section: string
  /** Row label within the section, e.g. `100 lines` or `100 lines, +25 ms`. */
  label: string
  lines?: number
  delayMs?: number
  /** The case every ratio is taken against, when the group has one. */
  baseline?: string
  cases: Record<string, BenchCaseMeta>
}

declare module 'vitest' {
  interface TaskMeta {
    benchGroup?: BenchGroupMeta
  }
}
