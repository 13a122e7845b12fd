/**
 * The turn error handler answers "try again shortly" for storage outages: check that the errors
 * ioredis really throws (with the options of connectRedis) when Redis is slow or goes away are
 * recognised.
 */
import { isStorageOutage } from '../../../bots/turnErrorHandler';
import { connectRedis } from '../../../services/state/redisClient';
import { RedisKeyValueStore } from '../../../services/state/RedisKeyValueStore';
import { spawnRedisServer } from '../../setup/redis';

test('errors from a slow or lost Redis connection count as a storage outage', async () => {
  const server = await spawnRedisServer();
  const client = await connectRedis(server.url, { commandTimeoutMs: 300, maxReconnectDelayMs: 200 });
  const kv = new RedisKeyValueStore(client, { prefix: 'outage:' });
  const errors: unknown[] = [];
  try {
    const busy = `local s = redis.call('TIME') local t0 = s[1] * 1000000 + s[2]
while true do local n = redis.call('TIME') if n[1] * 1000000 + n[2] - t0 > 600000 then break end end return 1`;
    await client.eval(busy, 0).catch((e: unknown) => errors.push(e));
    await new Promise((r) => setTimeout(r, 500));
    const inFlight = client.blpop('outage:list', 5).catch((e: unknown) => errors.push(e));
    await new Promise((r) => setTimeout(r, 50));
    await server.kill();
    await inFlight;
    await kv.read(['a']).catch((e: unknown) => errors.push(e));
    await new Promise((r) => setTimeout(r, 300));
    await kv.write({ a: { x: 1 } }).catch((e: unknown) => errors.push(e));
  } finally {
    client.disconnect();
    await server.stop();
  }
  expect(errors).toHaveLength(4);
  const described = errors.map((e) => `${(e as Error).name}: ${(e as Error).message}`);
  expect(described.some((d) => /timed out/i.test(d))).toBe(true);
  for (const [i, e] of errors.entries()) {
    if (!isStorageOutage(e)) throw new Error(`not recognised as a storage outage: ${described[i]}`);
  }
  expect(isStorageOutage(new Error('Messages.t(): no message "x" in any language'))).toBe(false);
});
