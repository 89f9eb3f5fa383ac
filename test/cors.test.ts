import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { readConfig } from '../src/config'
import worker from '../src/index'
import { ADMIN_TOKEN_FOR_TESTS, api, BASE, expectProblem, postJson, putProducts, sendJson } from './helpers'

// wrangler.toml (top level) allows the local shop front-end.
const SHOP = 'http://localhost:5173'
const EVIL = 'https://evil.example'

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext
const withOrigins = (origins: string, path: string, init: RequestInit) =>
  worker.fetch(new Request(`${BASE}${path}`, init), { ...env, CORS_ORIGINS: origins } as Env, ctx)

const preflight = (path: string, origin: string, method: string, headers = 'content-type, idempotency-key') =>
  api(path, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
  })

const listOf = (header: string | null) => (header ?? '').split(',').map((h) => h.trim().toLowerCase())

beforeAll(async () => {
  await putProducts([{ id: 'CORS-1', priceCents: 300, stock: 1000 }])
})

describe('CORS preflight', () => {
  it('answers a shop front-end preflight for POST /api/orders: 204, origin, methods, request headers, max-age', async () => {
    const res = await preflight('/api/orders', SHOP, 'POST', 'content-type, idempotency-key, authorization')
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SHOP)
    expect(listOf(res.headers.get('Access-Control-Allow-Methods'))).toEqual(expect.arrayContaining(['get', 'post']))
    expect(listOf(res.headers.get('Access-Control-Allow-Headers'))).toEqual(
      expect.arrayContaining(['content-type', 'idempotency-key', 'authorization']),
    )
    expect(Number(res.headers.get('Access-Control-Max-Age'))).toBeGreaterThan(0)
    expect(listOf(res.headers.get('Vary'))).toContain('origin')
    expect(await res.text()).toBe('')
  })

  it('does not allow an origin that is not configured', async () => {
    const res = await preflight('/api/cart/quote', EVIL, 'POST')
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it.each(['PUT', 'PATCH', 'DELETE'])('does not open catalog administration (%s) cross-origin', async (method) => {
    const res = await preflight('/api/products/CORS-1', SHOP, method, 'authorization, content-type')
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
    expect(res.headers.get('Access-Control-Allow-Methods')).toBeNull()
    expect(res.headers.get('Access-Control-Allow-Headers')).toBeNull()
  })
})

describe('CORS on actual responses', () => {
  const exposed = ['server-timing', 'x-request-id', 'location', 'idempotent-replayed', 'retry-after']

  it('lets the shop read an order response and its Location, Server-Timing, X-Request-Id, Idempotent-Replayed', async () => {
    const headers = { Origin: SHOP, 'Idempotency-Key': 'cors-order-1' }
    const res = await postJson('/api/orders', { items: [{ productId: 'CORS-1', quantity: 1 }] }, headers)
    expect(res.status).toBe(201)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SHOP)
    expect(listOf(res.headers.get('Access-Control-Expose-Headers'))).toEqual(expect.arrayContaining(exposed))
    const replay = await postJson('/api/orders', { items: [{ productId: 'CORS-1', quantity: 1 }] }, headers)
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true')
    expect(replay.headers.get('Access-Control-Allow-Origin')).toBe(SHOP)
  })

  it('puts the CORS headers on problem responses too, so the shop can read the error', async () => {
    const res = await postJson('/api/cart/quote', '{"items":', { Origin: SHOP })
    await expectProblem(res, 400)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SHOP)
    expect(listOf(res.headers.get('Access-Control-Expose-Headers'))).toEqual(expect.arrayContaining(exposed))
  })

  it('gives no CORS headers to an origin that is not configured', async () => {
    const res = await postJson('/api/cart/quote', { items: [{ productId: 'CORS-1', quantity: 1 }] }, { Origin: EVIL })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it.each(['PUT', 'PATCH'])('gives no CORS headers to an admin %s, even from the shop origin', async (method) => {
    const body = method === 'PUT' ? { name: 'Cors', priceCents: 300, stock: 1000 } : { stock: 1000 }
    const res = await sendJson(method, '/api/products/CORS-1', body, {
      Origin: SHOP,
      Authorization: `Bearer ${ADMIN_TOKEN_FOR_TESTS}`,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
    expect(res.headers.get('Access-Control-Expose-Headers')).toBeNull()
  })
})

describe('CORS configuration (CORS_ORIGINS)', () => {
  it('takes the allowed origins from the var', async () => {
    const res = await withOrigins('https://shop.example.com', '/api/products?limit=1', {
      headers: { Origin: 'https://shop.example.com' },
    })
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example.com')
    const local = await withOrigins('https://shop.example.com', '/api/products?limit=1', { headers: { Origin: SHOP } })
    expect(local.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it('allows any origin with "*", and none when empty', async () => {
    const any = await withOrigins('*', '/api/products?limit=1', { headers: { Origin: EVIL } })
    expect(any.headers.get('Access-Control-Allow-Origin')).toBe('*')
    const none = await withOrigins('', '/api/products?limit=1', { headers: { Origin: SHOP } })
    expect(none.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it.each(['https://shop.example.com/', 'https://shop.example.com/path', 'shop.example.com', 'ftp://shop.example.com'])(
    'refuses a var that is not a list of origins (%s) as a deployment mistake',
    (value) => {
      expect(() => readConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/)
    },
  )
})
