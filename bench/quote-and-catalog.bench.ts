import { beforeAll, describe, test } from 'vitest'
import { comparePricing, runOptions } from './support/groups'
import { activeIds, prepareCatalog, profile, readCase } from './support/harness'

/** Quotes (pricing without the write) and catalog reads; not part of the CI gate. */
describe.skipIf(profile() === 'ci')('quote and catalog reads', () => {
  beforeAll(prepareCatalog)

  test('POST /api/cart/quote, 100-line cart', async ({ bench, task }) => {
    await comparePricing(
      { bench, task },
      {
        section: 'Quote (POST /api/cart/quote), local D1 and KV',
        label: '100 lines',
        lines: 100,
        path: '/api/cart/quote',
        ids: activeIds(100, 600),
        expectStatus: 200,
        variants: ['before', 'in-list', 'cold', 'cold-kv-deferred', 'kv-warm', 'warm'],
      },
    )
  })

  test('catalog reads', async ({ bench, task }) => {
    const cases = {
      'product by id': readCase('/api/products/SKU-00042', 'GET /api/products/{id}: one D1 query by primary key'),
      'list, 20 per page': readCase('/api/products?limit=20', 'GET /api/products?limit=20: one ordered D1 page'),
      'list, 100 per page': readCase('/api/products?limit=100', 'GET /api/products?limit=100: one ordered D1 page'),
    }
    await bench.compare(...Object.entries(cases).map(([name, c]) => bench(name, c.hooks, c.run)), runOptions())
    task.meta.benchGroup = {
      section: 'Catalog reads (GET), local D1',
      label: 'catalog',
      cases: Object.fromEntries(Object.entries(cases).map(([name, c]) => [name, c.meta()])),
    }
  })
})
