import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { CORS_MAX_AGE_SECONDS } from '../config'
import type { AppEnv } from '../http/types'

/** What shopper front-ends may do cross-origin: read the catalog, quote and order. */
const PUBLIC_METHODS = ['GET', 'HEAD', 'POST'] as const
const ALLOWED_REQUEST_HEADERS = ['Content-Type', 'Idempotency-Key', 'Authorization', 'X-Request-Id']
const EXPOSED_RESPONSE_HEADERS = ['Server-Timing', 'X-Request-Id', 'Location', 'Idempotent-Replayed', 'Retry-After']

/**
 * CORS for shopper front-ends, with the allowed origins from configuration (`CORS_ORIGINS`).
 *
 * Catalog administration (PUT/PATCH) is never opened cross-origin: its requests get no CORS
 * headers, and a preflight asking for any method other than GET/HEAD/POST is answered without
 * any `Access-Control-Allow-*` header, which browsers treat as a refusal.
 *
 * @example
 * app.use('/api/*', shopperCors())
 */
export function shopperCors(): MiddlewareHandler<AppEnv> {
  const allowed = new Set<string>(PUBLIC_METHODS)
  const publicCors = cors({
    origin: (origin, c) => {
      const origins: readonly string[] = c.var.deps.config.corsOrigins
      if (origins.includes('*')) return '*'
      return origins.includes(origin) ? origin : null
    },
    allowMethods: [...PUBLIC_METHODS],
    allowHeaders: ALLOWED_REQUEST_HEADERS,
    exposeHeaders: EXPOSED_RESPONSE_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  })

  return async function shopperCors(c, next) {
    const method = c.req.method
    if (method === 'OPTIONS') {
      const requested = (c.req.header('Access-Control-Request-Method') ?? '').toUpperCase()
      if (requested !== '' && !allowed.has(requested)) {
        c.header('Vary', 'Origin, Access-Control-Request-Method')
        return c.body(null, 204)
      }
      return publicCors(c, next)
    }
    if (!allowed.has(method)) return next()
    return publicCors(c, next)
  }
}
