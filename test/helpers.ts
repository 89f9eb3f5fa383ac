import { env, exports } from 'cloudflare:workers'
import { priceKey } from '../src/cache/price-cache'

export const BASE = 'http://order-api.test'

/** Calls the worker through its own fetch handler, as a client would. */
export function api(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init))
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return api(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** Loads the deterministic demo catalog (the same SQL `npm run dev` seeds with). */
export async function seedDemoCatalog(): Promise<void> {
  const statement = env.TEST_SEED_SQL.split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
  await env.DB.prepare(statement).run()
}

export interface TestProduct {
  id: string
  name?: string
  priceCents: number
  stock: number
  active?: boolean
}

/** Inserts or replaces products directly in D1 (one batch), bypassing the API and its cache. */
export async function putProducts(products: readonly TestProduct[]): Promise<void> {
  const statement = env.DB.prepare(
    'INSERT OR REPLACE INTO products (id, name, price_cents, stock, active, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
  await env.DB.batch(
    products.map((p) =>
      statement.bind(
        p.id,
        p.name ?? `Product ${p.id}`,
        p.priceCents,
        p.stock,
        p.active === false ? 0 : 1,
        '2026-01-01T00:00:00.000Z',
      ),
    ),
  )
}

/** Reads `name;dur=x;desc="n"` metrics of a Server-Timing header. */
export function serverTiming(res: Response): Record<string, { dur: number | null; desc: string | null }> {
  const header = res.headers.get('Server-Timing') ?? ''
  const metrics: Record<string, { dur: number | null; desc: string | null }> = {}
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';')
    if (!name) continue
    const dur = params.find((p) => p.startsWith('dur='))
    const desc = params.find((p) => p.startsWith('desc='))
    metrics[name] = {
      dur: dur ? Number(dur.slice(4)) : null,
      desc: desc ? desc.slice(5).replace(/^"|"$/g, '') : null,
    }
  }
  return metrics
}

/** D1 round trips and KV operations the request reported in Server-Timing. */
export function roundTrips(res: Response): { d1: number; kv: number } {
  const m = serverTiming(res)
  const d1 = Number(m.d1?.desc)
  const kv = Number(m.kv?.desc)
  if (!Number.isInteger(d1) || !Number.isInteger(kv))
    throw new Error(`no round-trip counts in Server-Timing: ${res.headers.get('Server-Timing')}`)
  return { d1, kv }
}

export async function count(table: 'products' | 'orders' | 'order_lines' | 'idempotency_keys'): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>()
  return row?.n ?? 0
}

export async function stockOf(id: string): Promise<number | null> {
  const row = await env.DB.prepare('SELECT stock FROM products WHERE id = ?').bind(id).first<{ stock: number }>()
  return row?.stock ?? null
}

export async function expectProblem(res: Response, status: number): Promise<Record<string, unknown>> {
  const text = await res.text()
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`)
  const type = res.headers.get('Content-Type') ?? ''
  if (!type.startsWith('application/problem+json')) throw new Error(`expected problem+json, got ${type}: ${text}`)
  const body = JSON.parse(text) as Record<string, unknown>
  if (
    body.status !== status ||
    typeof body.title !== 'string' ||
    typeof body.type !== 'string' ||
    typeof body.detail !== 'string'
  ) {
    throw new Error(`not an RFC 9457 problem: ${text}`)
  }
  if (/at .*\(|SQLITE|D1_ERROR|sql/i.test(text)) throw new Error(`problem leaks internals: ${text}`)
  return body
}

/** The ADMIN_TOKEN that vitest.config.ts gives the test runtime. */
export const ADMIN_TOKEN_FOR_TESTS = 'test-admin-token-0123456789abcdef'

/** Sends a JSON body with any method; `body` as a string is sent verbatim. */
export function sendJson(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return api(path, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** An admin call with the test runtime's bearer token. */
export function adminJson(method: 'PUT' | 'PATCH', path: string, body: unknown): Promise<Response> {
  return sendJson(method, path, body, { Authorization: `Bearer ${ADMIN_TOKEN_FOR_TESTS}` })
}

/** The KV price entry of a product, read straight from the binding (null when absent). */
export async function kvPriceEntry(id: string): Promise<unknown> {
  return env.PRICES.get(priceKey(id), 'json')
}

/** Orders, lines and every product's stock: what a rejected request must leave exactly as it was. */
export async function databaseFingerprint(): Promise<{ orders: number; lines: number; stock: string }> {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM order_lines) AS lines,
            (SELECT group_concat(id || '=' || stock, ',') FROM (SELECT id, stock FROM products ORDER BY id)) AS stock`,
  ).first<{ orders: number; lines: number; stock: string | null }>()
  return { orders: row?.orders ?? 0, lines: row?.lines ?? 0, stock: row?.stock ?? '' }
}
