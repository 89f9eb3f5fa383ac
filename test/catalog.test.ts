import { beforeAll, describe, expect, it } from 'vitest'
import { api, expectProblem, putProducts, roundTrips, seedDemoCatalog } from './helpers'

interface Product {
  id: string
  name: string
  priceCents: number
  currency: string
  stock: number
  active: boolean
  updatedAt: string
}
interface Page {
  items: Product[]
  nextCursor: string | null
}

beforeAll(async () => {
  await seedDemoCatalog()
})

describe('GET /api/products', () => {
  it('returns the first 20 products ordered by id, with a cursor to the next page', async () => {
    const res = await api('/api/products')
    expect(res.status).toBe(200)
    const page = (await res.json()) as Page
    expect(page.items).toHaveLength(20)
    expect(page.items[0]?.id).toBe('SKU-00001')
    expect(page.items.map((p) => p.id)).toEqual([...page.items.map((p) => p.id)].sort())
    expect(typeof page.nextCursor).toBe('string')
  })

  it('returns products in the contract shape', async () => {
    const page = (await (await api('/api/products?limit=1')).json()) as Page
    expect(page.items[0]).toEqual({
      id: 'SKU-00001',
      name: expect.any(String),
      priceCents: expect.any(Number),
      currency: 'USD',
      stock: expect.any(Number),
      active: true,
      updatedAt: '2026-01-01T00:00:00.000Z',
    })
    const p = page.items[0] as Product
    expect(Number.isInteger(p.priceCents) && p.priceCents >= 0).toBe(true)
    expect(Number.isInteger(p.stock) && p.stock >= 0).toBe(true)
  })

  it('walks the whole catalog with cursors, each product exactly once, last page nextCursor null', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await api(`/api/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      expect(res.status).toBe(200)
      expect(roundTrips(res).d1).toBe(1)
      const page = (await res.json()) as Page
      seen.push(...page.items.map((p) => p.id))
      cursor = page.nextCursor
      pages++
    } while (cursor !== null && pages < 20)
    expect(pages).toBe(10)
    expect(seen).toHaveLength(1000)
    expect(new Set(seen).size).toBe(1000)
    expect(seen).toEqual([...seen].sort())
  })

  it('answers nextCursor null when the last page is exactly full', async () => {
    const all = (await (await api(`/api/products?limit=100&cursor=${cursorAfter('SKU-00900')}`)).json()) as Page
    expect(all.items).toHaveLength(100)
    expect(all.nextCursor).toBeNull()
  })

  it.each([
    ['1', 1],
    ['100', 100],
  ])('accepts limit=%s', async (limit, expected) => {
    const page = (await (await api(`/api/products?limit=${limit}`)).json()) as Page
    expect(page.items).toHaveLength(expected)
  })

  it.each(['0', '101', '-1', '1.5', 'abc', '', '1e2', '0x10'])(
    'rejects limit=%j with a 400 naming the field',
    async (limit) => {
      const problem = await expectProblem(await api(`/api/products?limit=${encodeURIComponent(limit)}`), 400)
      expect(problem.errors).toEqual([expect.objectContaining({ in: 'query', field: 'limit' })])
    },
  )

  it.each(['not-a-cursor!', 'AAAA', btoa('p1:bad id with spaces'), btoa('something-else'), 'x'.repeat(300)])(
    'rejects a bad cursor %j with 400',
    async (cursor) => {
      const problem = await expectProblem(await api(`/api/products?cursor=${encodeURIComponent(cursor)}`), 400)
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'cursor' })])
    },
  )

  it('returns an empty last page after the last id', async () => {
    const page = (await (await api(`/api/products?cursor=${cursorAfter('SKU-99999')}`)).json()) as Page
    expect(page).toEqual({ items: [], nextCursor: null })
  })

  it('rejects unknown query parameters', async () => {
    await expectProblem(await api('/api/products?page=2'), 400)
  })
})

describe('GET /api/products/{id}', () => {
  it('returns one product', async () => {
    await putProducts([{ id: 'mug.blue_XL-1', name: 'Blue mug', priceCents: 1250, stock: 3, active: false }])
    const res = await api('/api/products/mug.blue_XL-1')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id: 'mug.blue_XL-1',
      name: 'Blue mug',
      priceCents: 1250,
      currency: 'USD',
      stock: 3,
      active: false,
      updatedAt: '2026-01-01T00:00:00.000Z',
    })
  })

  it('answers 404 problem for an unknown id', async () => {
    const problem = await expectProblem(await api('/api/products/SKU-99999'), 404)
    expect(problem.type).toBe('/problems/product-not-found')
  })

  it.each(['bad%20id', 'x'.repeat(65), '%C3%A9t%C3%A9', 'a%00b'])(
    'answers 404 for an id no product can have (%s) without a query',
    async (id) => {
      const res = await api(`/api/products/${id}`)
      expect(roundTrips(res).d1).toBe(0)
      await expectProblem(res, 404)
    },
  )
})

function cursorAfter(id: string): string {
  return btoa(`p1:${id}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}
