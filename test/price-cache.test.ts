import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { isolatePriceTier, priceKey } from '../src/cache/price-cache'
import { count, expectProblem, putProducts, roundTrips, stockOf } from './helpers'
import { postWorker, recordingD1 } from './worker-call'

interface Priced {
  items: { productId: string; unitPriceCents: number; lineTotalCents: number }[]
  totalCents: number
}

const setPrice = (id: string, priceCents: number) =>
  env.DB.prepare('UPDATE products SET price_cents = ? WHERE id = ?').bind(priceCents, id).run()

async function warmCache(productIds: string[]) {
  const res = await postWorker('/api/cart/quote', {
    items: productIds.map((productId) => ({ productId, quantity: 1 })),
  })
  expect(res.status).toBe(200)
}

async function state() {
  return {
    orders: await count('orders'),
    lines: await count('order_lines'),
    a: await stockOf('A'),
    b: await stockOf('B'),
  }
}

beforeEach(async () => {
  isolatePriceTier.clear()
  await putProducts([
    { id: 'A', name: 'Alpha', priceCents: 1000, stock: 50 },
    { id: 'B', name: 'Beta', priceCents: 2000, stock: 50 },
  ])
  await env.PRICES.delete(priceKey('A'))
  await env.PRICES.delete(priceKey('B'))
})

describe('stale cached prices are never charged', () => {
  it('re-prices from D1 when the price changed behind the cache, charges the new price and refreshes KV', async () => {
    await warmCache(['A', 'B'])
    expect(await env.PRICES.get(priceKey('A'), 'json')).toMatchObject({ priceCents: 1000 })

    await setPrice('A', 1234) // bypasses the API and its cache: the cache is now stale everywhere
    const res = await postWorker('/api/orders', {
      items: [
        { productId: 'A', quantity: 2 },
        { productId: 'B', quantity: 1 },
      ],
    })
    expect(res.status).toBe(201)
    const order = (await res.json()) as Priced
    expect(order.items[0]).toMatchObject({ productId: 'A', unitPriceCents: 1234, lineTotalCents: 2468 })
    expect(order.totalCents).toBe(2468 + 2000)
    // One failed batch, one re-read, one successful batch.
    expect(roundTrips(res).d1).toBe(3)

    expect(await env.PRICES.get(priceKey('A'), 'json')).toMatchObject({ id: 'A', priceCents: 1234 })
    expect(isolatePriceTier.get('A')?.priceCents).toBe(1234)
    const quote = await postWorker('/api/cart/quote', { items: [{ productId: 'A', quantity: 1 }] })
    expect(((await quote.json()) as Priced).totalCents).toBe(1234)
    expect(roundTrips(quote).d1).toBe(0)
  })

  it('answers 409 price-changed when the price changes again during the retry, writing nothing', async () => {
    await warmCache(['A', 'B'])
    const before = await state()
    let bump = 1000
    // Fault injection: another writer changes A's price just before each order batch reaches D1.
    const racing = recordingD1(env.DB, async () => {
      bump += 1
      await setPrice('A', bump)
    })
    const res = await postWorker(
      '/api/orders',
      {
        items: [
          { productId: 'A', quantity: 1 },
          { productId: 'B', quantity: 1 },
        ],
      },
      {},
      { DB: racing.binding },
    )
    const problem = await expectProblem(res, 409)
    expect(problem.type).toBe('/problems/price-changed')
    expect(racing.batches).toHaveLength(2)
    expect(await state()).toEqual(before)
  })

  it('answers 422 and writes nothing when a cached product was retired behind the cache', async () => {
    await warmCache(['A', 'B'])
    await env.DB.prepare("UPDATE products SET active = 0 WHERE id = 'B'").run()
    const before = await state()
    const problem = await expectProblem(
      await postWorker('/api/orders', {
        items: [
          { productId: 'A', quantity: 1 },
          { productId: 'B', quantity: 1 },
        ],
      }),
      422,
    )
    expect(problem.missingProductIds).toEqual(['B'])
    expect(await state()).toEqual(before)
  })

  it('writes cold prices back to KV only after the order batch, never competing with it', async () => {
    const events: string[] = []
    const kv = new Proxy(env.PRICES, {
      get(target, prop) {
        if (prop === 'put') {
          return (...args: Parameters<KVNamespace['put']>) => {
            events.push('kv.put')
            return target.put(...args)
          }
        }
        const value = Reflect.get(target, prop)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const db = recordingD1(env.DB, () => {
      events.push('d1.batch')
    })
    const res = await postWorker(
      '/api/orders',
      {
        items: [
          { productId: 'A', quantity: 1 },
          { productId: 'B', quantity: 1 },
        ],
      },
      {},
      { DB: db.binding, PRICES: kv },
    )
    expect(res.status).toBe(201)
    expect(events).toEqual(['d1.batch', 'kv.put', 'kv.put'])
    expect(await env.PRICES.get(priceKey('B'), 'json')).toMatchObject({ id: 'B', priceCents: 2000 })
  })

  it('ignores a KV value of the wrong shape and prices from D1', async () => {
    await env.PRICES.put(priceKey('A'), JSON.stringify({ id: 'A', priceCents: '1' }))
    const res = await postWorker('/api/cart/quote', { items: [{ productId: 'A', quantity: 1 }] })
    expect(((await res.json()) as Priced).totalCents).toBe(1000)
    expect(roundTrips(res).d1).toBe(1)
  })
})

describe('a KV outage never fails a quote or an order', () => {
  const failingKv = {
    get: () => Promise.reject(new Error('KV GET failed: 503 Service Unavailable')),
    getWithMetadata: () => Promise.reject(new Error('KV GET failed: 503 Service Unavailable')),
    put: () => Promise.reject(new Error('KV PUT failed: 503 Service Unavailable')),
    delete: () => Promise.reject(new Error('KV DELETE failed')),
    list: () => Promise.reject(new Error('KV LIST failed')),
  } as unknown as KVNamespace

  const hangingKv = {
    get: () => new Promise(() => {}),
    put: () => Promise.resolve(),
  } as unknown as KVNamespace

  it('quotes from D1 when every KV call fails', async () => {
    const res = await postWorker(
      '/api/cart/quote',
      { items: [{ productId: 'B', quantity: 2 }] },
      {},
      { PRICES: failingKv },
    )
    expect(res.status).toBe(200)
    expect(((await res.json()) as Priced).totalCents).toBe(4000)
    expect(roundTrips(res).d1).toBe(1)
  })

  it('orders from D1 when every KV call fails', async () => {
    const res = await postWorker('/api/orders', { items: [{ productId: 'A', quantity: 1 }] }, {}, { PRICES: failingKv })
    expect(res.status).toBe(201)
    expect(((await res.json()) as Priced).totalCents).toBe(1000)
    expect(await stockOf('A')).toBe(49)
  })

  it('falls back to D1 when KV does not answer within KV_TIMEOUT_MS', async () => {
    const res = await postWorker(
      '/api/orders',
      { items: [{ productId: 'B', quantity: 1 }] },
      {},
      { PRICES: hangingKv, KV_TIMEOUT_MS: '25' },
    )
    expect(res.status).toBe(201)
    expect(((await res.json()) as Priced).totalCents).toBe(2000)
  })
})
