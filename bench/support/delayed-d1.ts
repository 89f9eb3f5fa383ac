/**
 * Simulated edge: a D1 binding that waits `delayMs` before every round trip (each
 * `first/all/run/raw` and each `batch`), modelling a Worker far from the D1 primary. With it, the
 * incident's shape (100 sequential lookups x network latency) shows in local figures.
 *
 * Bench code only: the worker under test receives it as `env.DB`, its production path is unchanged.
 */
export function delayedD1(db: D1Database, delayMs: number): D1Database {
  if (delayMs <= 0) return db
  const wait = () => new Promise<void>((resolve) => setTimeout(resolve, delayMs))
  const wrapped = {
    prepare: (query: string) => new DelayedStatement(db.prepare(query), wait),
    batch: async <T>(statements: D1PreparedStatement[]) => {
      await wait()
      return db.batch<T>(statements.map(unwrap))
    },
    exec: async (query: string) => {
      await wait()
      return db.exec(query)
    },
    dump: async () => {
      await wait()
      return db.dump()
    },
    withSession: (constraint?: string) => db.withSession(constraint),
  }
  return wrapped as unknown as D1Database
}

class DelayedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly wait: () => Promise<void>,
  ) {}

  bind(...values: unknown[]): DelayedStatement {
    return new DelayedStatement(this.inner.bind(...values), this.wait)
  }

  async first<T>(column?: string): Promise<T | null> {
    await this.wait()
    return column === undefined ? this.inner.first<T>() : this.inner.first<T>(column)
  }

  async all<T>(): Promise<D1Result<T>> {
    await this.wait()
    return this.inner.all<T>()
  }

  async run<T>(): Promise<D1Result<T>> {
    await this.wait()
    return this.inner.run<T>()
  }

  async raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    await this.wait()
    // biome-ignore lint/suspicious/noExplicitAny: D1's overloads of raw() do not compose
    return this.inner.raw<T>(options as any) as Promise<T[]>
  }
}

const unwrap = (statement: D1PreparedStatement): D1PreparedStatement =>
  statement instanceof DelayedStatement ? statement.inner : statement
