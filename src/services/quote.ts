import { AppError } from '../domain/errors'
import { type CartItem, mergeCartItems, type PriceEntry, priceCart, type Quote } from '../domain/pricing'
import type { Deps } from './deps'

/** Prices a cart without buying: at most one D1 round trip (cold), none when the cache is warm. */
export async function quoteCart(items: readonly CartItem[], deps: Deps): Promise<Quote> {
  const lines = mergeCartItems(items)
  const prices = await deps.priceSource(
    lines.map((l) => l.productId),
    deps,
  )
  return priceOrThrow(lines, prices, deps.config.currency)
}

export function priceOrThrow(
  lines: readonly CartItem[],
  prices: ReadonlyMap<string, PriceEntry>,
  currency: string,
): Quote {
  const result = priceCart(lines, prices, currency)
  if (!result.ok) throw missingProducts(result.missingProductIds)
  return result.quote
}

export function missingProducts(ids: string[]): AppError {
  return new AppError(
    'CART.MISSING_PRODUCTS',
    `${ids.length} product(s) in the cart are unknown or not for sale: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', ...' : ''}`,
    { missingProductIds: ids },
  )
}
