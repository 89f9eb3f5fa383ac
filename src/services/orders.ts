import { errorMentions } from '../db/client'
import { findIdempotencyRecord, findOrder, insertOrder } from '../db/orders'
import { findStock } from '../db/products'
import { AppError, type InsufficientStockLine } from '../domain/errors'
import { confirmOrder, type Order } from '../domain/order'
import { type CartItem, mergeCartItems } from '../domain/pricing'
import type { Deps } from './deps'
import { reloadPrices } from './prices'
import { priceOrThrow } from './quote'

export interface CreateOrderInput {
  items: CartItem[]
  customerRef?: string | null | undefined
  idempotencyKey?: string | undefined
}

export interface CreateOrderResult {
  status: 201
  order: Order
  /** The stored response of an earlier request with the same Idempotency-Key. */
  replayed: boolean
}

type WriteFailure = 'idempotency-conflict' | 'price-changed' | 'insufficient-stock'

/** Attempts at the batch: the first, plus one re-priced from D1 after a stale price or a stock race. */
const MAX_WRITE_ATTEMPTS = 2

/**
 * Creates an order. Happy path: prices from the cache (or ONE D1 read for the misses), then ONE
 * atomic D1 batch that writes the order, its lines, the stock decrements and the idempotency
 * record. The batch itself re-checks every price and the stock, so a stale cache can never
 * charge a stale price and concurrent orders can never oversell.
 */
export async function createOrder(input: CreateOrderInput, deps: Deps): Promise<CreateOrderResult> {
  const lines = mergeCartItems(input.items)
  const ids = lines.map((l) => l.productId)
  const key = input.idempotencyKey
  const requestHash = key === undefined ? null : await hashRequest(input)

  let prices = await deps.priceSource(ids, deps)
  for (let attempt = 1; ; attempt++) {
    let quoteError: unknown
    let order: Order | undefined
    try {
      order = confirmOrder(
        priceOrThrow(lines, prices, deps.config.currency),
        crypto.randomUUID(),
        input.customerRef ?? null,
        deps.now(),
      )
    } catch (error) {
      quoteError = error
    }
    if (!order) {
      // A replay must return the original response even if the catalog has changed since.
      if (key !== undefined && requestHash !== null) {
        const replay = await replayIfKnown(key, requestHash, deps)
        if (replay) return replay
      }
      throw quoteError
    }

    try {
      await insertOrder(
        deps.db,
        order,
        key === undefined || requestHash === null
          ? null
          : { key, requestHash, responseStatus: 201, responseBody: JSON.stringify(order) },
      )
      return { status: 201, order, replayed: false }
    } catch (error) {
      const failure = classifyWriteFailure(error)
      if (failure === null) throw error
      if (failure === 'idempotency-conflict' && key !== undefined && requestHash !== null) {
        deps.meter.allowExtraD1(1, 'idempotency-replay')
        const replay = await replayIfKnown(key, requestHash, deps)
        if (replay) return replay
        throw error // the key's record vanished between the conflict and the read: report, do not guess
      }
      if (failure === 'price-changed') {
        if (attempt >= MAX_WRITE_ATTEMPTS) {
          throw new AppError(
            'ORDER.PRICE_CHANGED',
            'Prices changed while the order was being placed, twice in a row. Review the cart and try again.',
          )
        }
        deps.meter.allowExtraD1(2, 'stale-price-retry')
        deps.log.info('order.stale_price_retry', { lines: lines.length })
        prices = await reloadPrices(ids, deps)
        continue
      }
      // insufficient stock: find which lines are short (one read for the whole cart).
      deps.meter.allowExtraD1(1, 'stock-diagnosis')
      const short = shortLines(lines, await findStock(deps.db, ids))
      if (short.length > 0) {
        throw new AppError('ORDER.INSUFFICIENT_STOCK', describeShortage(short), { insufficientStock: short })
      }
      // Stock was replenished between the failed batch and the read: try once more.
      if (attempt >= MAX_WRITE_ATTEMPTS) throw error
      deps.meter.allowExtraD1(1, 'stock-race-retry')
    }
  }
}

export async function getOrder(id: string, deps: Deps): Promise<Order> {
  const order = await findOrder(deps.db, id)
  if (!order) throw new AppError('ORDER.NOT_FOUND', `No order with id ${id}.`)
  return order
}

async function replayIfKnown(key: string, requestHash: string, deps: Deps): Promise<CreateOrderResult | null> {
  const record = await findIdempotencyRecord(deps.db, key)
  if (!record) return null
  if (record.requestHash !== requestHash) {
    throw new AppError(
      'IDEMPOTENCY.KEY_REUSED',
      'This Idempotency-Key was already used with a different request body. Use a new key for a new order.',
    )
  }
  const order = JSON.parse(record.responseBody) as Order
  return { status: 201, order, replayed: true }
}

function classifyWriteFailure(error: unknown): WriteFailure | null {
  if (errorMentions(error, 'idempotency_keys.key')) return 'idempotency-conflict'
  if (errorMentions(error, 'price_changed')) return 'price-changed'
  if (errorMentions(error, 'products_stock_non_negative')) return 'insufficient-stock'
  return null
}

function shortLines(lines: readonly CartItem[], stock: ReadonlyMap<string, number>): InsufficientStockLine[] {
  return lines
    .map((l) => ({ productId: l.productId, requested: l.quantity, available: stock.get(l.productId) ?? 0 }))
    .filter((l) => l.requested > l.available)
}

function describeShortage(short: readonly InsufficientStockLine[]): string {
  const first = short[0]
  const head = first ? `${first.productId}: ${first.requested} requested, ${first.available} available` : ''
  return short.length === 1
    ? `Not enough stock for ${head}.`
    : `Not enough stock for ${short.length} lines (${head}, ...).`
}

/** Canonical SHA-256 of what defines the order: the cart as sent and the customer reference. */
async function hashRequest(input: CreateOrderInput): Promise<string> {
  const canonical = JSON.stringify({
    items: input.items.map((i) => [i.productId, i.quantity]),
    customerRef: input.customerRef ?? null,
  })
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
