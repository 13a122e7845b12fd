/**
 * {@link DirectLineStore} in Redis: the embedded Direct Line's conversations, activity logs with
 * their watermarks, and uploads, shared by every bot instance and kept across restarts; live events
 * fanned out to every instance through Redis pub/sub. With it, any instance serves any REST
 * request or WebSocket of any conversation (no sticky routing).
 *
 * Layout (B = `<prefix>{dl}:`):
 *   B all        zset    conversation id -> last activity (ms): the cap and the idle order
 *   B anon       zset    conversations whose user never wrote -> creation (ms): evicted first
 *   B size       hash    conversation id -> bytes held (activities + uploads)
 *   B total      string  bytes held by all conversations (the global budget)
 *   B c:<id>     hash    rec (record JSON), started, locale, last, seq, ab/ub (activity/upload bytes), ups (upload ids)
 *   B l:<id>     list    log entries `<watermark> <bytes> <activity id> <activity JSON>`, oldest first
 *   B u:<id>     hash    an upload: conv, type, name, data
 *   B events     channel `<conversation id> <LiveEvent JSON>`
 *
 * Every write is one Lua script, so budgets, caps, eviction order and watermarks hold across
 * instances exactly as in memory, and live events are published inside the same script: their
 * order on the channel is the order of the log. Per-conversation keys expire a little after the
 * idle timeout (refreshed on activity); the sweep, run by every instance, forgets idle
 * conversations first and keeps the global accounting exact.
 *
 * Cluster: every key carries the `{dl}` hash tag (one slot, as the hand-off's `{handoff}`), so the
 * scripts may reach the keys of a conversation they evict, which they name from `KEYS[1]`.
 */
import { randomBytes } from 'crypto';
import { EventEmitter } from 'events';
import { LuaScript } from '../../../services/state/luaScript';
import { isCluster, type RedisClient } from '../../../services/state/redisClient';
import type { ClientActivity } from './shaping';
import { DirectLineStoreUnavailable, storeLimits, type DirectLineStoreLimits } from './store';
import type {
  ActivityEntry,
  ConversationRecord,
  DirectLineStore,
  InMemoryDirectLineStoreOptions,
  LiveEvent,
  Refusal,
  StoreUsage,
  Stored,
  StoredAttachment,
} from './store';

/** Options of {@link RedisDirectLineStore}: the same bounds as in memory, and where the keys live. */
export interface RedisDirectLineStoreOptions extends InMemoryDirectLineStoreOptions {
  /** Key prefix (`REDIS_PREFIX`). Default `ld:`. */
  prefix?: string;
  /** Receives failures of the background sweep and of the subscriber connection. */
  onError?: (err: unknown) => void;
}

