import { PriceCache } from '../cache/price-cache'
import { readConfig } from '../config'
import { createDb } from '../db/client'
import { createLogger } from '../observability/log'
import { meteredD1, meteredKV, RequestMeter } from '../observability/meter'
import type { AppOptions, Deps } from './deps'
import { loadPrices } from './prices'

/**
 * Builds one request's (or one scheduled run's) dependencies: the bindings are wrapped ONCE here,
 * so every D1 round trip and KV operation of the request is counted by its meter.
 */
export function createDeps(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  context: Record<string, unknown>,
  options: AppOptions = {},
): Deps {
  const config = readConfig(env)
  const meter = new RequestMeter()
  const log = createLogger(config.logLevel, context)
  return {
    db: createDb(meteredD1(env.DB, meter)),
    prices: new PriceCache({
      kv: meteredKV(env.PRICES, meter),
      deferredKv: env.PRICES,
      waitUntil,
      ttlSeconds: config.priceCacheTtlSeconds,
      timeoutMs: config.kvTimeoutMs,
      log,
    }),
    config,
    log,
    meter,
    now: () => new Date(),
    priceSource: options.priceSource ?? loadPrices,
  }
}
