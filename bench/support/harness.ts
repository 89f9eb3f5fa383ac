import { env } from 'cloudflare:workers'
import { createApp } from '../../src/app'
import { isolatePriceTier, priceKey } from '../../src/cache/price-cache'
import worker from '../../src/index'
import { inListPrices } from '../baseline/in-list'
import baseline from '../baseline/worker'
import type { BenchCaseMeta } from './meta'

/**
 * The pricing variants compared side by side. Each one is a full request through a worker's own
 * `fetch` (routing, validation, pricing, the order batch, JSON), on the real local D1 and KV.
 */
export const VARIANTS = {
  before: 'N+1 "before": one `WHERE id = ?` per line, awaited in a loop, no cache (bench-only build)',
  'in-list': 'one `json_each` IN-list query per cart, no cache tiers: the query-shape fix on its own',
  cold: 'shipped path, both cache tiers empty: KV bulk read (all miss), one IN-list query, write-back to KV',
  'cold-kv-deferred':
    'as `cold`, but the KV write-backs run after the timed request, as in production where KV is a separate ' +
    'service; locally they run in the same workerd thread, after the order batch but before the response is handed back',
  'kv-warm': 'shipped path in a new isolate: in-isolate tier empty, every price in KV, no D1 read for prices',
  warm: 'shipped path, every price in the in-isolate tier: no KV and no D1 read for prices',
} as const

export type Variant = keyof typeof VARIANTS

export const profile = (): 'ci' | 'full' => (env.BENCH_PROFILE === 'ci' ? 'ci' : 'full')

const BASE = 'http://bench.test'
const inListWorker = { fetch: createApp({ priceSource: inListPrices }).fetch }

const handlerOf = (variant: Variant): ExportedHandler<Env> => {
  if (variant === 'before') return baseline
  if (variant === 'in-list') return inListWorker as ExportedHandler<Env>
  return worker
}

/** An ExecutionContext whose `waitUntil` work (KV write-backs) a hook can wait for, outside the timing. */
class BenchContext {
  readonly props = {}
  private readonly pending: Promise<unknown>[] = []
  private readonly deferred: (() => void)[] = []
  waitUntil(promise: Promise<unknown>): void {
    this.pending.push(promise)
  }
  passThroughOnException(): void {}
  /** Holds a KV write until `settle()`: see `deferredWritesKV`. */
  defer(start: () => void): void {
    this.deferred.push(start)
  }
  async settle(): Promise<void> {
    for (const start of this.deferred.splice(0)) start()
    while (this.pending.length > 0) await Promise.allSettled(this.pending.splice(0))
  }
}

/**
 * Passes everything through to `db` and reports the SQL execution time D1 itself measured for each
 * batch (the order write): the time the database is busy with it, round trip excluded.
 */
function batchTimingD1(db: D1Database, onBatch: (ms: number) => void): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements)
          onBatch(results.reduce((sum, r) => sum + (r.meta?.duration ?? 0), 0))
          return results
        }
      }
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** A KV binding whose writes start only when the context settles, after the timed request. */
function deferredWritesKV(kv: KVNamespace, ctx: BenchContext): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === 'put') {
        return (...args: Parameters<KVNamespace['put']>) =>
          new Promise<void>((resolve, reject) => ctx.defer(() => target.put(...args).then(resolve, reject)))
      }
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** Loads the demo catalog (1,000 products, every 100th inactive) with stock no run can exhaust. */
export async function prepareCatalog(): Promise<void> {
  const seed = env.TEST_SEED_SQL.split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
  await env.DB.prepare(seed).run()
  await env.DB.prepare('UPDATE products SET stock = 1000000000').run()
}

/** `lines` distinct active product ids of the demo catalog (SKU-00001 .., skipping every 100th). */
export function activeIds(lines: number, offset = 0): string[] {
  const ids: string[] = []
  for (let n = offset + 1; ids.length < lines; n++) {
    const i = ((n - 1) % 1000) + 1
    if (i % 100 !== 0) ids.push(`SKU-${String(i).padStart(5, '0')}`)
  }
  return ids
}

const cartJson = (ids: readonly string[]) =>
  JSON.stringify({ items: ids.map((productId) => ({ productId, quantity: 1 })) })