const PRELUDE = `
local B = string.sub(KEYS[1], 1, -4)
local ALL, ANON, SIZE, TOTAL = B..'all', B..'anon', B..'size', B..'total'
local function ckey(id) return B..'c:'..id end
local function lkey(id) return B..'l:'..id end
local function ukey(a) return B..'u:'..a end
local CH, NOWS, NOW, TTL = ARGV[1], ARGV[2], tonumber(ARGV[2]), tonumber(ARGV[3])
local MAXB, RESERVE, MAXUP, MAXACT = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local MAXCONV, MAXTOTAL, EVICTIDLE = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local function total() return tonumber(redis.call('GET', TOTAL) or '0') end
local function ups(id)
  local s = redis.call('HGET', ckey(id), 'ups')
  local t = {}
  if s then for a in string.gmatch(s, '%S+') do t[#t + 1] = a end end
  return t
end
local function drop(id)
  local n = tonumber(redis.call('HGET', SIZE, id) or '0')
  if n ~= 0 then redis.call('DECRBY', TOTAL, n) end
  redis.call('HDEL', SIZE, id)
  redis.call('ZREM', ALL, id)
  redis.call('ZREM', ANON, id)
  for _, a in ipairs(ups(id)) do redis.call('DEL', ukey(a)) end
  redis.call('DEL', ckey(id), lkey(id))
  redis.call('PUBLISH', CH, id..' {"kind":"ended"}')
end
local function bump(id)
  redis.call('HSET', ckey(id), 'last', NOWS)
  redis.call('ZADD', ALL, NOWS, id)
  redis.call('PEXPIRE', ckey(id), TTL)
  redis.call('PEXPIRE', lkey(id), TTL)
  for _, a in ipairs(ups(id)) do redis.call('PEXPIRE', ukey(a), TTL) end
end
local function evictOne(except)
  for _, id in ipairs(redis.call('ZRANGE', ANON, 0, 1)) do
    if id ~= except then drop(id) return true end
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', ALL, '-inf', NOW - EVICTIDLE, 'LIMIT', 0, 2)) do
    if id ~= except then drop(id) return true end
  end
  return false
end
local function account(id, ad, ud)
  if ad ~= 0 then redis.call('HINCRBY', ckey(id), 'ab', ad) end
  if ud ~= 0 then redis.call('HINCRBY', ckey(id), 'ub', ud) end
  local d = ad + ud
  if d ~= 0 then
    redis.call('HINCRBY', SIZE, id, d)
    redis.call('INCRBY', TOTAL, d)
  end
end
local function trim(id)
  local c, l = ckey(id), lkey(id)
  while true do
    local len = redis.call('LLEN', l)
    if len <= 1 then return end
    local used = tonumber(redis.call('HGET', c, 'ab') or '0') + tonumber(redis.call('HGET', c, 'ub') or '0')
    if len <= MAXACT and used <= MAXB then return end
    local old = redis.call('LPOP', l)
    account(id, -tonumber(string.match(old, '^%d+ (%d+) ')), 0)
  end
end
local function push(id, seq, aid, json)
  local bytes = string.len(json)
  redis.call('RPUSH', lkey(id), seq..' '..bytes..' '..aid..' '..json)
  account(id, bytes, 0)
  trim(id)
  bump(id)
  redis.call('PUBLISH', CH, id..' {"kind":"activity","entry":{"watermark":'..seq..',"activity":'..json..'}}')
end
local function canUpload(id, n)
  if redis.call('EXISTS', ckey(id)) == 0 then return 'unknown' end
  if #ups(id) >= MAXUP then return 'count' end
  if tonumber(redis.call('HGET', ckey(id), 'ub') or '0') + n > MAXB - RESERVE then return 'budget' end
  while total() + n > MAXTOTAL do
    if not evictOne(id) then return 'capacity' end
  end
  return ''
end
`;

const script = (name: string, body: string): LuaScript => new LuaScript(`directLine.${name}`, PRELUDE + body);

const CREATE = script(
  'create',
  `
local id = ARGV[11]
local c = ckey(id)
if redis.call('EXISTS', c) == 1 then return 'exists' end
if redis.call('HEXISTS', SIZE, id) == 1 then drop(id) end
while redis.call('ZCARD', ALL) >= MAXCONV or total() >= MAXTOTAL do
  if not evictOne(nil) then return 'capacity' end
end
redis.call('HSET', c, 'rec', ARGV[12], 'started', ARGV[14], 'seq', ARGV[16], 'ab', '0', 'ub', '0', 'ups', '')
if ARGV[15] ~= '' then redis.call('HSET', c, 'locale', ARGV[15]) end
redis.call('HSET', SIZE, id, '0')
if ARGV[13] == '1' then redis.call('ZADD', ANON, NOWS, id) end
bump(id)
return 'ok'
`,
);

const MARK_STARTED = script(
  'markStarted',
  `
local id = ARGV[11]
local c = ckey(id)
if redis.call('EXISTS', c) == 0 or redis.call('HGET', c, 'started') == '1' then return 0 end
redis.call('HSET', c, 'started', '1')
if ARGV[12] ~= '' then redis.call('HSET', c, 'locale', ARGV[12]) end
bump(id)
return 1
`,
);

const TOUCH = script('touch', `if redis.call('EXISTS', ckey(ARGV[11])) == 1 then bump(ARGV[11]) end return 1`);

