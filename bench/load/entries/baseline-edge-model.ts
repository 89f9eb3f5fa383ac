import baseline from '../../baseline/worker'
import { withEdgeModel } from '../../support/edge-model'

/** Bench-only: the N+1 baseline build behind the load test's edge model (see withEdgeModel). */
export default withEdgeModel(baseline)
