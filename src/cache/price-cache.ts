import { LIMITS, MEMORY_TIER } from '../config'
import type { PriceEntry } from '../domain/pricing'
import type { Logger } from '../observability/log'
import { MemoryTier } from './memory-tier'

/** KV key format, versioned so a change of the stored shape never reads old values. */
export const priceKey = (productId: string): string => `price:v1:${productId}`

/** One per isolate: shared by every request this isolate serves. */
export const isolatePriceTier = new MemoryTier<PriceEntry>(MEMORY_TIER.maxEntries, MEMORY_TIER.ttlMs)

export interface PriceLookup {
  found: Map<string, PriceEntry>
  /** Ids not found in either tier (or found inactive: those are confirmed against D1). */
  misses: string[]
}

export interface PriceCacheOptions {
  /** The request's (metered) KV binding: reads and writes awaited in the request path. */
  kv: KVNamespace
  /** The plain binding for write-backs after the response: they are not request-path work. */
  deferredKv: KVNamespace
  /** Schedules work after the response (ctx.waitUntil). */
  waitUntil: (promise: Promise<unknown>) => void
  ttlSeconds: number
  timeoutMs: number
  log: Logger
  memory?: MemoryTier<PriceEntry>
}

/**
 * The price cache: an in-isolate tier in front of Workers KV. Reads are bulk (at most 100 keys
 * per KV call, all calls in parallel), never one key at a time. Any KV failure or timeout is
 * logged and treated as a miss, so the caller falls back to D1: KV can never fail a request.
 */
export class PriceCache {
  private readonly memory: MemoryTier<PriceEntry>
  /** Fresh values read from D1 in this request, written to KV once the response is ready. */
  private readonly deferred = new Map<string, PriceEntry>()

  constructor(private readonly options: PriceCacheOptions) {
    this.memory = options.memory ?? isolatePriceTier
  }

  async getMany(ids: readonly string[]): Promise<PriceLookup> {
    const found = new Map<string, PriceEntry>()
    const fromKv: string[] = []
    for (const id of ids) {
      const hit = this.memory.get(id)
      if (hit?.active) found.set(id, hit)
      else fromKv.push(id)
    }
    if (fromKv.length === 0) return { found, misses: [] }

    const chunks: string[][] = []
    for (let i = 0; i < fromKv.length; i += LIMITS.kvBulkGetMax) chunks.push(fromKv.slice(i, i + LIMITS.kvBulkGetMax))
    const results = await Promise.all(chunks.map((chunk) => this.bulkGet(chunk)))

    const misses: string[] = []
    results.forEach((values, index) => {
      for (const id of chunks[index] ?? []) {
        const value = values?.get(priceKey(id))
        if (isPriceEntry(value) && value.id === id && value.active) {
          found.set(id, value)
          this.memory.set(id, value)
        } else {
          misses.push(id)
        }
      }
    })
    return { found, misses }
  }

  /**
   * Remembers fresh values in this isolate at once; their KV writes wait for `flushDeferredWrites`
   * (called when the response is ready), so they never compete with the request's own D1 batch.
   */
  refreshInBackground(entries: readonly PriceEntry[]): void {
    for (const entry of entries) {
      this.memory.set(entry.id, entry)
      this.deferred.set(entry.id, entry)
    }
  }

  /** Hands the deferred KV writes to `waitUntil`: they run after the response is sent. */
  flushDeferredWrites(): void {
    if (this.deferred.size === 0) return
    const entries = [...this.deferred.values()]
    this.deferred.clear()
    this.options.waitUntil(this.writeAll(entries))
  }

  /** Writes one product's entry now (admin writes: the next request here must see it). */
  async put(entry: PriceEntry): Promise<void> {
    this.memory.set(entry.id, entry)
    try {
      await this.options.kv.put(priceKey(entry.id), JSON.stringify(entry), {
        expirationTtl: this.options.ttlSeconds,
      })
    } catch (error) {
      this.options.log.warn('kv.put_failed', { key: priceKey(entry.id), error: errorText(error) })
    }
  }

  private async writeAll(entries: readonly PriceEntry[]): Promise<void> {
    const writes = entries.map((entry) =>
      this.options.deferredKv.put(priceKey(entry.id), JSON.stringify(entry), {
        expirationTtl: this.options.ttlSeconds,
      }),
    )
    const failed = (await Promise.allSettled(writes)).filter((r) => r.status === 'rejected')
    if (failed.length > 0) {
      this.options.log.warn('kv.refresh_failed', { failed: failed.length, of: entries.length })
    }
  }

  private async bulkGet(keys: string[]): Promise<Map<string, unknown> | null> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`KV read timed out after ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      )
    })
    try {
      const read = this.options.kv.get(keys.map(priceKey), 'json') as Promise<Map<string, unknown>>
      return await Promise.race([read, timeout])
    } catch (error) {
      this.options.log.warn('kv.read_failed', { keys: keys.length, error: errorText(error) })
      return null
    } finally {
      clearTimeout(timer)
    }
  }
}

function isPriceEntry(value: unknown): value is PriceEntry {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.priceCents === 'number' &&
    Number.isSafeInteger(v.priceCents) &&
    v.priceCents >= 0 &&
    typeof v.active === 'boolean'
  )
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))
