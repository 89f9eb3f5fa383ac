import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from '../http/types'

/**
 * Security headers on every response (Hono's `secureHeaders`): nosniff, HSTS, no framing,
 * no referrer, same-origin resource and opener policies. JSON responses also get a
 * Content-Security-Policy that allows nothing; the interactive `/docs` page loads Swagger UI
 * from a CDN with inline bootstrapping, so it keeps every header except the CSP.
 *
 * @example
 * app.use('*', securityHeaders())
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const common = {
    xFrameOptions: 'DENY',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
  }
  const forApi = secureHeaders({
    ...common,
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  })
  const forDocs = secureHeaders(common)

  return async function securityHeaders(c, next) {
    return c.req.path === '/docs' ? forDocs(c, next) : forApi(c, next)
  }
}
