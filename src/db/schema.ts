import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * The catalog. `price_cents` and `stock` are guarded by CHECKs: an order that would take stock
 * below zero aborts its whole batch, which is how overselling is made impossible.
 */
export const products = sqliteTable(
  'products',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    check('products_price_cents_non_negative', sql`${t.priceCents} >= 0`),
    check('products_stock_non_negative', sql`${t.stock} >= 0`),
    check('products_active_boolean', sql`${t.active} IN (0, 1)`),
  ],
)

export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    status: text('status', { enum: ['confirmed'] }).notNull(),
    currency: text('currency').notNull(),
    itemCount: integer('item_count').notNull(),
    subtotalCents: integer('subtotal_cents').notNull(),
    totalCents: integer('total_cents').notNull(),
    customerRef: text('customer_ref'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    check('orders_item_count_positive', sql`${t.itemCount} > 0`),
    check('orders_subtotal_non_negative', sql`${t.subtotalCents} >= 0`),
    check('orders_total_non_negative', sql`${t.totalCents} >= 0`),
    index('orders_created_at_idx').on(t.createdAt),
  ],
)

/** One row per merged cart line; `position` keeps the order of first appearance in the cart. */
export const orderLines = sqliteTable(
  'order_lines',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    lineTotalCents: integer('line_total_cents').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.position] }),
    index('order_lines_product_id_idx').on(t.productId),
    check('order_lines_quantity_range', sql`${t.quantity} BETWEEN 1 AND 999`),
    check('order_lines_unit_price_non_negative', sql`${t.unitPriceCents} >= 0`),
    check('order_lines_line_total_matches', sql`${t.lineTotalCents} = ${t.unitPriceCents} * ${t.quantity}`),
  ],
)

/**
 * Idempotency records: written in the same batch as the order they describe, so the PRIMARY KEY
 * on `key` is what makes two concurrent requests with one key create exactly one order.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    key: text('key').primaryKey(),
    requestHash: text('request_hash').notNull(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    responseStatus: integer('response_status').notNull(),
    responseBody: text('response_body').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('idempotency_keys_created_at_idx').on(t.createdAt)],
)

export type ProductRow = typeof products.$inferSelect
export type OrderRow = typeof orders.$inferSelect
export type OrderLineRow = typeof orderLines.$inferSelect
