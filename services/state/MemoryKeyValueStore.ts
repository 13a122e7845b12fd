/**
 * In-process `KeyValueStore` for tests and local runs. Values are kept as JSON text, so what
 * goes in is serialised exactly as it would be for Redis and callers never share objects.
 *
 * Bounded (issue #8 finding 5): items expire `ttlMs` after their last write (as the Redis store's
 * keys do), and at most `maxItems` are kept — beyond that the least recently written go first.
 * Expired items are never returned and are swept as writes come in (the map is in write order,
 * so a sweep looks at its front only).
 */
import { randomUUID } from 'crypto';
import { EtagConflictError, isConditional, withoutEtag, type KeyValueStore, type StoreItem } from './EtagStore';

export interface MemoryKeyValueStoreOptions {
  /** Items expire this long after their last write. Default: never. */
  ttlMs?: number;
  /** Most items kept; the least recently written are dropped first. Default: unbounded. */
  maxItems?: number;
  now?: () => number;
}

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly items = new Map<string, { eTag: string; json: string; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxItems: number;
  private readonly now: () => number;

  constructor(opts: MemoryKeyValueStoreOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 0;
    this.maxItems = opts.maxItems ?? Number.POSITIVE_INFINITY;
    this.now = opts.now ?? Date.now;
  }

  /** Items held now (expired ones swept first). */
  get size(): number {
    this.sweep();
    return this.items.size;
  }

  async read(keys: string[]): Promise<Record<string, StoreItem>> {
    if (!Array.isArray(keys)) throw new TypeError('MemoryKeyValueStore.read(): keys must be an array');
    const out: Record<string, StoreItem> = {};
    const t = this.now();
    for (const key of keys) {
      const stored = this.items.get(key);
      if (stored && stored.expiresAt > t) out[key] = { ...(JSON.parse(stored.json) as Record<string, unknown>), eTag: stored.eTag };
    }
    return out;
  }

  async write(changes: Record<string, StoreItem>): Promise<Record<string, string>> {
    if (!changes || typeof changes !== 'object') throw new TypeError('MemoryKeyValueStore.write(): changes must be an object');
    this.sweep();
    const t = this.now();
    const eTags: Record<string, string> = {};
    for (const [key, item] of Object.entries(changes)) {
      const stored = this.items.get(key);
      if (stored && isConditional(item.eTag) && item.eTag !== stored.eTag) {
        throw new EtagConflictError(key, 'MemoryKeyValueStore.write()');
      }
      eTags[key] = randomUUID();
      // Re-inserted, so the map stays in write order.
      this.items.delete(key);
      this.items.set(key, { eTag: eTags[key], json: JSON.stringify(withoutEtag(item)), expiresAt: this.ttlMs > 0 ? t + this.ttlMs : Number.POSITIVE_INFINITY });
    }
    while (this.items.size > this.maxItems) {
      const oldest = this.items.keys().next().value;
      if (oldest === undefined) break;
      this.items.delete(oldest);
    }
    return eTags;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }

  private sweep(): void {
    const t = this.now();
    for (const [key, item] of this.items) {
      if (item.expiresAt > t) break;
      this.items.delete(key);
    }
  }
}
