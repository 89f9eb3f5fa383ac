import { LIMITS } from '../config'
import { AppError } from './errors'

/** A cart line as the shopper sent it. */
export interface CartItem {
  productId: string
  quantity: number
}

/** What pricing needs to know of a product; the price cache stores exactly this. */
export interface PriceEntry {
  id: string
  name: string
  priceCents: number
  active: boolean
}

export interface QuoteLine {
  productId: string
  name: string
  quantity: number
  unitPriceCents: number
  lineTotalCents: number
}

export interface Quote {
  currency: string
  items: QuoteLine[]
  itemCount: number
  subtotalCents: number
  totalCents: number
}

export type PricingResult = { ok: true; quote: Quote } | { ok: false; missingProductIds: string[] }

/**
 * Merges repeated product ids by summing their quantities, keeping the order of first appearance.
 *
 * @example
 * mergeCartItems([{ productId: 'A', quantity: 1 }, { productId: 'B', quantity: 2 }, { productId: 'A', quantity: 3 }])
 * // => [{ productId: 'A', quantity: 4 }, { productId: 'B', quantity: 2 }]
 */
export function mergeCartItems(items: readonly CartItem[]): CartItem[] {
  const merged = new Map<string, CartItem>()
  for (const { productId, quantity } of items) {
    const line = merged.get(productId)
    if (line) line.quantity += quantity
    else merged.set(productId, { productId, quantity })
  }
  return [...merged.values()]
}

/**
 * Prices merged cart lines against a price map. Pure: no I/O, integer minor units only.
 * Unknown or inactive products make the whole cart unpriceable (`missingProductIds`, in cart order).
 * Throws `CART.TOTAL_TOO_LARGE` rather than ever producing an unsafe integer.
 *
 * @example
 * priceCart([{ productId: 'A', quantity: 2 }], new Map([['A', { id: 'A', name: 'Mug', priceCents: 450, active: true }]]), 'USD')
 * // => { ok: true, quote: { currency: 'USD', items: [...], itemCount: 2, subtotalCents: 900, totalCents: 900 } }
 */
export function priceCart(
  lines: readonly CartItem[],
  prices: ReadonlyMap<string, PriceEntry>,
  currency: string,
): PricingResult {
  const missingProductIds: string[] = []
  const items: QuoteLine[] = []
  let itemCount = 0
  let subtotalCents = 0
  for (const { productId, quantity } of lines) {
    const entry = prices.get(productId)
    if (!entry?.active) {
      missingProductIds.push(productId)
      continue
    }
    assertMinorUnits(entry.priceCents, 'unit price')
    assertQuantity(quantity)
    const lineTotalCents = safeMultiply(entry.priceCents, quantity)
    itemCount += quantity
    subtotalCents = safeAdd(subtotalCents, lineTotalCents)
    items.push({ productId, name: entry.name, quantity, unitPriceCents: entry.priceCents, lineTotalCents })
  }
  if (missingProductIds.length > 0) return { ok: false, missingProductIds }
  // No taxes, shipping or discounts are modelled yet: the total is the subtotal.
  return { ok: true, quote: { currency, items, itemCount, subtotalCents, totalCents: subtotalCents } }
}

function assertMinorUnits(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`invalid ${what}: ${value} is not a non-negative integer number of minor units`)
  }
}

function assertQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > LIMITS.maxQuantity) {
    throw new Error(`invalid quantity: ${quantity}`)
  }
}

function tooLarge(): AppError {
  return new AppError('CART.TOTAL_TOO_LARGE', 'The cart total exceeds the largest amount this store can charge.')
}

export function safeMultiply(a: number, b: number): number {
  const product = a * b
  if (!Number.isSafeInteger(product)) throw tooLarge()
  return product
}

export function safeAdd(a: number, b: number): number {
  const sum = a + b
  if (!Number.isSafeInteger(sum)) throw tooLarge()
  return sum
}
