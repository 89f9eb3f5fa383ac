import type { PriceCache } from '../cache/price-cache'
import type { AppConfig } from '../config'
import type { Db } from '../db/client'
import type { PriceEntry } from '../domain/pricing'
import type { Logger } from '../observability/log'
import type { RequestMeter } from '../observability/meter'

/** What a use case needs, passed explicitly: built once per request by the `observe` middleware. */
export interface Deps {
  db: Db
  prices: PriceCache
  config: AppConfig
  log: Logger
  meter: RequestMeter
  now: () => Date
  /** Where cart prices come from: the cache tiers with one D1 query for misses (see prices.ts). */
  priceSource: PriceSource
}

/** Reads price entries for a cart's distinct ids; unknown ids are absent from the map. */
export type PriceSource = (ids: readonly string[], deps: Deps) => Promise<Map<string, PriceEntry>>

export interface AppOptions {
  /** Replaces the price source; only benchmarks use this (to run the N+1 "before" pricing). */
  priceSource?: PriceSource
}
