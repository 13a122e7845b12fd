/** Replay protection stores: the bounded in-process LRU and the shared Redis store (real redis-server). */
import Redis from 'ioredis';
import { MemorySeenEventStore, RedisSeenEventStore } from '../../../../bots/channels/messenger/seenEvents';

describe('MemorySeenEventStore', () => {
  it('says true once per key', async () => {
    const store = new MemorySeenEventStore();
    expect(await store.firstSeen('m_1')).toBe(true);
    expect(await store.firstSeen('m_1')).toBe(false);
    expect(await store.firstSeen('m_2')).toBe(true);
  });

  it('stays bounded, forgetting the oldest keys first', async () => {
    const store = new MemorySeenEventStore({ maxEntries: 100 });
    for (let i = 0; i < 250; i++) await store.firstSeen(`m_${i}`);
    expect(store.size).toBe(100);
    expect(await store.firstSeen('m_249')).toBe(false);
    expect(await store.firstSeen('m_0')).toBe(true);
  });

  it('forgets keys after the retention time', async () => {
    let now = 0;
    const store = new MemorySeenEventStore({ ttlMs: 1000, now: () => now });
    expect(await store.firstSeen('m_1')).toBe(true);
    now = 999;
    expect(await store.firstSeen('m_1')).toBe(false);
    now = 2000;
    expect(await store.firstSeen('m_1')).toBe(true);
  });
});

describe('RedisSeenEventStore', () => {
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    const url = process.env.TEST_REDIS_URL;
    if (!url) throw new Error('TEST_REDIS_URL is not set (jest globalSetup starts redis-server)');
    a = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    b = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  });
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });

  it('is shared between instances and expires', async () => {
    const prefix = `test:seen:${Date.now()}:`;
    const s1 = new RedisSeenEventStore(a, 300, prefix);
    const s2 = new RedisSeenEventStore(b, 300, prefix);
    expect(await s1.firstSeen('m_1')).toBe(true);
    expect(await s2.firstSeen('m_1')).toBe(false);
    const ttl = await a.pttl(`${prefix}m_1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 400));
    expect(await s2.firstSeen('m_1')).toBe(true);
  });

  it('reports a failing Redis with context', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false });
    await expect(new RedisSeenEventStore(dead).firstSeen('x')).rejects.toThrow(/^RedisSeenEventStore\.firstSeen\(\): /);
    dead.disconnect();
  });
});
