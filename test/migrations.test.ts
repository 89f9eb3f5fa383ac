import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('migrations applied from scratch', () => {
  it('create the tables, indexes and the price-guard trigger', async () => {
    const { results } = await env.DB.prepare(
      "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY type, name",
    ).all<{ type: string; name: string }>()
    expect(results.map((r) => `${r.type}:${r.name}`)).toEqual([
      'index:idempotency_keys_created_at_idx',
      'index:order_lines_product_id_idx',
      'index:orders_created_at_idx',
      'table:idempotency_keys',
      'table:order_lines',
      'table:orders',
      'table:products',
      'trigger:order_lines_price_guard',
    ])
  })

  it('enforce CHECK (stock >= 0) and CHECK (price_cents >= 0)', async () => {
    const insert = env.DB.prepare(
      "INSERT INTO products (id, name, price_cents, stock, active, updated_at) VALUES (?, 'n', ?, ?, 1, '2026-01-01T00:00:00Z')",
    )
    await expect(insert.bind('neg-stock', 100, -1).run()).rejects.toThrow(/CHECK constraint failed/)
    await expect(insert.bind('neg-price', -1, 1).run()).rejects.toThrow(/CHECK constraint failed/)
    await insert.bind('ok', 0, 0).run()
    await expect(env.DB.prepare("UPDATE products SET stock = stock - 1 WHERE id = 'ok'").run()).rejects.toThrow(
      /products_stock_non_negative/,
    )
  })

  it('enforce foreign keys from order lines to orders and products', async () => {
    await expect(
      env.DB.prepare(
        "INSERT INTO order_lines (order_id, position, product_id, name, quantity, unit_price_cents, line_total_cents) VALUES ('no-order', 0, 'ok', 'n', 1, 0, 0)",
      ).run(),
    ).rejects.toThrow(/FOREIGN KEY constraint failed/)
  })

  it('abort an order line whose price differs from the product price', async () => {
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO products (id, name, price_cents, stock, active, updated_at) VALUES ('guarded', 'g', 500, 5, 1, '2026-01-01T00:00:00Z')",
      ),
      env.DB.prepare(
        "INSERT INTO orders (id, status, currency, item_count, subtotal_cents, total_cents, customer_ref, created_at) VALUES ('o1', 'confirmed', 'USD', 1, 400, 400, NULL, '2026-01-01T00:00:00Z')",
      ),
    ])
    await expect(
      env.DB.prepare(
        "INSERT INTO order_lines (order_id, position, product_id, name, quantity, unit_price_cents, line_total_cents) VALUES ('o1', 0, 'guarded', 'g', 1, 400, 400)",
      ).run(),
    ).rejects.toThrow(/price_changed/)
  })
})
