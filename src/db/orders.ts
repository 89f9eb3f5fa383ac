import { asc, eq, lt } from 'drizzle-orm'
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
  // Raw D1 statements: drizzle's batch cannot carry a parameterised `db.run(sql)` (it loses the
  // statement), and these set-wise statements are plain SQL anyway. `$client` is the request's
  // metered binding, so the batch still counts as one round trip.
  const d1 = db.$client
  const lines = jsonList(order.items.map((l) => [l.productId, l.name, l.quantity, l.unitPriceCents, l.lineTotalCents]))
  const decrements = jsonList(order.items.map((l) => [l.productId, l.quantity]))
  const statements = [
    d1
      .prepare(
        `INSERT INTO orders (id, status, currency, item_count, subtotal_cents, total_cents, customer_ref, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        order.id,
        order.status,
        order.currency,
        order.itemCount,
        order.subtotalCents,
        order.totalCents,
        order.customerRef,
        order.createdAt,
      ),
  ]
  if (idempotency) {
    statements.push(
      d1
        .prepare(
          `INSERT INTO idempotency_keys (key, request_hash, order_id, response_status, response_body, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          idempotency.key,
          idempotency.requestHash,
          order.id,
          idempotency.responseStatus,
          idempotency.responseBody,
          order.createdAt,
        ),
    )
  }
  statements.push(
    d1
      .prepare(
        `INSERT INTO order_lines (order_id, position, product_id, name, quantity, unit_price_cents, line_total_cents)
         SELECT ?1, j.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'),
                json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]')
         FROM json_each(?2) AS j`,
      )
      .bind(order.id, lines),
    d1
      .prepare(
        `UPDATE products SET stock = stock - d.quantity
         FROM (SELECT json_extract(value, '$[0]') AS product_id, json_extract(value, '$[1]') AS quantity
               FROM json_each(?1)) AS d
         WHERE products.id = d.product_id`,
      )
      .bind(decrements),
  )
  await d1.batch(statements)
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
