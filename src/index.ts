import { createApp } from './app'
import { purgeExpiredIdempotencyKeys } from './scheduled'

const app = createApp()

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    await purgeExpiredIdempotencyKeys(env, ctx, controller.scheduledTime)
  },
} satisfies ExportedHandler<Env>
