/**
 * Contract suite of the report ports on every backend (memory, redis-server, a one-node Redis
 * Cluster): the event store (time order, ranges, retention by age and by count, events written
 * by one instance read by another) and the rating state (never asked twice in a row, an awaited
 * rating is taken once and expires).
 */
import { BACKENDS, useRedis, type Backend } from '../../setup/redis';
import { MemoryEventStore, RedisEventStore, type EventStore, type RetentionOptions } from '../../../services/reports/EventStore';
import { MemoryRatingState, RedisRatingState, type RatingState } from '../../../services/reports/RatingState';
import type { ReportEvent } from '../../../services/reports/events';
import { countingClient } from '../../support/redisCalls';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const started = (id: string, minutes: number): ReportEvent => ({ type: 'conversation_started', at: at(minutes), conversationId: id, channel: 'webchat', lang: 'lt' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('report stores (%s)', (backend: Backend) => {
  const redis = backend === 'memory' ? undefined : useRedis(backend);
  let clock = T0;
  let memory: MemoryEventStore | undefined;
  const store = (o: Partial<RetentionOptions> = {}, client = redis?.client): EventStore => {
    const opts: RetentionOptions = { retentionMs: 30 * 86_400_000, maxEvents: 1000, now: () => clock, ...o };
    if (redis && client) return new RedisEventStore(client, { ...opts, prefix: redis.prefix });
    return (memory ??= new MemoryEventStore(opts));
  };
  beforeEach(() => {
    clock = T0 + 3600_000;
    memory = undefined;
  });

  test('events come back in time order, in [from, to), whatever order they were appended in', async () => {
    const s = store();
    await s.append(started('c3', 30));
    await s.append(started('c1', 10));
    await s.append(started('c2', 20));
    await s.append({ type: 'rating', at: at(20), conversationId: 'c2', source: 'bot', score: 5, lang: 'en', comment: 'quick, thanks' });
    const all = await s.range(T0, T0 + 3600_000);
    expect(all.map((e) => e.type === 'conversation_started' && e.conversationId)).toEqual(['c1', expect.anything(), expect.anything(), 'c3']);
    expect(all.find((e) => e.type === 'rating')).toEqual({ type: 'rating', at: at(20), conversationId: 'c2', source: 'bot', score: 5, lang: 'en', comment: 'quick, thanks' });
    expect(await s.range(T0 + 10 * 60_000, T0 + 20 * 60_000)).toEqual([started('c1', 10)]);
    expect(await s.range(T0, T0 + 3600_000, 2)).toHaveLength(2);
  });

  test('the same event twice is stored twice (two conversations can do the same at the same millisecond)', async () => {
    const s = store();
    await s.append(started('same', 5));
    await s.append(started('same', 5));
    expect(await s.range(T0, T0 + 3600_000)).toHaveLength(2);
  });

  test('retention: events older than the retention period are dropped as new ones arrive', async () => {
    const s = store({ retentionMs: 60 * 60_000 });
    await s.append(started('old', 0));
    clock = T0 + 2 * 3600_000;
    await s.append(started('new', 100));
    expect((await s.range(0, T0 + 86_400_000)).map((e) => e.type === 'conversation_started' && e.conversationId)).toEqual(['new']);
  });

  test('retention: at most maxEvents are kept, the oldest go first', async () => {
    const s = store({ maxEvents: 5 });
    for (let i = 0; i < 12; i++) await s.append(started(`c${i}`, i));
    const kept = await s.range(0, T0 + 86_400_000);
    expect(kept.map((e) => e.type === 'conversation_started' && e.conversationId)).toEqual(['c7', 'c8', 'c9', 'c10', 'c11']);
  });

  test('an invalid time is refused, not stored', async () => {
    const s = store();
    await expect(s.append({ ...started('x', 0), at: 'yesterday' })).rejects.toThrow(/invalid time/);
    expect(await s.range(0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  test('events appended at once are all stored, each append resolving when its event is', async () => {
    const s = store();
    await Promise.all(Array.from({ length: 120 }, (_, i) => s.append(started(`burst${i}`, i % 60))));
    const all = await s.range(T0, T0 + 3600_000);
    expect(all).toHaveLength(120);
    expect(new Set(all.map((e) => e.type === 'conversation_started' && e.conversationId)).size).toBe(120);
  });

  if (redis) {
    test('events appended in one event-loop iteration go to Redis in one transaction, trimmed once', async () => {
      // Count the transactions this store opens on the real client.
      const counted = countingClient(redis.client);
      const counting = counted.client;
      const transactionsSoFar = () => counted.calls.filter((c) => c === 'multi').length;
      const s = store({ maxEvents: 100 }, counting);
      await Promise.all(Array.from({ length: 30 }, (_, i) => s.append(started(`one-tick${i}`, i))));
      expect(transactionsSoFar()).toBe(1);
      await s.append(started('later', 59));
      expect(transactionsSoFar()).toBe(2);
      expect(await s.range(T0, T0 + 3600_000)).toHaveLength(31);
      // A batch larger than a transaction takes (500) is split, and the count limit still holds.
      const small = store({ maxEvents: 600 }, counting);
      counted.calls.length = 0;
      await Promise.all(Array.from({ length: 1100 }, (_, i) => small.append(started(`big${i}`, i % 60))));
      expect(transactionsSoFar()).toBe(3);
      expect(await small.range(T0, T0 + 3600_000)).toHaveLength(600);
    });

    test('a batch that cannot be stored rejects every append in it', async () => {
      const closed = await redis.connect();
      closed.disconnect();
      const s = store({}, closed);
      const results = await Promise.allSettled([s.append(started('lost1', 1)), s.append(started('lost2', 2))]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(await store().range(T0, T0 + 3600_000)).toEqual([]);
    });

    test('two instances: what one appends the other reads', async () => {
      const other = await redis.connect();
      await store({}, redis.client).append(started('from-a', 1));
      await store({}, other).append(started('from-b', 2));
      expect(await store({}, other).range(T0, T0 + 3600_000)).toHaveLength(2);
      expect(await store({}, redis.client).range(T0, T0 + 3600_000)).toHaveLength(2);
    });
  }

  describe('RatingState', () => {
    let mem: MemoryRatingState;
    beforeEach(() => {
      mem = new MemoryRatingState();
    });
    const ratings = (): RatingState => (redis ? new RedisRatingState(redis.client, redis.prefix) : mem);

    test('never asked twice in a row: ask, skip, ask, skip — per conversation', async () => {
      const r = ratings();
      expect([await r.opportunity('a'), await r.opportunity('a'), await r.opportunity('a'), await r.opportunity('a')]).toEqual([true, false, true, false]);
      expect(await r.opportunity('b')).toBe(true);
    });

    test('an awaited rating is taken once, with its source', async () => {
      const r = ratings();
      expect(await r.take('a')).toBeUndefined();
      await r.expect('a', 'agent', 60_000);
      expect(await r.take('b')).toBeUndefined();
      expect(await r.take('a')).toBe('agent');
      expect(await r.take('a')).toBeUndefined();
    });

    test('an awaited rating expires', async () => {
      const r = ratings();
      await r.expect('a', 'agent', 50);
      await sleep(120);
      expect(await r.take('a')).toBeUndefined();
    });
  });
});
