import worker from '../../../src/index'
import { withD1Latency } from '../../support/delayed-d1'

/** Bench-only: the shipped worker with LOAD_D1_DELAY_MS added to every D1 round trip. */
export default withD1Latency(worker)
