import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { sharedTestBindings } from './vitest.workers'

export default defineConfig(async () => {
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            ...(await sharedTestBindings()),
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
