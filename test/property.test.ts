import fc from 'fast-check'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { api, databaseFingerprint, putProducts } from './helpers'

type Fingerprint = Awaited<ReturnType<typeof databaseFingerprint>>

/*
 * Property: whatever body a client sends to quote or order creation, the answer is either the
 * documented success or a 4xx problem+json, never a 5xx, and a rejected request leaves orders,
 * order lines and stock exactly as they were. Bodies are generated: well-formed carts with bad and
 * borderline values, arbitrary JSON, and raw text mutated at the byte level.
 */

// The catalog the generated carts draw from.
const PRICES: Record<string, number> = { 'PROP-A': 125, 'PROP-B': 999, 'PROP-C': 0 }
const LOW_STOCK = 'PROP-LOW' // stock 2: orders for more are 409
const INACTIVE = 'PROP-OFF' // inactive: 422
const MANY = Array.from({ length: 260 }, (_, i) => `PROP-M${String(i).padStart(3, '0')}`) // line-count borderlines
const ACTIVE = new Set([...Object.keys(PRICES), LOW_STOCK, ...MANY])
const priceOf = (id: string) => PRICES[id] ?? (id === LOW_STOCK ? 50 : 1)

const RUNS = { structured: 500, raw: 400, alias: 200 }
/** Each property makes hundreds of requests through the runtime: far more than the default 5 s. */
const TIMEOUT = { timeout: 60_000 }

// ----------------------------------------------------------------------------------- generators

const anyJson = fc.jsonValue({ maxDepth: 3 })

const productId = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...Object.keys(PRICES), LOW_STOCK, INACTIVE) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/) }, // well-formed, unknown
  { weight: 1, arbitrary: fc.string({ maxLength: 70, unit: 'binary' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'A'.repeat(65), 'PROP A', 'PROP/A', 'PRÖP-A', 'PROP-A\u0000', 'PROP-A\n', "A'--"),
  },
  { weight: 1, arbitrary: anyJson },
)

const quantity = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 999 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, -0, 1000, 1.5, 0.1, 999.0000001, 1e308, 2 ** 53, -(2 ** 53)) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() }, // NaN and infinities serialise as null
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), anyJson) },
)

const unknownKey = fc.oneof(fc.constantFrom('priceCents', 'discount', '__proto__', 'constructor', 'id'), fc.string())

const line = fc.oneof(
  { weight: 14, arbitrary: fc.record({ productId, quantity }) },
  { weight: 1, arbitrary: fc.record({ productId, quantity }, { requiredKeys: [] }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.record({ productId, quantity }), unknownKey, anyJson)
      .map(([l, k, v]) => Object.defineProperty({ ...l }, k, { value: v, enumerable: true })),
  },
  { weight: 1, arbitrary: anyJson },
)

/** Carts of 248..252 lines over distinct valid ids: the 250-line boundary. */
const boundaryLines = fc
  .tuple(fc.integer({ min: 248, max: 252 }), fc.integer({ min: 1, max: 3 }))
  .map(([n, q]) => MANY.slice(0, n).map((id) => ({ productId: id, quantity: q })))

const items = fc.oneof(
  { weight: 14, arbitrary: fc.array(line, { minLength: 0, maxLength: 6 }) },
  { weight: 1, arbitrary: boundaryLines },
  // Repeats of one product: the merged quantity crosses 999 or not.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('PROP-A', 'PROP-B'),
        fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 2, maxLength: 4 }),
      )
      .map(([id, qs]) => qs.map((q) => ({ productId: id, quantity: q }))),
  },
  { weight: 1, arbitrary: anyJson },
)

