/**
 * A KV namespace modelled as production serves it to a Worker: every operation is ONE round trip
 * of `delayMs`, a bulk read of up to 100 keys included, whatever the number of keys. Values live in
 * this isolate's memory and honour `expirationTtl`.
 *
 * Why: Miniflare's local KV serves a bulk read key by key, about 1 ms of workerd time per key on a
 * 2-core machine, inside the same thread as the app; under load that local cost, absent in
 * production, would dominate the figures. Bench code only (the load test's `--kv-latency`).
 */
export function modelKV(delayMs: number): KVNamespace {
  const store = new Map<string, { value: string; expiresAt: number }>()
  const wait = () => (delayMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, delayMs)) : Promise.resolve())
  const read = (key: string, type: unknown): unknown => {
    const entry = store.get(key)
    if (!entry || entry.expiresAt <= Date.now()) return null
    return type === 'json' || (typeof type === 'object' && type !== null && (type as { type?: string }).type === 'json')
      ? JSON.parse(entry.value)
      : entry.value
  }
  const namespace = {
    async get(key: string | string[], type?: unknown) {
      await wait()
      if (Array.isArray(key)) {
        if (key.length > 100) throw new Error('KV bulk get takes at most 100 keys')
        return new Map(key.map((k) => [k, read(k, type)]))
      }
      return read(key, type)
    },
    async put(key: string, value: string, options?: KVNamespacePutOptions) {
      await wait()
      const ttl = options?.expirationTtl ?? 365 * 24 * 3600
      store.set(key, { value: String(value), expiresAt: Date.now() + ttl * 1000 })
    },
    async delete(key: string) {
      await wait()
      store.delete(key)
    },
    async list() {
      throw new Error('list() is not modelled')
    },
    async getWithMetadata() {
      throw new Error('getWithMetadata() is not modelled')
    },
  }
  return namespace as unknown as KVNamespace
}
