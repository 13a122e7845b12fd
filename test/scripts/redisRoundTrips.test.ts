/**
 * The bench's and the tests' Redis round-trip counter (`scripts/redisRoundTrips.ts`) on the test
 * redis-server: commands sent at once are one round trip, a command that waits for an answer is
 * another, a command split over TCP packets is still one command, and trips on two connections
 * that overlap in time were waited for once.
 */
import { foregroundTrips, startRoundTripProxy, waves, type RoundTripProxy } from '../../scripts/redisRoundTrips';
import { connectRedis, type RedisClient } from '../../services/state/redisClient';
import { randomPrefix, testRedisUrl } from '../setup/redis';

let proxy: RoundTripProxy;
const clients: RedisClient[] = [];
const prefix = randomPrefix();

beforeAll(async () => {
  proxy = await startRoundTripProxy(testRedisUrl(), 10);
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await proxy.close();
});

async function client(): Promise<RedisClient> {
  const c = await connectRedis(proxy.url, {});
  clients.push(c);
  await new Promise((r) => setTimeout(r, 50));
  return c;
}

test('commands sent together are one round trip; one that waits for an answer is the next', async () => {
  const c = await client();
  const from = proxy.trips.length;
  await Promise.all([c.set(`${prefix}a`, '1'), c.set(`${prefix}b`, '2'), c.get(`${prefix}a`)]);
  await c.del(`${prefix}a`, `${prefix}b`);
  const trips = proxy.trips.slice(from);
  expect(trips.map((t) => t.commands.map((x) => x.name))).toEqual([['set', 'set', 'get'], ['del']]);
  expect(trips[0].commands[0].key).toBe(`${prefix}a`);
  expect(waves(trips)).toHaveLength(2);
});

test('a command larger than a TCP packet is parsed as one command', async () => {
  const c = await client();
  const from = proxy.trips.length;
  const big = 'x'.repeat(300_000);
  await c.set(`${prefix}big`, big);
  expect(await c.strlen(`${prefix}big`)).toBe(300_000);
  await c.del(`${prefix}big`);
  expect(proxy.trips.slice(from).map((t) => t.commands.map((x) => x.name))).toEqual([['set'], ['strlen'], ['del']]);
});

test('trips on two connections at the same time are waited for once; background commands can be left out', async () => {
  const [a, b] = [await client(), await client()];
  const from = proxy.trips.length;
  await Promise.all([a.get(`${prefix}x`), b.get(`${prefix}y`)]);
  await a.zrangebyscore(`${prefix}poll`, '-inf', '+inf');
  const trips = proxy.trips.slice(from);
  expect(trips).toHaveLength(3);
  expect(waves(trips)).toHaveLength(2);
  expect(foregroundTrips(trips, (x) => x.name === 'zrangebyscore')).toHaveLength(2);
});
