import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from '../support/report'
import { onCleanup, runToEnd, spawnGroup, stopGroup } from './processes'

/** Which worker build a target runs. */
export type Build = 'app' | 'baseline'

/** Vars every locally started target gets: one log line per request would dominate the figures. */
export const LOAD_VARS = { LOG_LEVEL: 'warn' } as const

const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
const SERVE = path.join(ROOT, 'bench', 'load', 'serve.ts')
const BASELINE_ENTRY = path.join('bench', 'baseline', 'worker.ts')
const EDGE_MODEL_ENTRIES: Record<Build, string> = {
  app: path.join('bench', 'load', 'entries', 'app-edge-model.ts'),
  baseline: path.join('bench', 'load', 'entries', 'baseline-edge-model.ts'),
}

/** How the bindings are modelled: added D1 latency, and KV as one round trip of this latency. */
export interface EdgeModel {
  d1LatencyMs: number
  /** null: Miniflare's own local KV. */
  kvLatencyMs: number | null
}

const modelled = (model: EdgeModel) => model.d1LatencyMs > 0 || model.kvLatencyMs !== null

/** The entry a build starts from: wrangler.toml's `main` for the shipped build as is. */
function entryOf(build: Build, model: EdgeModel): string[] {
  if (modelled(model)) return [EDGE_MODEL_ENTRIES[build]]
  return build === 'baseline' ? [BASELINE_ENTRY] : []
}

function varsOf(model: EdgeModel): Record<string, string> {
  return {
    ...LOAD_VARS,
    ...(model.d1LatencyMs > 0 ? { LOAD_D1_DELAY_MS: String(model.d1LatencyMs) } : {}),
    ...(model.kvLatencyMs !== null ? { LOAD_KV_MODEL_MS: String(model.kvLatencyMs) } : {}),
  }
}

function describe(build: Build, model: EdgeModel): string {
  const name = build === 'baseline' ? 'N+1 baseline build' : 'shipped build'
  const parts = [
    ...(model.d1LatencyMs > 0 ? [`+${model.d1LatencyMs} ms per D1 round trip`] : []),
    ...(model.kvLatencyMs !== null ? [`KV modelled as one ${model.kvLatencyMs} ms round trip per operation`] : []),
  ]
  return parts.length > 0 ? `${name} (bench-only edge-model entry: ${parts.join(', ')})` : name
}

/** Offline, no telemetry, and no local trace of every request (it costs about 30% of throughput). */
const wranglerEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  CI: 'true',
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  X_LOCAL_OBSERVABILITY: 'false',
})

export interface Target {
  url: string
  description: string
  stop(): Promise<void>
}

/** A temporary directory removed when the load test ends, whatever way it ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `order-api-${prefix}-`))
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * Bundles a worker exactly as `wrangler deploy` would (dry run, offline): the shipped entry, or
 * the bench-only entry whose pricing is the N+1 "before".
 */
export async function buildBundle(build: Build, model: EdgeModel): Promise<{ dir: string; script: string }> {
  const dir = tempDir(`${build}-bundle`)
  const entry = entryOf(build, model)
  await runToEnd(process.execPath, [WRANGLER, 'deploy', ...entry, '--dry-run', '--outdir', dir], {
    env: wranglerEnv(),
    timeoutMs: 120_000,
  })
  const script = readdirSync(dir).find((f) => f.endsWith('.js'))
  if (!script) throw new Error(`wrangler produced no bundle in ${dir}`)
  return { dir, script }
}

/** The built bundle in one workerd through Miniflare's API (see serve.ts). */
export async function startMiniflare(build: Build, port: number, model: EdgeModel): Promise<Target> {
  const bundle = await buildBundle(build, model)
  const persistDir = tempDir(`${build}-state`)
  const serveOptions = { bundleDir: bundle.dir, script: bundle.script, port, persistDir, vars: varsOf(model) }
  const server = spawnGroup(process.execPath, [SERVE, JSON.stringify(serveOptions)], { stdin: 'pipe', cwd: ROOT })
  const ready = await waitForLine(server.child, /^READY (.*)$/m, 90_000, server.output)
  const { url } = JSON.parse(ready) as { url: string }
  return {
    url: url.replace(/\/$/, ''),
    description: `${describe(build, model)}, bundled by wrangler deploy --dry-run, in one workerd via Miniflare's API, 127.0.0.1:${port}`,
    stop: async () => {
      server.child.stdin?.end()
      await stopGroup(server.child)
    },
  }
}

/** `wrangler dev` (its proxy worker in front of the app's workerd), on a temporary local state. */
export async function startWranglerDev(
  build: Build,
  port: number,
  inspectorPort: number,
  model: EdgeModel,
): Promise<Target> {
  const persistDir = tempDir(`${build}-wrangler-state`)
  const local = ['--local', '--persist-to', persistDir]
  const env = wranglerEnv()
  await runToEnd(process.execPath, [WRANGLER, 'd1', 'migrations', 'apply', 'DB', ...local], { env, timeoutMs: 120_000 })
  await runToEnd(process.execPath, [WRANGLER, 'd1', 'execute', 'DB', ...local, '--file', 'src/db/seed.sql'], {
    env,
    timeoutMs: 120_000,
  })
  await runToEnd(
    process.execPath,
    [WRANGLER, 'd1', 'execute', 'DB', ...local, '--command', 'UPDATE products SET stock = 1000000000'],
    { env, timeoutMs: 120_000 },
  )
  const entry = entryOf(build, model)
  const vars = Object.entries(varsOf(model)).flatMap(([k, v]) => ['--var', `${k}:${v}`])
  const server = spawnGroup(
    process.execPath,
    [
      WRANGLER,
      'dev',
      ...entry,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persistDir,
      ...vars,
    ],
    { env, cwd: ROOT },
  )
  const url = `http://127.0.0.1:${port}`
  await waitForHealth(url, 90_000, () => server.child.exitCode !== null, server.output)
  return {
    url,
    description: `${describe(build, model)} under wrangler dev (proxy worker + app workerd, X_LOCAL_OBSERVABILITY=false), 127.0.0.1:${port}`,
    stop: () => stopGroup(server.child),
  }
}

/** A worker someone else started; only loopback addresses are accepted. */
export function externalTarget(url: string): Target {
  const parsed = new URL(url)
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    throw new Error(`--url must be a loopback address (127.0.0.1, localhost or [::1]), got ${parsed.hostname}`)
  }
  return { url: parsed.origin, description: `an already running worker at ${parsed.origin}`, stop: async () => {} }
}

function waitForLine(
  child: import('node:child_process').ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  output: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not start within ${timeoutMs / 1000} s:\n${output()}`)),
      timeoutMs,
    )
    const onData = () => {
      const match = pattern.exec(output())
      if (match) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        resolve(match[1] ?? '')
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (code ${code}) before it was ready:\n${output()}`))
    })
  })
}

async function waitForHealth(
  url: string,
  timeoutMs: number,
  exited: () => boolean,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`the server exited before it was ready:\n${output()}`)
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`the server did not answer /healthz within ${timeoutMs / 1000} s:\n${output()}`)
}
