import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { RATE_LIMITS } from '../src/config'
import worker from '../src/index'
import { clientKey } from '../src/middleware/rate-limit'
import { BASE, count, expectProblem, putProducts } from './helpers'

/** vitest.config.ts declares this limiter for tests: 3 requests per 60 s per key, a real binding. */
const strict = (env as unknown as { TEST_STRICT_RATE_LIMITER: RateLimit }).TEST_STRICT_RATE_LIMITER
const STRICT_LIMIT = 3

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext

/** POSTs through the worker with one limiter binding replaced by another (the rest is the real env). */
async function post(
  path: string,
  body: unknown,
  ip: string,
  overrides: Partial<Env>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': ip, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
  return worker.fetch(new Request(`${BASE}${path}`, init), { ...env, ...overrides } as Env, ctx)
}

/**
 * Sends up to 2 x limit + 1 requests. The binding counts in fixed windows, so the first `limit`
 * always pass, and at most one window boundary can fall inside so short a burst: some request
 * after them must be refused.
 */
async function burst(send: () => Promise<Response>): Promise<Response[]> {
  const responses: Response[] = []
  for (let i = 0; i < 2 * STRICT_LIMIT + 1; i++) responses.push(await send())
  return responses
}

const cart = { items: [{ productId: 'RL-1', quantity: 1 }] }

beforeAll(async () => {
  await putProducts([{ id: 'RL-1', priceCents: 250, stock: 100_000 }])
})

describe('rate limits on quote and order creation (Workers Rate Limiting binding)', () => {
  it('quote: over the limit a client gets 429 problem with Retry-After', async () => {
    const responses = await burst(() => post('/api/cart/quote', cart, '198.51.100.1', { QUOTE_RATE_LIMITER: strict }))
    expect(responses.slice(0, STRICT_LIMIT).map((r) => r.status)).toEqual([200, 200, 200])
    const limited = responses.find((r) => r.status === 429)
    expect(limited).toBeDefined()
    const problem = await expectProblem(limited as Response, 429)
    expect(problem.type).toBe('/problems/rate-limited')
    expect(limited?.headers.get('Retry-After')).toBe(String(RATE_LIMITS.quote.periodSeconds))
  })

  it('order: a limited request writes nothing; the allowed ones each write one order', async () => {
    const before = await count('orders')
    const responses = await burst(() => post('/api/orders', cart, '198.51.100.2', { ORDER_RATE_LIMITER: strict }))
    const created = responses.filter((r) => r.status === 201).length
    const limited = responses.filter((r) => r.status === 429)
    expect(created + limited.length).toBe(responses.length)
    expect(limited.length).toBeGreaterThan(0)
    expect(limited[0]?.headers.get('Retry-After')).toBe(String(RATE_LIMITS.order.periodSeconds))
    expect(await count('orders')).toBe(before + created)
  })

  it('the legacy alias POST /api/orders/create shares the order limit', async () => {
    const ip = '198.51.100.3'
    for (let i = 0; i < STRICT_LIMIT; i++) await post('/api/orders', cart, ip, { ORDER_RATE_LIMITER: strict })
    const responses = await burst(() => post('/api/orders/create', cart, ip, { ORDER_RATE_LIMITER: strict }))
    expect(responses.some((r) => r.status === 429)).toBe(true)
  })

  it('counts per client: another address still has its whole budget', async () => {
    await burst(() => post('/api/cart/quote', cart, '198.51.100.4', { QUOTE_RATE_LIMITER: strict }))
    const other = await post('/api/cart/quote', cart, '198.51.100.5', { QUOTE_RATE_LIMITER: strict })
    expect(other.status).toBe(200)
  })

  it('counts an IPv6 client by its /64', async () => {
    let n = 0
    const sameSubnet = await burst(() =>
      post('/api/cart/quote', cart, `2001:db8:aa:bb::${++n}`, { QUOTE_RATE_LIMITER: strict }),
    )
    expect(sameSubnet.some((r) => r.status === 429)).toBe(true)
    const otherSubnet = await post('/api/cart/quote', cart, '2001:db8:aa:cc::1', { QUOTE_RATE_LIMITER: strict })
    expect(otherSubnet.status).toBe(200)
  })

  it('limits floods of garbage too: the limit is checked before the body is read', async () => {
    const responses = await burst(() =>
      post('/api/cart/quote', '{"items":', '198.51.100.6', { QUOTE_RATE_LIMITER: strict }),
    )
    expect(responses.slice(0, STRICT_LIMIT).map((r) => r.status)).toEqual([400, 400, 400])
    expect(responses.some((r) => r.status === 429)).toBe(true)
  })

  it('the 429 is readable by the shop front-end (CORS headers, Retry-After exposed)', async () => {
    const headers = { Origin: 'http://localhost:5173' }
    const responses = await burst(() =>
      post('/api/cart/quote', cart, '198.51.100.7', { QUOTE_RATE_LIMITER: strict }, headers),
    )
    const limited = responses.find((r) => r.status === 429)
    expect(limited?.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173')
    expect(limited?.headers.get('Access-Control-Expose-Headers')).toMatch(/Retry-After/)
  })

  it('lets requests through when the limiter itself fails (an abuse limit must not take checkout down)', async () => {
    const broken = { limit: () => Promise.reject(new Error('rate limiter unavailable')) } as unknown as RateLimit
    const res = await post('/api/cart/quote', cart, '198.51.100.8', { QUOTE_RATE_LIMITER: broken })
    expect(res.status).toBe(200)
  })

  it('runs on the bindings wrangler.toml declares: the local limits let a burst from one client through', async () => {
    expect(await env.QUOTE_RATE_LIMITER.limit({ key: 'probe' })).toEqual({ success: true })
    expect(await env.ORDER_RATE_LIMITER.limit({ key: 'probe' })).toEqual({ success: true })
    const statuses = new Set<number>()
    for (let i = 0; i < 50; i++) statuses.add((await post('/api/cart/quote', cart, '198.51.100.9', {})).status)
    expect([...statuses]).toEqual([200])
  })
})

describe('clientKey', () => {
  it.each([
    ['203.0.113.9', 'ip4:203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', 'ip6:2001:db8:1:2'],
    ['2001:DB8:0001:0002::1', 'ip6:2001:db8:1:2'],
    ['2001:db8::1', 'ip6:2001:db8:0:0'],
    ['::1', 'ip6:0:0:0:0'],
    ['::ffff:192.0.2.1', 'ip6:0:0:0:0'],
    [undefined, 'unknown'],
    ['', 'unknown'],
  ])('%s -> %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key)
  })
})
