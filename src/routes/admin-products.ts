import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { ProductIdParamSchema, ProductPatchSchema, ProductPutSchema, ProductSchema, problems } from '../http/schemas'
import type { AppEnv } from '../http/types'
import { adminAuth } from '../middleware/admin-auth'
import { jsonBody } from '../middleware/json-body'
import { changeProduct, saveProduct } from '../services/catalog'
import { productDto } from './products'

/** Name of the bearer security scheme in the OpenAPI document. */
export const ADMIN_SECURITY_SCHEME = 'adminBearer'

// Authentication first: an unauthenticated caller gets a 401 whatever the body, and learns nothing from validation.
const guarded = [adminAuth(), jsonBody()]

const cacheNote =
  'A change of price, name or active writes the new price entry to the KV cache (and this isolate) in the same ' +
  'request: the next quote here and the next order anywhere use it. Stock changes need no cache write: stock ' +
  'is enforced by D1 when an order is written.'

const putRoute = createRoute({
  method: 'put',
  path: '/{id}',
  tags: ['Catalog administration'],
  summary: 'Create or replace a product',
  description: `Admin only. 201 when created, 200 when replaced; one atomic D1 write. ${cacheNote}`,
  middleware: guarded,
  security: [{ [ADMIN_SECURITY_SCHEME]: [] }],
  request: {
    params: ProductIdParamSchema,
    body: { required: true, content: { 'application/json': { schema: ProductPutSchema } } },
  },
  responses: {
    200: { description: 'Replaced', content: { 'application/json': { schema: ProductSchema } } },
    201: {
      description: 'Created',
      headers: z.object({ Location: z.string().openapi({ example: '/api/products/SKU-00042' }) }),
      content: { 'application/json': { schema: ProductSchema } },
    },
    ...problems(400, 401, 413, 415),
  },
})

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['Catalog administration'],
  summary: 'Change some fields of a product',
  description: `Admin only. Any non-empty subset of name, priceCents, stock, active. ${cacheNote}`,
  middleware: guarded,
  security: [{ [ADMIN_SECURITY_SCHEME]: [] }],
  request: {
    params: ProductIdParamSchema,
    body: { required: true, content: { 'application/json': { schema: ProductPatchSchema } } },
  },
  responses: {
    200: { description: 'The product after the change', content: { 'application/json': { schema: ProductSchema } } },
    ...problems(400, 401, 404, 413, 415),
  },
})

export const adminProducts = new OpenAPIHono<AppEnv>()
  .openapi(putRoute, async (c) => {
    const { id } = c.req.valid('param')
    const { active = true, ...rest } = c.req.valid('json')
    const { product, created } = await saveProduct(id, { ...rest, active }, c.var.deps)
    const body = productDto(product, c.var.deps.config.currency)
    return created ? c.json(body, 201, { Location: `/api/products/${id}` }) : c.json(body, 200)
  })
  .openapi(patchRoute, async (c) => {
    const { id } = c.req.valid('param')
    const product = await changeProduct(id, c.req.valid('json'), c.var.deps)
    return c.json(productDto(product, c.var.deps.config.currency), 200)
  })
