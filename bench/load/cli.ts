import { parseArgs } from 'node:util'
import { SCENARIOS, type ScenarioName } from './scenarios'

export interface LoadOptions {
  scenario: ScenarioName
  rate: number
  durationSec: number
  /** Connections; 0 chooses enough for the rate and the SLA (see `connectionsFor`). */
  connections: number
  slaMs: number
  server: 'miniflare' | 'wrangler'
  url: string | null
  port: number
  inspectorPort: number
  findMax: boolean
  compareBaseline: boolean
  startRate: number
  stepFactor: number
  stepDurationSec: number
  refineSteps: number
  /** find-max: how many times a broken ladder step is run again before it counts as broken. */
  confirmBreaks: number
  warmupSec: number
  ceilingSec: number
  timeoutSec: number
  seed: number
  prepareStock: boolean
  /** Simulated edge: ms added to every D1 round trip, in bench-only builds of both workers. */
  d1LatencyMs: number
  /** KV modelled as one round trip of this many ms per operation; null keeps Miniflare's KV. */
  kvLatencyMs: number | null
  out: string | null
  maxMinutes: number
}

export const HELP = `npm run load -- [options]

Drives the order API at a fixed request rate with autocannon and reports latency from each
request's scheduled start (p50/p90/p99/max), achieved vs target rate, errors by status, D1 round
trips per order (Server-Timing) and the harness ceiling (a no-op route through the same server).
Exits 1 when p99 > SLA, the achieved rate < 95% of the target, or any unexpected answer.

Target (loopback only; every process started is stopped at the end, on Ctrl-C and on SIGTERM):
  --server miniflare|wrangler  start the worker: the built bundle in one workerd via Miniflare's
                             API (default, closest to production), or under wrangler dev
  --url <http://127.0.0.1:P>   use a worker that is already running instead
  --prepare-stock            with --url: raise stock through the admin API (token from the
                             LOAD_ADMIN_TOKEN environment variable) when it could run out
  --d1-latency <ms>          simulated edge: add this much to every D1 round trip, in bench-only
                             builds of the worker (and of the baseline); 0 runs the shipped
                             bundle as built (default 0)
  --kv-latency <ms>          model KV as production serves it: one round trip of <ms> per
                             operation, bulk reads included (a bench-only in-memory namespace),
                             instead of Miniflare's local KV, which costs about 1 ms of workerd
                             time per key and would dominate (default: Miniflare's KV)
  --port <n>                 port of a started worker (default 8800; the baseline uses n+1)
  --inspector-port <n>       wrangler dev's inspector port (default 9310)

Load:
  --scenario checkout|black-friday   default checkout (100-line orders, the incident)
  --rate <req/s>             target rate (default 500, the incident's)
  --duration <s>             measured duration (default 30)
  --connections <n>          connections (default: enough to hold the rate up to 2x the SLA)
  --sla <ms>                 p99 limit (default 200)
  --warmup <s>               unmeasured warm-up at a modest rate first (default 3)
  --ceiling <s>              seconds of the no-op ceiling measurement (default 3; 0 skips it)
  --timeout <s>              per-request timeout (default 10)
  --seed <n>                 request sequence seed (default 1)

Modes:
  --find-max                 step the rate up (x --step-factor from --start-rate) until the SLA
                             or the target rate breaks; report the highest rate that held
  --compare-baseline         the same load against a bench-only build whose pricing is the N+1
                             "before": find-max on both, side by side (implies --find-max)
  --start-rate <req/s>       first step (default 2)
  --step-factor <x>          ratio between steps (default 1.5)
  --step-duration <s>        seconds per step (default 15)
  --refine <n>               bisection steps between the last rate that held and the first that
                             broke (default 2)
  --confirm <n>              run a broken ladder step again up to n times before it counts as
                             broken (default 1: a stray pause on a shared machine is not a limit)

Output:
  --out <file>               markdown report (default bench/results/load-<run>-v<version>.md);
                             "-" prints it instead
  --smoke                    CI smoke run: black-friday, 20 req/s, 10 s, SLA 1000 ms, report printed
  --max-minutes <n>          hard bound on the whole run (default 30)
`

