import { swaggerUI } from '@hono/swagger-ui'
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { LIMITS } from './config'
import { AppError, type FieldError } from './domain/errors'
import { problemResponse, toAppError, validationError } from './http/problem'
import type { AppEnv } from './http/types'
import { jsonBody } from './middleware/json-body'
import { observe } from './middleware/observe'
import { rateLimit } from './middleware/rate-limit'
import { securityHeaders } from './middleware/security-headers'
import { shopperCors } from './middleware/shopper-cors'
import { ADMIN_SECURITY_SCHEME, adminProducts } from './routes/admin-products'
import { cart } from './routes/cart'
import { health } from './routes/health'
import { orders } from './routes/orders'
import { products } from './routes/products'
import type { AppOptions } from './services/deps'

/** Builds the app: global middleware, route mounts, the one onError and notFound. */
export function createApp(options: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>({
    // Every validation failure, whatever the route, becomes the same 400 problem naming each field.
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === 'json' ? 'body' : result.target
        const errors: FieldError[] = result.error.issues.flatMap((issue) => {
          const path = issue.path.map(String)
          // One entry per unknown field, named by its full path (unknown fields are rejected, not ignored).
          if (issue.code === 'unrecognized_keys') {
            return issue.keys.map((key) => ({
              in: where,
              field: [...path, key.slice(0, 64)].join('.'),
              detail: 'is not a known field',
            }))
          }
          return [{ in: where, field: path.join('.'), detail: issue.message }]
        })
        throw validationError(errors)
      }
    },
  })

  app.use('*', observe(options))
  app.use('*', securityHeaders())
  app.use('/api/*', shopperCors())
  app.use(
    '*',
    bodyLimit({
      maxSize: LIMITS.maxBodyBytes,
      onError: () => {
        throw new AppError('REQUEST.TOO_LARGE', `The request body exceeds the ${LIMITS.maxBodyBytes / 1024} KiB limit.`)
      },
    }),
  )

  // Abuse limits first (garbage is counted too), then the strict JSON reader, then the route's validation.
  app.on('POST', '/api/cart/quote', rateLimit('quote'), jsonBody())
  app.on('POST', ['/api/orders', '/api/orders/create'], rateLimit('order'), jsonBody())

  app.route('/', health)
  app.route('/api/products', products)
  app.route('/api/products', adminProducts)
  app.route('/api/cart', cart)
  app.route('/api/orders', orders)

  app.openAPIRegistry.registerComponent('securitySchemes', ADMIN_SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The ADMIN_TOKEN secret of the deployment. Catalog administration is not available cross-origin.',
  })
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'Order API',
      version: '0.1.0',
      description:
        'Prices carts and creates orders at the edge. Every cart, 1 line or 250, is priced with a constant ' +
        'number of D1 round trips (see the `Server-Timing` header); stock never oversells; a retried checkout ' +
        'with the same Idempotency-Key never charges twice. Errors are RFC 9457 problem+json.\n\n' +
        'Request bodies are read strictly: JSON only (415 otherwise), UTF-8, at most 64 KiB (413), no duplicate ' +
        'keys and no unknown fields (400 naming each). Quotes and orders are rate-limited per client address ' +
        '(429 with Retry-After); the limits are set per environment and counted per Cloudflare location.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }))
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'Order API' }))

  app.notFound((c) =>
    problemResponse(c, new AppError('REQUEST.NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`)),
  )
  app.onError((error, c) => {
    const { appError, unexpected } = toAppError(error)
    if (unexpected) {
      const log = c.get('deps')?.log
      const fields = {
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
        path: c.req.path,
      }
      if (log) log.error('unhandled_error', fields)
      else
        console.error(
          JSON.stringify({ level: 'error', event: 'unhandled_error', requestId: c.get('requestId'), ...fields }),
        )
    }
    return problemResponse(c, appError)
  })
  return app
}
