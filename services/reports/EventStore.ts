/**
 * The report events' store: one small port with a memory and a Redis implementation, both run by
 * one contract suite (`test/services/reports/stores.contract.test.ts`). Redis is what makes
 * reports cover every instance and survive restarts; memory serves a single process.
 *
 * Retention is bounded both ways: events older than `retentionMs` are dropped as new ones come
 * in, and at most `maxEvents` are kept (the oldest go first).
 */
import { randomBytes } from 'crypto';
import type { RedisClient } from '../state/redisClient';
import type { ReportEvent } from './events';

export interface EventStore {
  append(event: ReportEvent): Promise<void>;
  /** Events with `fromMs <= at < toMs`, oldest first, at most `limit` (default 200,000). */
  range(fromMs: number, toMs: number, limit?: number): Promise<ReportEvent[]>;
}

export interface RetentionOptions {
  /** Events older than this (by their `at`) are dropped. */
  retentionMs: number;
  /** At most this many events are kept. */
  maxEvents: number;
  /** The clock retention is measured by (tests). */
  now?: () => number;
}

const DEFAULT_LIMIT = 200_000;

/** Memory store: events sorted by time, trimmed on every append. */
export class MemoryEventStore implements EventStore {
  private readonly events: { atMs: number; event: ReportEvent }[] = [];
  private readonly now: () => number;

  constructor(private readonly o: RetentionOptions) {
    this.now = o.now ?? Date.now;
  }

  get size(): number {
    return this.events.length;
  }

  async append(event: ReportEvent): Promise<void> {
    const atMs = Date.parse(event.at);
    if (!Number.isFinite(atMs)) throw new Error(`MemoryEventStore.append(): invalid time "${event.at}"`);
    let i = this.events.length;
    while (i > 0 && this.events[i - 1].atMs > atMs) i--;
    this.events.splice(i, 0, { atMs, event: structuredClone(event) });
    const cutoff = this.now() - this.o.retentionMs;
    let drop = 0;
    while (drop < this.events.length && this.events[drop].atMs < cutoff) drop++;
    drop = Math.max(drop, this.events.length - this.o.maxEvents);
    if (drop > 0) this.events.splice(0, drop);
  }

  async range(fromMs: number, toMs: number, limit = DEFAULT_LIMIT): Promise<ReportEvent[]> {
    const out: ReportEvent[] = [];
    for (const e of this.events) {
      if (e.atMs < fromMs) continue;
      if (e.atMs >= toMs || out.length >= limit) break;
      out.push(structuredClone(e.event));
    }
    return out;
  }
}

/** Events appended in one event-loop iteration are stored together, at most this many per transaction. */
const MAX_BATCH = 500;

interface PendingAppend {
  atMs: number;
  member: string;
  settle: (error?: Error) => void;
}

/**
 * Redis store: one sorted set scored by the event's time (`<prefix>reports:events`), members
 * `<random id>|<json>`. The events appended in one event-loop iteration (a busy instance records
 * several per iteration: each turn records one or two) go in one transaction — one `ZADD` of all
 * of them, then the trims by age and by count — instead of a transaction each. Each `append`
 * resolves when its transaction is stored and rejects when it is not.
 */
export class RedisEventStore implements EventStore {
  private readonly key: string;
  private readonly now: () => number;
  private pending: PendingAppend[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly o: RetentionOptions & { prefix: string },
  ) {
    this.key = `${o.prefix}reports:events`;
    this.now = o.now ?? Date.now;
  }

  append(event: ReportEvent): Promise<void> {
    const atMs = Date.parse(event.at);
    if (!Number.isFinite(atMs)) return Promise.reject(new Error(`RedisEventStore.append(): invalid time "${event.at}"`));
    const member = `${randomBytes(6).toString('hex')}|${JSON.stringify(event)}`;
    return new Promise<void>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ atMs, member, settle: (error) => (error ? reject(error) : resolve()) });
    });
  }

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) void this.store(all.slice(i, i + MAX_BATCH));
  }

  private async store(batch: PendingAppend[]): Promise<void> {
    const scored: (number | string)[] = [];
    for (const p of batch) scored.push(p.atMs, p.member);
    let error: Error | undefined;
    try {
      const results = await this.redis
        .multi()
        .zadd(this.key, ...scored)
        .zremrangebyscore(this.key, '-inf', `(${this.now() - this.o.retentionMs}`)
        .zremrangebyrank(this.key, 0, -(this.o.maxEvents + 1))
        .exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) error = new Error(`RedisEventStore.append(): ${failed?.[0]?.message ?? 'transaction aborted'}`);
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
    }
    for (const p of batch) p.settle(error);
  }

  async range(fromMs: number, toMs: number, limit = DEFAULT_LIMIT): Promise<ReportEvent[]> {
    const members = await this.redis.zrangebyscore(this.key, fromMs, `(${toMs}`, 'LIMIT', 0, limit);
    const out: ReportEvent[] = [];
    for (const m of members) {
      const bar = m.indexOf('|');
      try {
        out.push(JSON.parse(m.slice(bar + 1)) as ReportEvent);
      } catch {
        // A member that is not ours (or was cut) is skipped, never fatal for a report.
      }
    }
    return out;
  }
}
