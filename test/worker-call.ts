import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import worker from '../src/index'
import { BASE } from './helpers'

/**
 * Calls the worker's own fetch handler with the real bindings (optionally with some replaced, for
 * fault injection), then waits for its `waitUntil` work (KV write-backs) to finish, so that the
 * next request sees a deterministic cache state.
 */
export async function callWorker(
  path: string,
  init: RequestInit = {},
  overrides: Partial<Env> = {},
): Promise<Response> {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), { ...env, ...overrides } as Env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

export function postWorker(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  overrides: Partial<Env> = {},
): Promise<Response> {
  return callWorker(
    path,
    { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) },
    overrides,
  )
}

/** Records the statements of every D1 batch while passing everything through to the real binding. */
export function recordingD1(db: D1Database, onBatch?: (size: number) => Promise<void> | void) {
  const batches: number[] = []
  let singles = 0
  const binding = new Proxy(db, {
    get(target, prop) {
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          batches.push(statements.length)
          await onBatch?.(statements.length)
          return target.batch(statements.map((s) => unwrapped.get(s) ?? s))
        }
      }
      if (prop === 'prepare') {
        return (query: string) => {
          const statement = target.prepare(query)
          return countingStatement(statement, () => singles++)
        }
      }
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { binding, batches, singles: () => singles }
}

const unwrapped = new WeakMap<D1PreparedStatement, D1PreparedStatement>()

function countingStatement(statement: D1PreparedStatement, onRun: () => void): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, prop) {
      if (prop === 'bind') return (...values: unknown[]) => countingStatement(target.bind(...values), onRun)
      const value = Reflect.get(target, prop)
      if (typeof value !== 'function') return value
      if (prop === 'first' || prop === 'all' || prop === 'run' || prop === 'raw') {
        return (...args: unknown[]) => {
          onRun()
          return value.apply(target, args)
        }
      }
      return value.bind(target)
    },
  })
  unwrapped.set(proxy, statement)
  return proxy
}

/** Ids like `<prefix>-0001` for n products: fresh ids keep every test's cache state cold. */
export const ids = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`)
