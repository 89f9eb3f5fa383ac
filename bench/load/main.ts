import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { projectVersion, RESULTS_DIR, runFacts } from '../support/report'
import { judge, ladder, type StepResult } from './analysis'
import { connectionsFor, HELP, type LoadOptions, parseOptions } from './cli'
import { drive, saturate } from './driver'
import { installSignalHandlers, stopAll } from './processes'
import { renderReport, stepRows, type TargetRun } from './report'
import { createScenario, noopScenario } from './scenarios'
import { type Build, externalTarget, startMiniflare, startWranglerDev, type Target } from './target'

/** Connections for the ceiling's closed loop: enough to keep one workerd thread busy. */
const CEILING_CONNECTIONS = 16
/** Pause between steps, so one step's stragglers do not land in the next. */
const SETTLE_MS = 1_500

async function main(argv: readonly string[]): Promise<number> {
  let options: LoadOptions | 'help'
  try {
    options = parseOptions(argv)
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`)
    return 2
  }
  if (options === 'help') {
    console.log(HELP)
    return 0
  }
  const opts = options
  installSignalHandlers(opts.maxMinutes * 60_000)
  const facts = runFacts()

  const builds: (Build | null)[] = opts.url ? [null] : opts.compareBaseline ? ['baseline', 'app'] : ['app']
  const runs: TargetRun[] = []
  for (const [i, build] of builds.entries()) {
    const target = await startTarget(opts, build, opts.port + i, opts.inspectorPort + i)
    try {
      runs.push(await runAgainst(opts, target, build))
    } finally {
      await target.stop()
    }
  }

  const unexpected = runs.some((run) => run.steps.some((s) => s.unexpected > 0))
  // With --compare-baseline the baseline is expected to break: the shipped build decides.
  const judged = opts.compareBaseline ? runs.slice(-1) : runs
  const passed = opts.findMax
    ? !unexpected && judged.every((r) => r.maxHeld !== null)
    : judged.every((r) => r.steps.every((s) => s.held))
  const command = argv.length === 0 ? 'npm run load' : `npm run load -- ${argv.join(' ')}`
  const markdown = renderReport(opts, runs, facts, passed, command)
  if (opts.out === '-') {
    console.log(`\n${markdown}`)
  } else {
    const mode =
      (opts.compareBaseline ? '-vs-baseline' : opts.findMax ? '-find-max' : '') +
      (opts.d1LatencyMs > 0 ? `-d1-${opts.d1LatencyMs}ms` : '') +
      (opts.kvLatencyMs !== null ? `-kv-${opts.kvLatencyMs}ms` : '')
    const file = opts.out ?? path.join(RESULTS_DIR, `load-${opts.scenario}${mode}-v${projectVersion()}.md`)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, `${markdown}\n`)
    console.log(`\nreport written to ${path.relative(process.cwd(), file)}`)
  }
  console.log(`\n${passed ? 'PASS' : 'FAIL'}`)
  return passed ? 0 : 1
}

async function startTarget(
  opts: LoadOptions,
  build: Build | null,
  port: number,
  inspectorPort: number,
): Promise<Target> {
  if (build === null) return externalTarget(opts.url ?? '')
  const model = { d1LatencyMs: opts.d1LatencyMs, kvLatencyMs: opts.kvLatencyMs }
  console.log(
    `starting the ${build === 'baseline' ? 'N+1 baseline' : 'shipped'} build (${opts.server}) on 127.0.0.1:${port}...`,
  )
  return opts.server === 'wrangler'
    ? startWranglerDev(build, port, inspectorPort, model)
    : startMiniflare(build, port, model)
}

async function runAgainst(opts: LoadOptions, target: Target, build: Build | null): Promise<TargetRun> {
  const label =
    build === 'baseline' ? 'Before: N+1 baseline build' : build === 'app' ? 'After: shipped build' : 'Target'
  const catalog = await readCatalog(target.url)
  const rates = opts.findMax ? ladder(opts.startRate, opts.stepFactor, opts.rate) : [opts.rate]
  await ensureStock(target.url, catalog, plannedOrders(opts, rates), opts.prepareStock && build === null)
  const scenario = createScenario(
    opts.scenario,
    catalog.map((p) => p.id),
    opts.seed,
  )
  console.log(`[${label}] warming the price cache (quotes over the whole catalog)...`)
  await warmPriceCache(target.url, catalog)

  if (opts.warmupSec > 0) {
    const warmRate = Math.min(5, opts.findMax ? opts.startRate : opts.rate)
    console.log(`[${label}] warm-up: ${warmRate} req/s for ${opts.warmupSec} s`)
    await drive({
      url: target.url,
      scenario,
      rate: warmRate,
      durationSec: opts.warmupSec,
      connections: warmRate,
      timeoutSec: opts.timeoutSec,
    })
    await sleep(SETTLE_MS)
  }
  let ceiling: number | null = null
  if (opts.ceilingSec > 0) {
    ceiling = await saturate(target.url, noopScenario(), CEILING_CONNECTIONS, opts.ceilingSec)
    console.log(`[${label}] harness ceiling (no-op route): ${ceiling.toFixed(0)} req/s`)
    await sleep(SETTLE_MS)
  }

  const steps: StepResult[] = []
  const step = async (rate: number, durationSec: number) => {
    const connections = connectionsFor(rate, opts.slaMs, opts.connections)
    const result = judge(
      await drive({ url: target.url, scenario, rate, durationSec, connections, timeoutSec: opts.timeoutSec }),
      opts.slaMs,
    )
    steps.push(result)
    const [row] = stepRows([result])
    console.log(
      `[${label}] ${rate} req/s: achieved ${row?.[1]}, p50 ${row?.[3]} ms, p99 ${row?.[5]} ms, max ${row?.[6]} ms -> ${row?.[9]}`,
    )
    await sleep(SETTLE_MS)
    return result
  }

  let maxHeld: StepResult | null = null
  let firstBroken: StepResult | null = null
  if (!opts.findMax) {
    await step(opts.rate, opts.durationSec)
  } else {
    for (const rate of rates) {
      let result = await step(rate, opts.stepDurationSec)
      // On a shared machine one stray pause can break a short step: a break must be confirmed.
      for (let retry = 0; !result.held && result.unexpected === 0 && retry < opts.confirmBreaks; retry++) {
        console.log(`[${label}] ${rate} req/s broke: running it again to confirm`)
        result = await step(rate, opts.stepDurationSec)
      }
      if (!result.held) {
        firstBroken = result
        break
      }
      maxHeld = result
    }
    // Bisect between the last rate that held and the first that broke.
    let low = maxHeld?.rate ?? 0
    let high = firstBroken?.rate ?? 0
    for (let i = 0; i < opts.refineSteps && firstBroken && high - low > 1; i++) {
      const mid = Math.round((low + high) / 2)
      if (mid <= low || mid >= high) break
      const result = await step(mid, opts.stepDurationSec)
      if (result.held) {
        maxHeld = result
        low = mid
      } else {
        high = mid
      }
    }
  }
  const connectionsNote = `each connection is its own autocannon instance with a small per-second budget, instances started evenly over one second (connections per step in the table; by default enough to hold the rate up to twice the SLA).`
  return {
    label,
    target: target.description,
    scenario: scenario.description,
    connectionsNote,
    ceiling,
    steps,
    maxHeld,
    firstBroken,
  }
}

interface CatalogProduct {
  id: string
  stock: number
  active: boolean
}

/** Reads the catalog through the API (pages of 100): the products the scenarios may use. */
async function readCatalog(url: string): Promise<CatalogProduct[]> {
  const products: CatalogProduct[] = []
  let cursor: string | null = null
  for (let page = 0; page < 50; page++) {
    const res = await fetch(`${url}/api/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    if (!res.ok) throw new Error(`GET /api/products answered ${res.status}: ${await res.text()}`)
    const body = (await res.json()) as { items: CatalogProduct[]; nextCursor: string | null }
    products.push(...body.items)
    cursor = body.nextCursor
    if (!cursor) break
  }
  const active = products.filter((p) => p.active)
  if (active.length < 250) throw new Error(`the target's catalog has ${active.length} active products; 250 are needed`)
  return active
}

