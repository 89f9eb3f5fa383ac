import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { pingDatabase } from '../db/products'
import { AppError } from '../domain/errors'
import { problems } from '../http/schemas'
import type { AppEnv } from '../http/types'

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Operations'],
  summary: 'Liveness and database reachability',
  responses: {
    200: {
      description: 'D1 answers',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
    ...problems(503),
  },
})

export const health = new OpenAPIHono<AppEnv>().openapi(healthRoute, async (c) => {
  try {
    await pingDatabase(c.var.deps.db)
  } catch (error) {
    c.var.deps.log.error('healthz.d1_unreachable', { error: error instanceof Error ? error.message : String(error) })
    throw new AppError('SERVICE.UNAVAILABLE', 'The database is not answering.', {}, { 'Retry-After': '5' })
  }
  c.header('Cache-Control', 'no-store')
  return c.json({ status: 'ok' as const }, 200)
})
