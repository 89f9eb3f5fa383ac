import type { MiddlewareHandler } from 'hono'
import { D1_BUDGETS, REQUEST_ID_PATTERN } from '../config'
import type { AppEnv } from '../http/types'
import type { RequestMeter } from '../observability/meter'
import { createDeps } from '../services/create-deps'
import type { AppOptions } from '../services/deps'

/**
 * Request identity and accounting, for every request:
 * - `X-Request-Id`: the incoming one when it is a sane token, else a new UUID;
 * - per-request dependencies with metered D1/KV bindings (see `createDeps`);
 * - `Server-Timing` on `/api/` responses: `d1` and `kv` with their round-trip counts in `desc`;
 * - one structured log line per request, and a warning when a route exceeds its D1 budget
 *   (the N+1 detector).
 */
export function observe(options: AppOptions = {}): MiddlewareHandler<AppEnv> {
  return async function observe(c, next) {
    const started = Date.now()
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : crypto.randomUUID()
    c.set('requestId', requestId)
    // Set now as well as after `next`: a response built by onError (even for a configuration
    // error thrown just below) carries it too.
    c.header('X-Request-Id', requestId)
    const deps = createDeps(c.env, (p) => c.executionCtx.waitUntil(p), { requestId }, options)
    c.set('deps', deps)

    await next()

    const { meter, config, log } = deps
    deps.prices.flushDeferredWrites()
    c.header('X-Request-Id', requestId)
    if (config.serverTiming && c.req.path.startsWith('/api/')) c.header('Server-Timing', serverTiming(meter))

    const route = `${c.req.method} ${c.req.routePath}`
    const fields = {
      method: c.req.method,
      route,
      path: c.req.path,
      status: c.res.status,
      durationMs: Date.now() - started,
      d1RoundTrips: meter.d1RoundTrips,
      d1Ms: round(meter.d1Ms),
      kvOps: meter.kvOps,
      kvMs: round(meter.kvMs),
      cacheHits: meter.cacheHits,
      cacheMisses: meter.cacheMisses,
      ...(meter.notes.length > 0 ? { notes: meter.notes } : {}),
    }
    log.info('request', fields)
    const budget = D1_BUDGETS[route]
    if (budget !== undefined && meter.d1RoundTrips > budget + meter.d1Allowance) {
      log.warn('d1_budget_exceeded', {
        route,
        d1RoundTrips: meter.d1RoundTrips,
        budget: budget + meter.d1Allowance,
        hint: 'D1 round trips grew past the route budget: look for a query per cart line (N+1).',
      })
    }
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10

/** `d1;dur=<ms>;desc="<round trips>", kv;dur=<ms>;desc="<ops>"` (contract: Conventions). */
export function serverTiming(meter: RequestMeter): string {
  return [
    `d1;dur=${round(meter.d1Ms)};desc="${meter.d1RoundTrips}"`,
    `kv;dur=${round(meter.kvMs)};desc="${meter.kvOps}"`,
    `cache;desc="hit=${meter.cacheHits} miss=${meter.cacheMisses}"`,
  ].join(', ')
}
