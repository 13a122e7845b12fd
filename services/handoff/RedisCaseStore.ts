/**
 * `CaseStore` in Redis, shared by all bot instances and surviving their restarts.
 *
 * Layout (B = `<prefix>{handoff}:`):
 *   B case:<id>      string  case JSON
 *   B queue          zset    queued case ids, score = priority * 1e13 + queuedAt ms (FIFO per priority)
 *   B open           hash    join key (conv:/tel:/cust:) -> open case id
 *   B rel:<key>      set     open case ids under a relate key (trk:<parcel>)
 *   B agent:<id>     set     case ids assigned to the agent
 *   B cust:<key>     zset    case ids of a customer by creation time
 *   B own:<conv>     string  ownership JSON (`closed` expires after closedOwnershipTtlMs)
 *   B tx:<caseId>    list    transcript entries (JSON), in arrival order
 *   B buf:<conv>     list    pre-case transcript buffer, capped, expiring
 *   B seq:<YYMMDD>   string  daily case counter
 *   B ref:<conv>     string  conversation reference JSON, expiring
 *   B last:<conv>    string  last customer message, epoch ms, expiring
 *   B presence       zset    agent id -> last heartbeat ms
 *
 * Every write of a case goes through one Lua script that checks what the caller read (the case
 * JSON, the open-index entries, the size of a related set) and, only if nothing changed, writes
 * the case(s) and all derived structures at once; otherwise the caller re-reads and retries. That
 * gives atomic createOrJoin, claim and merge without long-held locks, and a process killed
 * mid-operation leaves either all or nothing.
 *
 * Cluster: all keys carry the `{handoff}` hash tag, so every key lives in one slot and multi-key
 * scripts and MGETs are legal. A single slot (one shard) is plenty at this scale — a few thousand
 * cases a day — and keeps every transition atomic. Scripts declare all keys they touch.
 */
import {
  buildCase,
  capEntry,
  caseDay,
  claimed,
  closed,
  deriveEffects,
  formatCaseId,
  isOpen,
  joinCase,
  joinKeysFor,
  joinVia,
  merged,
  patched,
  relatedTo,
  relateKeysFor,
  released,
  transferred,
  withNote,
  type Effect,
} from './caseRules';
import {
  caseStoreSettings,
  type AppendResult,
  type CaseChange,
  type CaseStore,
  type CaseStoreOptions,
  type CreateOrJoinResult,
  type MergeChange,
} from './CaseStore';
import type { AgentPresence, Case, CaseInput, CasePatch, OwnershipRecord, TranscriptEntry, TranscriptTarget } from './types';
import type { Redis } from 'ioredis';
import { LuaScript } from '../state/luaScript';
import { isCluster, type RedisClient } from '../state/redisClient';

/**
 * ARGV[1] = {c: checks, o: ops}. A check {k, f?, n?, v?} compares GET KEYS[k] (or HGET KEYS[k] f,
 * or SCARD KEYS[k] when n) with v (absent v = key/field must not exist). Returns {n} with n =
 * 1-based failing check, or {0, results...} after applying all ops.
 */
