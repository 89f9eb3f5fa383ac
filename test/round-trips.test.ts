import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../src/app'
import { isolatePriceTier, priceKey } from '../src/cache/price-cache'
import type { PriceSource } from '../src/services/deps'
import { putProducts, roundTrips } from './helpers'
import { ids, postWorker, recordingD1 } from './worker-call'

const SIZES = [1, 10, 100, 250] as const
const kvBudget = (lines: number) => Math.ceil(lines / 100)
const cart = (productIds: string[]) => ({ items: productIds.map((productId) => ({ productId, quantity: 1 })) })

async function seed(prefix: string, n: number): Promise<string[]> {
  const list = ids(prefix, n)
  // D1 allows at most 100 bound parameters per statement and batches are fine at this size.
  await putProducts(list.map((id, i) => ({ id, priceCents: 100 + i, stock: 1_000 })))
  return list
}

beforeEach(() => isolatePriceTier.clear())

describe.each(SIZES)('a %i-line cart', (n) => {
  it('is quoted with 1 D1 round trip cold, 0 warm (in-isolate tier), 0 with only KV warm', async () => {
    const list = await seed(`q${n}`, n)

    const cold = await postWorker('/api/cart/quote', cart(list))
    expect(cold.status).toBe(200)
    expect(roundTrips(cold).d1).toBe(1)
    expect(roundTrips(cold).kv).toBeLessThanOrEqual(kvBudget(n))

    // The misses were written back to KV after the response.
    const stored = await env.PRICES.get(priceKey(list.at(-1) as string), 'json')
    expect(stored).toMatchObject({ id: list.at(-1), priceCents: 100 + n - 1, active: true })

    const warm = await postWorker('/api/cart/quote', cart(list))
    expect(roundTrips(warm)).toEqual({ d1: 0, kv: 0 })

    isolatePriceTier.clear()
    const kvWarm = await postWorker('/api/cart/quote', cart(list))
    expect(roundTrips(kvWarm).d1).toBe(0)
    expect(roundTrips(kvWarm).kv).toBe(kvBudget(n))
    expect(await kvWarm.json()).toEqual(await cold.json())
  })

  it('is ordered with 2 D1 round trips cold (one read, one batch) and exactly 1 warm', async () => {
    const list = await seed(`o${n}`, n)

    const cold = await postWorker('/api/orders', cart(list))
    expect(cold.status).toBe(201)
    expect(roundTrips(cold).d1).toBe(2)
    expect(roundTrips(cold).kv).toBeLessThanOrEqual(kvBudget(n))

    const warm = await postWorker('/api/orders', cart(list))
    expect(warm.status).toBe(201)
    expect(roundTrips(warm)).toEqual({ d1: 1, kv: 0 })

    isolatePriceTier.clear()
    const kvWarm = await postWorker('/api/orders', cart(list), { 'Idempotency-Key': `kv-warm-${n}` })
    expect(kvWarm.status).toBe(201)
    expect(roundTrips(kvWarm)).toEqual({ d1: 1, kv: kvBudget(n) })
  })

  it('writes an order with a constant number of statements in one batch (3, or 4 with an Idempotency-Key)', async () => {
    const list = await seed(`s${n}`, n)
    const recorder = recordingD1(env.DB)
    const plain = await postWorker('/api/orders', cart(list), {}, { DB: recorder.binding })
    const keyed = await postWorker(
      '/api/orders',
      cart(list),
      { 'Idempotency-Key': `stmts-${n}` },
      { DB: recorder.binding },
    )
    expect([plain.status, keyed.status]).toEqual([201, 201])
    expect(recorder.batches).toEqual([3, 4])
    // Besides the batches: one pricing read for the cold cart, none for the warm one.
    expect(recorder.singles()).toBe(1)
  })
})

describe('the N+1 detector', () => {
  const warn = vi.spyOn(console, 'warn')
  afterEach(() => warn.mockClear())

  it('warns, naming the route and the count, when pricing queries once per line', async () => {
    const list = await seed('nplus1', 12)
    // The incident's pricing: one lookup per cart line.
    const perLine: PriceSource = async (productIds, deps) => {
      const found = new Map()
      for (const id of productIds) {
        const row = await deps.db.$client
          .prepare('SELECT id, name, price_cents AS priceCents, active FROM products WHERE id = ?')
          .bind(id)
          .first<{ id: string; name: string; priceCents: number; active: number }>()
        if (row) found.set(id, { ...row, active: row.active === 1 })
      }
      return found
    }
    const app = createApp({ priceSource: perLine })
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext
    const res = await app.fetch(
      new Request('http://order-api.test/api/cart/quote', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(cart(list)),
      }),
      env,
      ctx,
    )
    expect(res.status).toBe(200)
    expect(roundTrips(res).d1).toBe(12)
    const warnings = warn.mock.calls.map(([line]) => JSON.parse(String(line)))
    expect(warnings).toContainEqual(
      expect.objectContaining({
        event: 'd1_budget_exceeded',
        route: 'POST /api/cart/quote',
        d1RoundTrips: 12,
        budget: 1,
      }),
    )
  })

  it('stays quiet for the shipped pricing', async () => {
    const list = await seed('quiet', 120)
    expect((await postWorker('/api/cart/quote', cart(list))).status).toBe(200)
    expect((await postWorker('/api/orders', cart(list))).status).toBe(201)
    expect(warn.mock.calls.filter(([line]) => String(line).includes('d1_budget_exceeded'))).toEqual([])
  })
})
