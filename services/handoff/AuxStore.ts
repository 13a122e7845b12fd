/**
 * Small shared key-value facts the hand-off needs besides cases: agent sessions, login failure
 * counters, "alert already sent" flags, acknowledgement throttles, the delivery outbox and
 * per-entry delivery states. Shared by all bot instances (Redis) so a session made on instance A
 * is valid on instance B and a case alert is sent once, not once per instance.
 *
 * Every operation is single-key and atomic on its own; nothing here needs multi-key transactions,
 * so the Redis implementation is Cluster-safe without hash tags. Implementations:
 * `MemoryAuxStore` (below) and `RedisAuxStore`.
 */
export interface AuxStore {
  get(key: string): Promise<string | undefined>;
  /** `ttlMs` 0/undefined = no expiry. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** true when the key was absent and now holds `value` (a lease, a once-only flag). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Deletes the key only while it still holds `value` (releasing one's own lease). */
  delIf(key: string, value: string): Promise<void>;
  /** Increments; the expiry is set when the counter is created (a fixed window). */
  incr(key: string, ttlMs: number): Promise<number>;
  hset(key: string, field: string, value: string, ttlMs?: number): Promise<void>;
  hgetall(key: string): Promise<Record<string, string>>;
  /** Appends; returns the new length. */
  rpush(key: string, value: string): Promise<number>;
  /** The first element of a list, if any. */
  first(key: string): Promise<string | undefined>;
  /** Replaces the first element (no-op on an empty list). */
  setFirst(key: string, value: string): Promise<void>;
  /** Removes the first element. */
  shift(key: string): Promise<void>;
  llen(key: string): Promise<number>;
  zadd(key: string, member: string, score: number): Promise<void>;
  zrem(key: string, member: string): Promise<void>;
  /** Members with score <= max, lowest first, at most `limit`. */
  zrangeByScore(key: string, max: number, limit: number): Promise<string[]>;
}

interface Entry {
  value: string | string[] | Map<string, string> | Map<string, number>;
  expiresAt?: number;
}

/** Single-process `AuxStore` with the same semantics (expiry checked on access). */
export class MemoryAuxStore implements AuxStore {
  private readonly data = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const e = this.data.get(key);
    if (e && e.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  private expiry(ttlMs?: number): number | undefined {
    return ttlMs && ttlMs > 0 ? this.now() + ttlMs : undefined;
  }

  private list(key: string): string[] {
    const e = this.live(key);
    if (e && Array.isArray(e.value)) return e.value;
    const value: string[] = [];
    this.data.set(key, { value });
    return value;
  }

  private map<V>(key: string): Map<string, V> {
    const e = this.live(key);
    if (e && e.value instanceof Map) return e.value as Map<string, V>;
    const value = new Map<string, V>();
    this.data.set(key, { value: value as Map<string, string> });
    return value;
  }

  async get(key: string): Promise<string | undefined> {
    const v = this.live(key)?.value;
    return typeof v === 'string' ? v : undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.data.set(key, { value, expiresAt: this.expiry(ttlMs) });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.data.set(key, { value, expiresAt: this.expiry(ttlMs) });
    return true;
  }

  async del(key: string): Promise<void> {
    this.data.delete(key);
  }

  async delIf(key: string, value: string): Promise<void> {
    if (this.live(key)?.value === value) this.data.delete(key);
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    const e = this.live(key);
    const n = (typeof e?.value === 'string' ? Number(e.value) : 0) + 1;
    this.data.set(key, { value: String(n), expiresAt: e ? e.expiresAt : this.expiry(ttlMs) });
    return n;
  }

  async hset(key: string, field: string, value: string, ttlMs?: number): Promise<void> {
    this.map<string>(key).set(field, value);
    if (ttlMs) this.data.get(key)!.expiresAt = this.expiry(ttlMs);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const e = this.live(key);
    return e && e.value instanceof Map ? Object.fromEntries(e.value as Map<string, string>) : {};
  }

  async rpush(key: string, value: string): Promise<number> {
    const l = this.list(key);
    l.push(value);
    return l.length;
  }

  async first(key: string): Promise<string | undefined> {
    const e = this.live(key);
    return Array.isArray(e?.value) ? e.value[0] : undefined;
  }

  async setFirst(key: string, value: string): Promise<void> {
    const e = this.live(key);
    if (Array.isArray(e?.value) && e.value.length) e.value[0] = value;
  }

  async shift(key: string): Promise<void> {
    const e = this.live(key);
    if (Array.isArray(e?.value)) {
      e.value.shift();
      if (!e.value.length) this.data.delete(key);
    }
  }

  async llen(key: string): Promise<number> {
    const e = this.live(key);
    return Array.isArray(e?.value) ? e.value.length : 0;
  }

  async zadd(key: string, member: string, score: number): Promise<void> {
    this.map<number>(key).set(member, score);
  }

  async zrem(key: string, member: string): Promise<void> {
    const e = this.live(key);
    if (e && e.value instanceof Map) e.value.delete(member);
  }

  async zrangeByScore(key: string, max: number, limit: number): Promise<string[]> {
    const e = this.live(key);
    if (!e || !(e.value instanceof Map)) return [];
    return [...(e.value as Map<string, number>).entries()]
      .filter(([, s]) => s <= max)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([m]) => m);
  }
}
