import { beforeAll, describe, expect, it } from 'vitest'
import { findDuplicateKey } from '../src/middleware/json-body'
import { api, databaseFingerprint, expectProblem, putProducts } from './helpers'

// Every invalid request gets a 4xx problem naming what is wrong, never a 5xx, and changes nothing.

const A = { productId: 'HARD-A', quantity: 1 }
const ok = { items: [A] }
const lines = (n: number, quantity = 1) =>
  Array.from({ length: n }, (_, i) => ({ productId: `HARD-${String(i).padStart(3, '0')}`, quantity }))

interface Case {
  name: string
  body: string | Uint8Array | ReadableStream<Uint8Array> | null
  contentType?: string | null
  headers?: Record<string, string>
  status: number
  /** The `errors[].field` the problem must name, for schema violations. */
  field?: string
}

const json = (name: string, value: unknown, status: number, field?: string): Case => ({
  name,
  body: JSON.stringify(value),
  status,
  field,
})
const raw = (name: string, body: string, status: number, field?: string): Case => ({ name, body, status, field })

const cartCases: Case[] = [
  // Not JSON at all.
  raw('truncated JSON', '{"items":[{"productId":"HARD-A","quantity":1}', 400),
  raw('unquoted keys', '{items:[]}', 400),
  raw('single quotes', "{'items':[]}", 400),
  raw('a trailing comma', '{"items":[{"productId":"HARD-A","quantity":1},]}', 400),
  raw('NaN', '{"items":[{"productId":"HARD-A","quantity":NaN}]}', 400),
  raw('a raw control character inside a string', '{"items":[{"productId":"HARD\u0001A","quantity":1}]}', 400),
  raw('two JSON documents', '{"items":[]}{"items":[]}', 400),
  {
    name: 'bytes that are not UTF-8',
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    status: 400,
  },
  // Wrong or missing content type, empty bodies.
  { name: 'text/plain', body: JSON.stringify(ok), contentType: 'text/plain', status: 415 },
  { name: 'a form', body: 'items=1', contentType: 'application/x-www-form-urlencoded', status: 415 },
  { name: 'multipart', body: '--x--', contentType: 'multipart/form-data; boundary=x', status: 415 },
  { name: 'application/jsonx', body: JSON.stringify(ok), contentType: 'application/jsonx', status: 415 },
  { name: 'no Content-Type with a JSON body', body: JSON.stringify(ok), contentType: null, status: 415 },
  { name: 'an empty body', body: '', status: 400 },
  { name: 'no body and no Content-Type', body: null, contentType: null, status: 400 },
  raw('whitespace only', '   \n ', 400),
  // The wrong shape.
  json('null', null, 400),
  json('an array at the top', [A], 400),
  json('a string at the top', 'items', 400),
  json('a number at the top', 42, 400),
  json('items missing', {}, 400, 'items'),
  json('items as an object', { items: { 0: A } }, 400, 'items'),
  json('items as a string', { items: 'HARD-A' }, 400, 'items'),
  json('items null', { items: null }, 400, 'items'),
  json('a line that is a number', { items: [1] }, 400, 'items.0'),
  json('a line that is an array', { items: [['HARD-A', 1]] }, 400, 'items.0'),
  raw('very deep nesting', `{"items":${'['.repeat(5000)}${']'.repeat(5000)}}`, 400, 'items.0'),
  // Quantities.
  json('quantity 0', { items: [{ ...A, quantity: 0 }] }, 400, 'items.0.quantity'),
  json('a negative quantity', { items: [{ ...A, quantity: -1 }] }, 400, 'items.0.quantity'),
  json('a fractional quantity', { items: [{ ...A, quantity: 1.5 }] }, 400, 'items.0.quantity'),
  json('quantity 1000', { items: [{ ...A, quantity: 1000 }] }, 400, 'items.0.quantity'),
  json('a huge quantity', { items: [{ ...A, quantity: 1e308 }] }, 400, 'items.0.quantity'),
  raw('a quantity beyond double range', '{"items":[{"productId":"HARD-A","quantity":1e400}]}', 400, 'items.0.quantity'),
  json('an unsafe-integer quantity', { items: [{ ...A, quantity: 2 ** 53 + 2 }] }, 400, 'items.0.quantity'),
  json('a string quantity', { items: [{ ...A, quantity: '1' }] }, 400, 'items.0.quantity'),
  json('an array quantity', { items: [{ ...A, quantity: [1] }] }, 400, 'items.0.quantity'),
  json('an object quantity', { items: [{ ...A, quantity: { value: 1 } }] }, 400, 'items.0.quantity'),
  json('a boolean quantity', { items: [{ ...A, quantity: true }] }, 400, 'items.0.quantity'),
  json('a null quantity', { items: [{ ...A, quantity: null }] }, 400, 'items.0.quantity'),
  raw('quantity -0', '{"items":[{"productId":"HARD-A","quantity":-0}]}', 400, 'items.0.quantity'),
  // Product ids.
  json('an empty id', { items: [{ ...A, productId: '' }] }, 400, 'items.0.productId'),
  json('an id with a space', { items: [{ ...A, productId: 'HARD A' }] }, 400, 'items.0.productId'),
  json('an id with a slash', { items: [{ ...A, productId: '../HARD-A' }] }, 400, 'items.0.productId'),
  json('an id with SQL in it', { items: [{ ...A, productId: "A' OR '1'='1" }] }, 400, 'items.0.productId'),
  json('a non-ASCII id', { items: [{ ...A, productId: 'HÄRD-A' }] }, 400, 'items.0.productId'),
  json('an id with a NUL', { items: [{ ...A, productId: 'HARD-A\u0000' }] }, 400, 'items.0.productId'),
  json('an id of 65 characters', { items: [{ ...A, productId: 'H'.repeat(65) }] }, 400, 'items.0.productId'),
  json('a numeric id', { items: [{ ...A, productId: 42 }] }, 400, 'items.0.productId'),
  json('an array id', { items: [{ ...A, productId: ['HARD-A'] }] }, 400, 'items.0.productId'),
  // Line counts and merging.
  json('0 lines', { items: [] }, 400, 'items'),
  json('251 lines', { items: lines(251) }, 400, 'items'),
  json(
    'a merged quantity of 1000',
    {
      items: [
        { ...A, quantity: 500 },
        { ...A, quantity: 500 },
      ],
    },
    400,
    'items.0.quantity',
  ),
  json('a merged quantity over 999 from many lines', { items: Array(11).fill({ ...A, quantity: 91 }) }, 400),
  // Unknown fields are rejected, named by their path.
  json('an unknown top-level field', { ...ok, coupon: 'FREE' }, 400, 'coupon'),
  json('an unknown line field', { items: [{ ...A, priceCents: 1 }] }, 400, 'items.0.priceCents'),
  raw(
    'a __proto__ field',
    '{"items":[{"productId":"HARD-A","quantity":1}],"__proto__":{"admin":true}}',
    400,
    '__proto__',
  ),
  // Duplicate keys are ambiguous (JSON.parse would keep the last): rejected.
  raw('a duplicate top-level key', '{"items":[{"productId":"HARD-A","quantity":1}],"items":[]}', 400, 'items'),
  raw(
    'a duplicate line key',
    '{"items":[{"productId":"HARD-A","quantity":1,"quantity":999}]}',
    400,
    'items.0.quantity',
  ),
  raw(
    'a duplicate key spelled with an escape',
    '{"items":[{"productId":"HARD-A","quantity":1,"quanti\\u0074y":2}]}',
    400,
  ),
  // Size.
  raw('a body over 64 KiB', JSON.stringify({ items: [A], pad: 'x'.repeat(70_000) }), 413),
  {
    name: 'a chunked body over 64 KiB without Content-Length',
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = new TextEncoder().encode(' '.repeat(8192))
        for (let i = 0; i < 10; i++) controller.enqueue(chunk)
        controller.close()
      },
    }),
    status: 413,
  },
]

