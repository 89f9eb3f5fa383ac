/**
 * Per-request accounting of I/O: D1 round trips and awaited KV operations, with the time spent
 * in each. The bindings are wrapped once per request (`meteredD1`, `meteredKV`), so every query
 * and every KV call is counted in one place, whatever code issues it.
 */
export class RequestMeter {
  d1RoundTrips = 0
  d1Ms = 0
  kvOps = 0
  kvMs = 0
  cacheHits = 0
  cacheMisses = 0
  /** Extra D1 round trips a code path declared as legitimate (a retry after a stale price). */
  d1Allowance = 0
  readonly notes: string[] = []

  async d1<T>(call: () => Promise<T>): Promise<T> {
    this.d1RoundTrips++
    const started = performance.now()
    try {
      return await call()
    } finally {
      this.d1Ms += performance.now() - started
    }
  }

  async kv<T>(call: () => Promise<T>): Promise<T> {
    this.kvOps++
    const started = performance.now()
    try {
      return await call()
    } finally {
      this.kvMs += performance.now() - started
    }
  }

  /** A slow path (retry, replay, error diagnosis) declares its extra round trips up front. */
  allowExtraD1(count: number, reason: string): void {
    this.d1Allowance += count
    this.notes.push(reason)
  }
}

class MeteredStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly meter: RequestMeter,
  ) {}
  bind(...values: unknown[]): MeteredStatement {
    return new MeteredStatement(this.inner.bind(...values), this.meter)
  }
  first<T>(column?: string): Promise<T | null> {
    return this.meter.d1(() => (column === undefined ? this.inner.first<T>() : this.inner.first<T>(column)))
  }
  all<T>(): Promise<D1Result<T>> {
    return this.meter.d1(() => this.inner.all<T>())
  }
  run<T>(): Promise<D1Result<T>> {
    return this.meter.d1(() => this.inner.run<T>())
  }
  raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    // biome-ignore lint/suspicious/noExplicitAny: D1's overloads of raw() do not compose
    return this.meter.d1(() => this.inner.raw<T>(options as any)) as Promise<T[]>
  }
}

const unwrap = (statement: D1PreparedStatement): D1PreparedStatement =>
  statement instanceof MeteredStatement ? statement.inner : statement

/** Wraps a D1 binding so that each `first/all/run/raw` and each `batch` counts as one round trip. */
export function meteredD1(db: D1Database, meter: RequestMeter): D1Database {
  const wrapped = {
    prepare: (query: string) => new MeteredStatement(db.prepare(query), meter),
    batch: <T>(statements: D1PreparedStatement[]) => meter.d1(() => db.batch<T>(statements.map(unwrap))),
    exec: (query: string) => meter.d1(() => db.exec(query)),
    dump: () => meter.d1(() => db.dump()),
    // A D1 Sessions API session (read replicas) is metered like the database itself.
    withSession: (constraint?: string) => {
      const session = db.withSession(constraint)
      return {
        prepare: (query: string) => new MeteredStatement(session.prepare(query), meter),
        batch: <T>(statements: D1PreparedStatement[]) => meter.d1(() => session.batch<T>(statements.map(unwrap))),
        getBookmark: () => session.getBookmark(),
      }
    },
  }
  return wrapped as unknown as D1Database
}

/** Wraps a KV binding so that each awaited operation is counted and timed. */
export function meteredKV(kv: KVNamespace, meter: RequestMeter): KVNamespace {
  const wrapped = {
    // biome-ignore lint/suspicious/noExplicitAny: KV's get() has a dozen overloads
    get: (...args: any[]) => meter.kv(() => (kv.get as any)(...args)),
    // biome-ignore lint/suspicious/noExplicitAny: same for getWithMetadata()
    getWithMetadata: (...args: any[]) => meter.kv(() => (kv.getWithMetadata as any)(...args)),
    put: (...args: Parameters<KVNamespace['put']>) => meter.kv(() => kv.put(...args)),
    delete: (key: string) => meter.kv(() => kv.delete(key)),
    list: (...args: Parameters<KVNamespace['list']>) => meter.kv(() => kv.list(...args)),
  }
  return wrapped as unknown as KVNamespace
}
