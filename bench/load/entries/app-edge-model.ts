import worker from '../../../src/index'
import { withEdgeModel } from '../../support/edge-model'

/** Bench-only: the shipped worker behind the load test's edge model (see withEdgeModel). */
export default withEdgeModel(worker)
