import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isolatePriceTier, priceKey } from '../src/cache/price-cache'
import worker from '../src/index'
import {
  ADMIN_TOKEN_FOR_TESTS,
  adminJson,
  api,
  BASE,
  count,
  expectProblem,
  kvPriceEntry,
  postJson,
  putProducts,
  roundTrips,
  sendJson,
  stockOf,
} from './helpers'

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext

/** Calls the worker with another Worker env (e.g. without the ADMIN_TOKEN secret). */
async function fetchWithEnv(envOverride: Partial<Env>, path: string, init: RequestInit): Promise<Response> {
  return worker.fetch(new Request(`${BASE}${path}`, init), { ...env, ...envOverride } as Env, ctx)
}

const product = { name: 'Eco Mug', priceCents: 1299, stock: 40 }

async function productRow(id: string) {
  return env.DB.prepare('SELECT id, name, price_cents, stock, active FROM products WHERE id = ?').bind(id).first()
}

beforeEach(() => {
  isolatePriceTier.clear()
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('admin authentication', () => {
  beforeEach(async () => {
    await putProducts([{ id: 'AUTH-1', name: 'Before', priceCents: 500, stock: 5 }])
  })

  it('refuses a call without Authorization: 401 problem with WWW-Authenticate: Bearer, nothing written', async () => {
    const res = await sendJson('PUT', '/api/products/AUTH-1', { ...product })
    const problem = await expectProblem(res, 401)
    expect(problem.type).toBe('/problems/unauthorized')
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer\b/)
    expect(await productRow('AUTH-1')).toMatchObject({ name: 'Before', price_cents: 500 })
  })

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['the scheme alone', 'Bearer'],
    ['a token with characters no bearer token has', 'Bearer not a token!'],
    ['the token without its scheme', ADMIN_TOKEN_FOR_TESTS],
    ['the token with a prefix of junk', `Bearer x${ADMIN_TOKEN_FOR_TESTS}`],
  ])('refuses a malformed Authorization header (%s) with 401, nothing written', async (_, header) => {
    const res = await sendJson('PATCH', '/api/products/AUTH-1', { priceCents: 1 }, { Authorization: header })
    await expectProblem(res, 401)
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer\b/)
    expect(await productRow('AUTH-1')).toMatchObject({ price_cents: 500 })
  })

  it('refuses a wrong token of the same length with 401 error="invalid_token", nothing written', async () => {
    const wrong = `${ADMIN_TOKEN_FOR_TESTS.slice(0, -1)}X`
    const res = await sendJson('PATCH', '/api/products/AUTH-1', { priceCents: 1 }, { Authorization: `Bearer ${wrong}` })
    await expectProblem(res, 401)
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="admin", error="invalid_token"')
    expect(await productRow('AUTH-1')).toMatchObject({ price_cents: 500 })
  })

  it('accepts the right token (scheme case-insensitive, as RFC 7235 says)', async () => {
    const res = await sendJson(
      'PATCH',
      '/api/products/AUTH-1',
      { priceCents: 501 },
      {
        Authorization: `bearer ${ADMIN_TOKEN_FOR_TESTS}`,
      },
    )
    expect(res.status).toBe(200)
    expect(await productRow('AUTH-1')).toMatchObject({ price_cents: 501 })
  })

  it('authenticates before it validates: garbage from an unauthenticated caller is a 401, not a 400', async () => {
    const res = await sendJson('PUT', '/api/products/AUTH-1', '{"name":', {
      Authorization: 'Bearer wrong-token-wrong-token',
    })
    await expectProblem(res, 401)
  })

  it('compares tokens with the timing-safe helper (SHA-256 digests of both values), not ===', async () => {
    const digest = vi.spyOn(crypto.subtle, 'digest')
    const presented = 'wrong-token-of-some-other-length'
    const res = await sendJson(
      'PATCH',
      '/api/products/AUTH-1',
      { priceCents: 1 },
      { Authorization: `Bearer ${presented}` },
    )
    await expectProblem(res, 401)
    const hashed = await Promise.all(
      digest.mock.calls.map(async ([algorithm, data]) => ({
        algorithm: typeof algorithm === 'string' ? algorithm : algorithm.name,
        text: new TextDecoder().decode(data as ArrayBuffer | ArrayBufferView),
      })),
    )
    expect(hashed).toContainEqual({ algorithm: 'SHA-256', text: presented })
    expect(hashed).toContainEqual({ algorithm: 'SHA-256', text: ADMIN_TOKEN_FOR_TESTS })
  })

  it.each([
    ['no ADMIN_TOKEN secret', undefined],
    ['an empty ADMIN_TOKEN', ''],
    ['an ADMIN_TOKEN too short to resist guessing', 'short'],
  ])('refuses every admin call when the deployment has %s', async (_, token) => {
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${token ?? ADMIN_TOKEN_FOR_TESTS}` }
    const put = await fetchWithEnv({ ADMIN_TOKEN: token as string }, '/api/products/AUTH-NEW', {
      method: 'PUT',
      headers,
      body: JSON.stringify(product),
    })
    await expectProblem(put, 401)
    expect(put.headers.get('WWW-Authenticate')).toMatch(/^Bearer\b/)
    const patch = await fetchWithEnv({ ADMIN_TOKEN: token as string }, '/api/products/AUTH-1', {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ priceCents: 1 }),
    })
    await expectProblem(patch, 401)
    expect(await productRow('AUTH-NEW')).toBeNull()
    expect(await productRow('AUTH-1')).toMatchObject({ price_cents: 500 })
  })

  it('leaves the public catalog open: GET needs no token', async () => {
    expect((await api('/api/products/AUTH-1')).status).toBe(200)
  })
})

describe('PUT /api/products/{id}', () => {
  it('creates: 201, Location, the stored Product, in one D1 round trip', async () => {
    const res = await adminJson('PUT', '/api/products/NEW-1', { ...product, active: true })
    expect(res.status).toBe(201)
    expect(res.headers.get('Location')).toBe('/api/products/NEW-1')
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ id: 'NEW-1', ...product, currency: 'USD', active: true })
    expect(new Date(body.updatedAt as string).toISOString()).toBe(body.updatedAt)
    expect(roundTrips(res).d1).toBe(1)
    expect(await api('/api/products/NEW-1').then((r) => r.json())).toEqual(body)
  })

  it('replaces: 200, every field replaced, active defaults to true', async () => {
    await putProducts([{ id: 'REP-1', name: 'Old', priceCents: 100, stock: 1, active: false }])
    const res = await adminJson('PUT', '/api/products/REP-1', { name: 'New', priceCents: 200, stock: 9 })
    expect(res.status).toBe(200)
    expect(res.headers.get('Location')).toBeNull()
    expect(await res.json()).toMatchObject({ id: 'REP-1', name: 'New', priceCents: 200, stock: 9, active: true })
    expect(roundTrips(res).d1).toBe(1)
    expect(await productRow('REP-1')).toEqual({ id: 'REP-1', name: 'New', price_cents: 200, stock: 9, active: 1 })
  })

  it('trims the name and keeps non-ASCII text as sent', async () => {
    const res = await adminJson('PUT', '/api/products/UNI-1', { ...product, name: '  Café Crème ☕ 日本  ' })
    expect(res.status).toBe(201)
    expect(((await res.json()) as { name: string }).name).toBe('Café Crème ☕ 日本')
  })

  it('accepts the bounds: price 0 and the maximum price, stock 0 and the maximum stock', async () => {
    expect((await adminJson('PUT', '/api/products/B-0', { name: 'Free', priceCents: 0, stock: 0 })).status).toBe(201)
    const max = await adminJson('PUT', '/api/products/B-MAX', {
      name: 'Max',
      priceCents: 1_000_000_000,
      stock: 1_000_000_000,
    })
    expect(max.status).toBe(201)
  })

  it.each([
    ['price above the maximum', { priceCents: 1_000_000_001 }, 'priceCents'],
    ['negative price', { priceCents: -1 }, 'priceCents'],
    ['fractional price', { priceCents: 12.5 }, 'priceCents'],
    ['price as a string', { priceCents: '1299' }, 'priceCents'],
    ['price as an array', { priceCents: [1299] }, 'priceCents'],
    ['negative stock', { stock: -1 }, 'stock'],
    ['stock above the maximum', { stock: 1_000_000_001 }, 'stock'],
    ['huge stock', { stock: 1e300 }, 'stock'],
    ['blank name', { name: '   ' }, 'name'],
    ['name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
    ['name with a control character', { name: 'Mug\u0000' }, 'name'],
    ['name with a newline', { name: 'Mug\nDrop table' }, 'name'],
    ['name with a bidi override', { name: 'Mug \u202Egnp.exe' }, 'name'],
    ['name with a lone surrogate', { name: 'Mug \ud800' }, 'name'],
    ['name as an object', { name: { en: 'Mug' } }, 'name'],
    ['active as a string', { active: 'yes' }, 'active'],
    ['an unknown field', { color: 'red' }, 'color'],
    ['the id in the body (the path names the product)', { id: 'OTHER' }, 'id'],
  ])('rejects %s with 400 naming the field, nothing written', async (_, change, field) => {
    const res = await adminJson('PUT', '/api/products/BAD-1', { ...product, ...change })
    const problem = await expectProblem(res, 400)
    expect((problem.errors as { field: string }[]).map((e) => e.field)).toContain(field)
    expect(await productRow('BAD-1')).toBeNull()
  })

  it('rejects a missing required field', async () => {
    const res = await adminJson('PUT', '/api/products/BAD-2', { name: 'No price', stock: 1 })
    const problem = await expectProblem(res, 400)
    expect(problem.errors).toEqual([expect.objectContaining({ in: 'body', field: 'priceCents' })])
    expect(await productRow('BAD-2')).toBeNull()
  })

  it.each([
    ['a character outside [A-Za-z0-9._-]', '/api/products/SKU%2F1'],
    ['a space', '/api/products/SKU%201'],
    ['non-ASCII', '/api/products/SK%C3%9C-1'],
    ['65 characters', `/api/products/${'A'.repeat(65)}`],
  ])('rejects an id with %s: 400, nothing written', async (_, path) => {
    const before = await count('products')
    const res = await adminJson('PUT', path, product)
    const problem = await expectProblem(res, 400)
    expect(problem.errors).toEqual([expect.objectContaining({ in: 'param', field: 'id' })])
    expect(await count('products')).toBe(before)
  })

  it.each([
    ['malformed JSON', 'application/json', '{"name":"Mug",', 400],
    ['a duplicate key', 'application/json', '{"name":"Mug","priceCents":1,"priceCents":0,"stock":1}', 400],
    ['another content type', 'text/plain', JSON.stringify(product), 415],
    ['an empty body', 'application/json', '', 400],
    ['a body over 64 KiB', 'application/json', JSON.stringify({ ...product, name: 'x'.repeat(70_000) }), 413],
  ])('reads the body strictly (%s -> %i), nothing written', async (_, contentType, body, status) => {
    const res = await api('/api/products/BODY-1', {
      method: 'PUT',
      headers: { 'Content-Type': contentType, Authorization: `Bearer ${ADMIN_TOKEN_FOR_TESTS}` },
      body,
    })
    await expectProblem(res, status)
    expect(await productRow('BODY-1')).toBeNull()
  })

  it('accepts an id of exactly 64 characters', async () => {
    expect((await adminJson('PUT', `/api/products/${'A'.repeat(64)}`, product)).status).toBe(201)
  })
})

describe('PATCH /api/products/{id}', () => {
  beforeEach(async () => {
    await putProducts([{ id: 'PAT-1', name: 'Patch me', priceCents: 700, stock: 7 }])
  })

  it('changes only the fields sent, in one D1 round trip', async () => {
    const res = await adminJson('PATCH', '/api/products/PAT-1', { stock: 70 })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: 'PAT-1', name: 'Patch me', priceCents: 700, stock: 70, active: true })
    expect(roundTrips(res).d1).toBe(1)
  })

  it('answers 404 for a product that does not exist, and creates nothing', async () => {
    const before = await count('products')
    const res = await adminJson('PATCH', '/api/products/NOPE-1', { priceCents: 1 })
    const problem = await expectProblem(res, 404)
    expect(problem.type).toBe('/problems/product-not-found')
    expect(await count('products')).toBe(before)
    expect(await kvPriceEntry('NOPE-1')).toBeNull()
  })

  it('rejects an empty patch with 400 and leaves the product (and its updatedAt) alone', async () => {
    const before = await env.DB.prepare("SELECT updated_at FROM products WHERE id = 'PAT-1'").first('updated_at')
    const res = await adminJson('PATCH', '/api/products/PAT-1', {})
    await expectProblem(res, 400)
    expect(await env.DB.prepare("SELECT updated_at FROM products WHERE id = 'PAT-1'").first('updated_at')).toBe(before)
  })

  it.each([
    ['null for a field', { priceCents: null }],
    ['a negative price', { priceCents: -5 }],
    ['an unknown field', { discount: 10 }],
  ])('rejects %s with 400, nothing written', async (_, body) => {
    await expectProblem(await adminJson('PATCH', '/api/products/PAT-1', body), 400)
    expect(await productRow('PAT-1')).toMatchObject({ price_cents: 700, stock: 7 })
  })
})

describe('a catalog change refreshes the price cache in the same request', () => {
  const oldEntry = { id: 'CACHE-1', name: 'Kettle', priceCents: 2000, active: true }

  beforeEach(async () => {
    // D1 and KV agree on the old price before each test (storage is shared by the tests of a file).
    await putProducts([{ id: 'CACHE-1', name: 'Kettle', priceCents: 2000, stock: 100 }])
    await env.PRICES.put(priceKey('CACHE-1'), JSON.stringify(oldEntry))
  })

  /** A quote at the old price: KV and this isolate's tier now hold it. */
  async function warmCacheAtOldPrice() {
    const quote = await postJson('/api/cart/quote', { items: [{ productId: 'CACHE-1', quantity: 1 }] })
    expect(((await quote.json()) as { totalCents: number }).totalCents).toBe(2000)
    expect(roundTrips(quote).d1).toBe(0)
  }

  it('PATCH price: KV holds the new entry, and the next quote and the next order use it', async () => {
    await warmCacheAtOldPrice()
    const res = await adminJson('PATCH', '/api/products/CACHE-1', { priceCents: 2500 })
    expect(res.status).toBe(200)
    expect(roundTrips(res).kv).toBe(1)
    expect(await kvPriceEntry('CACHE-1')).toEqual({ id: 'CACHE-1', name: 'Kettle', priceCents: 2500, active: true })

    // The next quote here (this isolate's tier was updated too): new price, no D1 read.
    const quote = await postJson('/api/cart/quote', { items: [{ productId: 'CACHE-1', quantity: 2 }] })
    expect(await quote.json()).toMatchObject({ totalCents: 5000, items: [{ unitPriceCents: 2500 }] })
    expect(roundTrips(quote).d1).toBe(0)

    // The next order from another isolate (empty in-isolate tier: it reads KV): new price, happy path.
    isolatePriceTier.clear()
    const order = await postJson('/api/orders', { items: [{ productId: 'CACHE-1', quantity: 2 }] })
    expect(order.status).toBe(201)
    expect(await order.json()).toMatchObject({ totalCents: 5000, items: [{ unitPriceCents: 2500 }] })
  })

  it('PUT with a new price and name: KV holds the new entry', async () => {
    await warmCacheAtOldPrice()
    const res = await adminJson('PUT', '/api/products/CACHE-1', { name: 'Kettle 2', priceCents: 1800, stock: 100 })
    expect(res.status).toBe(200)
    expect(await kvPriceEntry('CACHE-1')).toEqual({ id: 'CACHE-1', name: 'Kettle 2', priceCents: 1800, active: true })
    isolatePriceTier.clear()
    const quote = await postJson('/api/cart/quote', { items: [{ productId: 'CACHE-1', quantity: 1 }] })
    expect(await quote.json()).toMatchObject({ totalCents: 1800, items: [{ name: 'Kettle 2' }] })
  })

  it('PATCH active=false: KV holds the inactive entry, and quotes and orders refuse the product', async () => {
    await warmCacheAtOldPrice()
    await adminJson('PATCH', '/api/products/CACHE-1', { active: false })
    expect(await kvPriceEntry('CACHE-1')).toEqual({ id: 'CACHE-1', name: 'Kettle', priceCents: 2000, active: false })
    const quote = await postJson('/api/cart/quote', { items: [{ productId: 'CACHE-1', quantity: 1 }] })
    expect((await expectProblem(quote, 422)).missingProductIds).toEqual(['CACHE-1'])
    isolatePriceTier.clear()
    const ordersBefore = await count('orders')
    const order = await postJson('/api/orders', { items: [{ productId: 'CACHE-1', quantity: 1 }] })
    await expectProblem(order, 422)
    expect(await count('orders')).toBe(ordersBefore)
  })

  it('a stock-only change does not touch KV', async () => {
    await warmCacheAtOldPrice()
    const res = await adminJson('PATCH', '/api/products/CACHE-1', { stock: 3 })
    expect(res.status).toBe(200)
    expect(roundTrips(res).kv).toBe(0)
    expect(await stockOf('CACHE-1')).toBe(3)
  })

  it('a PUT that changes nothing pricing reads does not write KV either', async () => {
    const res = await adminJson('PUT', '/api/products/CACHE-1', { name: 'Kettle', priceCents: 2000, stock: 55 })
    expect(res.status).toBe(200)
    expect(roundTrips(res).kv).toBe(0)
  })

  it('an order at a location whose KV is still stale is charged the new price (re-priced from D1)', async () => {
    await adminJson('PATCH', '/api/products/CACHE-1', { priceCents: 2600 })
    // Another location: KV there has not seen the change yet.
    await env.PRICES.put(priceKey('CACHE-1'), JSON.stringify(oldEntry))
    isolatePriceTier.clear()
    const order = await postJson('/api/orders', { items: [{ productId: 'CACHE-1', quantity: 1 }] })
    expect(order.status).toBe(201)
    expect(await order.json()).toMatchObject({ totalCents: 2600 })
  })
})