/** An upper bound on the orders a run can send (every step at its rate, plus the warm-up). */
function plannedOrders(opts: LoadOptions, rates: readonly number[]): number {
  const seconds = opts.findMax ? opts.stepDurationSec : opts.durationSec
  const steps =
    rates.reduce((sum, r) => sum + r * seconds, 0) + (opts.findMax ? opts.refineSteps * opts.rate * seconds : 0)
  return Math.ceil((steps + 5 * opts.warmupSec) * 1.5)
}

/**
 * Stock must not run out mid-test: a product can be in every order, 3 units at most per line.
 * Started targets are seeded with stock no run can exhaust; a target given by --url is checked,
 * and topped up through the admin API only when asked (--prepare-stock, LOAD_ADMIN_TOKEN).
 */
async function ensureStock(url: string, catalog: CatalogProduct[], orders: number, prepare: boolean): Promise<void> {
  const need = orders * 3
  const short = catalog.filter((p) => p.stock < need)
  if (short.length === 0) return
  const token = process.env.LOAD_ADMIN_TOKEN
  if (!prepare || !token) {
    throw new Error(
      `${short.length} products have less stock than this run could take (${need} units). Raise it first ` +
        `(e.g. npx wrangler d1 execute DB --local --command "UPDATE products SET stock = 1000000000"), or pass ` +
        '--prepare-stock with LOAD_ADMIN_TOKEN set to let the load test do it through the admin API.',
    )
  }
  console.log(`raising the stock of ${short.length} products through the admin API...`)
  for (let i = 0; i < short.length; i += 8) {
    await Promise.all(
      short.slice(i, i + 8).map(async (p) => {
        const res = await fetch(`${url}/api/products/${encodeURIComponent(p.id)}`, {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ stock: 1_000_000_000 }),
        })
        if (!res.ok) throw new Error(`PATCH /api/products/${p.id} answered ${res.status}: ${await res.text()}`)
        p.stock = 1_000_000_000
      }),
    )
  }
}

