/**
 * What the bot saves, through the whole application over real HTTP (`/api/messages` the way
 * Emulator talks, the agent console API with demo sign-in links), on Redis:
 *
 * - a scripted set of conversations (flows completed, abandoned, a repeat contact about the same
 *   parcel, a hand-off claimed, answered and closed, ratings of the bot and of the agent, a message
 *   the bot did not understand) leaves the Prometheus counters exactly where they should be;
 * - the supervisors' report says the same; agents get 403 and anonymous callers 401, and neither
 *   gets any data;
 * - a second application on the same Redis (another instance, or the same after a restart)
 *   reports the same figures: reports come from stored events.
 */
import axios, { type AxiosResponse } from 'axios';
import { buildApp, type App } from '../index';
import { loadConfig } from '../services/config';
import { createLogger } from '../services/logging/logger';
import { createMessages } from '../services/i18n/messages';
import { SANDBOX_FIXTURES as F } from '../services/carrier/sandbox/fixtures';
import type { Report } from '../services/reports/report';
import { channelActivity, startChannelStandIn, type ChannelStandIn } from './support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from './support/fairUse';
import { messagePattern } from './support/messages';
import { businessClock } from './bots/handoff/harness';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, testRedisUrl } from './setup/redis';
import type { RedisClient } from '../services/state/redisClient';

const messages = createMessages();
const prefix = randomPrefix();
const env = {
  PORT: '0',
  LOG_LEVEL: 'silent',
  REDIS_URL: testRedisUrl(),
  REDIS_PREFIX: prefix,
  DIRECTLINE_TOKEN_KEY: 'k'.repeat(48),
  ...SCRIPTED_CLIENT_ENV,
};
const now = businessClock();
let app: App;
let channel: ChannelStandIn;
let redis: RedisClient;

async function start(): Promise<App> {
  return buildApp(loadConfig(env), { logger: createLogger('silent'), now });
}

