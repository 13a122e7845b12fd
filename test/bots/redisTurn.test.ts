/**
 * What a customer's turn asks of Redis, through the real HTTP surface of a real bot process
 * (`node dist/index.js` on the test redis-server, behind the round-trip counting proxy of
 * `scripts/redisRoundTrips.ts`): round trips are network latencies when Redis is elsewhere
 * (issue #13), so the turn reads independent things at once, reads each thing once, and writes
 * what it can beside the rest. The limits below are this code's counts, so a change that adds
 * round trips to every turn fails here and says which commands it sent.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import type { RedisClient } from '../../services/state/redisClient';
import { foregroundTrips, isOutboxPoll, startRoundTripProxy, waves, type RoundTrip, type RoundTripProxy } from '../../scripts/redisRoundTrips';
import { LINES } from '../dialogs/testData';
import { SCRIPTED_CLIENT_ENV } from '../support/fairUse';
import { connectTestRedis, deleteKeysWithPrefix, freePort, randomPrefix, testRedisUrl } from '../setup/redis';
import { Customer, startStandInChannel, type StandInChannel } from './handoff/http';
import { ensureBuilt, startBotProcess, waitHealthy, type BotProcess } from './handoff/processes';

jest.setTimeout(120_000);

const L = LINES.lt;
const prefix = randomPrefix();
let redis: RedisClient;
let proxy: RoundTripProxy;
let channel: StandInChannel;
let bot: BotProcess;

beforeAll(async () => {
  ensureBuilt();
  redis = await connectTestRedis();
  // 10 ms per answer: far more than the CPU a warm process spends between two commands it sends at once.
  proxy = await startRoundTripProxy(testRedisUrl(), 10);
  channel = await startStandInChannel();
  bot = startBotProcess(await freePort(), { ...SCRIPTED_CLIENT_ENV, REDIS_URL: proxy.url, DIRECTLINE_TOKEN_KEY: 'k'.repeat(32), REDIS_PREFIX: prefix });
  await waitHealthy(bot);
  // A cold process spends milliseconds compiling code on its first turns: warm it up on the flows measured.
  for (let i = 0; i < 3; i++) {
    const warm = new Customer(() => bot.url, channel);
    for (const text of ['labas', L.trackPrefilled(F.inLocker.trackingNumber), 'ačiū']) await warm.say(text);
  }
});

afterAll(async () => {
  await bot?.stop();
  await channel?.close();
  await proxy?.close();
  if (redis) {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  }
});


/** The round trips of one customer turn (and of what it left running: report events are written just after it). */
async function turn(customer: Customer, text: string): Promise<{ trips: RoundTrip[]; replies: number }> {
  const from = proxy.trips.length;
  const replies = (await customer.say(text)).length;
  await new Promise((r) => setTimeout(r, 200));
  return { trips: foregroundTrips(proxy.trips.slice(from), isOutboxPoll), replies };
}

const commands = (trips: RoundTrip[]) => trips.flatMap((t) => t.commands);
const describeTrips = (trips: RoundTrip[]) =>
  waves(trips)
    .map((w, i) => `${i + 1} (+${(w[0].start - trips[0].start).toFixed(1)} ms): ${w.map((t) => `[${t.connection}] ${t.commands.map((c) => `${c.name} ${c.key ?? ''}`.trim()).join(', ')}`).join(' ‖ ')}`)
    .join('\n');

test('a greeting and a thank-you: claim and lease together, ownership read once, no open-case read, the three states read together, at most 10 round trips', async () => {
  const customer = new Customer(() => bot.url, channel);
  await turn(customer, 'labas');
  const { trips, replies } = await turn(customer, 'ačiū');
  expect(replies).toBeGreaterThan(0);
  const all = commands(trips);
  const conv = customer.conversationId;
  expect(all.filter((c) => c.name === 'get' && c.key?.endsWith(`{handoff}:own:${conv}`))).toHaveLength(1);
  expect(all.filter((c) => c.name === 'hget' && c.key?.endsWith('{handoff}:open'))).toEqual([]);
  // The three states (conversation, user, noted) go out in one round trip.
  const stateTrips = trips.filter((t) => t.commands.some((c) => c.name === 'hmget'));
  expect(stateTrips.map((t) => t.commands.filter((c) => c.name === 'hmget').length)).toEqual([3]);
  // The block list, ownership and flood counters are asked together too.
  const first = trips.find((t) => t.commands.some((c) => c.key?.includes('fairuse:block:')));
  expect(first?.commands.some((c) => c.name === 'get' && c.key?.endsWith(`{handoff}:own:${conv}`))).toBe(true);
  expect(first?.commands.some((c) => c.name === 'evalsha')).toBe(true);
  // The turn guard's claim of the activity and the conversation's lease go out together.
  expect(trips[0]?.commands.map((c) => `${c.name} ${(c.key ?? '').includes(':turn:seen:') ? 'seen' : (c.key ?? '').includes(':turn:lease:') ? 'lease' : c.key}`)).toEqual(['set seen', 'set lease']);
  const limit = 10;
  if (waves(trips).length > limit) throw new Error(`"ačiū" took ${waves(trips).length} round trips (at most ${limit}):\n${describeTrips(trips)}`);
});

test('where is my parcel: at most 12 round trips', async () => {
  const customer = new Customer(() => bot.url, channel);
  await turn(customer, 'labas');
  const { trips, replies } = await turn(customer, L.trackPrefilled(F.inLocker.trackingNumber));
  expect(replies).toBeGreaterThan(0);
  const limit = 12;
  if (waves(trips).length > limit) throw new Error(`tracking took ${waves(trips).length} round trips (at most ${limit}):\n${describeTrips(trips)}`);
});
