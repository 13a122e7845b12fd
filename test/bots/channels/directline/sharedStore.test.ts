/**
 * Two embedded Direct Line endpoints in one test process, each with its own server, adapter, bot
 * and Redis store object on the same key prefix, and the turn guard the application puts first on
 * its adapter — two instances, quickly. One conversation's turns never overlap, whichever instance
 * each message reaches, and a WebSocket on one sees the other's turn.
 */
import type { Middleware } from 'botbuilder';
import { RedisDirectLineStore } from '../../../../bots/channels/directline';
import { TurnGuardMiddleware } from '../../../../bots/TurnGuardMiddleware';
import { RedisTurnCoordinator } from '../../../../services/state/TurnCoordinator';
import type { RedisClient } from '../../../../services/state/redisClient';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix } from '../../../setup/redis';
import { silent, startHarness, waitFor, type Harness } from './harness';
import { openSocket, post, startConversation } from './rawClient';

jest.setTimeout(60_000);

let redis: RedisClient;
const prefix = randomPrefix();
const turns: { instance: string; text: string; start: number; end: number }[] = [];
const opened: { h: Harness; store: RedisDirectLineStore }[] = [];

/** Records when each message turn starts and ends on an instance. */
const timing = (instance: string): Middleware => ({
  onTurn: async (ctx, next) => {
    if (ctx.activity.type !== 'message') return next();
    const start = Date.now();
    try {
      await next();
    } finally {
      turns.push({ instance, text: ctx.activity.text ?? '', start, end: Date.now() });
    }
  },
});

async function instance(name: string): Promise<Harness> {
  const store = await RedisDirectLineStore.open(redis, { prefix });
  const guard = new TurnGuardMiddleware(new RedisTurnCoordinator(redis, { prefix: `${prefix}turn:` }), silent);
  const h = await startHarness({ store, middleware: [guard, timing(name)] });
  opened.push({ h, store });
  return h;
}

beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  for (const { h, store } of opened) {
    await h.close();
    await store.close();
  }
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

test("one conversation's turns never overlap across instances; the socket on A streams B's turns", async () => {
  const a = await instance('A');
  const b = await instance('B');
  const conv = await startConversation(a);
  const { ws, frames } = await openSocket(conv.streamUrl);
  // A slow turn on A, and while it runs two messages on B: B waits for the lock.
  const slow = post(a, conv, JSON.stringify({ type: 'message', text: 'slow' }));
  await waitFor(() => a.bot.seen.some((s) => s.text === 'slow'), 5000, 'the slow turn started on A');
  const quick = await Promise.all([post(b, conv, JSON.stringify({ type: 'message', text: 'one' })), slow]);
  expect(quick.map((r) => r.status)).toEqual([200, 200]);
  expect((await post(b, conv, JSON.stringify({ type: 'message', text: 'two' }))).status).toBe(200);

  const sorted = [...turns].sort((x, y) => x.start - y.start);
  expect(sorted.map((t) => `${t.instance}:${t.text}`)).toEqual(['A:slow', 'B:one', 'B:two']);
  for (let i = 1; i < sorted.length; i++) expect(sorted[i].start).toBeGreaterThanOrEqual(sorted[i - 1].end);

  await waitFor(() => ['echo: slow', 'echo: one', 'echo: two'].every((t) => frames.flatMap((f) => f.activities).some((x) => x.text === t)), 5000, "B's replies on A's socket");
  const marks = frames.filter((f) => f.watermark !== undefined).map((f) => Number(f.watermark));
  expect([...marks].sort((x, y) => x - y)).toEqual(marks);
  ws.close();
});
