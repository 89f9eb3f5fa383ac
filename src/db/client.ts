import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1'
import * as schema from './schema'

/** drizzle over the request's (metered) D1 binding; `$client` is that binding, for raw batches. */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database }

export const createDb = (d1: D1Database): Db => drizzle(d1, { schema })

/** A list of values as ONE bound parameter: D1 allows at most 100 per statement, carts have 250 lines. */
export const jsonList = (values: readonly unknown[]): string => JSON.stringify(values)

/** Does this D1 error (or anything in its cause chain) carry `needle` in its message? */
export function errorMentions(error: unknown, needle: string): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error) {
      if (e.message.includes(needle)) return true
      e = (e as Error & { cause?: unknown }).cause
    } else {
      return String(e).includes(needle)
    }
  }
  return false
}
