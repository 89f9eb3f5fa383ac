import type { PriceCache } from '../cache/price-cache'
import type { AppConfig } from '../config'
import type { Db } from '../db/client'
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
}
