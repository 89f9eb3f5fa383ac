import { createApp } from '../../src/app'
import { nPlusOnePrices } from './n-plus-one'

/**
 * A bench-only build of the worker whose cart pricing is the N+1 "before" implementation.
 * Everything else (routes, validation, the atomic order batch) is the shipped code, so a
 * side-by-side run isolates the pricing change. Never deployed.
 */
const app = createApp({ priceSource: nPlusOnePrices })

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>