const COMMIT = new LuaScript(
  'handoffCommit',
  `
local spec = cjson.decode(ARGV[1])
for i, c in ipairs(spec.c) do
  local cur
  if c.n then cur = tostring(redis.call('SCARD', KEYS[c.k]))
  elseif c.f then cur = redis.call('HGET', KEYS[c.k], c.f)
  else cur = redis.call('GET', KEYS[c.k]) end
  if c.v == nil then
    if cur then return {i} end
  elseif cur ~= c.v then
    return {i}
  end
end
local out = {0}
for _, op in ipairs(spec.o) do
  local k = KEYS[op.k]
  local r = 0
  if op.o == 'set' then
    if op.px then redis.call('SET', k, op.v, 'PX', op.px) else redis.call('SET', k, op.v) end
  elseif op.o == 'hsetnx' then redis.call('HSETNX', k, op.f, op.v)
  elseif op.o == 'hdelif' then
    if redis.call('HGET', k, op.f) == op.v then redis.call('HDEL', k, op.f) end
  elseif op.o == 'zadd' then redis.call('ZADD', k, op.s, op.m)
  elseif op.o == 'zrem' then redis.call('ZREM', k, op.m)
  elseif op.o == 'del' then redis.call('DEL', k)
  elseif op.o == 'sadd' then redis.call('SADD', k, op.m)
  elseif op.o == 'srem' then redis.call('SREM', k, op.m)
  elseif op.o == 'rpush' then
    redis.call('RPUSH', k, op.v)
    if op.cap then redis.call('LTRIM', k, -op.cap, -1) end
    if op.px then redis.call('PEXPIRE', k, op.px) end
    r = redis.call('LLEN', k)
  elseif op.o == 'move' or op.o == 'copy' then
    local items = redis.call('LRANGE', k, 0, -1)
    for _, item in ipairs(items) do redis.call('RPUSH', KEYS[op.d], item) end
    if op.o == 'move' then redis.call('DEL', k) end
  else
    return redis.error_reply('handoffCommit: unknown op ' .. tostring(op.o))
  end
  out[#out + 1] = r
end
return out
`,
);

type Check = { k: number; f?: string; n?: true; v?: string };
type Op =
  | { o: 'set'; k: number; v: string; px?: number }
  | { o: 'hsetnx' | 'hdelif'; k: number; f: string; v: string }
  | { o: 'zadd'; k: number; s: string; m: string }
  | { o: 'zrem' | 'sadd' | 'srem'; k: number; m: string }
  | { o: 'rpush'; k: number; v: string; cap?: number; px?: number }
  | { o: 'move' | 'copy'; k: number; d: number }
  | { o: 'del'; k: number };

/** Collects the keys of one script call; KEYS are referenced by 1-based index. */
class Batch {
  readonly keys: string[] = [];
  readonly checks: Check[] = [];
  readonly ops: Op[] = [];

  key(name: string): number {
    const i = this.keys.indexOf(name);
    if (i >= 0) return i + 1;
    this.keys.push(name);
    return this.keys.length;
  }
}

const MAX_ATTEMPTS = 50;

/** KEYS[1] the conversation's last customer message time; ARGV[1] ms, ARGV[2] TTL. Keeps the later time, in one round trip. */
const LAST_MESSAGE = new LuaScript(
  'handoffLastMessage',
  `local prev = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > prev then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`,
);

/** Where to SCAN: the client itself, or on a Cluster every master (the keys live on one of them). */
function scanNodes(redis: RedisClient): Pick<Redis, 'scan'>[] {
  return isCluster(redis) ? redis.nodes('master') : [redis];
}

export interface RedisCaseStoreOptions extends CaseStoreOptions {
  /** Default `ld:`. Must not contain `{` or `}`. */
  prefix?: string;
}

export class RedisCaseStore implements CaseStore {
  private readonly s: Required<CaseStoreOptions>;
  private readonly b: string;

  constructor(
    private readonly redis: RedisClient,
    opts: RedisCaseStoreOptions = {},
  ) {
    const { prefix = 'ld:', ...rest } = opts;
    if (/[{}]/.test(prefix)) throw new Error(`RedisCaseStore: prefix "${prefix}" must not contain braces (it would change the hash slot)`);
    this.s = caseStoreSettings(rest);
    this.b = `${prefix}{handoff}:`;
  }

