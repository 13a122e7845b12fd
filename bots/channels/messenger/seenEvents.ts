/**
 * De-duplication of Messenger webhook events. Meta re-delivers a webhook call it did not see
 * acknowledged, and anyone holding a captured signed body can replay it: an event whose `mid`
 * was already taken must not run the bot again.
 */
import type { RedisClient } from '../../../services/state/redisClient';

/** Remembers event keys for a while; `firstSeen` is atomic per key. */
export interface SeenEventStore {
  /** True exactly once per key within the store's retention; false for a repeat. */
  firstSeen(key: string): Promise<boolean>;
}

export interface MemorySeenEventStoreOptions {
  /** Most keys kept; the oldest are forgotten first. Default 10,000. */
  maxEntries?: number;
  /** How long a key is remembered. Default 24 h. */
  ttlMs?: number;
  now?: () => number;
}

/** Bounded in-process store (one server instance). Memory stays O(maxEntries). */
export class MemorySeenEventStore implements SeenEventStore {
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: MemorySeenEventStoreOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.ttlMs = Math.max(1, options.ttlMs ?? 24 * 60 * 60 * 1000);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.seen.size;
  }

  async firstSeen(key: string): Promise<boolean> {
    const now = this.now();
    const at = this.seen.get(key);
    if (at !== undefined && now - at < this.ttlMs) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    for (const [k, t] of this.seen) {
      if (this.seen.size <= this.maxEntries && now - t < this.ttlMs) break;
      this.seen.delete(k);
    }
    return true;
  }
}

/**
 * Shared store for several server instances behind one webhook URL: `SET key 1 PX ttl NX`.
 * Keys are namespaced with `prefix`.
 */
export class RedisSeenEventStore implements SeenEventStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly prefix = 'lockerdesk:messenger:seen:',
  ) {}

  async firstSeen(key: string): Promise<boolean> {
    try {
      const res = await this.redis.set(this.prefix + key, '1', 'PX', this.ttlMs, 'NX');
      return res === 'OK';
    } catch (err) {
      throw new Error(`RedisSeenEventStore.firstSeen(): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
