/**
 * Customers a supervisor has blocked, by channel identity (channel + channel user id), with an
 * audit log of every block and unblock: who, why, when. A blocked customer gets one notice and
 * nothing else afterwards ({@link BlockList.claimNotice} says when that notice is due, once per
 * block, across instances).
 *
 * Trust: a block is as strong as the channel's identity. A Messenger user id is stable; an
 * anonymous web visitor can start over with a new id, which is why flood limits also count per IP
 * where the channel gives one. The supervisor console and API (a later phase) call this port;
 * they authenticate the supervisor and pass their id as `by`.
 */
import type { RedisClient } from '../state/redisClient';
import { LuaScript } from '../state/luaScript';

/** Who a customer is on one channel. */
export interface CustomerIdentity {
  /** Bot Framework channel id: `webchat`, `directline`, `facebook`, `emulator`, ... */
  channel: string;
  /** The channel's user id (`activity.from.id`). */
  userId: string;
}

export interface BlockRecord {
  identity: CustomerIdentity;
  /** Supervisor id. */
  by: string;
  reason: string;
  /** ISO time. */
  at: string;
}

export interface BlockAuditEntry extends BlockRecord {
  action: 'block' | 'unblock';
}

export interface BlockList {
  /** Blocks (or re-blocks, with the new reason) `identity`; the next message gets the notice again. */
  block(identity: CustomerIdentity, by: string, reason: string, at?: Date): Promise<BlockRecord>;
  /** Lifts a block; false (and nothing audited) when the identity was not blocked. */
  unblock(identity: CustomerIdentity, by: string, reason: string, at?: Date): Promise<boolean>;
  get(identity: CustomerIdentity): Promise<BlockRecord | undefined>;
  /** True once per block: the caller sends the one notice. False when not blocked or already noticed. */
  claimNotice(identity: CustomerIdentity): Promise<boolean>;
  /** Every current block, newest first. */
  list(): Promise<BlockRecord[]>;
  /** Audit entries, newest first: of one identity, or all (at most `limit`, default 100). */
  audit(options?: { identity?: CustomerIdentity; limit?: number }): Promise<BlockAuditEntry[]>;
}

export const MAX_REASON_CHARS = 500;
export const MAX_ACTOR_CHARS = 100;

/** One string per identity; both parts are encoded so `a:b`+`c` and `a`+`b:c` never collide. */
export function identityKey(identity: CustomerIdentity): string {
  return `${encodeURIComponent(identity.channel)}:${encodeURIComponent(identity.userId)}`;
}

function checked(identity: CustomerIdentity, by: string, reason: string, at: Date, action: BlockAuditEntry['action']): BlockAuditEntry {
  if (!identity.channel || !identity.userId) throw new Error('BlockList: identity needs a channel and a user id');
  const actor = by.trim();
  const why = reason.trim();
  if (!actor || actor.length > MAX_ACTOR_CHARS) throw new Error(`BlockList.${action}(): "by" must be 1–${MAX_ACTOR_CHARS} characters`);
  if (!why || why.length > MAX_REASON_CHARS) throw new Error(`BlockList.${action}(): the reason must be 1–${MAX_REASON_CHARS} characters`);
  return { action, identity: { channel: identity.channel, userId: identity.userId }, by: actor, reason: why, at: at.toISOString() };
}

function recordOf(entry: BlockAuditEntry): BlockRecord {
  return { identity: entry.identity, by: entry.by, reason: entry.reason, at: entry.at };
}

export class MemoryBlockList implements BlockList {
  private readonly blocks = new Map<string, { record: BlockRecord; noticed: boolean }>();
  private readonly log: BlockAuditEntry[] = [];

  async block(identity: CustomerIdentity, by: string, reason: string, at = new Date()): Promise<BlockRecord> {
    const entry = checked(identity, by, reason, at, 'block');
    this.log.push(entry);
    const record = recordOf(entry);
    this.blocks.set(identityKey(identity), { record, noticed: false });
    return record;
  }

  async unblock(identity: CustomerIdentity, by: string, reason: string, at = new Date()): Promise<boolean> {
    const entry = checked(identity, by, reason, at, 'unblock');
    if (!this.blocks.delete(identityKey(identity))) return false;
    this.log.push(entry);
    return true;
  }

