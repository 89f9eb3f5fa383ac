import { findPriceEntries } from '../../src/db/products'
import type { PriceEntry } from '../../src/domain/pricing'
import type { PriceSource } from '../../src/services/deps'

/**
 * The shipped query shape without the cache tiers: every cart is priced by ONE D1 query
 * (`id IN (SELECT value FROM json_each(?))`), whatever its size. Benchmarked beside the N+1
 * "before" to show the query-shape fix on its own, apart from what the cache adds.
 */
export const inListPrices: PriceSource = async (ids, deps) => {
  const entries = await findPriceEntries(deps.db, ids)
  return new Map<string, PriceEntry>(entries.map((entry) => [entry.id, entry]))
}
