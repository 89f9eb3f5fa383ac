import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { CartSchema, problems, QuoteSchema } from '../http/schemas'
import type { AppEnv } from '../http/types'
import { quoteCart } from '../services/quote'

const quoteRoute = createRoute({
  method: 'post',
  path: '/quote',
  tags: ['Cart'],
  summary: 'Price a cart without buying',
  description:
    'Repeated productIds are merged (quantities summed); lines come back in order of first appearance. ' +
    'At most one D1 round trip whatever the cart size, none when prices are cached.',
  request: { body: { required: true, content: { 'application/json': { schema: CartSchema } } } },
  responses: {
    200: { description: 'The priced cart', content: { 'application/json': { schema: QuoteSchema } } },
    ...problems(400, 413, 415, 422, 429),
  },
})

export const cart = new OpenAPIHono<AppEnv>().openapi(quoteRoute, async (c) => {
  const quote = await quoteCart(c.req.valid('json').items, c.var.deps)
  return c.json(quote, 200)
})
