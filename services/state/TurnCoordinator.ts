/**
 * Turn coordination (issue #8 finding 11), the port behind `bots/TurnGuardMiddleware`:
 *
 * - **de-duplication**: a channel retry delivering the same activity id again is claimed once
 *   (`claim` is true exactly once per key within the TTL, across instances with Redis);
 * - **one turn at a time per conversation**: `exclusive` runs one conversation's turns one after
 *   another, in arrival order, in this process; with Redis also behind a short lease, renewed while
 *   the turn runs, so two instances never run the same conversation's turns at once.
 *
 * Implementations: {@link MemoryTurnCoordinator} (one instance) and {@link RedisTurnCoordinator}.
 */
import { randomUUID } from 'crypto';
import { LuaScript } from './luaScript';
import type { RedisClient } from './redisClient';

export interface TurnCoordinator {
  /** True the first time `key` is claimed within the TTL; false for a duplicate. */
  claim(key: string): Promise<boolean>;
  /** Forgets a claim (the turn failed: the channel's retry should run it again). */
  release(key: string): Promise<void>;
  /** Runs `work` when no other turn of `conversationKey` runs (in this process, and with Redis in any). */
  exclusive<T>(conversationKey: string, work: () => Promise<T>): Promise<T>;
  /**
   * `claim(claimKey)`, then, unless it is a duplicate, `exclusive(conversationKey, work)`; with
   * Redis both in one round trip when no other turn of the conversation waits in this process.
   * Resolves `{ duplicate: true }` without running `work` for a duplicate. When the turn fails
   * after this call claimed the key, the claim is forgotten (the channel's retry runs it again);
   * a claim that failed or found a duplicate is never released (it may be another delivery's).
   */
  claimExclusive<T>(claimKey: string, conversationKey: string, work: () => Promise<T>): Promise<{ duplicate: true } | { duplicate: false; value: T }>;
}

/** `claimExclusive` as the two steps one after another (what the in-process coordinator needs). */
async function claimThenExclusive<T>(c: TurnCoordinator, claimKey: string, conversationKey: string, work: () => Promise<T>): Promise<{ duplicate: true } | { duplicate: false; value: T }> {
  if (!(await c.claim(claimKey))) return { duplicate: true };
  try {
    return { duplicate: false, value: await c.exclusive(conversationKey, work) };
  } catch (err) {
    await c.release(claimKey).catch(() => undefined);
    throw err;
  }
}

/** Too many turns already wait for this conversation in this process. */
export class ConversationBusyError extends Error {
  constructor(where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.name = 'ConversationBusyError';
  }
}

export interface TurnCoordinatorOptions {
  /** How long an activity id is remembered. Default 10 minutes (channels retry within seconds). */
  dedupeTtlMs?: number;
  /** Activity ids remembered at most (memory; oldest forgotten first). Default 50,000. */
  maxRemembered?: number;
  /** Turns waiting or running per conversation in this process. Default 32. */
  maxPendingPerConversation?: number;
}

/** Per-conversation promise chains: one turn at a time, arrival order, bounded; entries leave when idle. */
class LocalQueues {
  private readonly queues = new Map<string, { tail: Promise<unknown>; pending: number }>();

  constructor(private readonly maxPending: number) {}

  /** True when a turn of `key` runs or waits in this process. */
  busy(key: string): boolean {
    return this.queues.has(key);
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), pending: 0 };
    if (queue.pending >= this.maxPending) return Promise.reject(new ConversationBusyError('TurnCoordinator.exclusive()', `more than ${this.maxPending} turns wait for one conversation`));
    queue.pending += 1;
    this.queues.set(key, queue);
    const result = queue.tail.then(work);
    queue.tail = result
      .catch(() => undefined)
      .finally(() => {
        queue.pending -= 1;
        if (queue.pending === 0 && this.queues.get(key) === queue) this.queues.delete(key);
      });
    return result;
  }

  get size(): number {
    return this.queues.size;
  }
}

/** In-process coordination: a bounded map of recent activity ids with a TTL, and per-conversation queues. */
export class MemoryTurnCoordinator implements TurnCoordinator {
  /** key → expiry; insertion order is expiry order (one TTL), so sweeping looks at the front only. */
  private readonly seen = new Map<string, number>();
  private readonly queues: LocalQueues;
  private readonly ttlMs: number;
  private readonly max: number;

  constructor(
    opts: TurnCoordinatorOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.ttlMs = opts.dedupeTtlMs ?? 10 * 60_000;
    this.max = opts.maxRemembered ?? 50_000;
    this.queues = new LocalQueues(opts.maxPendingPerConversation ?? 32);
  }

  async claim(key: string): Promise<boolean> {
    const t = this.now();
    this.sweep(t);
    const until = this.seen.get(key);
    if (until !== undefined && until > t) return false;
    this.seen.delete(key);
    this.seen.set(key, t + this.ttlMs);
    while (this.seen.size > this.max) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return true;
  }

  async release(key: string): Promise<void> {
    this.seen.delete(key);
  }

  exclusive<T>(conversationKey: string, work: () => Promise<T>): Promise<T> {
    return this.queues.run(conversationKey, work);
  }

  claimExclusive<T>(claimKey: string, conversationKey: string, work: () => Promise<T>): Promise<{ duplicate: true } | { duplicate: false; value: T }> {
    return claimThenExclusive(this, claimKey, conversationKey, work);
  }

