import type { MiddlewareHandler } from 'hono'
import { RATE_LIMITS } from '../config'
import { AppError } from '../domain/errors'
import type { AppEnv } from '../http/types'

export type RateLimitName = keyof typeof RATE_LIMITS

/**
 * Per-client abuse limit backed by a Workers Rate Limiting binding (`[[ratelimits]]` in
 * wrangler.toml; the limit itself is per environment). The key is the client address
 * (`CF-Connecting-IP`, an IPv6 address by its /64); counters are per Cloudflare location and
 * approximate, as the binding documents. Over the limit: 429 problem with `Retry-After` (the
 * binding's period, an upper bound). It runs before the body is read, so floods of garbage are
 * limited too. If the binding itself fails, the request is let through and the failure logged:
 * an abuse limit must not take checkout down.
 *
 * @example
 * app.on('POST', '/api/cart/quote', rateLimit('quote'))
 */
export function rateLimit(name: RateLimitName): MiddlewareHandler<AppEnv> {
  const { binding, periodSeconds } = RATE_LIMITS[name]
  const retryAfter = String(periodSeconds)

  return async function rateLimit(c, next) {
    const key = clientKey(c.req.header('CF-Connecting-IP'))
    let allowed = true
    try {
      allowed = (await c.env[binding].limit({ key })).success
    } catch (error) {
      c.var.deps.log.warn('rate_limit.unavailable', {
        limiter: name,
        error: error instanceof Error ? error.message : String(error),
      })
    }
    if (!allowed) {
      c.var.deps.log.info('rate_limit.exceeded', { limiter: name })
      throw new AppError(
        'RATE.LIMITED',
        `Too many ${name} requests from this client. Retry after ${retryAfter} seconds.`,
        { retryAfterSeconds: periodSeconds },
        { 'Retry-After': retryAfter },
      )
    }
    await next()
  }
}

/**
 * The rate-limit key of a client address: IPv4 as is, IPv6 by its /64 (one subscriber usually
 * holds a whole /64). Without the header (only outside Cloudflare's edge) every client shares one key.
 *
 * @example
 * clientKey('2001:db8:1:2:3:4:5:6') // => 'ip6:2001:db8:1:2'
 * clientKey('203.0.113.9')          // => 'ip4:203.0.113.9'
 */
export function clientKey(address: string | undefined): string {
  const ip = (address ?? '').trim()
  if (ip === '') return 'unknown'
  if (!ip.includes(':')) return `ip4:${ip.slice(0, 64)}`
  const prefix = ipv6Prefix64(ip)
  return prefix === null ? `ip6:${ip.slice(0, 64).toLowerCase()}` : `ip6:${prefix}`
}

function ipv6Prefix64(ip: string): string | null {
  const [head = '', tail, extra] = ip.toLowerCase().split('::')
  if (extra !== undefined) return null
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  // An embedded IPv4 tail (::ffff:1.2.3.4) occupies two groups.
  const groups = right.at(-1)?.includes('.') || (tail === undefined && left.at(-1)?.includes('.')) ? 7 : 8
  const missing = groups - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 1) return null
  const full = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right]
  const first4 = full.slice(0, 4)
  if (first4.length < 4 || !first4.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null
  return first4.map((g) => g.replace(/^0+(?=.)/, '')).join(':')
}
