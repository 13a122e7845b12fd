/**
 * The embedded Direct Line on a Redis that goes away and comes back (a redis-server this file
 * owns, killed with SIGKILL): clients get 503 with `Retry-After` and a generic body, never a 500
 * or internal text; once Redis is back the same token works again and an open WebSocket, whose
 * instance re-subscribed, receives new activities.
 */
import { RedisDirectLineStore } from '../../../../bots/channels/directline';
import { connectRedis, type RedisClient } from '../../../../services/state/redisClient';
import { spawnRedisServer, type SpawnedRedis } from '../../../setup/redis';
import { startHarness, waitFor, type Harness } from './harness';
import { auth, json, openSocket, post, startConversation } from './rawClient';

jest.setTimeout(60_000);

let server: SpawnedRedis;
let redis: RedisClient;
let store: RedisDirectLineStore;
let h: Harness;

beforeAll(async () => {
  server = await spawnRedisServer();
  redis = await connectRedis(server.url, { commandTimeoutMs: 1000, maxReconnectDelayMs: 200 });
  store = await RedisDirectLineStore.open(redis);
  h = await startHarness({ store });
});
afterAll(async () => {
  await h?.close();
  await store?.close();
  redis?.disconnect();
  await server?.stop();
});

test('Redis down: 503 with Retry-After and nothing internal; back up: the same token and the open socket work again', async () => {
  const conv = await startConversation(h);
  const { ws, frames } = await openSocket(conv.streamUrl);
  expect((await post(h, conv, JSON.stringify({ type: 'message', text: 'before' }))).status).toBe(200);

  await server.kill();
  const down = [
    await post(h, conv, JSON.stringify({ type: 'message', text: 'during' })),
    await fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { headers: auth(conv.token) }),
    await fetch(`${h.domain}/conversations`, { method: 'POST', headers: { ...json, ...auth(conv.token) } }),
  ];
  for (const res of down) {
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.text()).toBe('{"error":{"code":"ServiceUnavailable","message":"the service is busy, please try again shortly"}}');
  }

  await server.restart();
  // The restarted server is empty (nothing persisted): the token brings the conversation back under its id.
  await waitFor(() => redis.status === 'ready', 10_000, 'the client reconnected');
  let after: Response | undefined;
  for (let i = 0; i < 50 && after?.status !== 200; i++) {
    after = await post(h, conv, JSON.stringify({ type: 'message', text: 'after' }));
    if (after.status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  expect(after?.status).toBe(200);
  await waitFor(() => frames.flatMap((f) => f.activities).some((a) => a.text === 'echo: after'), 10_000, 'the reply on the socket opened before the outage');
  ws.close();
});
