/**
 * In-process `KeyValueStore` for tests and local runs. Values are kept as JSON text, so what
 * goes in is serialised exactly as it would be for Redis and callers never share objects.
 */
import { randomUUID } from 'crypto';
import { EtagConflictError, isConditional, withoutEtag, type KeyValueStore, type StoreItem } from './EtagStore';

export interface MemoryKeyValueStoreOptions {
  /** An item not written for this long is gone (like the Redis store's TTL). Default: never. */
  ttlMs?: number;
  /** At most this many items; writing one more drops the least recently written. Default: unbounded. */
  maxItems?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * Expiry and the bound cost nothing per read: items are kept in write order (a write moves its item
 * to the end), so the expired and the oldest are always at the front.
 */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly items = new Map<string, { eTag: string; json: string; writtenAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: MemoryKeyValueStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Items held now (expired ones included until the next write sweeps them). */
  get size(): number {
    return this.items.size;
  }

  private live(key: string): { eTag: string; json: string } | undefined {
    const stored = this.items.get(key);
    if (!stored) return undefined;
    if (this.options.ttlMs !== undefined && this.now() - stored.writtenAt >= this.options.ttlMs) {
      this.items.delete(key);
      return undefined;
    }
    return stored;
  }

  private sweep(): void {
    const { ttlMs, maxItems } = this.options;
    const now = this.now();
    for (const [key, item] of this.items) {
      const expired = ttlMs !== undefined && now - item.writtenAt >= ttlMs;
      const over = maxItems !== undefined && this.items.size > maxItems;
      if (!expired && !over) break;
      this.items.delete(key);
    }
  }

  async read(keys: string[]): Promise<Record<string, StoreItem>> {
    if (!Array.isArray(keys)) throw new TypeError('MemoryKeyValueStore.read(): keys must be an array');
    const out: Record<string, StoreItem> = {};
    for (const key of keys) {
      const stored = this.live(key);
      if (stored) out[key] = { ...(JSON.parse(stored.json) as Record<string, unknown>), eTag: stored.eTag };
    }
    return out;
  }

  async write(changes: Record<string, StoreItem>): Promise<Record<string, string>> {
    if (!changes || typeof changes !== 'object') throw new TypeError('MemoryKeyValueStore.write(): changes must be an object');
    const eTags: Record<string, string> = {};
    for (const [key, item] of Object.entries(changes)) {
      const stored = this.live(key);
      if (stored && isConditional(item.eTag) && item.eTag !== stored.eTag) {
        throw new EtagConflictError(key, 'MemoryKeyValueStore.write()');
      }
      eTags[key] = randomUUID();
      this.items.delete(key);
      this.items.set(key, { eTag: eTags[key], json: JSON.stringify(withoutEtag(item)), writtenAt: this.now() });
    }
    this.sweep();
    return eTags;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }
}