/**
 * Before the event the price cache is warm: quotes covering the whole catalog (100 products each)
 * write every price to KV, as production's steady state has them (KV keeps them 300 s). A pass is
 * repeated until every line is a cache hit (Server-Timing `cache;desc="hit=N miss=0"`). The
 * in-isolate tier in front keeps an entry 3 s at most, so it refills from KV during the run.
 */
async function warmPriceCache(url: string, catalog: readonly CatalogProduct[]): Promise<void> {
  for (let pass = 1; pass <= 10; pass++) {
    let misses = 0
    for (let i = 0; i < catalog.length; i += 100) {
      const items = catalog.slice(i, i + 100).map((p) => ({ productId: p.id, quantity: 1 }))
      const res = await fetch(`${url}/api/cart/quote`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ items }),
      })
      if (!res.ok)
        throw new Error(`warming the price cache: POST /api/cart/quote answered ${res.status}: ${await res.text()}`)
      await res.arrayBuffer()
      misses += Number(/miss=(\d+)/.exec(res.headers.get('Server-Timing') ?? '')?.[1] ?? 0)
    }
    if (misses === 0 && pass > 1) return
    await sleep(SETTLE_MS) // the KV write-backs run after each response
  }
  throw new Error('the price cache would not warm up: quotes kept missing after 10 passes')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let code = 3
try {
  code = await main(process.argv.slice(2))
} catch (error) {
  const detail = error instanceof Error ? (process.env.LOAD_DEBUG ? error.stack : error.message) : String(error)
  console.error(`load test failed: ${detail}`)
} finally {
  await stopAll()
}
process.exit(code)
