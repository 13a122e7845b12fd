/**
 * `npm run erase` (scripts/eraseCommand.ts) against a running application on the test Redis: a
 * customer escalates with their phone through /api/messages; the command erases them by phone
 * while the bot runs, and by channel id; the running console no longer has the case, the bot state
 * is gone, and neither the command's log nor its report holds the phone or the id.
 */
import { Writable } from 'stream';
import pino from 'pino';
import { buildApp, type App } from '../../index';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logging/logger';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import type { RedisClient } from '../../services/state/redisClient';
import { parseEraseArgs, runErase, ERASE_USAGE } from '../../scripts/eraseCommand';
import { LINES } from '../dialogs/testData';
import { caseIdOf, Customer, startStandInChannel, type StandInChannel } from '../bots/handoff/http';
import { BUSINESS_MONDAY } from '../bots/handoff/harness';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, testRedisUrl } from '../setup/redis';
import { SCRIPTED_CLIENT_ENV } from '../support/fairUse';
import { GIVEN_TTL_MS } from '../../dialogs/turn';

const L = LINES.lt;
const prefix = randomPrefix();
const ENV = { ...SCRIPTED_CLIENT_ENV, PORT: '0', REDIS_URL: testRedisUrl(), DIRECTLINE_TOKEN_KEY: 'k'.repeat(32), REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' };
const t0 = Date.now();
const clock = () => new Date(BUSINESS_MONDAY + (Date.now() - t0));
let app: App;
let channel: StandInChannel;
let redis: RedisClient;

function capture(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('info', sink as unknown as pino.DestinationStream), lines };
}

async function escalate(c: Customer, phone: string): Promise<string> {
  await c.say(L.agent);
  await c.say(F.readdressable.trackingNumber);
  await c.say('siunta atkeliavo sudaužyta, prašau padėti');
  const id = caseIdOf(await c.say(phone));
  if (!id) throw new Error('no case id');
  return id;
}

beforeAll(async () => {
  redis = await connectTestRedis();
  channel = await startStandInChannel();
  app = await buildApp(loadConfig(ENV), { logger: createLogger('silent'), now: clock });
}, 90000);
afterAll(async () => {
  await app?.close();
  await channel?.close();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

test('arguments: exactly one of --phone (E.164) and --channel-id', () => {
  expect(parseEraseArgs(['--phone', '+370 612 34567'])).toEqual({ phone: '+370 612 34567' });
  expect(parseEraseArgs(['--channel-id=dl_abc'])).toEqual({ userId: 'dl_abc' });
  expect(parseEraseArgs([])).toBe(ERASE_USAGE);
  expect(parseEraseArgs(['--phone', '+37061234567', '--channel-id', 'x'])).toBe(ERASE_USAGE);
  expect(parseEraseArgs(['--phone', '861234567'])).toMatch(/E\.164/);
});

test('without REDIS_URL it refuses and points to the console', async () => {
  await expect(runErase(['--channel-id', 'x'], {}, createLogger('silent'))).rejects.toThrow(/REDIS_URL is not set.*console/);
});

test('by phone and by channel id, while the bot runs: cases, transcripts and bot state go; logs hold counts only', async () => {
  const phone = '+37061277441';
  const userId = `erase-user-${Date.now()}`;
  const c = new Customer(() => app.url, channel, { userId });
  const caseId = await escalate(c, phone);
  const bystander = new Customer(() => app.url, channel);
  const kept = await escalate(bystander, '+37061200001');
  expect(await app.handoff.service.desk.caseDetail(caseId)).toBeDefined();
  expect((await redis.keys(`${prefix}state:*${c.conversationId}*`)).length).toBeGreaterThan(0);
  // What the customer wrote (the parcel number, the phone) is in its own key, expiring within the
  // hour, and not in the conversation state (which lives 30 days).
  const noted = await redis.keys(`${prefix}noted:*${c.conversationId}*`);
  expect(noted.length).toBe(1);
  expect(await redis.hget(noted[0]!, 'v')).toContain(F.readdressable.trackingNumber);
  const ttl = await redis.pttl(noted[0]!);
  expect(ttl).toBeGreaterThan(GIVEN_TTL_MS - 120_000);
  expect(ttl).toBeLessThanOrEqual(GIVEN_TTL_MS);
  for (const key of await redis.keys(`${prefix}state:*${c.conversationId}*`)) expect(await redis.hget(key, 'v')).not.toContain(F.readdressable.trackingNumber);

  const { logger, lines } = capture();
  const report = await runErase(['--phone', phone], ENV, logger);
  expect(report).toMatchObject({ subject: 'phone', cases: 1, conversations: 1 });
  expect(await app.handoff.service.desk.caseDetail(caseId)).toBeUndefined();
  expect(await app.handoff.service.desk.caseDetail(kept)).toBeDefined();
  expect(await redis.keys(`${prefix}state:*${c.conversationId}*`)).toEqual([]);
  expect(await redis.keys(`${prefix}noted:*${c.conversationId}*`)).toEqual([]);
  expect(await redis.keys(`${prefix}state:*${userId}*`)).toEqual([]);
  expect((await app.handoff.service.supervision.openCases()).map((s) => s.id)).not.toContain(caseId);

  // The customer writes again (a new case), then is erased by channel id.
  const again = await escalate(c, 'praleisti');
  const second = await runErase(['--channel-id', userId], ENV, logger);
  expect(second).toMatchObject({ subject: 'channel_id', cases: 1 });
  expect(await app.handoff.service.desk.caseDetail(again)).toBeUndefined();

  const all = lines.join('\n') + JSON.stringify([report, second]);
  expect(all).toContain(report.requestId);
  expect(all).not.toContain(phone.slice(4));
  expect(all).not.toContain(userId);
}, 90000);
