import type { PriceEntry } from '../../src/domain/pricing'
import type { PriceSource } from '../../src/services/deps'

interface PriceRow {
  id: string
  name: string
  price_cents: number
  active: number
}

/**
 * The "before" pricing of the incident, kept as the baseline the performance work is measured
 * against: one `SELECT ... WHERE id = ?` per cart line, awaited in a loop, no cache. At 100 lines
 * that is 100 sequential D1 round trips, each paying the network distance to the D1 primary.
 *
 * It reads through the request's metered binding, so every lookup shows in `Server-Timing`.
 * Bench code only: nothing under src/ imports it.
 */
export const nPlusOnePrices: PriceSource = async (ids, deps) => {
  const d1 = deps.db.$client
  const prices = new Map<string, PriceEntry>()
  for (const id of ids) {
    const row = await d1
      .prepare('SELECT id, name, price_cents, active FROM products WHERE id = ?')
      .bind(id)
      .first<PriceRow>()
    if (row) prices.set(row.id, { id: row.id, name: row.name, priceCents: row.price_cents, active: row.active === 1 })
  }
  return prices
}
