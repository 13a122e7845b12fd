/**
 * The named-limiter contract, run on every backend: in memory, on the shared redis-server and on
 * a one-node Redis Cluster. Redis backends also show that two factories (two bot instances) on
 * one Redis share the count atomically.
 */
import { createLimiterFactory, type LimiterFactory } from '../../../services/limits/limiter';
import type { RedisClient } from '../../../services/state/redisClient';
import { BACKENDS, useRedis, type Backend } from '../../setup/redis';

interface Env {
  factory(): LimiterFactory;
  /** Another factory on the same store (a second bot instance), or undefined in memory. */
  secondInstance(): Promise<LimiterFactory | undefined>;
  client(): RedisClient | undefined;
  /** Another connection to the same Redis. */
  connect(): Promise<RedisClient | undefined>;
  prefix(): string;
}

function environment(backend: Backend): Env {
  if (backend === 'memory') {
    return {
      factory: () => createLimiterFactory(),
      secondInstance: async () => undefined,
      client: () => undefined,
      connect: async () => undefined,
      prefix: () => 'ld:',
    };
  }
  const redis = useRedis(backend);
  return {
    factory: () => createLimiterFactory({ redis: redis.client, prefix: redis.prefix }),
    secondInstance: async () => createLimiterFactory({ redis: await redis.connect(), prefix: redis.prefix }),
    client: () => redis.client,
    connect: () => redis.connect(),
    prefix: () => redis.prefix,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('NamedLimiter contract (%s)', (backend) => {
  const env = environment(backend);

  test('allows `points` per key, then refuses; refused calls still count; keys are independent', async () => {
    const limiter = env.factory().create('codes-per-parcel', { points: 3, windowSeconds: 60 });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.consume('CE482139075LT'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(results[4].consumed).toBe(5);
    expect(results[4].resetInMs).toBeGreaterThan(55_000);
    expect(results[4].resetInMs).toBeLessThanOrEqual(60_000);
    expect((await limiter.consume('CE517302644LT')).allowed).toBe(true);
  });

  test('peek counts nothing; refund gives a point back; reset forgets the key', async () => {
    const limiter = env.factory().create('peek-refund', { points: 2, windowSeconds: 60 });
    expect(await limiter.peek('k')).toEqual({ allowed: true, consumed: 0, remaining: 2, resetInMs: 0 });
    await limiter.consume('k');
    await limiter.consume('k');
    expect(await limiter.peek('k')).toMatchObject({ allowed: false, consumed: 2, remaining: 0 });
    expect(await limiter.peek('k')).toMatchObject({ consumed: 2 });
    await limiter.refund('k');
    expect(await limiter.peek('k')).toMatchObject({ allowed: true, consumed: 1 });
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(false);
    await limiter.reset('k');
    expect(await limiter.peek('k')).toMatchObject({ consumed: 0 });
    expect((await limiter.consume('k')).allowed).toBe(true);
    await limiter.refund('never-seen');
    expect(await limiter.peek('never-seen')).toMatchObject({ consumed: 0 });
  });

  test('the window is fixed from the first consumption and then starts again', async () => {
    const limiter = env.factory().create('short-window', { points: 1, windowSeconds: 1 });
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(false);
    await sleep(1150);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  test('names are validated and unique per factory; rules must be whole positive numbers; long keys work', async () => {
    const factory = env.factory();
    expect(() => factory.create('Bad Name', { points: 1, windowSeconds: 1 })).toThrow(/bad limiter name/);
    expect(() => factory.create('x', { points: 0, windowSeconds: 1 })).toThrow(/points/);
    expect(() => factory.create('y', { points: 1, windowSeconds: 0.5 })).toThrow(/windowSeconds/);
    const a = factory.create('alerts-per-hour', { points: 1, windowSeconds: 3600 });
    expect(() => factory.create('alerts-per-hour', { points: 1, windowSeconds: 3600 })).toThrow(/already exists/);
    const b = factory.create('cases-per-client', { points: 1, windowSeconds: 3600 });
    expect((await a.consume('same')).allowed).toBe(true);
    expect((await b.consume('same')).allowed).toBe(true);
    const long = 'k'.repeat(500);
    expect((await b.consume(long)).allowed).toBe(true);
    expect((await b.consume(long)).allowed).toBe(false);
    expect((await b.consume(`${long}x`)).allowed).toBe(true);
    await expect(b.consume('')).rejects.toThrow(/non-empty/);
  });

  if (backend !== 'memory') {
    test('two instances on one Redis share the count, atomically under concurrency', async () => {
      const one = env.factory().create('shared', { points: 5, windowSeconds: 60 });
      const second = await env.secondInstance();
      if (!second) throw new Error('expected a second factory');
      const two = second.create('shared', { points: 5, windowSeconds: 60 });
      const results = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? one : two).consume('victim')));
      expect(results.filter((r) => r.allowed)).toHaveLength(5);
      expect(await one.peek('victim')).toMatchObject({ consumed: 24, remaining: 0, allowed: false });
    });

    test('keys live under <prefix>limit:<name>: with a TTL', async () => {
      const limiter = env.factory().create('where', { points: 1, windowSeconds: 60 });
      await limiter.consume('abc');
      const client = env.client();
      if (!client) throw new Error('expected a client');
      const key = `${env.prefix()}limit:where:abc`;
      expect(await client.exists(key)).toBe(1);
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(55_000);
    });

    test('a store that is down rejects with an error naming the limiter (never a silent allow)', async () => {
      const client = await env.connect();
      if (!client) throw new Error('expected a client');
      const limiter = createLimiterFactory({ redis: client, prefix: env.prefix() }).create('down', { points: 100, windowSeconds: 60 });
      expect((await limiter.consume('k')).allowed).toBe(true);
      client.disconnect();
      await expect(limiter.consume('k')).rejects.toThrow(/^Limiter "down"\.consume\(\): the limit store failed/);
      await expect(limiter.peek('k')).rejects.toThrow(/Limiter "down"\.peek\(\)/);
    });
  }
});
