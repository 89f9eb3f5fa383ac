/**
 * Child process of the load test: runs the built worker bundle in ONE workerd through Miniflare's
 * API (no dev proxy in front, unlike `wrangler dev`), on 127.0.0.1, with the bindings of
 * wrangler.toml and its own temporary storage. It applies the migrations, loads the demo catalog
 * with stock no run can exhaust, prints `READY <json>` and serves until its parent closes stdin
 * or signals it; then it disposes Miniflare (which stops workerd) and exits.
 *
 * Usage (by the load test): node bench/load/serve.ts '<json ServeOptions>'
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from 'wrangler'

interface ServeOptions {
  bundleDir: string
  script: string
  port: number
  persistDir: string
  vars: Record<string, string>
}

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const options = JSON.parse(process.argv[2] ?? '{}') as ServeOptions

/** Stock given to every product: no run can sell it out, and it stays within the API's own limit. */
const UNLIMITED_STOCK = 1_000_000_000

const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, 'wrangler.toml'))
// The bundle is already built: no module rules, and the modules root is the bundle's directory.
const { modulesRules: _rules, rootPath: _root, ...bindings } = workerOptions
const miniflareOptions = convertV4MiniflareOptions({
  ...bindings,
  host: '127.0.0.1',
  port: options.port,
  rootPath: options.bundleDir,
  scriptPath: options.script,
  modules: true,
  logRequests: false,
  resourcePersistencePath: options.persistDir,
  bindings: { ...(workerOptions.bindings as Record<string, string> | undefined), ...options.vars },
})
const mf = new Miniflare(miniflareOptions)

let disposing = false
const shutdown = (code: number) => {
  if (disposing) return
  disposing = true
  void mf.dispose().finally(() => process.exit(code))
}
process.on('SIGTERM', () => shutdown(0))
process.on('SIGINT', () => shutdown(0))
process.stdin.on('end', () => shutdown(0))
process.stdin.on('error', () => shutdown(0))
process.stdin.resume()

try {
  const url = await mf.ready
  const db = await mf.getD1Database('DB')
  const migrationsDir = path.join(ROOT, 'migrations')
  for (const file of readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const statements = unstable_splitSqlQuery(readFileSync(path.join(migrationsDir, file), 'utf8'))
    await db.batch(statements.map((sql) => db.prepare(sql)))
  }
  const seed = readFileSync(path.join(ROOT, 'src', 'db', 'seed.sql'), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
  await db.prepare(seed).run()
  await db.prepare('UPDATE products SET stock = ?').bind(UNLIMITED_STOCK).run()
  const { n } = (await db.prepare('SELECT COUNT(*) AS n FROM products').first<{ n: number }>()) ?? { n: 0 }
  console.log(`READY ${JSON.stringify({ url: url.href, products: n })}`)
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  shutdown(1)
}
