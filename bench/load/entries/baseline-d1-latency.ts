import baseline from '../../baseline/worker'
import { withD1Latency } from '../../support/delayed-d1'

/** Bench-only: the N+1 baseline build with LOAD_D1_DELAY_MS added to every D1 round trip. */
export default withD1Latency(baseline)
