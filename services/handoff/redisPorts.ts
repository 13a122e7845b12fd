/**
 * The hand-off's small ports (`ports.ts`) in Redis. Every operation is single-key (plus two
 * single-key Lua scripts), so it works the same on a standalone server and on a Cluster without
 * hash tags. Keys: `<prefix>lease:…`, `<prefix>flag:…`, `<prefix>ob:q:<conv>` (list),
 * `<prefix>ob:due` (zset), `<prefix>dlv:<caseId>` (hash), `<prefix>sess:<sha256>`.
 */
import { randomUUID } from 'crypto';
import type { DeliveryState } from './caseView';
import type { HandoffPorts, Leases, OnceFlags, OutboxQueue, SessionStore } from './ports';
import { LuaScript } from '../state/luaScript';
import type { RedisClient } from '../state/redisClient';

const DEL_IF = new LuaScript('leaseRelease', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);
/** SET NX PX and return what the key holds afterwards, in one step. */
const SET_ONCE = new LuaScript(
  'flagSetOnce',
  `local ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) if ok then return {1, ARGV[1]} end return {0, redis.call('GET', KEYS[1])}`,
);
const SET_FIRST = new LuaScript('outboxReplaceHead', `if redis.call('LLEN', KEYS[1]) > 0 then redis.call('LSET', KEYS[1], 0, ARGV[1]) end return 1`);

const ms = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs));

export class RedisLeases implements Leases {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async acquire(name: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    return (await this.redis.set(`${this.prefix}lease:${name}`, token, 'PX', ms(ttlMs), 'NX')) === 'OK' ? token : undefined;
  }

  async release(name: string, token: string): Promise<void> {
    await DEL_IF.run(this.redis, [`${this.prefix}lease:${name}`], [token]);
  }
}

export class RedisOnceFlags implements OnceFlags {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async setOnce(name: string, ttlMs: number, value = '1'): Promise<{ first: boolean; value: string }> {
    const reply = (await SET_ONCE.run(this.redis, [`${this.prefix}flag:${name}`], [value, ms(ttlMs)])) as [number, string | null];
    return { first: Number(reply[0]) === 1, value: reply[1] ?? value };
  }

  async clear(name: string): Promise<void> {
    await this.redis.del(`${this.prefix}flag:${name}`);
  }
}

export class RedisOutboxQueue implements OutboxQueue {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private q(conversationId: string): string {
    return `${this.prefix}ob:q:${conversationId}`;
  }

  private get dueKey(): string {
    return `${this.prefix}ob:due`;
  }

  async push(conversationId: string, job: string): Promise<void> {
    await this.redis.rpush(this.q(conversationId), job);
  }

  async head(conversationId: string): Promise<string | undefined> {
    return (await this.redis.lindex(this.q(conversationId), 0)) ?? undefined;
  }

  async replaceHead(conversationId: string, job: string): Promise<void> {
    await SET_FIRST.run(this.redis, [this.q(conversationId)], [job]);
  }

  async shift(conversationId: string): Promise<void> {
    await this.redis.lpop(this.q(conversationId));
  }

  async size(conversationId: string): Promise<number> {
    return this.redis.llen(this.q(conversationId));
  }

  async schedule(conversationId: string, atMs: number): Promise<void> {
    await this.redis.zadd(this.dueKey, atMs, conversationId);
  }

  async unschedule(conversationId: string): Promise<void> {
    await this.redis.zrem(this.dueKey, conversationId);
  }

  async due(nowMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.dueKey, '-inf', nowMs, 'LIMIT', 0, limit);
  }

  async setState(caseId: string, seq: number, state: DeliveryState, ttlMs: number): Promise<void> {
    const key = `${this.prefix}dlv:${caseId}`;
    await this.redis.hset(key, String(seq), state);
    await this.redis.pexpire(key, ms(ttlMs));
  }

  async states(caseId: string): Promise<Record<number, DeliveryState>> {
    const raw = await this.redis.hgetall(`${this.prefix}dlv:${caseId}`);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [Number(k), v as DeliveryState]));
  }
}

export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}sess:${key}`, value, 'PX', ms(ttlMs));
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}sess:${key}`)) ?? undefined;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}sess:${key}`);
  }
}

/** The four ports on one Redis connection, keys under `<prefix>aux:`. */
export function redisPorts(redis: RedisClient, prefix = 'ld:'): HandoffPorts {
  const p = `${prefix}aux:`;
  return { leases: new RedisLeases(redis, p), flags: new RedisOnceFlags(redis, p), outbox: new RedisOutboxQueue(redis, p), sessions: new RedisSessionStore(redis, p) };
}
