import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { AppError } from '../domain/errors'
import { IdempotencyHeadersSchema, OrderRequestSchema, OrderSchema, problems } from '../http/schemas'
import type { AppEnv } from '../http/types'
import { createOrder, getOrder } from '../services/orders'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const createRouteConfig = (path: '/' | '/create', summary: string, deprecated: boolean) =>
  createRoute({
    method: 'post',
    path,
    tags: ['Orders'],
    summary,
    deprecated,
    description:
      'Writes the order, its lines, the stock decrements and the idempotency record in one atomic D1 batch. ' +
      'Prices are re-checked against D1 at write time: a stale cached price is never charged.',
    request: {
      headers: IdempotencyHeadersSchema,
      body: { required: true, content: { 'application/json': { schema: OrderRequestSchema } } },
    },
    responses: {
      201: {
        description: 'Order created (or, with `Idempotent-Replayed: true`, the original response replayed)',
        headers: z.object({
          Location: z.string().openapi({ example: '/api/orders/6f1c…' }),
          'Idempotent-Replayed': z.literal('true').optional(),
        }),
        content: { 'application/json': { schema: OrderSchema } },
      },
      ...problems(400, 409, 413, 415, 422, 429),
    },
  })

const getRouteConfig = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Orders'],
  summary: 'Read an order by its id',
  request: { params: z.object({ id: z.string().openapi({ format: 'uuid' }) }) },
  responses: {
    200: { description: 'The order', content: { 'application/json': { schema: OrderSchema } } },
    ...problems(404),
  },
})

async function handleCreate(c: Context<AppEnv>, body: z.infer<typeof OrderRequestSchema>, key: string | undefined) {
  const result = await createOrder(
    { items: body.items, customerRef: body.customerRef, idempotencyKey: key },
    c.var.deps,
  )
  const headers: Record<string, string> = { Location: `/api/orders/${result.order.id}` }
  if (result.replayed) headers['Idempotent-Replayed'] = 'true'
  // A replay re-serialises the stored body: JSON.stringify(JSON.parse(s)) === s, byte for byte.
  return c.json(result.order, result.status, headers)
}

export const orders = new OpenAPIHono<AppEnv>()
  .openapi(createRouteConfig('/', 'Create an order', false), (c) =>
    handleCreate(c, c.req.valid('json'), c.req.valid('header')['idempotency-key']),
  )
  .openapi(createRouteConfig('/create', 'Create an order (legacy alias of POST /api/orders)', true), (c) =>
    handleCreate(c, c.req.valid('json'), c.req.valid('header')['idempotency-key']),
  )
  .openapi(getRouteConfig, async (c) => {
    const { id } = c.req.valid('param')
    if (!UUID.test(id)) throw new AppError('ORDER.NOT_FOUND', 'No order with that id: order ids are UUIDs.')
    return c.json(await getOrder(id.toLowerCase(), c.var.deps), 200)
  })
