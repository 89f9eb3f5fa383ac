import { readFileSync } from 'node:fs'
import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'))
  const seedSql = readFileSync(path.join(import.meta.dirname, 'src/db/seed.sql'), 'utf8')
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_SEED_SQL: seedSql,
            LOG_LEVEL: 'warn',
            BENCH_PROFILE: process.env.BENCH_PROFILE ?? 'full',
          },
        },
      }),
    ],
    test: {
      setupFiles: ['./bench/support/setup.ts'],
      testTimeout: 600_000,
      hookTimeout: 120_000,
      fileParallelism: false,
      reporters: ['default', './bench/support/reporter.ts'],
      // The N+1 detector warns on every "before" request: expected here, and it would drown the output.
      onConsoleLog: (log: string) => !log.includes('"d1_budget_exceeded"'),
    },
    benchmark: {
      include: ['bench/**/*.bench.ts'],
      suppressExportGetterWarnings: true,
    },
  }
})
