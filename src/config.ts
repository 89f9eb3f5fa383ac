/**
 * Limits and configuration: the one home of every number the API enforces.
 * Values that vary per deployment come from `wrangler.toml` vars; the rest are fixed by the contract.
 */
export const LIMITS = {
  /** Largest accepted request body (contract: 64 KiB, else 413). */
  maxBodyBytes: 64 * 1024,
  maxCartLines: 250,
  maxQuantity: 999,
  /** Upper bound on a unit price: 250 lines x 999 x this stays far below 2^53. */
  maxPriceCents: 1_000_000_000,
  maxStock: 1_000_000_000,
  /** Product names: 1..200 UTF-16 code units, not blank, no control or bidi-override characters. */
  maxNameLength: 200,
  maxCustomerRefLength: 128,
  maxIdempotencyKeyLength: 255,
  pageSizeDefault: 20,
  pageSizeMax: 100,
  /** Workers KV bulk `get` takes at most 100 keys per call. */
  kvBulkGetMax: 100,
} as const

/** Product ids are SKU-like: 1..64 chars of [A-Za-z0-9._-]. */
export const PRODUCT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/
/** Idempotency keys: 1..255 printable ASCII characters (no spaces at either end). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/
/** An incoming X-Request-Id is echoed only when it is a sane token. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * D1 round-trip budgets per route on the happy path: constant in cart size.
 * A request that exceeds its route's budget logs a warning (the N+1 detector).
 */
export const D1_BUDGETS: Readonly<Record<string, number>> = {
  'GET /healthz': 1,
  'GET /api/products': 1,
  'GET /api/products/:id': 1,
  'POST /api/cart/quote': 1,
  'POST /api/orders': 2,
  'POST /api/orders/create': 2,
  'GET /api/orders/:id': 1,
  // Admin writes: one batch (read the previous row, write the new one); the KV refresh is counted apart.
  'PUT /api/products/:id': 1,
  'PATCH /api/products/:id': 1,
}

/** The in-isolate tier in front of KV: bounded, and a few seconds at most. */
export const MEMORY_TIER = { maxEntries: 10_000, ttlMs: 3_000 } as const

/**
 * Abuse limits: Workers Rate Limiting bindings declared in `wrangler.toml` (`[[ratelimits]]`, one
 * per environment, with that environment's limit). The period here must equal the binding's
 * `simple.period`: it is what a 429 advertises in `Retry-After`. Counters are kept per Cloudflare
 * location and are approximate; the key is the client address (CF-Connecting-IP).
 */
export const RATE_LIMITS = {
  quote: { binding: 'QUOTE_RATE_LIMITER', periodSeconds: 60 },
  order: { binding: 'ORDER_RATE_LIMITER', periodSeconds: 60 },
} as const satisfies Record<string, { binding: keyof Env; periodSeconds: 10 | 60 }>

/** The admin bearer token (Worker secret ADMIN_TOKEN): RFC 6750 token syntax, long enough to resist guessing. */
export const ADMIN_TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]{16,512}=*$/

/** Browsers may cache a CORS preflight answer this long (seconds). */
export const CORS_MAX_AGE_SECONDS = 600

export interface AppConfig {
  currency: string
  serverTiming: boolean
  logLevel: LogLevel
  priceCacheTtlSeconds: number
  kvTimeoutMs: number
  idempotencyRetentionHours: number
  /** Origins whose pages may call the public API (CORS); `*` allows any; empty allows none. */
  corsOrigins: readonly string[]
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent']

/** Subset of the Worker env that configuration is read from (all vars are strings). */
export interface ConfigVars {
  STORE_CURRENCY?: string
  SERVER_TIMING?: string
  LOG_LEVEL?: string
  PRICE_CACHE_TTL_SECONDS?: string
  KV_TIMEOUT_MS?: string
  IDEMPOTENCY_RETENTION_HOURS?: string
  CORS_ORIGINS?: string
}

const cache = new WeakMap<object, AppConfig>()

/**
 * Reads and validates configuration once per env object. A bad value is a deployment
 * mistake, so it throws a plain Error (reported as a generic 500, logged with the reason).
 */
export function readConfig(env: ConfigVars): AppConfig {
  const hit = cache.get(env)
  if (hit) return hit
  const currency = (env.STORE_CURRENCY ?? 'USD').trim().toUpperCase()
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`STORE_CURRENCY must be an ISO 4217 code, got "${currency}"`)
  const logLevel = (env.LOG_LEVEL ?? 'info').trim().toLowerCase() as LogLevel
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  // KV's minimum expirationTtl is 60 seconds.
  const config: AppConfig = {
    currency,
    serverTiming: !['off', 'false', '0', 'no'].includes((env.SERVER_TIMING ?? 'on').trim().toLowerCase()),
    logLevel,
    priceCacheTtlSeconds: positiveInt('PRICE_CACHE_TTL_SECONDS', env.PRICE_CACHE_TTL_SECONDS, 300, 60),
    kvTimeoutMs: positiveInt('KV_TIMEOUT_MS', env.KV_TIMEOUT_MS, 500, 1),
    idempotencyRetentionHours: positiveInt('IDEMPOTENCY_RETENTION_HOURS', env.IDEMPOTENCY_RETENTION_HOURS, 48, 24),
    corsOrigins: originList('CORS_ORIGINS', env.CORS_ORIGINS),
  }
  cache.set(env, config)
  return config
}

function positiveInt(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`)
  return value
}

/**
 * A comma-separated list of origins (`scheme://host[:port]`, nothing else), or `*`.
 *
 * @example
 * originList('CORS_ORIGINS', 'https://shop.example.com, http://localhost:5173')
 * // => ['https://shop.example.com', 'http://localhost:5173']
 */
function originList(name: string, raw: string | undefined): string[] {
  const items = (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  for (const item of items) {
    if (item !== '*' && httpOrigin(item) !== item) {
      throw new Error(
        `${name} must list origins like https://shop.example.com (no path, no trailing slash), got "${item}"`,
      )
    }
  }
  return items
}

function httpOrigin(value: string): string | null {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null
  } catch {
    return null
  }
}