const orderOnlyCases: Case[] = [
  json('a customerRef over 128 characters', { ...ok, customerRef: 'r'.repeat(129) }, 400, 'customerRef'),
  json('a customerRef with a control character', { ...ok, customerRef: 'ref\u0007' }, 400, 'customerRef'),
  json('an empty customerRef', { ...ok, customerRef: '' }, 400, 'customerRef'),
  json('a numeric customerRef', { ...ok, customerRef: 42 }, 400, 'customerRef'),
  json('an object customerRef', { ...ok, customerRef: { id: 1 } }, 400, 'customerRef'),
  { ...json('an Idempotency-Key over 255 characters', ok, 400), headers: { 'Idempotency-Key': 'k'.repeat(256) } },
  { ...json('an Idempotency-Key with a tab', ok, 400), headers: { 'Idempotency-Key': 'a\tb' } },
]

function send(path: string, c: Case): Promise<Response> {
  const headers: Record<string, string> = { ...c.headers }
  const contentType = c.contentType === undefined ? 'application/json' : c.contentType
  if (contentType !== null) headers['Content-Type'] = contentType
  const body = c.body instanceof ReadableStream ? streamCopy(c.body) : c.body
  return api(path, { method: 'POST', headers, body })
}

// A stream can be read once; each endpoint gets its own copy.
const streams = new Map<ReadableStream<Uint8Array>, ReadableStream<Uint8Array>>()
function streamCopy(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const [a, b] = (streams.get(stream) ?? stream).tee()
  streams.set(stream, b)
  return a
}

beforeAll(async () => {
  await putProducts([
    { id: 'HARD-A', priceCents: 100, stock: 1000 },
    ...lines(251).map((l) => ({ id: l.productId, priceCents: 1, stock: 1000 })),
  ])
})