const customerRef = fc.oneof(
  fc.string({ minLength: 1, maxLength: 128 }),
  fc.string({ minLength: 129, maxLength: 140 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constant(''),
  fc.constant(null),
  anyJson,
)

function cartBody(withOrderFields: boolean) {
  const base = fc.record({ items }, { requiredKeys: [] })
  const extras = withOrderFields
    ? fc.record({ customerRef }, { requiredKeys: [] })
    : fc.oneof({ weight: 9, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.record({ customerRef }) })
  const unknown = fc.oneof(
    { weight: 9, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.dictionary(unknownKey, anyJson, { minKeys: 1, maxKeys: 2 }) },
  )
  return fc.oneof(
    { weight: 14, arbitrary: fc.tuple(base, extras, unknown).map(([b, e, u]) => ({ ...u, ...b, ...e })) },
    { weight: 1, arbitrary: anyJson },
  )
}

interface Sent {
  text: string
  contentType: string | null
  idempotencyKey?: string | undefined
}

const contentType = fc.oneof(
  { weight: 20, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/jsonp',
      '',
      null,
    ),
  },
)

const idempotencyKey = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('prop-key-1', 'prop-key-2', 'prop-key-3') }, // reused across runs
  { weight: 1, arbitrary: fc.constantFrom('k'.repeat(256), 'a\tb', 'a\u0001b') },
)

function structured(withOrderFields: boolean) {
  return fc
    .tuple(cartBody(withOrderFields), contentType, withOrderFields ? idempotencyKey : fc.constant(undefined))
    .map(([value, type, key]): Sent => ({ text: JSON.stringify(value), contentType: type, idempotencyKey: key }))
}

/** Byte-level damage to an otherwise plausible body. */
function rawText(withOrderFields: boolean) {
  const mutation = fc.oneof(
    fc.tuple(fc.constant('truncate'), fc.nat(), fc.constant('')),
    fc.tuple(fc.constant('insert'), fc.nat(), fc.string({ minLength: 1, maxLength: 3, unit: 'binary' })),
    fc.tuple(fc.constant('insert'), fc.nat(), fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\u0000')),
    fc.tuple(fc.constant('duplicate-key'), fc.nat(), fc.constantFrom('"items":[],', '"items":null,', '"quantity":1,')),
    fc.tuple(fc.constant('replace'), fc.nat(), fc.string({ maxLength: 40, unit: 'binary' })),
  )
  return fc.tuple(cartBody(withOrderFields), mutation).map(([value, [kind, at, piece]]): Sent => {
    const text = JSON.stringify(value) ?? 'null'
    const i = text.length === 0 ? 0 : at % (text.length + 1)
    let mutated: string
    if (kind === 'truncate') mutated = text.slice(0, i)
    else if (kind === 'replace') mutated = piece
    else if (kind === 'duplicate-key') {
      // Right after an opening brace, so the key may appear twice in that object.
      const brace = text.indexOf('{', i % (text.length || 1))
      mutated = brace < 0 ? text : `${text.slice(0, brace + 1)}${piece}${text.slice(brace + 1)}`
    } else mutated = `${text.slice(0, i)}${piece}${text.slice(i)}`
    return { text: mutated, contentType: 'application/json' }
  })
}

// --------------------------------------------------------------------------------------- oracle

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)
const hasOnly = (o: object, allowed: string[]) => Object.keys(o).every((k) => allowed.includes(k))
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Independent statement of the contract's Cart rules: true when the body must NOT be a 400. */
function isValidCart(value: unknown, withOrderFields: boolean): boolean {
  if (!isObject(value) || !hasOnly(value, withOrderFields ? ['items', 'customerRef'] : ['items'])) return false
  const lines = value.items
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 250) return false
  const merged = new Map<string, number>()
  for (const l of lines) {
    if (!isObject(l) || !hasOnly(l, ['productId', 'quantity'])) return false
    const { productId: id, quantity: q } = l
    if (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) return false
    if (!isInt(q) || q < 1 || q > 999) return false
    merged.set(id, (merged.get(id) ?? 0) + q)
  }
  if ([...merged.values()].some((q) => q > 999)) return false
  if (withOrderFields && value.customerRef !== undefined && value.customerRef !== null) {
    const ref = value.customerRef
    if (typeof ref !== 'string' || ref.length < 1 || ref.length > 128 || /[\p{Cc}\p{Cs}]/u.test(ref)) return false
  }
  return true
}

/** Key tokens in a JSON text (a string literal followed by a colon), found independently of any parser. */
function keyTokens(text: string): number {
  let keys = 0
  for (const match of text.matchAll(/"(?:[^"\\]|\\.)*"\s*(:?)/g)) if (match[1] === ':') keys++
  return keys
}

function keysIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + keysIn(v), 0)
  if (isObject(value)) return Object.entries(value).reduce((n, [, v]) => n + 1 + keysIn(v), 0)
  return 0
}

const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8'])

