import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { sharedTestBindings } from './vitest.workers'

/** Must match test/helpers.ts ADMIN_TOKEN_FOR_TESTS. */
const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'

export default defineConfig(async () => {
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            ...(await sharedTestBindings()),
            // The admin secret of the test runtime (tests that need "no token" pass their own env).
            ADMIN_TOKEN: TEST_ADMIN_TOKEN,
          },
          // A deliberately tiny limiter, so a test can reach a 429 through the real binding without
          // lowering the top-level (local) limits that every other test runs under.
          ratelimits: { TEST_STRICT_RATE_LIMITER: { namespace_id: '9001', simple: { limit: 3, period: 60 } } },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      setupFiles: ['./test/apply-migrations.ts'],
    },
  }
})
