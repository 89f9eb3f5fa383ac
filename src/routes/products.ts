import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { LIMITS, PRODUCT_ID_PATTERN } from '../config'
import { findProduct, listProducts, type Product } from '../db/products'
import { AppError } from '../domain/errors'
import { decodeCursor, encodeCursor } from '../http/cursor'
import { validationError } from '../http/problem'
import { ProductListQuerySchema, ProductPageSchema, ProductSchema, problems } from '../http/schemas'
import type { AppEnv } from '../http/types'

export const productDto = (row: Product, currency: string) => ({
  id: row.id,
  name: row.name,
  priceCents: row.priceCents,
  currency,
  stock: row.stock,
  active: row.active,
  updatedAt: row.updatedAt,
})

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Catalog'],
  summary: 'List products, ordered by id, with cursor pagination',
  request: { query: ProductListQuerySchema },
  responses: {
    200: { description: 'One page of products', content: { 'application/json': { schema: ProductPageSchema } } },
    ...problems(400),
  },
})

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Catalog'],
  summary: 'Get one product',
  request: { params: z.object({ id: z.string().openapi({ example: 'SKU-00042' }) }) },
  responses: {
    200: { description: 'The product', content: { 'application/json': { schema: ProductSchema } } },
    ...problems(404),
  },
})

export const products = new OpenAPIHono<AppEnv>()
  .openapi(listRoute, async (c) => {
    const { db, config } = c.var.deps
    const { limit = LIMITS.pageSizeDefault, cursor } = c.req.valid('query')
    const after = cursor === undefined ? null : decodeCursor(cursor)
    if (cursor !== undefined && after === null) {
      throw validationError([{ in: 'query', field: 'cursor', detail: 'is not a cursor issued by this API' }])
    }
    const rows = await listProducts(db, after, limit)
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const nextCursor = rows.length > limit && last ? encodeCursor(last.id) : null
    return c.json({ items: page.map((r) => productDto(r, config.currency)), nextCursor }, 200)
  })
  .openapi(getRoute, async (c) => {
    const { db, config } = c.var.deps
    const { id } = c.req.valid('param')
    // An id that no product can have is simply not found: no query needed.
    const row = PRODUCT_ID_PATTERN.test(id) ? await findProduct(db, id) : undefined
    if (!row) throw new AppError('PRODUCT.NOT_FOUND', `No product with id ${JSON.stringify(id.slice(0, 80))}.`)
    return c.json(productDto(row, config.currency), 200)
  })
