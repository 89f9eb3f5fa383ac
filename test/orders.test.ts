import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { isolatePriceTier } from '../src/cache/price-cache'
import { api, count, expectProblem, postJson, putProducts, stockOf } from './helpers'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

interface Order {
  id: string
  status: string
  currency: string
  items: { productId: string; name: string; quantity: number; unitPriceCents: number; lineTotalCents: number }[]
  itemCount: number
  subtotalCents: number
  totalCents: number
  customerRef: string | null
  createdAt: string
}

async function snapshot() {
  const { results } = await env.DB.prepare('SELECT id, stock FROM products ORDER BY id').all<{
    id: string
    stock: number
  }>()
  return {
    orders: await count('orders'),
    lines: await count('order_lines'),
    keys: await count('idempotency_keys'),
    stock: results,
  }
}

beforeEach(async () => {
  isolatePriceTier.clear()
  await putProducts([
    { id: 'MUG', name: 'Mug', priceCents: 450, stock: 10 },
    { id: 'TEE', name: 'T-shirt', priceCents: 1999, stock: 3 },
    { id: 'CAP', name: 'Cap', priceCents: 1200, stock: 50 },
    { id: 'OFF', name: 'Retired', priceCents: 999, stock: 10, active: false },
  ])
})

describe('POST /api/cart/quote', () => {
  it('prices a cart, merging repeated lines in order of first appearance', async () => {
    const res = await postJson('/api/cart/quote', {
      items: [
        { productId: 'TEE', quantity: 1 },
        { productId: 'MUG', quantity: 2 },
        { productId: 'TEE', quantity: 2 },
      ],
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      currency: 'USD',
      items: [
        { productId: 'TEE', name: 'T-shirt', quantity: 3, unitPriceCents: 1999, lineTotalCents: 5997 },
        { productId: 'MUG', name: 'Mug', quantity: 2, unitPriceCents: 450, lineTotalCents: 900 },
      ],
      itemCount: 5,
      subtotalCents: 6897,
      totalCents: 6897,
    })
  })

  it('quotes more than the stock on hand (a quote is not a reservation)', async () => {
    const res = await postJson('/api/cart/quote', { items: [{ productId: 'TEE', quantity: 999 }] })
    expect(res.status).toBe(200)
  })

  it('answers 422 with missingProductIds for unknown and inactive products', async () => {
    const res = await postJson('/api/cart/quote', {
      items: [
        { productId: 'NOPE', quantity: 1 },
        { productId: 'MUG', quantity: 1 },
        { productId: 'OFF', quantity: 1 },
      ],
    })
    const problem = await expectProblem(res, 422)
    expect(problem.type).toBe('/problems/missing-products')
    expect(problem.missingProductIds).toEqual(['NOPE', 'OFF'])
  })

  it.each([
    { name: 'no lines', items: [] },
    { name: '251 lines', items: Array.from({ length: 251 }, (_, i) => ({ productId: `P${i}`, quantity: 1 })) },
    {
      name: 'a merged quantity over 999',
      items: [
        { productId: 'MUG', quantity: 500 },
        { productId: 'MUG', quantity: 500 },
      ],
    },
    { name: 'quantity 0', items: [{ productId: 'MUG', quantity: 0 }] },
    { name: 'quantity 1000', items: [{ productId: 'MUG', quantity: 1000 }] },
  ])('answers 400 for $name', async ({ items }) => {
    const problem = await expectProblem(await postJson('/api/cart/quote', { items }), 400)
    expect(Array.isArray(problem.errors) && problem.errors.length > 0).toBe(true)
  })

  it('accepts exactly 250 lines and a merged quantity of exactly 999', async () => {
    const items = [
      ...Array.from({ length: 248 }, () => ({ productId: 'CAP', quantity: 1 })),
      { productId: 'MUG', quantity: 998 },
      { productId: 'MUG', quantity: 1 },
    ]
    const res = await postJson('/api/cart/quote', { items })
    expect(res.status).toBe(200)
    const quote = (await res.json()) as Order
    expect(quote.items).toEqual([
      expect.objectContaining({ productId: 'CAP', quantity: 248 }),
      expect.objectContaining({ productId: 'MUG', quantity: 999 }),
    ])
  })
})

