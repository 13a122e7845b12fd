/**
 * `AuxStore` in Redis: plain single-key commands (plus two single-key Lua scripts), so it works
 * the same on a standalone server and on a Cluster. Keys are `<prefix>aux:<key>`.
 */
import type { AuxStore } from './AuxStore';
import { LuaScript } from '../state/luaScript';
import type { RedisClient } from '../state/redisClient';

const DEL_IF = new LuaScript('auxDelIf', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);
const INCR_TTL = new LuaScript(
  'auxIncr',
  `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`,
);

export interface RedisAuxStoreOptions {
  /** Default `ld:`. */
  prefix?: string;
}

export class RedisAuxStore implements AuxStore {
  private readonly p: string;

  constructor(
    private readonly redis: RedisClient,
    opts: RedisAuxStoreOptions = {},
  ) {
    this.p = `${opts.prefix ?? 'ld:'}aux:`;
  }

  private k(key: string): string {
    return this.p + key;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.k(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs && ttlMs > 0) await this.redis.set(this.k(key), value, 'PX', Math.ceil(ttlMs));
    else await this.redis.set(this.k(key), value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }

  async delIf(key: string, value: string): Promise<void> {
    await DEL_IF.run(this.redis, [this.k(key)], [value]);
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    return Number(await INCR_TTL.run(this.redis, [this.k(key)], [Math.max(1, Math.ceil(ttlMs))]));
  }

  async hset(key: string, field: string, value: string, ttlMs?: number): Promise<void> {
    await this.redis.hset(this.k(key), field, value);
    if (ttlMs && ttlMs > 0) await this.redis.pexpire(this.k(key), Math.ceil(ttlMs));
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.k(key));
  }

  async rpush(key: string, value: string): Promise<number> {
    return this.redis.rpush(this.k(key), value);
  }

  async first(key: string): Promise<string | undefined> {
    return (await this.redis.lindex(this.k(key), 0)) ?? undefined;
  }

  async setFirst(key: string, value: string): Promise<void> {
    if ((await this.redis.llen(this.k(key))) > 0) await this.redis.lset(this.k(key), 0, value);
  }

  async shift(key: string): Promise<void> {
    await this.redis.lpop(this.k(key));
  }

  async llen(key: string): Promise<number> {
    return this.redis.llen(this.k(key));
  }

  async zadd(key: string, member: string, score: number): Promise<void> {
    await this.redis.zadd(this.k(key), score, member);
  }

  async zrem(key: string, member: string): Promise<void> {
    await this.redis.zrem(this.k(key), member);
  }

  async zrangeByScore(key: string, max: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.k(key), '-inf', max, 'LIMIT', 0, limit);
  }
}
