import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { mergeCartItems, type PriceEntry, priceCart, safeAdd, safeMultiply } from './pricing'

const entry = (id: string, priceCents: number, active = true): PriceEntry => ({
  id,
  name: `Name ${id}`,
  priceCents,
  active,
})
const catalog = (...entries: PriceEntry[]) => new Map(entries.map((e) => [e.id, e]))

describe('mergeCartItems', () => {
  it.each([
    { name: 'keeps a single line', items: [['A', 1]], merged: [['A', 1]] },
    {
      name: 'keeps distinct lines in order',
      items: [
        ['B', 2],
        ['A', 1],
      ],
      merged: [
        ['B', 2],
        ['A', 1],
      ],
    },
    {
      name: 'sums repeats at the first appearance',
      items: [
        ['A', 1],
        ['B', 2],
        ['A', 3],
        ['C', 1],
        ['B', 5],
      ],
      merged: [
        ['A', 4],
        ['B', 7],
        ['C', 1],
      ],
    },
    {
      name: 'is case-sensitive on ids',
      items: [
        ['a', 1],
        ['A', 1],
      ],
      merged: [
        ['a', 1],
        ['A', 1],
      ],
    },
  ])('$name', ({ items, merged }) => {
    const toItems = (rows: (string | number)[][]) =>
      rows.map(([productId, quantity]) => ({ productId: String(productId), quantity: Number(quantity) }))
    expect(mergeCartItems(toItems(items))).toEqual(toItems(merged))
  })

  it('does not mutate its input', () => {
    const items = [
      { productId: 'A', quantity: 1 },
      { productId: 'A', quantity: 2 },
    ]
    mergeCartItems(items)
    expect(items).toEqual([
      { productId: 'A', quantity: 1 },
      { productId: 'A', quantity: 2 },
    ])
  })
})

describe('priceCart', () => {
  const prices = catalog(entry('A', 450), entry('B', 1999), entry('FREE', 0), entry('OFF', 100, false))

  it.each([
    { name: 'one line', lines: [['A', 2]], subtotal: 900, count: 2 },
    {
      name: 'several lines',
      lines: [
        ['A', 1],
        ['B', 3],
      ],
      subtotal: 450 + 5997,
      count: 4,
    },
    {
      name: 'a free product',
      lines: [
        ['FREE', 5],
        ['A', 1],
      ],
      subtotal: 450,
      count: 6,
    },
    { name: 'the largest quantity', lines: [['B', 999]], subtotal: 1999 * 999, count: 999 },
  ])('prices $name in integer minor units', ({ lines, subtotal, count }) => {
    const cart = lines.map(([productId, quantity]) => ({ productId: String(productId), quantity: Number(quantity) }))
    const result = priceCart(cart, prices, 'USD')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.quote.subtotalCents).toBe(subtotal)
    expect(result.quote.totalCents).toBe(subtotal)
    expect(result.quote.itemCount).toBe(count)
    expect(result.quote.currency).toBe('USD')
    for (const line of result.quote.items) {
      expect(Number.isInteger(line.lineTotalCents)).toBe(true)
      expect(line.lineTotalCents).toBe(line.unitPriceCents * line.quantity)
    }
  })

  it('keeps lines in cart order with names and unit prices from the price map', () => {
    const result = priceCart(
      [
        { productId: 'B', quantity: 1 },
        { productId: 'A', quantity: 2 },
      ],
      prices,
      'EUR',
    )
    expect(result).toEqual({
      ok: true,
      quote: {
        currency: 'EUR',
        items: [
          { productId: 'B', name: 'Name B', quantity: 1, unitPriceCents: 1999, lineTotalCents: 1999 },
          { productId: 'A', name: 'Name A', quantity: 2, unitPriceCents: 450, lineTotalCents: 900 },
        ],
        itemCount: 3,
        subtotalCents: 2899,
        totalCents: 2899,
      },
    })
  })

  it.each([
    { name: 'unknown', lines: ['A', 'NOPE'], missing: ['NOPE'] },
    { name: 'inactive', lines: ['OFF', 'A'], missing: ['OFF'] },
    { name: 'several, in cart order', lines: ['Z', 'A', 'OFF', 'Y'], missing: ['Z', 'OFF', 'Y'] },
  ])('reports $name products as missing', ({ lines, missing }) => {
    const result = priceCart(
      lines.map((productId) => ({ productId, quantity: 1 })),
      prices,
      'USD',
    )
    expect(result).toEqual({ ok: false, missingProductIds: missing })
  })

  it('refuses a total beyond the safe integer range instead of rounding it', () => {
    const huge = catalog(entry('H', Number.MAX_SAFE_INTEGER - 1))
    expect(() => priceCart([{ productId: 'H', quantity: 2 }], huge, 'USD')).toThrow(AppError)
    const big = catalog(entry('X', 2 ** 52), entry('Y', 2 ** 52))
    expect(() =>
      priceCart(
        [
          { productId: 'X', quantity: 1 },
          { productId: 'Y', quantity: 1 },
        ],
        big,
        'USD',
      ),
    ).toThrow(/largest amount/)
  })

  it('sums the largest legal cart exactly: 250 lines x 999 x 10,000,000.00', () => {
    const many = Array.from({ length: 250 }, (_, i) => entry(`P${i}`, 1_000_000_000))
    const result = priceCart(
      many.map((e) => ({ productId: e.id, quantity: 999 })),
      catalog(...many),
      'USD',
    )
    expect(result.ok && result.quote.totalCents).toBe(250 * 999 * 1_000_000_000)
  })

  it.each([
    { name: 'fractional price', price: 1.5 },
    { name: 'negative price', price: -1 },
    { name: 'NaN price', price: Number.NaN },
  ])('rejects a corrupt price entry ($name) rather than charging it', ({ price }) => {
    expect(() => priceCart([{ productId: 'A', quantity: 1 }], catalog(entry('A', price)), 'USD')).toThrow(/unit price/)
  })
})

describe('safe arithmetic', () => {
  it('adds and multiplies exactly inside the safe range', () => {
    expect(safeAdd(2 ** 52, 2 ** 52 - 1)).toBe(2 ** 53 - 1)
    expect(safeMultiply(999, 1_000_000_000)).toBe(999_000_000_000)
  })
  it('throws past it', () => {
    expect(() => safeAdd(2 ** 53 - 1, 1)).toThrow(AppError)
    expect(() => safeMultiply(2 ** 40, 2 ** 14)).toThrow(AppError)
  })
})