  async createOrJoin(input: CaseInput): Promise<CreateOrJoinResult> {
    const keys = joinKeysFor(input);
    const relKeys = relateKeysFor(input.fields);
    const openKey = this.k('open');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ids = keys.length ? await this.redis.hmget(openKey, ...keys) : [];
      const batch = new Batch();
      const ok = batch.key(openKey);
      keys.forEach((f, i) => batch.checks.push({ k: ok, f, v: ids[i] ?? undefined }));

      const stale: Effect[] = [];
      let joinedTried = false;
      for (let i = 0; i < keys.length; i++) {
        const id = ids[i];
        if (!id) continue;
        const raw = await this.redis.get(this.k(`case:${id}`));
        const found = raw ? (JSON.parse(raw) as Case) : undefined;
        if (found && isOpen(found)) {
          batch.checks.push({ k: batch.key(this.k(`case:${id}`)), v: raw ?? undefined });
          const next = joinCase(found, input, joinVia(keys[i]), this.s.now());
          this.addCommit(batch, found, next);
          if (await this.run(batch)) return { case: next, joined: true };
          joinedTried = true;
          break;
        }
        stale.push({ t: 'indexRemove', key: keys[i], caseId: id });
      }
      if (joinedTried) continue;

      // No join: relate to the open cases of the same parcel, linking both ways in this same step.
      const related: { raw: string; c: Case }[] = [];
      for (const rk of relKeys) {
        const setKey = this.k(`rel:${rk}`);
        const members = (await this.redis.smembers(setKey)).sort();
        batch.checks.push({ k: batch.key(setKey), n: true, v: String(members.length) });
        // The related cases in one read (a parcel can have several open).
        const ids = members.filter((id) => !related.some((r) => r.c.id === id));
        const raws = ids.length ? await this.redis.mget(...ids.map((id) => this.k(`case:${id}`))) : [];
        for (const raw of raws) {
          const c = raw ? (JSON.parse(raw) as Case) : undefined;
          if (raw && c && isOpen(c)) related.push({ raw, c });
        }
      }
      const at = input.at ?? this.s.now();
      const id = formatCaseId(at, await this.nextSeq(at), this.s.timeZone);
      const c = buildCase(id, input, this.s.now(), related.map((r) => r.c.id));
      batch.checks.push({ k: batch.key(this.k(`case:${id}`)) });
      for (const r of related) {
        batch.checks.push({ k: batch.key(this.k(`case:${r.c.id}`)), v: r.raw });
        this.addCommit(batch, r.c, relatedTo(r.c, id));
      }
      this.addCommit(batch, undefined, c, stale);
      if (await this.run(batch)) return { case: c, joined: false };
    }
    throw new Error(`RedisCaseStore.createOrJoin(): too much contention for conversation ${input.conversationId ?? '(work order)'}`);
  }

  async get(id: string): Promise<Case | undefined> {
    const raw = await this.redis.get(this.k(`case:${id}`));
    return raw ? (JSON.parse(raw) as Case) : undefined;
  }

  async getMany(ids: string[]): Promise<Case[]> {
    return this.load(ids);
  }

  async update(id: string, patch: CasePatch): Promise<CaseChange> {
    return this.mutate(id, (c) => patched(c, patch));
  }

  async listQueue(): Promise<Case[]> {
    return this.load(await this.redis.zrange(this.k('queue'), '0', '-1'));
  }

  async position(id: string): Promise<number | undefined> {
    const rank = await this.redis.zrank(this.k('queue'), id);
    return rank === null ? undefined : rank + 1;
  }

  async claim(id: string, agentId: string, at?: Date): Promise<CaseChange> {
    return this.mutate(id, (c) => claimed(c, agentId, at ?? this.s.now()));
  }

  async transfer(id: string, fromAgent: string, toAgent: string, at?: Date): Promise<CaseChange> {
    return this.mutate(id, (c) => transferred(c, fromAgent, toAgent, at ?? this.s.now()));
  }

  async release(id: string): Promise<CaseChange> {
    return this.mutate(id, released);
  }

  async close(id: string, agentId: string, resolutionCode: string, at?: Date): Promise<CaseChange> {
    return this.mutate(id, (c) => closed(c, agentId, resolutionCode, at ?? this.s.now()));
  }

  async merge(keptId: string, otherId: string, by: string, marker: TranscriptEntry, at?: Date): Promise<MergeChange> {
    const keptKey = this.k(`case:${keptId}`);
    const otherKey = this.k(`case:${otherId}`);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [keptRaw, otherRaw] = await this.redis.mget(keptKey, otherKey);
      if (!keptRaw || !otherRaw) return { ok: false, reason: 'not_found' };
      const result = merged(JSON.parse(keptRaw) as Case, JSON.parse(otherRaw) as Case, by, at ?? this.s.now());
      if (typeof result === 'string') return { ok: false, reason: result };
      const batch = new Batch();
      batch.checks.push({ k: batch.key(keptKey), v: keptRaw }, { k: batch.key(otherKey), v: otherRaw });
      // The merged case first: its keys leave the index before the kept case takes them.
      this.addCommit(batch, JSON.parse(otherRaw) as Case, result.other);
      this.addCommit(batch, JSON.parse(keptRaw) as Case, result.kept);
      const tx = batch.key(this.k(`tx:${keptId}`));
      batch.ops.push({ o: 'rpush', k: tx, v: JSON.stringify(capEntry(marker)) });
      batch.ops.push({ o: 'copy', k: batch.key(this.k(`tx:${otherId}`)), d: tx });
      if (await this.run(batch)) return { ok: true, kept: result.kept, merged: result.other };
    }
    throw new Error(`RedisCaseStore.merge(): too much contention on ${keptId} / ${otherId}`);
  }

  async listByAgent(agentId: string): Promise<Case[]> {
    const ids = (await this.redis.smembers(this.k(`agent:${agentId}`))).sort();
    return (await this.load(ids)).filter((c) => c.status === 'assigned' && c.assignedTo === agentId);
  }

  async listByCustomer(customerKey: string): Promise<Case[]> {
    if (!customerKey) return [];
    return this.load(await this.redis.zrevrange(this.k(`cust:${customerKey}`), 0, -1));
  }

  async addNote(id: string, agentId: string, text: string, at?: Date): Promise<CaseChange> {
    const when = at ?? this.s.now();
    return this.mutate(id, (c) => withNote(c, agentId, text, when));
  }

  async appendTranscript(target: TranscriptTarget, entry: TranscriptEntry): Promise<AppendResult> {
    const json = JSON.stringify(capEntry(entry));
    if ('caseId' in target) {
      return { caseId: target.caseId, seq: await this.redis.rpush(this.k(`tx:${target.caseId}`), json) };
    }
    const field = `conv:${target.conversationId}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // A conversation the bot answers has no open case, nearly always: the first attempt assumes
      // none and lets the script's check prove it (one round trip instead of two); when the
      // check finds one, the next attempt reads it first.
      const caseId = attempt === 0 ? undefined : ((await this.redis.hget(this.k('open'), field)) ?? undefined);
      const batch = new Batch();
      batch.checks.push({ k: batch.key(this.k('open')), f: field, v: caseId });
      if (caseId !== undefined) batch.ops.push({ o: 'rpush', k: batch.key(this.k(`tx:${caseId}`)), v: json });
      else {
        const k = batch.key(this.k(`buf:${target.conversationId}`));
        batch.ops.push({ o: 'rpush', k, v: json, cap: this.s.preCaseBufferSize, px: this.s.preCaseBufferTtlMs });
      }
      const result = await this.run(batch);
      if (result) return { caseId, seq: result[result.length - 1] };
    }
    throw new Error(`RedisCaseStore.appendTranscript(): too much contention for conversation ${target.conversationId}`);
  }

  async transcript(target: TranscriptTarget, opts: { fromSeq?: number } = {}): Promise<TranscriptEntry[]> {
    const from = Math.max(1, opts.fromSeq ?? 1) - 1;
    let list: string;
    if ('caseId' in target) list = this.k(`tx:${target.caseId}`);
    else {
      const caseId = await this.redis.hget(this.k('open'), `conv:${target.conversationId}`);
      list = caseId ? this.k(`tx:${caseId}`) : this.k(`buf:${target.conversationId}`);
    }
    return (await this.redis.lrange(list, from, -1)).map((j) => JSON.parse(j) as TranscriptEntry);
  }

  async findOpenCase(conversationId: string): Promise<Case | undefined> {
    const id = await this.redis.hget(this.k('open'), `conv:${conversationId}`);
    const c = id ? await this.get(id) : undefined;
    return c && isOpen(c) ? c : undefined;
  }

  async getOwnership(conversationId: string): Promise<OwnershipRecord> {
    const raw = await this.redis.get(this.k(`own:${conversationId}`));
    return raw ? (JSON.parse(raw) as OwnershipRecord) : { state: 'bot' };
  }

  async setOwnership(conversationId: string, record: OwnershipRecord): Promise<void> {
    const key = this.k(`own:${conversationId}`);
    if (record.state === 'closed') await this.redis.set(key, JSON.stringify(record), 'PX', this.s.closedOwnershipTtlMs);
    else if (record.state === 'bot') await this.redis.del(key);
    else await this.redis.set(key, JSON.stringify(record));
  }

  async saveReference(conversationId: string, ref: Record<string, unknown>): Promise<void> {
    await this.redis.set(this.k(`ref:${conversationId}`), JSON.stringify(ref), 'PX', this.s.referenceTtlMs);
  }

  async getReference(conversationId: string): Promise<Record<string, unknown> | undefined> {
    const raw = await this.redis.get(this.k(`ref:${conversationId}`));
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
  }

  async recordCustomerMessage(conversationId: string, at: Date): Promise<void> {
    await LAST_MESSAGE.run(this.redis, [this.k(`last:${conversationId}`)], [at.getTime(), this.s.lastMessageTtlMs]);
  }

  async lastCustomerMessageAt(conversationId: string): Promise<Date | undefined> {
    const raw = await this.redis.get(this.k(`last:${conversationId}`));
    return raw ? new Date(Number(raw)) : undefined;
  }

  async setPresence(agentId: string, online: boolean, at?: Date): Promise<void> {
    const key = this.k('presence');
    if (!online) {
      await this.redis.zrem(key, agentId);
      return;
    }
    const ms = (at ?? this.s.now()).getTime();
    await this.redis.zadd(key, ms, agentId);
    await this.redis.zremrangebyscore(key, '-inf', ms - 100 * this.s.presenceTtlMs);
  }

  async heartbeat(agentId: string, at?: Date): Promise<void> {
    await this.setPresence(agentId, true, at);
  }

  async onlineAgents(now?: Date): Promise<AgentPresence[]> {
    const since = (now ?? this.s.now()).getTime() - this.s.presenceTtlMs;
    const flat = await this.redis.zrevrangebyscore(this.k('presence'), '+inf', `(${since}`, 'WITHSCORES');
    const out: AgentPresence[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ agentId: flat[i], lastSeenAt: new Date(Number(flat[i + 1])).toISOString() });
    return out;
  }

  async isOnline(agentId: string, now?: Date): Promise<boolean> {
    const score = await this.redis.zscore(this.k('presence'), agentId);
    return score !== null && Number(score) > (now ?? this.s.now()).getTime() - this.s.presenceTtlMs;
  }

  async forEachCase(visit: (c: Case) => void | Promise<void>): Promise<void> {
    for (const node of scanNodes(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${this.b}case:*`, 'COUNT', 500);
        cursor = next;
        const cases = await this.load(keys.map((key) => key.slice(this.b.length + 'case:'.length)));
        for (const c of cases) await visit(c);
      } while (cursor !== '0');
    }
  }

  async eraseCase(id: string): Promise<boolean> {
    const key = this.k(`case:${id}`);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const raw = await this.redis.get(key);
      if (!raw) return false;
      const c = JSON.parse(raw) as Case;
      const batch = new Batch();
      batch.checks.push({ k: batch.key(key), v: raw });
      batch.ops.push({ o: 'del', k: batch.key(key) }, { o: 'del', k: batch.key(this.k(`tx:${id}`)) }, { o: 'zrem', k: batch.key(this.k('queue')), m: id });
      for (const f of c.matchKeys) batch.ops.push({ o: 'hdelif', k: batch.key(this.k('open')), f, v: id });
      for (const rk of c.relateKeys) batch.ops.push({ o: 'srem', k: batch.key(this.k(`rel:${rk}`)), m: id });
      if (c.assignedTo) batch.ops.push({ o: 'srem', k: batch.key(this.k(`agent:${c.assignedTo}`)), m: id });
      if (c.customerKey) batch.ops.push({ o: 'zrem', k: batch.key(this.k(`cust:${c.customerKey}`)), m: id });
      for (const conv of c.conversations) for (const name of ['own', 'ref', 'last', 'buf']) batch.ops.push({ o: 'del', k: batch.key(this.k(`${name}:${conv.id}`)) });
      if (await this.run(batch)) return true;
    }
    throw new Error(`RedisCaseStore.eraseCase(): too much contention on case ${id}`);
  }

  async eraseConversation(conversationId: string): Promise<void> {
    await this.redis.del(...['own', 'ref', 'last', 'buf'].map((name) => this.k(`${name}:${conversationId}`)));
  }

  private k(name: string): string {
    return this.b + name;
  }

  private async nextSeq(at: Date): Promise<number> {
    const key = this.k(`seq:${caseDay(at, this.s.timeZone)}`);
    const seq = await this.redis.incr(key);
    if (seq === 1) await this.redis.pexpire(key, 3 * 86_400_000);
    return seq;
  }

  private async load(ids: string[]): Promise<Case[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.k(`case:${id}`)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Case);
  }

  /** Re-reads and retries while someone else changed the case in between. */
  private async mutate(id: string, step: (c: Case) => Case | undefined): Promise<CaseChange> {
    const key = this.k(`case:${id}`);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const raw = await this.redis.get(key);
      if (!raw) return { ok: false, reason: 'not_found' };
      const c = JSON.parse(raw) as Case;
      const next = step(c);
      if (!next) return { ok: false, reason: 'conflict', current: c };
      const batch = new Batch();
      batch.checks.push({ k: batch.key(key), v: raw });
      this.addCommit(batch, c, next);
      if (await this.run(batch)) return { ok: true, case: next };
    }
    throw new Error(`RedisCaseStore: too much contention on case ${id}`);
  }

  private addCommit(batch: Batch, before: Case | undefined, after: Case, extra: Effect[] = []): void {
    batch.ops.push({ o: 'set', k: batch.key(this.k(`case:${after.id}`)), v: JSON.stringify(after) });
    for (const fx of [...extra, ...deriveEffects(before, after)]) batch.ops.push(this.op(batch, fx));
  }

  /** Op results (numbers) on success, undefined when a check failed. */
  private async run(batch: Batch): Promise<number[] | undefined> {
    const reply = await COMMIT.run(this.redis, batch.keys, [JSON.stringify({ c: batch.checks, o: batch.ops })]);
    if (!Array.isArray(reply) || reply.length === 0) throw new Error('RedisCaseStore: unexpected script reply');
    if (reply[0] !== 0) return undefined;
    return reply.slice(1).map(Number);
  }

  private op(batch: Batch, fx: Effect): Op {
    switch (fx.t) {
      case 'queueAdd':
        return { o: 'zadd', k: batch.key(this.k('queue')), s: String(fx.score), m: fx.caseId };
      case 'queueRemove':
        return { o: 'zrem', k: batch.key(this.k('queue')), m: fx.caseId };
      case 'indexAdd':
        return { o: 'hsetnx', k: batch.key(this.k('open')), f: fx.key, v: fx.caseId };
      case 'indexRemove':
        return { o: 'hdelif', k: batch.key(this.k('open')), f: fx.key, v: fx.caseId };
      case 'relAdd':
        return { o: 'sadd', k: batch.key(this.k(`rel:${fx.key}`)), m: fx.caseId };
      case 'relRemove':
        return { o: 'srem', k: batch.key(this.k(`rel:${fx.key}`)), m: fx.caseId };
      case 'agentAdd':
        return { o: 'sadd', k: batch.key(this.k(`agent:${fx.agentId}`)), m: fx.caseId };
      case 'agentRemove':
        return { o: 'srem', k: batch.key(this.k(`agent:${fx.agentId}`)), m: fx.caseId };
      case 'customerAdd':
        return { o: 'zadd', k: batch.key(this.k(`cust:${fx.customerKey}`)), s: String(fx.score), m: fx.caseId };
      case 'ownership': {
        const px = fx.record.state === 'closed' ? this.s.closedOwnershipTtlMs : undefined;
        return { o: 'set', k: batch.key(this.k(`own:${fx.conversationId}`)), v: JSON.stringify(fx.record), px };
      }
      case 'adoptBuffer':
        return { o: 'move', k: batch.key(this.k(`buf:${fx.conversationId}`)), d: batch.key(this.k(`tx:${fx.caseId}`)) };
    }
  }
}