const APPEND = script(
  'append',
  `
local id = ARGV[11]
local c = ckey(id)
if redis.call('EXISTS', c) == 0 then return 0 end
if ARGV[13] == '1' then redis.call('ZREM', ANON, id) end
local seq = redis.call('HINCRBY', c, 'seq', 1)
local aid = id..'|'..string.format('%07d', seq)
push(id, seq, aid, '{"id":"'..aid..'",'..string.sub(ARGV[12], 2))
return seq
`,
);

const REPLACE = script(
  'replace',
  `
local id = ARGV[11]
local c, l = ckey(id), lkey(id)
if redis.call('EXISTS', c) == 0 then return 0 end
for _, item in ipairs(redis.call('LRANGE', l, 0, -1)) do
  local b, aid = string.match(item, '^%d+ (%d+) (%S+) ')
  if aid == ARGV[12] then
    redis.call('LREM', l, 1, item)
    account(id, -tonumber(b), 0)
    local seq = redis.call('HINCRBY', c, 'seq', 1)
    push(id, seq, aid, ARGV[13])
    return seq
  end
end
return 0
`,
);

const DELETE = script(
  'delete',
  `
local id = ARGV[11]
local l = lkey(id)
for _, item in ipairs(redis.call('LRANGE', l, 0, -1)) do
  local b, aid = string.match(item, '^%d+ (%d+) (%S+) ')
  if aid == ARGV[12] then
    redis.call('LREM', l, 1, item)
    account(id, -tonumber(b), 0)
    return 1
  end
end
return 0
`,
);

const ACTIVITIES = script(
  'activities',
  `
local c = ckey(ARGV[11])
local seq = redis.call('HGET', c, 'seq')
if not seq then return false end
return {seq, redis.call('LRANGE', lkey(ARGV[11]), 0, -1)}
`,
);

const EPHEMERAL = script(
  'ephemeral',
  `
local id = ARGV[11]
if redis.call('EXISTS', ckey(id)) == 0 then return 0 end
bump(id)
redis.call('PUBLISH', CH, id..' {"kind":"ephemeral","activity":'..ARGV[12]..'}')
return 1
`,
);

const CAN_UPLOAD = script('canUpload', `return canUpload(ARGV[11], tonumber(ARGV[12]))`);

const PUT = script(
  'putAttachment',
  `
local id, aid = ARGV[11], ARGV[12]
local n = string.len(ARGV[15])
local refusal = canUpload(id, n)
if refusal ~= '' then return refusal end
redis.call('HSET', ukey(aid), 'conv', id, 'type', ARGV[13], 'name', ARGV[14], 'data', ARGV[15])
local s = redis.call('HGET', ckey(id), 'ups') or ''
redis.call('HSET', ckey(id), 'ups', (s == '' and aid) or (s..' '..aid))
account(id, 0, n)
trim(id)
bump(id)
return ''
`,
);

const SWEEP = script(
  'sweep',
  `
local gone = redis.call('ZRANGEBYSCORE', ALL, '-inf', ARGV[11], 'LIMIT', 0, 500)
for _, id in ipairs(gone) do drop(id) end
return gone
`,
);

const USAGE = script(
  'usage',
  `
local uploads = 0
for _, id in ipairs(redis.call('ZRANGE', ALL, 0, -1)) do uploads = uploads + #ups(id) end
return {redis.call('ZCARD', ALL), redis.call('ZCARD', ANON), total(), uploads}
`,
);

const ENTRY = /^(\d+) (\d+) (\S+) ([\s\S]*)$/;

function parseEntry(item: string): ActivityEntry | undefined {
  const m = ENTRY.exec(item);
  if (!m) return undefined;
  return { watermark: Number(m[1]), activity: JSON.parse(m[4]) as ClientActivity };
}