describe('POST /api/orders', () => {
  it('creates an order: 201, Location, the contract shape, stock decremented', async () => {
    const before = await snapshot()
    const res = await postJson('/api/orders', {
      items: [
        { productId: 'MUG', quantity: 2 },
        { productId: 'TEE', quantity: 1 },
      ],
      customerRef: 'cust-42',
    })
    expect(res.status).toBe(201)
    const order = (await res.json()) as Order
    expect(order.id).toMatch(UUID_V4)
    expect(res.headers.get('Location')).toBe(`/api/orders/${order.id}`)
    expect(order).toEqual({
      id: order.id,
      status: 'confirmed',
      currency: 'USD',
      items: [
        { productId: 'MUG', name: 'Mug', quantity: 2, unitPriceCents: 450, lineTotalCents: 900 },
        { productId: 'TEE', name: 'T-shirt', quantity: 1, unitPriceCents: 1999, lineTotalCents: 1999 },
      ],
      itemCount: 3,
      subtotalCents: 2899,
      totalCents: 2899,
      customerRef: 'cust-42',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    })
    expect(await stockOf('MUG')).toBe(8)
    expect(await stockOf('TEE')).toBe(2)
    const after = await snapshot()
    expect(after.orders - before.orders).toBe(1)
    expect(after.lines - before.lines).toBe(2)
    expect(after.keys).toBe(before.keys)
  })

  it('is readable at its Location, identical to the creation response', async () => {
    const res = await postJson('/api/orders', { items: [{ productId: 'CAP', quantity: 3 }] })
    const created = (await res.json()) as Order
    const read = await api(res.headers.get('Location') as string)
    expect(read.status).toBe(200)
    expect(await read.json()).toEqual({ ...created, customerRef: null })
  })

  it('gives every order a fresh random id', async () => {
    const a = (await (await postJson('/api/orders', { items: [{ productId: 'CAP', quantity: 1 }] })).json()) as Order
    const b = (await (await postJson('/api/orders', { items: [{ productId: 'CAP', quantity: 1 }] })).json()) as Order
    expect(a.id).not.toBe(b.id)
  })

  it('behaves the same on the legacy alias POST /api/orders/create', async () => {
    const res = await postJson('/api/orders/create', { items: [{ productId: 'MUG', quantity: 1 }] })
    expect(res.status).toBe(201)
    const order = (await res.json()) as Order
    expect(res.headers.get('Location')).toBe(`/api/orders/${order.id}`)
    expect(order.totalCents).toBe(450)
    expect((await api(`/api/orders/${order.id}`)).status).toBe(200)
    await expectProblem(await postJson('/api/orders/create', { items: [{ productId: 'NOPE', quantity: 1 }] }), 422)
  })

  it('answers 422 missingProductIds for unknown or inactive products and writes nothing', async () => {
    const before = await snapshot()
    const problem = await expectProblem(
      await postJson('/api/orders', {
        items: [
          { productId: 'MUG', quantity: 1 },
          { productId: 'OFF', quantity: 1 },
        ],
      }),
      422,
    )
    expect(problem.missingProductIds).toEqual(['OFF'])
    expect(await snapshot()).toEqual(before)
  })

  it('answers 409 insufficientStock with requested/available for every short line and writes nothing', async () => {
    const before = await snapshot()
    const problem = await expectProblem(
      await postJson('/api/orders', {
        items: [
          { productId: 'MUG', quantity: 11 },
          { productId: 'CAP', quantity: 1 },
          { productId: 'TEE', quantity: 4 },
        ],
      }),
      409,
    )
    expect(problem.type).toBe('/problems/insufficient-stock')
    expect(problem.insufficientStock).toEqual([
      { productId: 'MUG', requested: 11, available: 10 },
      { productId: 'TEE', requested: 4, available: 3 },
    ])
    expect(await snapshot()).toEqual(before)
  })

  it('sells the last unit and refuses the next', async () => {
    expect((await postJson('/api/orders', { items: [{ productId: 'TEE', quantity: 3 }] })).status).toBe(201)
    expect(await stockOf('TEE')).toBe(0)
    const problem = await expectProblem(
      await postJson('/api/orders', { items: [{ productId: 'TEE', quantity: 1 }] }),
      409,
    )
    expect(problem.insufficientStock).toEqual([{ productId: 'TEE', requested: 1, available: 0 }])
  })

  it('never oversells: 20 concurrent orders for a product with stock 5 create exactly 5', async () => {
    await putProducts([{ id: 'HOT', name: 'Hot item', priceCents: 100, stock: 5 }])
    const ordersBefore = await count('orders')
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => postJson('/api/orders', { items: [{ productId: 'HOT', quantity: 1 }] })),
    )
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(5)
    expect(statuses.filter((s) => s === 409)).toHaveLength(15)
    expect(await stockOf('HOT')).toBe(0)
    expect((await count('orders')) - ordersBefore).toBe(5)
    const { results } = await env.DB.prepare("SELECT COUNT(*) AS n FROM order_lines WHERE product_id = 'HOT'").all<{
      n: number
    }>()
    expect(results[0]?.n).toBe(5)
  })

  it('is atomic: a batch that fails half-way (second line short) leaves no order, no lines, no stock change', async () => {
    await putProducts([
      { id: 'PLENTY', priceCents: 100, stock: 100 },
      { id: 'SCARCE', priceCents: 100, stock: 1 },
    ])
    const before = await snapshot()
    const res = await postJson('/api/orders', {
      items: [
        { productId: 'PLENTY', quantity: 5 },
        { productId: 'SCARCE', quantity: 2 },
      ],
    })
    await expectProblem(res, 409)
    const after = await snapshot()
    expect(after).toEqual(before)
    expect(await stockOf('PLENTY')).toBe(100)
  })

  it('answers 400 for a customerRef over 128 characters, and accepts 128', async () => {
    await expectProblem(
      await postJson('/api/orders', { items: [{ productId: 'CAP', quantity: 1 }], customerRef: 'x'.repeat(129) }),
      400,
    )
    const ok = await postJson('/api/orders', {
      items: [{ productId: 'CAP', quantity: 1 }],
      customerRef: 'é'.repeat(128),
    })
    expect(ok.status).toBe(201)
    expect(((await ok.json()) as Order).customerRef).toBe('é'.repeat(128))
  })
})

describe('GET /api/orders/{id}', () => {
  it('answers 404 problem for an unknown id', async () => {
    const problem = await expectProblem(await api(`/api/orders/${crypto.randomUUID()}`), 404)
    expect(problem.type).toBe('/problems/order-not-found')
  })

  it.each(['not-a-uuid', '123', `${crypto.randomUUID()}x`, "1' OR '1'='1"])(
    'answers 404 for a malformed id %j',
    async (id) => {
      await expectProblem(await api(`/api/orders/${encodeURIComponent(id)}`), 404)
    },
  )

  it('reads an order with one D1 round trip', async () => {
    const created = await postJson('/api/orders', { items: [{ productId: 'CAP', quantity: 1 }] })
    const res = await api(created.headers.get('Location') as string)
    expect(res.headers.get('Server-Timing')).toContain('d1;dur=')
    expect(res.headers.get('Server-Timing')).toMatch(/d1;dur=[\d.]+;desc="1"/)
  })
})
