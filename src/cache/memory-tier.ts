/**
 * A small in-isolate cache: bounded in entries, each entry valid for a few seconds at most.
 * Isolates serve many requests, so hot prices come off the network entirely. Like KV it is an
 * accelerator only: the order write re-checks every price against D1.
 */
export class MemoryTier<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>()

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (maxEntries < 1 || ttlMs < 1) throw new Error('MemoryTier needs maxEntries >= 1 and ttlMs >= 1')
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: string, value: V): void {
    // Re-inserting moves the key to the end: Map order is then oldest-written first.
    this.entries.delete(key)
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs })
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  clear(): void {
    this.entries.clear()
  }

  get size(): number {
    return this.entries.size
  }
}
