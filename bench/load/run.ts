/**
 * `npm run load`: the load test's entry point. Node runs TypeScript directly (type stripping);
 * this hook lets the load test's modules import each other without file extensions, as the rest
 * of the project (and the type checker) does.
 */
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('.') && !/\.[cm]?[jt]s$/.test(specifier)) {
      try {
        return nextResolve(`${specifier}.ts`, context)
      } catch {
        // not a TypeScript module: resolve it as written
      }
    }
    return nextResolve(specifier, context)
  },
})

await import('./main')
