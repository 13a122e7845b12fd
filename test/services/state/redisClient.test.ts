import { connectRedis, type RedisClient } from '../../../services/state/redisClient';
import { freePort, spawnRedisServer, testRedisUrl, type SpawnedRedis } from '../../setup/redis';

describe('connectRedis', () => {
  it('rejects quickly for a closed port, naming REDIS_URL and the host but not the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await connectRedis(`redis://:s3cret-pass@127.0.0.1:${port}`, { connectTimeoutMs: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain('REDIS_URL');
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).not.toContain('s3cret-pass');
  });

  it('rejects a URL that is not redis:// or rediss://', async () => {
    await expect(connectRedis('http://127.0.0.1:6379')).rejects.toThrow(/REDIS_URL/);
    await expect(connectRedis('not a url')).rejects.toThrow(/REDIS_URL/);
  });

  it('connects to a running server and applies the key prefix', async () => {
    const client = await connectRedis(testRedisUrl(), { keyPrefix: 'tprefixcheck:' });
    const raw = await connectRedis(testRedisUrl());
    try {
      await client.set('k', 'v', 'PX', 5000);
      expect(await raw.get('tprefixcheck:k')).toBe('v');
    } finally {
      await raw.del('tprefixcheck:k');
      client.disconnect();
      raw.disconnect();
    }
  });
});

describe('connectRedis while the server goes away and comes back', () => {
  let server: SpawnedRedis;
  let client: RedisClient;

  beforeAll(async () => {
    server = await spawnRedisServer();
    client = await connectRedis(server.url, { commandTimeoutMs: 1000, connectTimeoutMs: 1000, maxReconnectDelayMs: 300 });
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('rejects commands within a bounded time while down and recovers by itself', async () => {
    await client.set('before', '1');
    await server.kill();

    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await expect(client.set('during', String(i))).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1500);
      await new Promise((r) => setTimeout(r, 100));
    }

    await server.restart();
    const deadline = Date.now() + 8000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      recovered = await client.set('after', '1').then(
        () => true,
        () => false,
      );
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    expect(await client.get('after')).toBe('1');
    // Started with --save '': the restarted server is empty, and the client reads it normally.
    expect(await client.get('before')).toBeNull();
  }, 15000);
});