/** Whether the contract requires success-or-422/409 for this request, and the cart the server will see. */
function understand(sent: Sent, withOrderFields: boolean): { valid: boolean; value: unknown } {
  if (sent.contentType === null || !JSON_TYPES.has(sent.contentType)) return { valid: false, value: undefined }
  if (
    withOrderFields &&
    sent.idempotencyKey !== undefined &&
    !/^[!-~](?:[ -~]{0,253}[!-~])?$/.test(sent.idempotencyKey)
  ) {
    return { valid: false, value: undefined }
  }
  // A string with lone surrogates goes out as bytes that are not UTF-8: a malformed body.
  if (!sent.text.isWellFormed()) return { valid: false, value: undefined }
  const text = sent.text
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { valid: false, value: undefined }
  }
  if (keyTokens(text) !== keysIn(value)) return { valid: false, value } // a key appears twice somewhere
  return { valid: isValidCart(value, withOrderFields), value }
}

// ------------------------------------------------------------------------------------- checking

const LEAK = /SQLITE|D1_ERROR|DrizzleQueryError|Failed query|\\n\s+at |node_modules|\.ts:\d+/

async function send(path: string, sent: Sent): Promise<Response> {
  const headers: Record<string, string> = {}
  if (sent.contentType !== null) headers['Content-Type'] = sent.contentType
  if (sent.idempotencyKey !== undefined) headers['Idempotency-Key'] = sent.idempotencyKey
  return api(path, { method: 'POST', headers, body: sent.text })
}

async function expectProblemBody(res: Response): Promise<void> {
  expect(res.headers.get('Content-Type')).toMatch(/^application\/problem\+json/)
  const text = await res.text()
  expect(text).not.toMatch(LEAK)
  const body = JSON.parse(text) as Record<string, unknown>
  expect(body.status).toBe(res.status)
  expect(typeof body.type).toBe('string')
  expect(typeof body.title).toBe('string')
  expect(typeof body.detail).toBe('string')
  expect((body.detail as string).length).toBeGreaterThan(0)
}

function mergedLines(value: unknown): Map<string, number> {
  const merged = new Map<string, number>()
  for (const l of (value as { items: { productId: string; quantity: number }[] }).items) {
    merged.set(l.productId, (merged.get(l.productId) ?? 0) + l.quantity)
  }
  return merged
}

const stockMap = (fingerprint: string) =>
  new Map(
    fingerprint
      .split(',')
      .map((pair) => pair.split('=') as [string, string])
      .map(([k, v]) => [k, Number(v)]),
  )

/**
 * The database as the previous request left it. Only this file's requests write to its storage, so
 * each run reads the database once, after its request, and compares with what the last run saw.
 */
let current: Fingerprint

/** Statuses answered during the current property: proof that the generators reach every outcome. */
const seen = new Set<number>()

async function sendAndObserve(path: string, sent: Sent) {
  const before = current
  const res = await send(path, sent)
  seen.add(res.status)
  const after = await databaseFingerprint()
  current = after
  return { res, before, after }
}

async function checkQuote(sent: Sent): Promise<void> {
  const { res, before, after } = await sendAndObserve('/api/cart/quote', sent)
  expect(res.status).toBeLessThan(500)
  const { valid, value } = understand(sent, false)
  if (res.status === 200) {
    expect(valid).toBe(true)
    const merged = mergedLines(value)
    expect([...merged.keys()].every((id) => ACTIVE.has(id))).toBe(true)
    const quote = (await res.json()) as { totalCents: number; itemCount: number }
    const expected = [...merged].reduce((sum, [id, q]) => sum + priceOf(id) * q, 0)
    expect(quote.totalCents).toBe(expected)
    expect(quote.itemCount).toBe([...merged.values()].reduce((a, b) => a + b, 0))
  } else {
    expect(res.status).toBeGreaterThanOrEqual(400)
    if (valid) expect(res.status).toBe(422) // a valid cart can only fail on unknown/inactive products
    await expectProblemBody(res)
  }
  expect(after).toEqual(before) // a quote never writes
}