  async get(identity: CustomerIdentity): Promise<BlockRecord | undefined> {
    return this.blocks.get(identityKey(identity))?.record;
  }

  async claimNotice(identity: CustomerIdentity): Promise<boolean> {
    const b = this.blocks.get(identityKey(identity));
    if (!b || b.noticed) return false;
    b.noticed = true;
    return true;
  }

  async list(): Promise<BlockRecord[]> {
    return [...this.blocks.values()].map((b) => b.record).sort((a, b) => b.at.localeCompare(a.at));
  }

  async audit(options: { identity?: CustomerIdentity; limit?: number } = {}): Promise<BlockAuditEntry[]> {
    const key = options.identity && identityKey(options.identity);
    return this.log
      .filter((e) => !key || identityKey(e.identity) === key)
      .reverse()
      .slice(0, options.limit ?? 100);
  }
}

/** Marks the notice as sent, only while the block exists (a bare HSETNX would create the key). */
const CLAIM_NOTICE = new LuaScript('fairuse.claimNotice', "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end; return redis.call('HSETNX', KEYS[1], 'noticed', '1')");

/**
 * Redis layout (all single-key commands, so it runs on Redis Cluster): `block:<id>` hash
 * {record, noticed?}; `blocks` set of blocked ids; `audit` list (all, newest first, capped) and
 * `audit:<id>` list (one identity, uncapped: blocks are rare).
 */
export class RedisBlockList implements BlockList {
  /** Entries kept in the all-identities audit list; per-identity lists keep everything. */
  static readonly AUDIT_CAP = 100_000;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(identity: CustomerIdentity): string {
    return `${this.prefix}block:${identityKey(identity)}`;
  }

  private async append(entry: BlockAuditEntry): Promise<void> {
    const json = JSON.stringify(entry);
    // The audit is written before the state changes: a crash in between leaves an audit entry
    // for a change that did not happen, never a change without one.
    await this.client.lpush(`${this.prefix}audit:${identityKey(entry.identity)}`, json);
    await this.client.lpush(`${this.prefix}audit`, json);
    await this.client.ltrim(`${this.prefix}audit`, 0, RedisBlockList.AUDIT_CAP - 1);
  }

  async block(identity: CustomerIdentity, by: string, reason: string, at = new Date()): Promise<BlockRecord> {
    const entry = checked(identity, by, reason, at, 'block');
    await this.append(entry);
    const record = recordOf(entry);
    const key = this.key(identity);
    await this.client.multi().del(key).hset(key, 'record', JSON.stringify(record)).exec();
    await this.client.sadd(`${this.prefix}blocks`, identityKey(identity));
    return record;
  }

  async unblock(identity: CustomerIdentity, by: string, reason: string, at = new Date()): Promise<boolean> {
    const entry = checked(identity, by, reason, at, 'unblock');
    if (!(await this.client.exists(this.key(identity)))) return false;
    await this.append(entry);
    const removed = await this.client.del(this.key(identity));
    await this.client.srem(`${this.prefix}blocks`, identityKey(identity));
    return removed > 0;
  }

  async get(identity: CustomerIdentity): Promise<BlockRecord | undefined> {
    const json = await this.client.hget(this.key(identity), 'record');
    return json ? (JSON.parse(json) as BlockRecord) : undefined;
  }

  async claimNotice(identity: CustomerIdentity): Promise<boolean> {
    return (await CLAIM_NOTICE.run(this.client, [this.key(identity)], [])) === 1;
  }

  async list(): Promise<BlockRecord[]> {
    const ids = await this.client.smembers(`${this.prefix}blocks`);
    const records: BlockRecord[] = [];
    for (const id of ids) {
      const json = await this.client.hget(`${this.prefix}block:${id}`, 'record');
      if (json) records.push(JSON.parse(json) as BlockRecord);
    }
    return records.sort((a, b) => b.at.localeCompare(a.at));
  }

  async audit(options: { identity?: CustomerIdentity; limit?: number } = {}): Promise<BlockAuditEntry[]> {
    const list = options.identity ? `${this.prefix}audit:${identityKey(options.identity)}` : `${this.prefix}audit`;
    const rows = await this.client.lrange(list, 0, (options.limit ?? 100) - 1);
    return rows.map((r) => JSON.parse(r) as BlockAuditEntry);
  }
}
