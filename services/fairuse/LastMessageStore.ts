/**
 * The fingerprint of a customer's previous message, per conversation and per customer identity,
 * for "the same message again is not answered twice", and of the choices the bot offered last
 * (a click on one of them answers a question, it is never a repeat). Only hashes of normalised
 * text are kept, never the text, and they expire after the repeat window.
 */
import type { RedisClient } from '../state/redisClient';
import { LuaScript } from '../state/luaScript';

export interface LastMessageStore {
  /** Stores `fingerprint` as the latest of `key` for `ttlMs` and returns the one it replaced, if still fresh. */
  swap(key: string, fingerprint: string, ttlMs: number): Promise<string | undefined>;
  /** The value of `key`, if still fresh. */
  get(key: string): Promise<string | undefined>;
}

export class MemoryLastMessageStore implements LastMessageStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async swap(key: string, fingerprint: string, ttlMs: number): Promise<string | undefined> {
    const t = this.now();
    const previous = this.entries.get(key);
    this.entries.set(key, { value: fingerprint, expiresAt: t + ttlMs });
    if (this.entries.size > 10_000) for (const [k, e] of this.entries) if (e.expiresAt <= t) this.entries.delete(k);
    return previous && previous.expiresAt > t ? previous.value : undefined;
  }

  async get(key: string): Promise<string | undefined> {
    const e = this.entries.get(key);
    return e && e.expiresAt > this.now() ? e.value : undefined;
  }
}

/** GET and SET PX in one step (one key, so it runs on Redis Cluster too). */
const SWAP = new LuaScript('fairuse.swapLast', "local p = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]); return p");

export class RedisLastMessageStore implements LastMessageStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async swap(key: string, fingerprint: string, ttlMs: number): Promise<string | undefined> {
    const previous = await SWAP.run(this.client, [`${this.prefix}last:${key}`], [fingerprint, Math.max(1, Math.round(ttlMs))]);
    return typeof previous === 'string' ? previous : undefined;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(`${this.prefix}last:${key}`)) ?? undefined;
  }
}
