import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { isolatePriceTier } from '../src/cache/price-cache'
import worker from '../src/index'
import { count, expectProblem, postJson, putProducts, stockOf } from './helpers'

const cart = { items: [{ productId: 'KEYED', quantity: 2 }], customerRef: 'c-1' }

async function totals() {
  return {
    orders: await count('orders'),
    lines: await count('order_lines'),
    keys: await count('idempotency_keys'),
    stock: await stockOf('KEYED'),
  }
}

beforeEach(async () => {
  isolatePriceTier.clear()
  await putProducts([{ id: 'KEYED', name: 'Keyed', priceCents: 700, stock: 100 }])
})

describe('Idempotency-Key', () => {
  it('replays the original status and body with Idempotent-Replayed: true, creating nothing', async () => {
    const first = await postJson('/api/orders', cart, { 'Idempotency-Key': 'replay-1' })
    expect(first.status).toBe(201)
    expect(first.headers.get('Idempotent-Replayed')).toBeNull()
    const body = await first.text()
    const after = await totals()

    const retry = await postJson('/api/orders', cart, { 'Idempotency-Key': 'replay-1' })
    expect(retry.status).toBe(201)
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true')
    expect(retry.headers.get('Location')).toBe(first.headers.get('Location'))
    expect(await retry.text()).toBe(body)
    expect(await totals()).toEqual(after)
  })

  it('replays through the legacy alias too (same behaviour)', async () => {
    const first = await postJson('/api/orders', cart, { 'Idempotency-Key': 'alias-1' })
    const retry = await postJson('/api/orders/create', cart, { 'Idempotency-Key': 'alias-1' })
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true')
    expect(await retry.text()).toBe(await first.text())
  })

  it('answers 422 when the key is reused with a different body, writing nothing', async () => {
    expect((await postJson('/api/orders', cart, { 'Idempotency-Key': 'reuse-1' })).status).toBe(201)
    const before = await totals()
    for (const other of [
      { ...cart, items: [{ productId: 'KEYED', quantity: 3 }] },
      { ...cart, customerRef: 'someone-else' },
      { items: cart.items },
    ]) {
      const problem = await expectProblem(await postJson('/api/orders', other, { 'Idempotency-Key': 'reuse-1' }), 422)
      expect(problem.type).toBe('/problems/idempotency-key-reused')
    }
    expect(await totals()).toEqual(before)
  })

  it('creates exactly one order for 10 concurrent requests with one key, all answering the same body', async () => {
    const before = await totals()
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => postJson('/api/orders', cart, { 'Idempotency-Key': 'concurrent-1' })),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201))
    const bodies = await Promise.all(responses.map((r) => r.text()))
    expect(new Set(bodies).size).toBe(1)
    expect(responses.filter((r) => r.headers.get('Idempotent-Replayed') === 'true')).toHaveLength(9)
    const after = await totals()
    expect(after.orders - before.orders).toBe(1)
    expect(after.keys - before.keys).toBe(1)
    expect((before.stock ?? 0) - (after.stock ?? 0)).toBe(2)
  })

  it('stores nothing for a rejected request, so a retry after a 409 runs afresh', async () => {
    await putProducts([{ id: 'KEYED', name: 'Keyed', priceCents: 700, stock: 1 }])
    const before = await totals()
    await expectProblem(await postJson('/api/orders', cart, { 'Idempotency-Key': 'after-409' }), 409)
    expect(await totals()).toEqual(before)

    await putProducts([{ id: 'KEYED', name: 'Keyed', priceCents: 700, stock: 5 }])
    const retry = await postJson('/api/orders', cart, { 'Idempotency-Key': 'after-409' })
    expect(retry.status).toBe(201)
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull()
    expect(await stockOf('KEYED')).toBe(3)
  })

  it('replays the original order even after the product was retired', async () => {
    const first = await postJson('/api/orders', cart, { 'Idempotency-Key': 'retired-1' })
    await putProducts([{ id: 'KEYED', name: 'Keyed', priceCents: 700, stock: 100, active: false }])
    isolatePriceTier.clear()
    const retry = await postJson('/api/orders', cart, { 'Idempotency-Key': 'retired-1' })
    expect(retry.status).toBe(201)
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true')
    expect(await retry.text()).toBe(await first.text())
  })

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['non-ASCII', 'clé-1'],
    ['inner tab', 'key\tvalue'],
  ])('rejects a %s key with 400 and writes nothing', async (_name, key) => {
    const before = await totals()
    const res = await postJson('/api/orders', cart, { 'Idempotency-Key': key })
    await expectProblem(res, 400)
    expect(await totals()).toEqual(before)
  })

  it('accepts a 255-character key of printable ASCII', async () => {
    const key = '~!@#$%^&*()_+{}|:"<>?'.padEnd(255, 'z')
    expect((await postJson('/api/orders', cart, { 'Idempotency-Key': key })).status).toBe(201)
  })
})

describe('scheduled purge of idempotency records', () => {
  it('deletes records older than the retention (48 h by default) and keeps newer ones', async () => {
    const oldRes = await postJson('/api/orders', cart, { 'Idempotency-Key': 'old-key' })
    const newRes = await postJson('/api/orders', cart, { 'Idempotency-Key': 'new-key' })
    expect([oldRes.status, newRes.status]).toEqual([201, 201])
    const now = Date.parse('2026-12-04T12:00:00.000Z')
    await env.DB.batch([
      env.DB.prepare("UPDATE idempotency_keys SET created_at = ? WHERE key = 'old-key'").bind(
        new Date(now - 49 * 3_600_000).toISOString(),
      ),
      env.DB.prepare("UPDATE idempotency_keys SET created_at = ? WHERE key = 'new-key'").bind(
        new Date(now - 47 * 3_600_000).toISOString(),
      ),
    ])

    const controller = createScheduledController({ scheduledTime: now, cron: '17 * * * *' })
    const ctx = createExecutionContext()
    await worker.scheduled(controller, env, ctx)
    await waitOnExecutionContext(ctx)

    const { results } = await env.DB.prepare('SELECT key FROM idempotency_keys ORDER BY key').all<{ key: string }>()
    expect(results.map((r) => r.key)).not.toContain('old-key')
    expect(results.map((r) => r.key)).toContain('new-key')
    // The order itself is kept: only the replay record expires.
    expect(await count('orders')).toBeGreaterThanOrEqual(2)
  })

  it('honours IDEMPOTENCY_RETENTION_HOURS', async () => {
    await postJson('/api/orders', cart, { 'Idempotency-Key': 'short-retention' })
    const now = Date.parse('2026-12-04T12:00:00.000Z')
    await env.DB.prepare("UPDATE idempotency_keys SET created_at = ? WHERE key = 'short-retention'")
      .bind(new Date(now - 30 * 3_600_000).toISOString())
      .run()
    const ctx = createExecutionContext()
    await worker.scheduled(
      createScheduledController({ scheduledTime: now, cron: '17 * * * *' }),
      { ...env, IDEMPOTENCY_RETENTION_HOURS: '24' },
      ctx,
    )
    await waitOnExecutionContext(ctx)
    const row = await env.DB.prepare("SELECT key FROM idempotency_keys WHERE key = 'short-retention'").first()
    expect(row).toBeNull()
  })
})
