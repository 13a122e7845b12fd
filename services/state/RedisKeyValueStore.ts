/**
 * `KeyValueStore` in Redis: one hash per key (`e` = eTag, `v` = JSON), written by a single-key
 * Lua compare-and-set so a conditional write is atomic across bot instances. Single-key scripts
 * make it Cluster-safe without hash tags. An optional TTL lets idle conversation state expire.
 */
import { randomUUID } from 'crypto';
import { EtagConflictError, isConditional, withoutEtag, type KeyValueStore, type StoreItem } from './EtagStore';
import { LuaScript } from './luaScript';
import type { RedisClient } from './redisClient';

/** KEYS[1] item; ARGV: expected eTag ('' = unconditional), new eTag, JSON, ttl ms (0 = none). */
const CAS_WRITE = new LuaScript(
  'kvWrite',
  `
local cur = redis.call('HGET', KEYS[1], 'e')
if ARGV[1] ~= '' and cur and cur ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'e', ARGV[2], 'v', ARGV[3])
local ttl = tonumber(ARGV[4])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('PERSIST', KEYS[1]) end
return 1
`,
);

export interface RedisKeyValueStoreOptions {
  /** Prepended to every key. Default `ld:kv:`. */
  prefix?: string;
  /** Items expire this long after their last write (e.g. abandoned conversations). Default: never. */
  ttlMs?: number;
}

export class RedisKeyValueStore implements KeyValueStore {
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: RedisClient,
    opts: RedisKeyValueStoreOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'ld:kv:';
    this.ttlMs = opts.ttlMs ?? 0;
  }

  async read(keys: string[]): Promise<Record<string, StoreItem>> {
    if (!Array.isArray(keys)) throw new TypeError('RedisKeyValueStore.read(): keys must be an array');
    const rows = await Promise.all(keys.map((k) => this.redis.hmget(this.prefix + k, 'e', 'v')));
    const out: Record<string, StoreItem> = {};
    rows.forEach(([eTag, json], i) => {
      if (eTag && json) out[keys[i]] = { ...(JSON.parse(json) as Record<string, unknown>), eTag };
    });
    return out;
  }

  async write(changes: Record<string, StoreItem>): Promise<Record<string, string>> {
    if (!changes || typeof changes !== 'object') throw new TypeError('RedisKeyValueStore.write(): changes must be an object');
    const results = await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const expected = isConditional(item.eTag) ? item.eTag : '';
        const eTag = randomUUID();
        const ok = await CAS_WRITE.run(this.redis, [this.prefix + key], [expected, eTag, JSON.stringify(withoutEtag(item)), this.ttlMs]);
        return { key, eTag, ok: ok === 1 };
      }),
    );
    const conflict = results.find((r) => !r.ok);
    if (conflict) throw new EtagConflictError(conflict.key, 'RedisKeyValueStore.write()');
    return Object.fromEntries(results.map((r) => [r.key, r.eTag]));
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.redis.del(this.prefix + k)));
  }
}