  /** Remembered activity ids and conversations with turns in flight (tests: both shrink back). */
  get sizes(): { remembered: number; conversations: number } {
    this.sweep(this.now());
    return { remembered: this.seen.size, conversations: this.queues.size };
  }

  private sweep(t: number): void {
    for (const [key, until] of this.seen) {
      if (until > t) break;
      this.seen.delete(key);
    }
  }
}

/** KEYS[1] lease; ARGV[1] token, ARGV[2] ms. Extends the lease only while we hold it. */
const RENEW = new LuaScript('leaseRenew', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`);
/** KEYS[1] lease; ARGV[1] token. Releases only our own lease. */
const RELEASE = new LuaScript('leaseRelease', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

export interface RedisTurnCoordinatorOptions extends TurnCoordinatorOptions {
  /** Key prefix (REDIS_PREFIX). */
  prefix: string;
  /** Lease length; renewed every third of it while the turn runs. Default 15 s. */
  leaseMs?: number;
  /** How long a turn waits for another instance's lease. Default 30 s (then the turn fails). */
  waitMs?: number;
}

/** Coordination across instances: `SET NX PX` for activity ids, a renewed `SET NX PX` lease per conversation. */
export class RedisTurnCoordinator implements TurnCoordinator {
  private readonly queues: LocalQueues;
  private readonly ttlMs: number;
  private readonly leaseMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: RedisTurnCoordinatorOptions,
  ) {
    this.ttlMs = opts.dedupeTtlMs ?? 10 * 60_000;
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.waitMs = opts.waitMs ?? 30_000;
    this.queues = new LocalQueues(opts.maxPendingPerConversation ?? 32);
  }

  async claim(key: string): Promise<boolean> {
    return (await this.redis.set(`${this.opts.prefix}seen:${key}`, '1', 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.redis.del(`${this.opts.prefix}seen:${key}`);
  }

  exclusive<T>(conversationKey: string, work: () => Promise<T>): Promise<T> {
    return this.queues.run(conversationKey, () => this.leased(this.leaseKey(conversationKey), work));
  }

  /**
   * When no turn of the conversation runs or waits in this process, the claim and the lease go
   * out together (two commands, one round trip; separate keys, so also on a Cluster). A duplicate
   * that got the lease gives it back at once; a claim whose lease another instance holds waits
   * for it as `exclusive` does. Otherwise the claim first, then the queue, as before.
   */
  async claimExclusive<T>(claimKey: string, conversationKey: string, work: () => Promise<T>): Promise<{ duplicate: true } | { duplicate: false; value: T }> {
    if (this.queues.busy(conversationKey)) return claimThenExclusive(this, claimKey, conversationKey, work);
    const lease = this.leaseKey(conversationKey);
    let duplicate = false;
    const value = await this.queues.run(conversationKey, async () => {
      const token = randomUUID();
      const [claim, lock] = await Promise.allSettled([this.claim(claimKey), this.redis.set(lease, token, 'PX', this.leaseMs, 'NX')]);
      const leased = lock.status === 'fulfilled' && lock.value === 'OK';
      // Never keep a lease for a turn that does not run here (the next turn would wait for it to expire).
      const giveBack = () => (leased ? RELEASE.run(this.redis, [lease], [token]).catch(() => undefined) : Promise.resolve());
      if (claim.status === 'fulfilled' && !claim.value) {
        // A duplicate, whatever the lease did: the claim is the original delivery's, never released here.
        duplicate = true;
        await giveBack();
        return undefined;
      }
      if (claim.status === 'rejected') {
        // Unknown whether the claim was set (the answer was lost): not released, as when `claim` fails alone.
        await giveBack();
        throw claim.reason;
      }
      if (lock.status === 'rejected') {
        // Our claim, but the turn does not run: forget it so the channel's retry runs the turn.
        await this.release(claimKey).catch(() => undefined);
        throw lock.reason;
      }
      try {
        return await this.leased(lease, work, leased ? token : undefined);
      } catch (err) {
        await this.release(claimKey).catch(() => undefined);
        throw err;
      }
    });
    return duplicate ? { duplicate: true } : { duplicate: false, value: value as T };
  }

  private leaseKey(conversationKey: string): string {
    return `${this.opts.prefix}lease:${conversationKey}`;
  }

  /** Runs `work` holding the lease `key`: `held` is the token of a lease already taken, else it is taken here (waiting for another instance's). */
  private async leased<T>(key: string, work: () => Promise<T>, held?: string): Promise<T> {
    const token = held ?? randomUUID();
    const until = Date.now() + this.waitMs;
    let pause = 20;
    while (!held && (await this.redis.set(key, token, 'PX', this.leaseMs, 'NX')) !== 'OK') {
      if (Date.now() > until) throw new ConversationBusyError('RedisTurnCoordinator.exclusive()', `another instance held the conversation's lease for over ${this.waitMs} ms`);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 250);
    }
    const renew = setInterval(() => void RENEW.run(this.redis, [key], [token, this.leaseMs]).catch(() => undefined), Math.max(50, Math.floor(this.leaseMs / 3)));
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await RELEASE.run(this.redis, [key], [token]).catch(() => undefined);
    }
  }
}