describe.each(['/api/cart/quote', '/api/orders', '/api/orders/create'])('POST %s rejects bad input', (path) => {
  const cases = path === '/api/cart/quote' ? cartCases : [...cartCases, ...orderOnlyCases]

  it.each(cases)('$name -> $status', async (c) => {
    const before = await databaseFingerprint()
    const res = await send(path, c)
    const problem = await expectProblem(res, c.status)
    expect(problem.detail).not.toBe('')
    if (c.field !== undefined) {
      expect((problem.errors as { field: string }[]).map((e) => e.field)).toContain(c.field)
    }
    expect(await databaseFingerprint()).toEqual(before)
  })

  it('still accepts the valid body these cases are variations of', async () => {
    const res = await send(path, json('valid', ok, 0))
    expect(res.status).toBe(path === '/api/cart/quote' ? 200 : 201)
  })
})

describe('the quote does not take order fields', () => {
  it('rejects customerRef on a quote as an unknown field', async () => {
    const problem = await expectProblem(
      await send('/api/cart/quote', json('ref', { ...ok, customerRef: 'r' }, 400)),
      400,
    )
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'customerRef' })])
  })
})

describe('borderline but valid', () => {
  it.each([
    ['250 lines', { items: lines(250) }],
    [
      'a merged quantity of exactly 999',
      {
        items: [
          { ...A, quantity: 500 },
          { ...A, quantity: 499 },
        ],
      },
    ],
    ['quantity written as 1.0e0', '{"items":[{"productId":"HARD-A","quantity":1.0e0}]}'],
    ['a UTF-8 byte-order mark', `\uFEFF${JSON.stringify(ok)}`],
    ['Content-Type with a charset', ok],
  ])('%s', async (_, body) => {
    const res = await api('/api/cart/quote', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    expect(res.status).toBe(200)
  })
})

describe('query strings, path ids and cursors', () => {
  it.each([
    ['/api/products?limit=0', 400, 'limit'],
    ['/api/products?limit=101', 400, 'limit'],
    ['/api/products?limit=1.5', 400, 'limit'],
    ['/api/products?limit=-1', 400, 'limit'],
    ['/api/products?limit=ten', 400, 'limit'],
    ['/api/products?limit=1&limit=2', 400, 'limit'],
    ['/api/products?cursor=not-a-cursor', 400, 'cursor'],
    [`/api/products?cursor=${btoa('p1:../../etc')}`, 400, 'cursor'],
    [`/api/products?cursor=${'A'.repeat(201)}`, 400, 'cursor'],
    ['/api/products?cursor=%FF%FE', 400, 'cursor'],
    ['/api/products?sort=price', 400, 'sort'],
  ])('GET %s -> %i naming %s', async (path, status, field) => {
    const problem = await expectProblem(await api(path), status)
    expect((problem.errors as { field: string }[]).map((e) => e.field)).toContain(field)
  })

  it.each([
    '/api/products/HARD%20A',
    '/api/products/H%C3%84RD',
    `/api/products/${'H'.repeat(65)}`,
    '/api/products/%E0%A4%A',
    '/api/orders/not-a-uuid',
    '/api/orders/00000000-0000-0000-0000-00000000000g',
    '/api/orders/12345678-1234-1234-1234-1234567890123',
    '/api/orders/%00',
  ])('GET %s -> 404 problem', async (path) => {
    await expectProblem(await api(path), 404)
  })

  it.each([
    ['DELETE', '/api/products/HARD-A'],
    ['PUT', '/api/orders'],
    ['GET', '/api/cart/quote'],
  ])('%s %s (no such route) -> 404 problem, nothing changed', async (method, path) => {
    const before = await databaseFingerprint()
    await expectProblem(await api(path, { method }), 404)
    expect(await databaseFingerprint()).toEqual(before)
  })
})

describe('findDuplicateKey', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1,"c":2,"b":3}}', 'a.b'],
    ['[{"x":1},{"y":1,"y":2}]', '1.y'],
    ['{"items":[{"q":1},{"q":2,"p":1,"q":3}]}', 'items.1.q'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"k\\"":1,"k\\"":2}', 'k"'],
  ])('finds the duplicate in %s', (text, path) => {
    expect(findDuplicateKey(text)).toBe(path)
  })

  it.each([
    '{"a":1,"b":{"a":2}}',
    '[{"a":1},{"a":2}]',
    '{"a":"{\\"a\\":1,\\"a\\":2}"}',
    '{"a":"b","b":"a"}',
    '{"a":[1,2,{"a":3}],"b":{}}',
    '{"x":"a,b:c","y":"]}"}',
    '"just a string"',
    '[]',
  ])('finds none in %s', (text) => {
    expect(findDuplicateKey(text)).toBeNull()
  })
})
