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
          bindings: { TEST_MIGRATIONS: migrations, TEST_SEED_SQL: seedSql, LOG_LEVEL: 'warn' },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      setupFiles: ['./test/apply-migrations.ts'],
    },
  }
})
