/**
 * The supervisor's flag on an abusive conversation or customer: "abusive language (or a threat)
 * was written here, first at …". The fair-use policy raises it; the hand-off side reads it when a
 * case for that conversation or customer exists or is opened, and shows it to supervisors. Nothing
 * of the customer's text is stored with it.
 */
import type { RedisClient } from '../state/redisClient';
import { LuaScript } from '../state/luaScript';

export interface AbuseFlag {
  reason: 'abusive';
  /** A threat of violence was among the messages. */
  threat: boolean;
  /** First abusive message (ISO). */
  at: string;
  /** Latest abusive message (ISO). */
  lastAt: string;
  /** Abusive messages counted. */
  count: number;
}

/** A flag is kept on the conversation and on the customer identity (`CustomerRef.customerKey`). */
export interface FlagSubject {
  conversationId?: string;
  customerKey?: string;
}

export interface AbuseFlags {
  raise(subject: FlagSubject, event: { threat: boolean; at: Date }): Promise<void>;
  /** The flag of the conversation or the customer (merged when both have one), or undefined. */
  get(subject: FlagSubject): Promise<AbuseFlag | undefined>;
  /** Forgets the flags of the conversation and of the customer (data-subject erasure); how many there were. */
  clear(subject: FlagSubject): Promise<number>;
}

/** How long a flag lives without new abuse. Retention and erase come with their own phase. */
export const FLAG_TTL_MS = 30 * 86_400_000;

function keysOf(subject: FlagSubject): string[] {
  const keys: string[] = [];
  if (subject.conversationId) keys.push(`conv:${subject.conversationId}`);
  if (subject.customerKey) keys.push(`cust:${subject.customerKey}`);
  return keys;
}

function merge(flags: (AbuseFlag | undefined)[]): AbuseFlag | undefined {
  const present = flags.filter((f): f is AbuseFlag => Boolean(f));
  if (!present.length) return undefined;
  return present.reduce((a, b) => ({
    reason: 'abusive',
    threat: a.threat || b.threat,
    at: a.at < b.at ? a.at : b.at,
    lastAt: a.lastAt > b.lastAt ? a.lastAt : b.lastAt,
    count: Math.max(a.count, b.count),
  }));
}

function bump(previous: AbuseFlag | undefined, event: { threat: boolean; at: Date }): AbuseFlag {
  const at = event.at.toISOString();
  return {
    reason: 'abusive',
    threat: (previous?.threat ?? false) || event.threat,
    at: previous?.at ?? at,
    lastAt: at,
    count: (previous?.count ?? 0) + 1,
  };
}

export class MemoryAbuseFlags implements AbuseFlags {
  private readonly flags = new Map<string, { flag: AbuseFlag; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private read(key: string): AbuseFlag | undefined {
    const e = this.flags.get(key);
    return e && e.expiresAt > this.now() ? e.flag : undefined;
  }

  async raise(subject: FlagSubject, event: { threat: boolean; at: Date }): Promise<void> {
    for (const key of keysOf(subject)) this.flags.set(key, { flag: bump(this.read(key), event), expiresAt: this.now() + FLAG_TTL_MS });
  }

  async get(subject: FlagSubject): Promise<AbuseFlag | undefined> {
    return merge(keysOf(subject).map((k) => this.read(k)));
  }

  async clear(subject: FlagSubject): Promise<number> {
    let n = 0;
    for (const key of keysOf(subject)) if (this.flags.delete(key)) n++;
    return n;
  }
}

/** One hash per subject; first time kept, count incremented, threat sticky, TTL renewed. */
const RAISE = new LuaScript(
  'fairuse.raiseFlag',
  "redis.call('HSETNX', KEYS[1], 'at', ARGV[1]); redis.call('HSET', KEYS[1], 'lastAt', ARGV[1]); redis.call('HINCRBY', KEYS[1], 'count', 1); if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'threat', '1') end; redis.call('PEXPIRE', KEYS[1], ARGV[3]); return 1",
);

export class RedisAbuseFlags implements AbuseFlags {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async raise(subject: FlagSubject, event: { threat: boolean; at: Date }): Promise<void> {
    for (const key of keysOf(subject)) {
      await RAISE.run(this.client, [`${this.prefix}flag:${key}`], [event.at.toISOString(), event.threat ? '1' : '0', FLAG_TTL_MS]);
    }
  }

  async get(subject: FlagSubject): Promise<AbuseFlag | undefined> {
    const flags = await Promise.all(
      keysOf(subject).map(async (key): Promise<AbuseFlag | undefined> => {
        const h = await this.client.hgetall(`${this.prefix}flag:${key}`);
        if (!h.at) return undefined;
        return { reason: 'abusive', threat: h.threat === '1', at: h.at, lastAt: h.lastAt ?? h.at, count: Number(h.count ?? 1) };
      }),
    );
    return merge(flags);
  }

  async clear(subject: FlagSubject): Promise<number> {
    const keys = keysOf(subject).map((key) => `${this.prefix}flag:${key}`);
    let n = 0;
    for (const key of keys) n += await this.client.del(key);
    return n;
  }
}
