import type { MiddlewareHandler } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { HTTPException } from 'hono/http-exception'
import { ADMIN_TOKEN_PATTERN } from '../config'
import { AppError } from '../domain/errors'
import type { AppEnv } from '../http/types'

const REALM = 'admin'
const CHALLENGE = `Bearer realm="${REALM}"`
const INVALID_TOKEN = `Bearer realm="${REALM}", error="invalid_token"`

/**
 * Guards catalog administration with `Authorization: Bearer <ADMIN_TOKEN>`.
 *
 * - The token is the Worker secret `ADMIN_TOKEN`. Without one (or with one too short to resist
 *   guessing, see ADMIN_TOKEN_PATTERN) every call is refused: never open by default.
 * - The comparison is Hono's `bearerAuth`, which compares in constant time (`timingSafeEqual`
 *   over SHA-256 digests of both values).
 * - Every failure is a 401 problem with `WWW-Authenticate: Bearer ...`; a malformed header is a
 *   wrong token, not a 400, so an unauthenticated caller learns nothing about the request itself.
 *
 * @example
 * createRoute({ method: 'put', path: '/{id}', middleware: [adminAuth()] as const, ... })
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  // One bearerAuth per configured token (an isolate normally sees exactly one).
  const verifiers = new Map<string, MiddlewareHandler>()
  const verifierFor = (token: string): MiddlewareHandler => {
    let verifier = verifiers.get(token)
    if (!verifier) {
      verifier = bearerAuth({ token, realm: REALM })
      verifiers.set(token, verifier)
    }
    return verifier
  }

  return async function adminAuth(c, next) {
    const presented = c.req.header('Authorization')
    if (presented === undefined || presented.trim() === '') {
      throw unauthorized('Send the admin token as "Authorization: Bearer <token>".', CHALLENGE)
    }
    const token = c.env.ADMIN_TOKEN
    if (typeof token !== 'string' || !ADMIN_TOKEN_PATTERN.test(token)) {
      c.var.deps.log.error('admin.token_not_configured', {
        hint: 'Set the ADMIN_TOKEN secret (16+ characters of A-Z a-z 0-9 . _ ~ + / -); until then every admin call is refused.',
      })
      throw invalidToken()
    }
    try {
      // Verification only: the real `next` runs outside, so errors of the handler are not caught here.
      await verifierFor(token)(c, async () => {})
    } catch (error) {
      if (error instanceof HTTPException) throw invalidToken()
      throw error
    }
    await next()
  }
}

const invalidToken = (): AppError => unauthorized('The bearer token is not valid.', INVALID_TOKEN)

const unauthorized = (detail: string, challenge: string): AppError =>
  new AppError('AUTH.UNAUTHORIZED', detail, {}, { 'WWW-Authenticate': challenge })
