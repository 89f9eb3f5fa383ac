import { asc, eq, lt, sql } from 'drizzle-orm'
import type { Order } from '../domain/order'
import { type Db, jsonList } from './client'
import { idempotencyKeys, orderLines, orders } from './schema'

export interface IdempotencyRecordInput {
  key: string
  requestHash: string
  responseStatus: number
  responseBody: string
}

/**
 * Writes an order in ONE D1 batch (D1's unit of atomicity), with a statement count that does not
 * depend on the number of lines:
 *   1. the order row;
 *   2. the idempotency record (PRIMARY KEY on the key: a concurrent duplicate aborts here);
 *   3. all lines, set-wise from one JSON parameter (a trigger aborts on any stale price or
 *      inactive product: `price_changed`);
 *   4. all stock decrements, set-wise (`CHECK (stock >= 0)` aborts an oversell).
 * Any failure rolls back every statement.
 */
export async function insertOrder(db: Db, order: Order, idempotency: IdempotencyRecordInput | null): Promise<void> {
  const lines = jsonList(order.items.map((l) => [l.productId, l.name, l.quantity, l.unitPriceCents, l.lineTotalCents]))
  const decrements = jsonList(order.items.map((l) => [l.productId, l.quantity]))
  const insertOrderRow = db.insert(orders).values({
    id: order.id,
    status: order.status,
    currency: order.currency,
    itemCount: order.itemCount,
    subtotalCents: order.subtotalCents,
    totalCents: order.totalCents,
    customerRef: order.customerRef,
    createdAt: order.createdAt,
  })
  const insertLines = db.run(sql`
    INSERT INTO order_lines (order_id, position, product_id, name, quantity, unit_price_cents, line_total_cents)
    SELECT ${order.id}, j.key,
           json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'),
           json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]')
    FROM json_each(${lines}) AS j`)
  const decrementStock = db.run(sql`
    UPDATE products SET stock = stock - d.quantity
    FROM (SELECT json_extract(value, '$[0]') AS product_id, json_extract(value, '$[1]') AS quantity
          FROM json_each(${decrements})) AS d
    WHERE products.id = d.product_id`)
  if (idempotency) {
    const insertKey = db
      .insert(idempotencyKeys)
      .values({ ...idempotency, orderId: order.id, createdAt: order.createdAt })
    await db.batch([insertOrderRow, insertKey, insertLines, decrementStock])
  } else {
    await db.batch([insertOrderRow, insertLines, decrementStock])
  }
}

/** An order and its lines in ONE round trip (a two-statement read batch). */
export async function findOrder(db: Db, id: string): Promise<Order | undefined> {
  const [head, lines] = await db.batch([
    db.select().from(orders).where(eq(orders.id, id)),
    db.select().from(orderLines).where(eq(orderLines.orderId, id)).orderBy(asc(orderLines.position)),
  ])
  const row = head[0]
  if (!row) return undefined
  return {
    id: row.id,
    status: row.status,
    currency: row.currency,
    items: lines.map((l) => ({
      productId: l.productId,
      name: l.name,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      lineTotalCents: l.lineTotalCents,
    })),
    itemCount: row.itemCount,
    subtotalCents: row.subtotalCents,
    totalCents: row.totalCents,
    customerRef: row.customerRef,
    createdAt: row.createdAt,
  }
}

export async function findIdempotencyRecord(db: Db, key: string) {
  return db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)).get()
}

/** Deletes idempotency records created before `cutoff`; returns how many went. */
export async function purgeIdempotencyRecords(db: Db, cutoffIso: string): Promise<number> {
  const result = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoffIso))
  return result.meta.changes ?? 0
}
