/**
 * `ProofStore` in Redis, shared by every bot instance: pending codes and phone keys are plain
 * strings (JSON) with a TTL, locks are one hash (`<prefix>proof:locks`) updated by a single-key Lua
 * script, so every command touches one key and the store works on Redis Cluster.
 */
import { createHash, randomBytes } from 'crypto';
import { LuaScript } from '../state/luaScript';
import type { RedisClient } from '../state/redisClient';
import { mergeLock, type KnownPhone, type PendingChallenge, type ProofStore, type StoredLock } from './ProofStore';

/**
 * KEYS[1] locks hash; ARGV: id, lock JSON, now ms. Merges like `mergeLock` (kept in step with it
 * by the store contract test) and returns the stored JSON.
 */
const RECORD_LOCK = new LuaScript(
  'proofRecordLock',
  `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local new = cjson.decode(ARGV[2])
local now = tonumber(ARGV[3])
if cur then
  local old = cjson.decode(cur)
  if tonumber(old.untilMs) > now then
    old.refusals = old.refusals + 1
    old.lastConversationId = new.lastConversationId
    if tonumber(new.untilMs) > tonumber(old.untilMs) then
      old['until'] = new['until']
      old.untilMs = new.untilMs
    end
    local json = cjson.encode(old)
    redis.call('HSET', KEYS[1], ARGV[1], json)
    return json
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]
`,
);

type Wire = StoredLock & { untilMs: number };

const keyPart = (value: string) => (value.length > 150 ? `h:${createHash('sha256').update(value).digest('base64url')}` : value);

export class RedisProofStore implements ProofStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClient,
    opts: { prefix?: string } = {},
  ) {
    this.prefix = `${opts.prefix ?? 'ld:'}proof:`;
  }

  async getPending(conversationId: string): Promise<PendingChallenge | undefined> {
    const json = await this.redis.get(this.pendingKey(conversationId));
    return json ? (JSON.parse(json) as PendingChallenge) : undefined;
  }

  async putPending(conversationId: string, pending: PendingChallenge, ttlMs: number): Promise<void> {
    await this.redis.set(this.pendingKey(conversationId), JSON.stringify(pending), 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async deletePending(conversationId: string): Promise<void> {
    await this.redis.del(this.pendingKey(conversationId));
  }

  async getPhone(ref: string): Promise<KnownPhone | undefined> {
    const json = await this.redis.get(`${this.prefix}phone:${keyPart(ref)}`);
    return json ? (JSON.parse(json) as KnownPhone) : undefined;
  }

  async putPhone(ref: string, phone: KnownPhone, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}phone:${keyPart(ref)}`, JSON.stringify(phone), 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async secret(): Promise<string> {
    const key = `${this.prefix}secret`;
    await this.redis.set(key, randomBytes(32).toString('hex'), 'NX');
    const secret = await this.redis.get(key);
    if (!secret) throw new Error('RedisProofStore.secret(): the shared secret vanished right after it was written');
    return secret;
  }

  async recordLock(lock: StoredLock, nowMs: number): Promise<StoredLock> {
    const fresh = mergeLock(undefined, lock, nowMs);
    const wire: Wire = { ...fresh, untilMs: Date.parse(fresh.until) };
    const json = await RECORD_LOCK.run(this.redis, [this.locksKey()], [lock.id, JSON.stringify(wire), nowMs]);
    return fromWire(String(json));
  }

  async listLocks(nowMs: number): Promise<StoredLock[]> {
    const all = await this.redis.hgetall(this.locksKey());
    const live: StoredLock[] = [];
    const lifted: string[] = [];
    for (const [id, json] of Object.entries(all)) {
      const lock = fromWire(json);
      if (Date.parse(lock.until) <= nowMs) lifted.push(id);
      else live.push(lock);
    }
    if (lifted.length) await this.redis.hdel(this.locksKey(), ...lifted);
    return live.sort((a, b) => b.since.localeCompare(a.since));
  }

  async removeLock(id: string): Promise<StoredLock | undefined> {
    const json = await this.redis.hget(this.locksKey(), id);
    if (!json) return undefined;
    await this.redis.hdel(this.locksKey(), id);
    return fromWire(json);
  }

  private pendingKey(conversationId: string): string {
    return `${this.prefix}pending:${keyPart(conversationId)}`;
  }

  private locksKey(): string {
    return `${this.prefix}locks`;
  }
}

function fromWire(json: string): StoredLock {
  const { untilMs: _untilMs, ...lock } = JSON.parse(json) as Wire;
  return lock;
}