function post(path: string, body: string): Request {
  return new Request(`${BASE}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
}

/** Round trips and cache counts a request reported in `Server-Timing`, summed over a case's requests. */
export class TimingTally {
  private requests = 0
  private d1RoundTrips = 0
  private d1Ms = 0
  private kvOps = 0
  private cacheHits = 0
  private cacheMisses = 0
  private batchSqlMs = 0

  add(res: Response): void {
    const metrics = parseServerTiming(res.headers.get('Server-Timing') ?? '')
    this.requests++
    this.d1RoundTrips += Number(metrics.d1?.desc ?? 0)
    this.d1Ms += Number(metrics.d1?.dur ?? 0)
    this.kvOps += Number(metrics.kv?.desc ?? 0)
    const cache = /hit=(\d+) miss=(\d+)/.exec(metrics.cache?.desc ?? '')
    this.cacheHits += Number(cache?.[1] ?? 0)
    this.cacheMisses += Number(cache?.[2] ?? 0)
  }

  /** D1's own execution time of a write batch (the sum of its statements' `meta.duration`). */
  addBatchSql(ms: number): void {
    this.batchSqlMs += ms
  }

  summary(description: string): BenchCaseMeta {
    const mean = (sum: number) => (this.requests === 0 ? 0 : sum / this.requests)
    return {
      description,
      requests: this.requests,
      d1RoundTrips: mean(this.d1RoundTrips),
      d1Ms: mean(this.d1Ms),
      kvOps: mean(this.kvOps),
      cacheHits: mean(this.cacheHits),
      cacheMisses: mean(this.cacheMisses),
      batchSqlMs: mean(this.batchSqlMs),
    }
  }
}

function parseServerTiming(header: string): Record<string, { dur?: string; desc?: string }> {
  const metrics: Record<string, { dur?: string; desc?: string }> = {}
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';')
    if (!name) continue
    const metric: { dur?: string; desc?: string } = {}
    for (const param of params) {
      const [key, value = ''] = param.split('=')
      if (key === 'dur' || key === 'desc') metric[key] = value.replace(/^"|"$/g, '')
    }
    metrics[name] = metric
  }
  return metrics
}

export interface PricingCaseOptions {
  path: '/api/orders' | '/api/cart/quote'
  ids: readonly string[]
  /** The D1 binding the worker sees (a `delayedD1` for the simulated edge); the real one by default. */
  db?: D1Database
  expectStatus: number
}

/**
 * One variant of a pricing request, ready for `bench(name, options, fn)`: the timed function sends
 * the request and reads the whole response; the hooks set the cache state the variant names and
 * wait for background work, outside the timed window.
 */
export function pricingCase(variant: Variant, options: PricingCaseOptions) {
  const { path, ids, expectStatus } = options
  const ctx = new BenchContext()
  const tally = new TimingTally()
  const workerEnv: Env = {
    ...env,
    DB: batchTimingD1(options.db ?? env.DB, (ms) => tally.addBatchSql(ms)),
    ...(variant === 'cold-kv-deferred' ? { PRICES: deferredWritesKV(env.PRICES, ctx) } : {}),
  }
  const handler = handlerOf(variant)
  const body = cartJson(ids)
  const quoteBody = cartJson(ids)

  const fill = async () => {
    // One untimed quote through the shipped worker: fills the in-isolate tier and writes KV behind it.
    const res = await worker.fetch(post('/api/cart/quote', quoteBody), workerEnv, ctx as unknown as ExecutionContext)
    await res.arrayBuffer()
    await ctx.settle()
  }

  const hooks: {
    beforeAll?: () => Promise<void>
    beforeEach?: () => Promise<void> | void
    afterEach: () => Promise<void>
  } = { afterEach: () => ctx.settle() }
  if (variant === 'cold' || variant === 'cold-kv-deferred') {
    hooks.beforeEach = async () => {
      isolatePriceTier.clear()
      await Promise.all(ids.map((id) => env.PRICES.delete(priceKey(id))))
    }
  } else if (variant === 'kv-warm') {
    hooks.beforeAll = fill
    hooks.beforeEach = () => isolatePriceTier.clear()
  } else if (variant === 'warm') {
    // The in-isolate tier keeps entries a few seconds: refill it whenever one has expired.
    hooks.beforeEach = async () => {
      if (ids.some((id) => isolatePriceTier.get(id) === undefined)) await fill()
    }
  }

  async function run(): Promise<void> {
    const res = await handler.fetch?.(
      post(path, body) as Request<unknown, IncomingRequestCfProperties>,
      workerEnv,
      ctx as unknown as ExecutionContext,
    )
    if (!res) throw new Error('the worker has no fetch handler')
    const text = await res.text()
    if (res.status !== expectStatus) throw new Error(`${variant}: expected ${expectStatus}, got ${res.status}: ${text}`)
    tally.add(res)
  }

  return { hooks, run, meta: () => tally.summary(VARIANTS[variant]) }
}

/** A GET through the shipped worker, for the catalog reads. */
export function readCase(path: string, description: string) {
  const ctx = new BenchContext()
  const tally = new TimingTally()
  async function run(): Promise<void> {
    const res = await worker.fetch(
      new Request(`${BASE}${path}`) as Request<unknown, IncomingRequestCfProperties>,
      env,
      ctx as unknown as ExecutionContext,
    )
    const text = await res.text()
    if (res.status !== 200) throw new Error(`GET ${path}: expected 200, got ${res.status}: ${text}`)
    tally.add(res)
  }
  return { hooks: { afterEach: () => ctx.settle() }, run, meta: () => tally.summary(description) }
}