async function checkOrder(path: string, sent: Sent): Promise<void> {
  const { res, before, after } = await sendAndObserve(path, sent)
  expect(res.status).toBeLessThan(500)
  const { valid, value } = understand(sent, true)
  if (res.status === 201) {
    expect(valid).toBe(true)
    expect(res.headers.get('Location')).toMatch(/^\/api\/orders\/[0-9a-f-]{36}$/)
    if (res.headers.get('Idempotent-Replayed') === 'true') {
      expect(after).toEqual(before)
      return
    }
    const merged = mergedLines(value)
    expect(after.orders).toBe(before.orders + 1)
    expect(after.lines).toBe(before.lines + merged.size)
    const was = stockMap(before.stock)
    const now = stockMap(after.stock)
    for (const [id, stock] of was) expect(now.get(id), id).toBe(stock - (merged.get(id) ?? 0))
  } else {
    expect(res.status).toBeGreaterThanOrEqual(400)
    if (valid) expect([409, 422]).toContain(res.status) // stock, unknown products, or a reused key
    await expectProblemBody(res)
    expect(after).toEqual(before) // a rejected request changes nothing
  }
}

// ---------------------------------------------------------------------------------------- tests

beforeAll(async () => {
  await putProducts([
    ...Object.entries(PRICES).map(([id, priceCents]) => ({ id, priceCents, stock: 1_000_000 })),
    { id: LOW_STOCK, priceCents: 50, stock: 2 },
    { id: INACTIVE, priceCents: 10, stock: 1_000_000, active: false },
    ...MANY.map((id) => ({ id, priceCents: 1, stock: 1_000_000 })),
  ])
  current = await databaseFingerprint()
})

/**
 * One hand-written body per outcome the coverage checks below expect, run before the generated ones
 * (fast-check `examples`), so that a coverage check never depends on the luck of a seed.
 */
const body = (value: unknown, type: string | null = 'application/json'): [Sent] => [
  { text: JSON.stringify(value), contentType: type },
]
const cartOf = (productId: string, quantity: number) => ({ items: [{ productId, quantity }] })
const QUOTE_EXAMPLES: [Sent][] = [
  body(cartOf('PROP-A', 1)), // 200
  body(cartOf('PROP-A', 0)), // 400
  body(cartOf('PROP-A', 1), 'text/plain'), // 415
  body(cartOf(INACTIVE, 1)), // 422
]
const ORDER_EXAMPLES: [Sent][] = [
  body(cartOf('PROP-A', 1)), // 201
  body(cartOf('PROP-A', 0)), // 400
  body(cartOf(LOW_STOCK, 3)), // 409: stock is 2 and only ever goes down
  body(cartOf('PROP-A', 1), 'text/plain'), // 415
  body(cartOf(INACTIVE, 1)), // 422
]

describe('property: malformed and borderline bodies never cause a 5xx or a partial write', () => {
  beforeEach(() => {
    seen.clear()
  })

  it('POST /api/cart/quote: generated carts', TIMEOUT, async () => {
    await fc.assert(fc.asyncProperty(structured(false), checkQuote), {
      numRuns: RUNS.structured,
      examples: QUOTE_EXAMPLES,
    })
    expect([...seen]).toEqual(expect.arrayContaining([200, 400, 415, 422]))
  })

  it('POST /api/cart/quote: damaged JSON text', TIMEOUT, async () => {
    await fc.assert(fc.asyncProperty(rawText(false), checkQuote), { numRuns: RUNS.raw })
    expect([...seen]).toEqual(expect.arrayContaining([400]))
  })

  it('POST /api/orders: generated carts, customer refs and idempotency keys', TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(structured(true), (sent) => checkOrder('/api/orders', sent)),
      { numRuns: RUNS.structured, examples: ORDER_EXAMPLES },
    )
    expect([...seen]).toEqual(expect.arrayContaining([201, 400, 409, 415, 422]))
  })

  it('POST /api/orders: damaged JSON text', TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(rawText(true), (sent) => checkOrder('/api/orders', sent)),
      { numRuns: RUNS.raw },
    )
    expect([...seen]).toEqual(expect.arrayContaining([400]))
  })

  it('POST /api/orders/create (legacy alias): generated carts', TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(structured(true), (sent) => checkOrder('/api/orders/create', sent)),
      { numRuns: RUNS.alias, examples: ORDER_EXAMPLES },
    )
    expect([...seen]).toEqual(expect.arrayContaining([201, 400]))
  })
})
