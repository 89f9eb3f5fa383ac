import type { Deps } from '../services/deps'

/** Hono environment of the app: the Worker's bindings and what `observe` puts on the context. */
export interface AppEnv {
  Bindings: Env
  Variables: {
    requestId: string
    deps: Deps
  }
}
