import { findPriceEntries } from '../db/products'
import type { PriceEntry } from '../domain/pricing'
import type { Deps } from './deps'

/**
 * Price entries for a cart's ids: cache tiers first (bulk), then ONE D1 query for every miss,
 * which is written back to the cache after the response. Unknown ids are simply absent.
 */
export async function loadPrices(ids: readonly string[], deps: Deps): Promise<Map<string, PriceEntry>> {
  const { found, misses } = await deps.prices.getMany(ids)
  deps.meter.cacheHits += found.size
  deps.meter.cacheMisses += misses.length
  if (misses.length === 0) return found
  const fresh = await findPriceEntries(deps.db, misses)
  for (const entry of fresh) found.set(entry.id, entry)
  deps.prices.refreshInBackground(fresh)
  return found
}

/** Re-reads every id from D1 (the authority), refreshing the cache; used after a stale price. */
export async function reloadPrices(ids: readonly string[], deps: Deps): Promise<Map<string, PriceEntry>> {
  const fresh = await findPriceEntries(deps.db, ids)
  deps.prices.refreshInBackground(fresh)
  return new Map(fresh.map((e) => [e.id, e]))
}
