import { readFileSync } from 'node:fs'
import path from 'node:path'
import { readD1Migrations } from '@cloudflare/vitest-plugin'

/**
 * Bindings that tests and benchmarks both give the Workers runtime: the migrations (applied from
 * scratch by each setup file), the demo catalog's seed SQL, and quiet request logs.
 */
export async function sharedTestBindings() {
  return {
    TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'migrations')),
    TEST_SEED_SQL: readFileSync(path.join(import.meta.dirname, 'src/db/seed.sql'), 'utf8'),
    LOG_LEVEL: 'warn',
  }
}
