import { random, weighted } from './stats'

export type RequestKind = 'order' | 'order retry' | 'quote' | 'product' | 'product list' | 'no-op'

/** One request the load generator sends, and what a correct answer looks like. */
export interface PlannedRequest {
  kind: RequestKind
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
  expectStatus: number
  idempotencyKey?: string
}

export interface Scenario {
  name: string
  /** How the traffic is made up, for the report. */
  description: string[]
  next(): PlannedRequest
  /** Sees every answer: returns a reason when the answer is wrong beyond its status. */
  check?(request: PlannedRequest, status: number, headers: Record<string, string>): string | null
}

export const SCENARIOS = ['checkout', 'black-friday'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

/** The incident: every request creates an order from a 100-line cart. */
export const CHECKOUT_LINES = 100

/** Black Friday: what a shopper's session sends, by share of requests. */
export const BLACK_FRIDAY_MIX = [
  { kind: 'product', weight: 45, note: 'product page: GET /api/products/{id}, 80% on the 50 doorbuster products' },
  { kind: 'product list', weight: 10, note: 'catalog page: GET /api/products?limit=20' },
  { kind: 'quote', weight: 20, note: 'cart view: POST /api/cart/quote' },
  { kind: 'order', weight: 22, note: 'checkout: POST /api/orders with a fresh Idempotency-Key' },
  {
    kind: 'order retry',
    weight: 3,
    note: 'checkout retried by the client: the same Idempotency-Key and body as an earlier order (must replay)',
  },
] as const satisfies readonly { kind: RequestKind; weight: number; note: string }[]

/** Black Friday carts: lines per cart (quotes and orders), by share of carts. Mean about 12.6 lines. */
export const BLACK_FRIDAY_CART_LINES = [
  { min: 1, max: 1, weight: 30 },
  { min: 2, max: 5, weight: 40 },
  { min: 6, max: 20, weight: 20 },
  { min: 21, max: 100, weight: 8 },
  { min: 101, max: 250, weight: 2 },
] as const

/** Doorbusters: the first products of the shuffled catalog draw most of the traffic. */
const HOT_PRODUCTS = 50
const HOT_SHARE_READS = 0.8
const HOT_SHARE_CART_LINES = 0.6
const RETRY_POOL = 256

const JSON_HEADERS = { 'Content-Type': 'application/json' }

export function createScenario(name: ScenarioName, productIds: readonly string[], seed: number): Scenario {
  if (productIds.length < 250) throw new Error(`the catalog has ${productIds.length} active products; 250 are needed`)
  const next = random(seed)
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  // A seeded shuffle: which products are "hot" does not depend on their ids.
  const catalog = [...productIds]
  for (let i = catalog.length - 1; i > 0; i--) {
    const j = int(0, i)
    ;[catalog[i], catalog[j]] = [catalog[j] as string, catalog[i] as string]
  }
  const pick = (hotShare: number) =>
    catalog[next() < hotShare ? int(0, HOT_PRODUCTS - 1) : int(0, catalog.length - 1)] as string

  if (name === 'checkout') {
    return {
      name,
      description: [
        `every request: POST /api/orders with a ${CHECKOUT_LINES}-line cart (distinct products, a random window of the catalog), quantity 1-3 per line, no Idempotency-Key`,
      ],
      next() {
        const start = int(0, catalog.length - 1)
        const items = Array.from({ length: CHECKOUT_LINES }, (_, i) => ({
          productId: catalog[(start + i) % catalog.length] as string,
          quantity: int(1, 3),
        }))
        return {
          kind: 'order',
          method: 'POST',
          path: '/api/orders',
          headers: JSON_HEADERS,
          body: JSON.stringify({ items }),
          expectStatus: 201,
        }
      },
    }
  }

  // Keys must be new on every run, even against the same server with the same seed.
  const runId = crypto.randomUUID().slice(0, 8)
  let keys = 0
  const completed: { key: string; body: string }[] = []
  const cart = () => {
    const band = weighted(BLACK_FRIDAY_CART_LINES, next)
    const lines = int(band.min, band.max)
    const ids = new Set<string>()
    while (ids.size < lines) ids.add(pick(HOT_SHARE_CART_LINES))
    return JSON.stringify({ items: [...ids].map((productId) => ({ productId, quantity: int(1, 3) })) })
  }
  const newOrder = (): PlannedRequest => {
    const key = `load-${runId}-${++keys}`
    return {
      kind: 'order',
      method: 'POST',
      path: '/api/orders',
      headers: { ...JSON_HEADERS, 'Idempotency-Key': key },
      body: cart(),
      expectStatus: 201,
      idempotencyKey: key,
    }
  }

  return {
    name,
    description: [
      ...BLACK_FRIDAY_MIX.map((m) => `${m.weight}%: ${m.note}`),
      `cart lines: ${BLACK_FRIDAY_CART_LINES.map((b) => `${b.weight}% ${b.min === b.max ? b.min : `${b.min}-${b.max}`}`).join(', ')} (mean about 12.6); quantity 1-3 per line; ${HOT_SHARE_CART_LINES * 100}% of lines are doorbusters`,
    ],
    next() {
      switch (weighted(BLACK_FRIDAY_MIX, next).kind) {
        case 'product':
          return {
            kind: 'product',
            method: 'GET',
            path: `/api/products/${pick(HOT_SHARE_READS)}`,
            headers: {},
            expectStatus: 200,
          }
        case 'product list':
          return { kind: 'product list', method: 'GET', path: '/api/products?limit=20', headers: {}, expectStatus: 200 }
        case 'quote':
          return {
            kind: 'quote',
            method: 'POST',
            path: '/api/cart/quote',
            headers: JSON_HEADERS,
            body: cart(),
            expectStatus: 200,
          }
        case 'order retry': {
          const earlier = completed[int(0, completed.length - 1)]
          if (!earlier) return newOrder()
          return {
            kind: 'order retry',
            method: 'POST',
            path: '/api/orders',
            headers: { ...JSON_HEADERS, 'Idempotency-Key': earlier.key },
            body: earlier.body,
            expectStatus: 201,
            idempotencyKey: earlier.key,
          }
        }
        default:
          return newOrder()
      }
    },
    check(request, status, headers) {
      if (status !== 201 || request.idempotencyKey === undefined) return null
      const replayed = headers['idempotent-replayed'] === 'true'
      if (request.kind === 'order') {
        if (replayed) return 'a fresh Idempotency-Key was answered as a replay'
        completed.push({ key: request.idempotencyKey, body: request.body ?? '' })
        if (completed.length > RETRY_POOL) completed.splice(0, completed.length - RETRY_POOL)
      } else if (!replayed) {
        return 'a retried Idempotency-Key created a new order instead of replaying the first'
      }
      return null
    },
  }
}

/** The harness ceiling: an unknown path, answered 404 by the app itself (all middleware, no I/O). */
export function noopScenario(): Scenario {
  const request: PlannedRequest = {
    kind: 'no-op',
    method: 'GET',
    path: '/__load/no-op',
    headers: {},
    expectStatus: 404,
  }
  return {
    name: 'no-op',
    description: ['GET of an unknown path: 404 problem from the app, no D1 or KV'],
    next: () => request,
  }
}
