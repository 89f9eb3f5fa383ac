import { purgeIdempotencyRecords } from './db/orders'
import { createDeps } from './services/create-deps'

/** Cron trigger: deletes idempotency records older than IDEMPOTENCY_RETENTION_HOURS (default 48). */
export async function purgeExpiredIdempotencyKeys(
  env: Env,
  ctx: ExecutionContext,
  scheduledTime: number,
): Promise<number> {
  const deps = createDeps(env, (p) => ctx.waitUntil(p), { job: 'purge-idempotency' })
  const cutoff = new Date(scheduledTime - deps.config.idempotencyRetentionHours * 3_600_000).toISOString()
  const purged = await purgeIdempotencyRecords(deps.db, cutoff)
  deps.log.info('idempotency.purged', { purged, cutoff })
  return purged
}