beforeAll(async () => {
  redis = await connectTestRedis();
  channel = await startChannelStandIn();
  app = await start();
}, 90_000);
afterAll(async () => {
  await app?.close();
  await channel?.close();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

const post = (body: unknown) => axios.post(`${app.url}/api/messages`, body, { validateStatus: () => true });
const repliesTo = (id: string) => channel.received.filter((a) => a.conversation?.id === id && a.type === 'message');

/** Sends a customer message and returns the replies it got: at least one, once no more arrive for 300 ms (bounded). */
async function say(id: string, text: string): Promise<{ text: string; buttons: string[] }[]> {
  const before = repliesTo(id).length;
  const res = await post(channelActivity(channel, id, { type: 'message', text, locale: 'en-GB' }));
  expect(res.status).toBeLessThan(300);
  const started = Date.now();
  let seen = repliesTo(id).length;
  let quietSince = Date.now();
  while (Date.now() - started < 10_000 && (seen === before || Date.now() - quietSince < 300)) {
    await new Promise((r) => setTimeout(r, 25));
    const now = repliesTo(id).length;
    if (now !== seen) [seen, quietSince] = [now, Date.now()];
  }
  return repliesTo(id)
    .slice(before)
    .map((a) => ({ text: a.text ?? '', buttons: (a.suggestedActions?.actions ?? []).map((x) => String(x.title)) }));
}
/** True when one of the replies, or one paragraph of one (a turn's texts may arrive as one message), is `key`. */
const has = (replies: { text: string }[], key: string) => replies.some((r) => [r.text, ...r.text.split('\n\n')].some((part) => messagePattern(messages, 'en', key).test(part)));

/** Demo links are single-use: one session per role and application, kept. */
const sessions = new Map<string, string>();
async function signIn(role: 'agent' | 'supervisor', target = app): Promise<string> {
  const known = sessions.get(`${target.url} ${role}`);
  if (known) return known;
  const link = target.handoff.demoLinks?.find((l) => l.role === role);
  if (!link) throw new Error('no demo link');
  const token = link.path.split('#setup=')[1];
  const res = await axios.post(`${target.url}/agent/api/setup`, { token }, { headers: { 'x-requested-with': 'lockerdesk' } });
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
  sessions.set(`${target.url} ${role}`, cookie);
  return cookie;
}
const console = (cookie: string, target = app) => ({
  get: (path: string) => axios.get(`${target.url}/agent/api${path}`, { headers: { cookie }, validateStatus: () => true }),
  post: (path: string, body: unknown = {}) => axios.post(`${target.url}/agent/api${path}`, body, { headers: { cookie, 'x-requested-with': 'lockerdesk' }, validateStatus: () => true }),
});

/** One sample of the Prometheus text, e.g. `lockerdesk_flows_ended_total{case_type="track",outcome="completed"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

let supervisorCookie = '';

test('a scripted set of conversations: the counters are what they should be', async () => {
  // A: track a delivered parcel (completed), rate the bot 5, skip the comment.
  const a = await say('rep-a', `where is my parcel ${F.delivered.trackingNumber}?`);
  expect(has(a, 'rating.askBot')).toBe(true);
  expect(has(await say('rep-a', '5'), 'rating.askComment')).toBe(true);
  expect(has(await say('rep-a', messages.t('en', 'rating.noComment')), 'rating.thanks')).toBe(true);
  // B and C: the same parcel twice within 72 h — B had a repeat contact, C did not.
  await say('rep-b', `where is my parcel ${F.inLocker.trackingNumber}?`);
  await say('rep-c', `track ${F.inLocker.trackingNumber} please`);
  // E: something the bot does not understand (outside what it does).
  expect(has(await say('rep-e', 'blorp zzkx qwv'), 'main.outOfScope')).toBe(true);
  // F: a readdress abandoned at the first question.
  await say('rep-f', 'I want to send my parcel to another locker');
  expect(has(await say('rep-f', 'cancel'), 'main.cancelled')).toBe(true);
  // D: a person, claimed, answered, closed as solved; the customer rates the agent 4.
  await say('rep-d', 'I want to talk to a person');
  await say('rep-d', 'skip');
  await say('rep-d', 'I have a question about an invoice from last month');
  const queued = await say('rep-d', 'skip');
  expect(has(queued, 'escalate.queuedOpen')).toBe(true);

  const agent = console(await signIn('agent'));
  const waiting = (await agent.get('/queue')).data as { cases: { id: string; status: string }[] };
  const caseId = waiting.cases.find((c) => c.status === 'queued')!.id;
  const metricsBefore = (await axios.get(`${app.url}/metrics`)).data as string;
  expect(sample(metricsBefore, 'lockerdesk_queue_depth{priority="3"}')).toBe(1);
  expect((await agent.post(`/cases/${caseId}/claim`)).status).toBe(200);
  expect((await agent.post(`/cases/${caseId}/messages`, { text: 'Hello, I can help with the invoice.' })).status).toBe(200);
  expect((await agent.post(`/cases/${caseId}/messages`, { text: 'Sent it to you by e-mail.' })).status).toBe(200);
  expect((await agent.post(`/cases/${caseId}/close`, { resolution: 'solved' })).status).toBe(200);
  const question = await channel.waitFor((all) => all.some((x) => x.conversation?.id === 'rep-d' && messagePattern(messages, 'en', 'rating.askAgent').test(x.text ?? '')), 10_000);
  const asked = question.find((x) => x.conversation?.id === 'rep-d' && messagePattern(messages, 'en', 'rating.askAgent').test(x.text ?? ''))!;
  expect(asked.suggestedActions?.actions.map((x) => x.title)).toEqual([1, 2, 3, 4, 5].map((n) => messages.t('en', `rating.score.${n}`)));
  expect(has(await say('rep-d', messages.t('en', 'rating.score.4')), 'rating.askComment')).toBe(true);
  expect(has(await say('rep-d', 'Quick and friendly'), 'rating.thanksComment')).toBe(true);

  await app.reports.recorder.idle();
  const m = (await axios.get(`${app.url}/metrics`)).data as string;
  expect(sample(m, 'lockerdesk_conversations_total{channel="emulator"}')).toBe(6);
  expect(sample(m, 'lockerdesk_flows_started_total{case_type="track"}')).toBe(3);
  expect(sample(m, 'lockerdesk_flows_started_total{case_type="readdress"}')).toBe(1);
  expect(sample(m, 'lockerdesk_flows_ended_total{case_type="track",outcome="completed"}')).toBe(3);
  expect(sample(m, 'lockerdesk_flows_ended_total{case_type="readdress",outcome="abandoned"}')).toBe(1);
  expect(sample(m, 'lockerdesk_handoffs_total{reason="agent_requested"}')).toBe(1);
  expect(sample(m, 'lockerdesk_requests_total{intent="agent"}')).toBe(1);
  expect(sample(m, 'lockerdesk_ratings_total{source="bot",score="5"}')).toBe(1);
  expect(sample(m, 'lockerdesk_ratings_total{source="agent",score="4"}')).toBe(1);
  expect(sample(m, 'lockerdesk_unrecognized_messages_total{lang="en"}')).toBe(1);
  expect(sample(m, 'lockerdesk_queue_wait_seconds_count{priority="3"}')).toBe(1);
  expect(sample(m, 'lockerdesk_first_response_working_seconds_count{priority="3"}')).toBe(1);
  expect(sample(m, 'lockerdesk_resolution_working_seconds_count{priority="3"}')).toBe(1);
  expect(sample(m, 'lockerdesk_response_target_breaches_total{priority="3"}')).toBe(0);
  expect(sample(m, 'lockerdesk_queue_depth{priority="3"}')).toBe(0);
  expect(sample(m, 'lockerdesk_requests_total{intent="none"}')).toBe(1);
  // A, C, E, F contained; B came back about its parcel (C), D needed a person.
  expect(sample(m, 'lockerdesk_containment_ratio')).toBeCloseTo(4 / 6, 3);
}, 120_000);

test('the supervisors’ report says the same; agents get 403 and anonymous callers 401, with no data', async () => {
  supervisorCookie = await signIn('supervisor');
  const res = await console(supervisorCookie).get('/reports?period=day');
  expect(res.status).toBe(200);
  const r = res.data as Report;
  expect(r.totals).toMatchObject({ conversations: 6, contained: 4, handoffs: 1, breaches: 0 });
  expect(r.totals.containmentRate).toBeCloseTo(4 / 6, 3);
  expect(r.totals.ratings.bot).toMatchObject({ count: 1, average: 5 });
  expect(r.totals.ratings.agent).toMatchObject({ count: 1, average: 4 });
  expect(r.handoffsByReason).toEqual({ agent_requested: 1 });
  expect(r.handoffsByIntent).toEqual({ agent: 1 });
  expect(r.flows.track).toMatchObject({ started: 3, completed: 3 });
  expect(r.flows.readdress).toMatchObject({ started: 1, abandoned: 1 });
  expect(r.buckets).toHaveLength(1);

  const agentCookie = await signIn('agent');
  for (const path of ['/reports', '/reports/export.csv', '/reports/unrecognized', '/reports/unrecognized/training.tsv?lang=en']) {
    const asAgent: AxiosResponse = await console(agentCookie).get(path);
    expect([path, asAgent.status, asAgent.data]).toEqual([path, 403, { error: 'forbidden' }]);
    const anonymous: AxiosResponse = await axios.get(`${app.url}/agent/api${path}`, { validateStatus: () => true });
    expect([path, anonymous.status, anonymous.data]).toEqual([path, 401, { error: 'unauthenticated' }]);
  }
  const label = await console(agentCookie).post('/reports/unrecognized/label', { lang: 'en', text: 'blorp zzkx qwv', intent: 'none' });
  expect(label.status).toBe(403);
  expect((await console(supervisorCookie).get('/reports/unrecognized?lang=en')).data.lines).toEqual([expect.objectContaining({ text: 'blorp zzkx qwv', count: 1 })]);
  expect((await console(supervisorCookie).get('/reports/unrecognized?lang=en')).data.lines[0].intent).toBeUndefined();
});

test('malformed report queries get 400 and a generic body', async () => {
  const sup = console(supervisorCookie);
  for (const q of ['period=month', 'from=2024-13-99x', 'from=2024-01-10&to=2020-01-01', 'from=2000-01-01&to=2024-01-01', 'lang=xx']) {
    const path = q.startsWith('lang') ? `/reports/unrecognized?${q}` : `/reports?${q}`;
    const res = await sup.get(path);
    expect([q, res.status, res.data]).toEqual([q, 400, { error: 'invalid_request' }]);
  }
  expect((await sup.post('/reports/unrecognized/label', { lang: 'en', text: 'x', intent: 'not_an_intent' })).status).toBe(400);
  expect((await axios.post(`${app.url}/agent/api/reports/unrecognized/label`, { lang: 'en', text: 'x', intent: 'none' }, { headers: { cookie: supervisorCookie }, validateStatus: () => true })).status).toBe(403);
});

test('another instance on the same Redis, and the same after a restart, reports the same figures', async () => {
  const first = (await console(supervisorCookie).get('/reports')).data as Report;
  await app.close();
  app = await start();
  const cookie = await signIn('supervisor');
  const again = (await console(cookie).get('/reports')).data as Report;
  expect(again.totals).toEqual(first.totals);
  expect(again.handoffsByIntent).toEqual(first.handoffsByIntent);
}, 90_000);