function parseEvent(json: string): LiveEvent | undefined {
  try {
    const event = JSON.parse(json) as LiveEvent;
    return event.kind === 'activity' || event.kind === 'ephemeral' || event.kind === 'ended' ? event : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The shared {@link DirectLineStore}. Build it with {@link RedisDirectLineStore.open}, which
 * resolves once this instance listens to the live events (so no subscriber misses one published
 * after it subscribed). When the subscriber connection comes back after an outage, every local
 * subscriber hears `resync` and re-reads the log from its watermark.
 */
export class RedisDirectLineStore implements DirectLineStore {
  private readonly b: string;
  private readonly channel: string;
  private readonly events = new EventEmitter();
  private readonly o: DirectLineStoreLimits;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;
  private readonly timer: NodeJS.Timeout;
  private subscriber?: RedisClient;

  private constructor(
    private readonly redis: RedisClient,
    options: RedisDirectLineStoreOptions,
  ) {
    this.b = `${options.prefix ?? 'ld:'}{dl}:`;
    this.channel = `${this.b}events`;
    this.o = storeLimits(options);
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    this.events.setMaxListeners(0);
    const every = Math.max(options.sweepIntervalMs ?? Math.min(this.o.idleTimeoutMs / 4, 5 * 60 * 1000), 10);
    // Keys outlive the idle timeout by two sweeps: the sweep forgets a conversation (and its bytes) first.
    this.ttlMs = Math.ceil(this.o.idleTimeoutMs + 2 * every);
    this.timer = setInterval(() => void this.sweep().catch(this.onError), every);
    this.timer.unref();
  }

  /** A store listening to the live events of every conversation; rejects when Redis cannot be subscribed to. */
  static async open(redis: RedisClient, options: RedisDirectLineStoreOptions = {}): Promise<RedisDirectLineStore> {
    const store = new RedisDirectLineStore(redis, options);
    try {
      await store.listen();
    } catch (err) {
      await store.close();
      throw new Error(`RedisDirectLineStore.open(): cannot subscribe to ${store.channel}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return store;
  }

  /** Forgets conversations idle for longer than the timeout (with their uploads); returns their ids. */
  async sweep(): Promise<string[]> {
    return (await this.run(SWEEP, [String(this.now() - this.o.idleTimeoutMs)])) as string[];
  }

  async usage(): Promise<StoreUsage> {
    const [conversations, anonymous, bytes, attachments] = ((await this.run(USAGE, [])) as number[]).map(Number);
    return { conversations, anonymous, bytes, attachments };
  }

  async createConversation(record: ConversationRecord, anonymous = true, restored = false): Promise<Stored<ConversationRecord>> {
    const rec = JSON.stringify({ id: record.id, userId: record.userId, userName: record.userName, createdAt: record.createdAt });
    const firstSeq = restored ? String(Math.floor(this.now())) : '0';
    const reply = await this.run(CREATE, [record.id, rec, anonymous ? '1' : '0', record.started ? '1' : '0', record.locale ?? '', firstSeq]);
    if (reply === 'capacity') return { ok: false, reason: 'capacity' };
    const stored = await this.getConversation(record.id);
    return stored ? { ok: true, value: stored } : { ok: false, reason: 'unknown' };
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const [rec, started, locale, last] = await this.guard('getConversation', () => this.redis.hmget(`${this.b}c:${id}`, 'rec', 'started', 'locale', 'last'));
    if (!rec) return undefined;
    const base = JSON.parse(rec) as Pick<ConversationRecord, 'id' | 'userId' | 'userName' | 'createdAt'>;
    const record: ConversationRecord = { id: base.id, userId: base.userId, started: started === '1', createdAt: base.createdAt, lastActiveAt: Number(last ?? base.createdAt) };
    if (base.userName !== undefined) record.userName = base.userName;
    if (locale) record.locale = locale;
    return record;
  }

  async markStarted(id: string, locale?: string): Promise<boolean> {
    return Number(await this.run(MARK_STARTED, [id, locale ?? ''])) === 1;
  }

  async touch(id: string): Promise<void> {
    await this.run(TOUCH, [id]);
  }

  async appendActivity(conversationId: string, activity: Omit<ClientActivity, 'id'>, fromUser: boolean): Promise<ActivityEntry | undefined> {
    const { id: _ignored, ...rest } = activity as ClientActivity;
    const seq = Number(await this.run(APPEND, [conversationId, JSON.stringify(rest), fromUser ? '1' : '0']));
    if (!seq) return undefined;
    return { watermark: seq, activity: { id: `${conversationId}|${String(seq).padStart(7, '0')}`, ...rest } as ClientActivity };
  }

  async replaceActivity(conversationId: string, activity: ClientActivity): Promise<ActivityEntry | undefined> {
    if (/\s/.test(activity.id)) return undefined;
    const seq = Number(await this.run(REPLACE, [conversationId, activity.id, JSON.stringify(activity)]));
    return seq ? { watermark: seq, activity: { ...activity } } : undefined;
  }

  async deleteActivity(conversationId: string, activityId: string): Promise<boolean> {
    return Number(await this.run(DELETE, [conversationId, activityId])) === 1;
  }

  async getActivities(conversationId: string, after: number): Promise<{ entries: ActivityEntry[]; watermark: number } | undefined> {
    const reply = (await this.run(ACTIVITIES, [conversationId])) as [string, string[]] | null;
    if (!reply) return undefined;
    const entries: ActivityEntry[] = [];
    for (const item of reply[1]) {
      const entry = parseEntry(item);
      if (entry && entry.watermark > after) entries.push(entry);
    }
    return { entries, watermark: Number(reply[0]) };
  }

  async publishEphemeral(conversationId: string, activity: ClientActivity): Promise<void> {
    await this.run(EPHEMERAL, [conversationId, JSON.stringify(activity)]);
  }

  async canUpload(conversationId: string, bytes: number): Promise<Refusal | undefined> {
    const reply = String(await this.run(CAN_UPLOAD, [conversationId, bytes]));
    return reply === '' ? undefined : (reply as Refusal);
  }

  async putAttachment(attachment: StoredAttachment): Promise<Stored<string>> {
    const id = randomBytes(32).toString('base64url');
    const reply = String(await this.run(PUT, [attachment.conversationId, id, attachment.contentType, attachment.name, attachment.data]));
    return reply === '' ? { ok: true, value: id } : { ok: false, reason: reply as Refusal };
  }

  async getAttachment(attachmentId: string): Promise<StoredAttachment | undefined> {
    const found = await this.guard('getAttachment', () => this.redis.hgetallBuffer(`${this.b}u:${attachmentId}`));
    if (!found.conv || !found.data) return undefined;
    return { conversationId: found.conv.toString('utf8'), contentType: found.type.toString('utf8'), name: found.name.toString('utf8'), data: found.data };
  }

  subscribe(conversationId: string, listener: (event: LiveEvent) => void): () => void {
    this.events.on(conversationId, listener);
    return () => this.events.off(conversationId, listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const sub = this.subscriber;
    this.subscriber = undefined;
    sub?.disconnect();
    this.events.removeAllListeners();
  }

  private run(lua: LuaScript, args: Array<string | number | Buffer>): Promise<unknown> {
    const o = this.o;
    const common: Array<string | number | Buffer> = [
      this.channel,
      String(Math.floor(this.now())),
      this.ttlMs,
      o.maxConversationBytes,
      o.activityReserveBytes,
      o.maxUploadsPerConversation,
      o.maxActivitiesPerConversation,
      o.maxConversations,
      o.maxTotalBytes,
      o.evictIdleAfterMs,
    ];
    return this.guard(lua.name, () => lua.run(this.redis, [`${this.b}all`], [...common, ...args]));
  }

  /** Redis failures (down, timed out) become {@link DirectLineStoreUnavailable}: the client gets 503, not 500. */
  private async guard<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw new DirectLineStoreUnavailable(`RedisDirectLineStore ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  private async listen(): Promise<void> {
    const sub: RedisClient = isCluster(this.redis) ? this.redis.duplicate() : this.redis.duplicate();
    this.subscriber = sub;
    sub.on('error', (err: unknown) => this.onError(err));
    if (sub.status === 'wait') await sub.connect();
    let wasDown = false;
    sub.on('close', () => {
      wasDown = true;
    });
    sub.on('ready', () => {
      if (!wasDown) return;
      wasDown = false;
      // Pub/sub keeps nothing for an absent subscriber: whoever listens re-reads from its watermark.
      for (const name of this.events.eventNames()) this.events.emit(name, { kind: 'resync' } satisfies LiveEvent);
    });
    sub.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const space = message.indexOf(' ');
      if (space < 1) return;
      const event = parseEvent(message.slice(space + 1));
      if (event) this.events.emit(message.slice(0, space), event);
    });
    await sub.subscribe(this.channel);
  }
}
