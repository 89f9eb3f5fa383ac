import { delayedD1 } from './delayed-d1'
import { modelKV } from './model-kv'

interface EdgeModelVars {
  /** Milliseconds added to every D1 round trip (the simulated edge). */
  LOAD_D1_DELAY_MS?: string
  /** When set: PRICES becomes a `modelKV` with this many milliseconds per operation. */
  LOAD_KV_MODEL_MS?: string
}

/**
 * The load test's bench-only builds: a worker whose bindings model production more closely than
 * the local simulators, from vars. `LOAD_D1_DELAY_MS` delays every D1 round trip (a Worker far
 * from the D1 primary); `LOAD_KV_MODEL_MS` replaces PRICES with a modelled KV whose bulk read is
 * one round trip. The app code is the shipped code; the wrapped env is built once per env object.
 */
export function withEdgeModel(handler: ExportedHandler<Env>): ExportedHandler<Env> {
  const wrapped = new WeakMap<Env, Env>()
  const fetch = handler.fetch
  if (!fetch) throw new Error('withEdgeModel() needs a worker with a fetch handler')
  return {
    fetch(request, env, ctx) {
      let modelled = wrapped.get(env)
      if (!modelled) {
        const vars = env as Env & EdgeModelVars
        modelled = {
          ...env,
          DB: delayedD1(env.DB, Number(vars.LOAD_D1_DELAY_MS ?? 0)),
          ...(vars.LOAD_KV_MODEL_MS === undefined ? {} : { PRICES: modelKV(Number(vars.LOAD_KV_MODEL_MS)) }),
        }
        wrapped.set(env, modelled)
      }
      return fetch.call(handler, request, modelled, ctx)
    },
  }
}
