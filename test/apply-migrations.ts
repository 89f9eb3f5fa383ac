import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

// Storage is fresh per test file: every file starts from the migrations, applied from scratch.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