export function parseOptions(argv: readonly string[]): LoadOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      smoke: { type: 'boolean' },
      scenario: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      sla: { type: 'string' },
      server: { type: 'string' },
      url: { type: 'string' },
      port: { type: 'string' },
      'inspector-port': { type: 'string' },
      'find-max': { type: 'boolean' },
      'compare-baseline': { type: 'boolean' },
      'start-rate': { type: 'string' },
      'step-factor': { type: 'string' },
      'step-duration': { type: 'string' },
      refine: { type: 'string' },
      confirm: { type: 'string' },
      warmup: { type: 'string' },
      ceiling: { type: 'string' },
      timeout: { type: 'string' },
      seed: { type: 'string' },
      'prepare-stock': { type: 'boolean' },
      'd1-latency': { type: 'string' },
      'kv-latency': { type: 'string' },
      out: { type: 'string' },
      'max-minutes': { type: 'string' },
    },
  })
  if (values.help) return 'help'
  const smoke = values.smoke === true
  const num = (name: string, raw: string | undefined, fallback: number, min: number, max: number) => {
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`--${name} must be a number from ${min} to ${max}`)
    return value
  }
  const scenario = (values.scenario ?? (smoke ? 'black-friday' : 'checkout')) as ScenarioName
  if (!SCENARIOS.includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`)
  const server = values.server ?? 'miniflare'
  if (server !== 'miniflare' && server !== 'wrangler') throw new Error('--server must be miniflare or wrangler')
  const compareBaseline = values['compare-baseline'] === true
  if (values.url !== undefined) {
    loopbackOnly(values.url)
    if (compareBaseline) throw new Error('--compare-baseline starts both builds itself: it cannot take --url')
    if (values['d1-latency'] || values['kv-latency'] !== undefined) {
      throw new Error('--d1-latency and --kv-latency need the builds the load test starts: they cannot take --url')
    }
  }
  return {
    scenario,
    rate: num('rate', values.rate, smoke ? 20 : 500, 1, 5_000),
    durationSec: num('duration', values.duration, smoke ? 10 : 30, 1, 600),
    connections: num('connections', values.connections, 0, 0, 1_000),
    slaMs: num('sla', values.sla, smoke ? 1_000 : 200, 1, 60_000),
    server,
    url: values.url ?? null,
    port: num('port', values.port, 8800, 1024, 65_535),
    inspectorPort: num('inspector-port', values['inspector-port'], 9310, 1024, 65_535),
    findMax: values['find-max'] === true || compareBaseline,
    compareBaseline,
    startRate: num('start-rate', values['start-rate'], 2, 1, 5_000),
    stepFactor: num('step-factor', values['step-factor'], 1.5, 1.05, 4),
    stepDurationSec: num('step-duration', values['step-duration'], 15, 2, 120),
    refineSteps: num('refine', values.refine, 2, 0, 5),
    confirmBreaks: num('confirm', values.confirm, 1, 0, 3),
    warmupSec: num('warmup', values.warmup, smoke ? 2 : 3, 0, 60),
    ceilingSec: num('ceiling', values.ceiling, smoke ? 2 : 3, 0, 30),
    timeoutSec: num('timeout', values.timeout, 10, 1, 60),
    seed: num('seed', values.seed, 1, 0, 2 ** 31),
    prepareStock: values['prepare-stock'] === true,
    d1LatencyMs: num('d1-latency', values['d1-latency'], 0, 0, 1_000),
    kvLatencyMs: values['kv-latency'] === undefined ? null : num('kv-latency', values['kv-latency'], 0, 0, 1_000),
    out: values.out ?? (smoke ? '-' : null),
    maxMinutes: num('max-minutes', values['max-minutes'], 30, 1, 180),
  }
}

/**
 * Connections for a rate: each one sends rate/connections requests a second, one after the other,
 * so it can keep its pace while latency stays under 1/(its rate). With twice the SLA's worth of
 * connections, the pace holds up to twice the SLA: beyond that the achieved rate drops, and shows.
 */
export function connectionsFor(rate: number, slaMs: number, requested: number): number {
  if (requested > 0) return Math.min(requested, Math.ceil(rate))
  return Math.max(1, Math.min(Math.ceil(rate), Math.ceil((rate * 2 * slaMs) / 1000)))
}

/** The load test only ever targets this machine. */
function loopbackOnly(url: string): void {
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    throw new Error(`--url is not a URL: ${url}`)
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    throw new Error(`--url must be a loopback address (127.0.0.1, localhost or [::1]), got ${host}`)
  }
}
