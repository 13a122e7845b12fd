/**
 * Two real bot server processes on one Redis: the customer talks to process A, the agent works
 * on process B; messages relay both ways, in order. Then both are killed with SIGKILL mid-hand-off
 * and restarted: the case, its queue place and the transcript are intact, the agent's session
 * still works, a message that was waiting for delivery goes out, and the conversation goes on.
 * Finally: Redis unreachable at start-up stops the process with an error naming REDIS_URL.
 */
import { hashPassword } from '../../../services/handoff/agentAuth';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import type { RedisClient } from '../../../services/state/redisClient';
import { LINES } from '../../dialogs/testData';
import { SCRIPTED_CLIENT_ENV } from '../../support/fairUse';
import { connectTestRedis, deleteKeysWithPrefix, freePort, randomPrefix, testRedisUrl } from '../../setup/redis';
import { AgentClient, caseIdOf, Customer, startStandInChannel, waitUntil, type StandInChannel } from './http';
import { ensureBuilt, startBotProcess, waitHealthy, type BotProcess } from './processes';

jest.setTimeout(360_000);

const L = LINES.lt;
const prefix = randomPrefix();
let redis: RedisClient;
let channel: StandInChannel;
let env: Record<string, string>;
let a: BotProcess;
let b: BotProcess;
let portA: number;
let portB: number;

async function escalate(c: Customer, tracking: string): Promise<string> {
  await c.say(L.agent);
  await c.say(tracking);
  await c.say('paštomatas sugadino siuntą, prašau padėti');
  const replies = await c.say(L.skip);
  const id = caseIdOf(replies);
  if (!id) throw new Error(`no case id in ${JSON.stringify(replies.map((r) => r.text))}`);
  return id;
}

beforeAll(async () => {
  ensureBuilt();
  redis = await connectTestRedis();
  channel = await startStandInChannel();
  const agents = [
    { id: 'alice', name: 'Alice', role: 'agent', passwordHash: await hashPassword('alice-secret', { N: 1024, r: 8, p: 1 }) },
    { id: 'sue', name: 'Sue', role: 'supervisor', passwordHash: await hashPassword('sue-secret', { N: 1024, r: 8, p: 1 }) },
  ];
  env = { ...SCRIPTED_CLIENT_ENV, REDIS_URL: testRedisUrl(), DIRECTLINE_TOKEN_KEY: 'k'.repeat(32), REDIS_PREFIX: prefix, AGENTS: JSON.stringify(agents) };
  [portA, portB] = [await freePort(), await freePort()];
  a = startBotProcess(portA, env);
  b = startBotProcess(portB, env);
  await Promise.all([waitHealthy(a), waitHealthy(b)]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await channel?.close();
  if (redis) {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  }
});

test('customer on process A, agent on process B: messages relay both ways, in order', async () => {
  const customer = new Customer(() => a.url, channel);
  const agentB = new AgentClient(() => b.url);
  expect((await agentB.login('alice', 'alice-secret')).status).toBe(200);
  const agentOnA = new AgentClient(() => a.url);
  agentOnA.cookie = agentB.cookie; // one session, valid on every instance
  expect((await agentOnA.get('/me')).status).toBe(200);

  const events = await agentB.events();
  try {
    const caseId = await escalate(customer, F.inLocker.trackingNumber);
    await events.waitFor((e) => e.type === 'case.created' && e.caseId === caseId, 5000, 'case.created on B');
    expect((await agentB.post(`/cases/${caseId}/claim`)).status).toBe(200);

    const texts = ['pirma', 'antra', 'trečia', 'ketvirta', 'penkta'];
    for (const t of texts) expect(await customer.say(t)).toEqual([]);
    await waitUntil(() => (events.events.filter((e) => e.type === 'message' && e.caseId === caseId && e.entry?.from === 'customer').length >= texts.length ? true : undefined), 5000, 'customer messages on B');
    const seenOnB = events.events.filter((e) => e.type === 'message' && e.caseId === caseId && e.entry?.from === 'customer').map((e) => e.entry!.text);
    expect(seenOnB.slice(-texts.length)).toEqual(texts);

    const before = channel.messages(customer.conversationId).length;
    const replies = ['Sveiki', 'tikrinu', 'radau', 'sutvarkyta', 'viso gero'];
    for (const t of replies) expect((await agentB.post(`/cases/${caseId}/messages`, { text: t })).status).toBe(200);
    const got = await channel.waitForMessages(customer.conversationId, before + replies.length);
    expect(got.slice(before).map((m) => m.text)).toEqual(replies);

    expect((await agentOnA.post(`/cases/${caseId}/close`, { resolution: 'solved' })).status).toBe(200);
    await events.waitFor((e) => e.type === 'case.closed' && e.caseId === caseId, 5000, 'case.closed on B (closed through A)');
  } finally {
    events.close();
  }
});

test('kill -9 of both processes mid-hand-off: case, queue place, transcript, session and pending delivery survive', async () => {
  const first = new Customer(() => a.url, channel);
  const firstCase = await escalate(first, F.delivered.trackingNumber);
  const customer = new Customer(() => a.url, channel);
  const caseId = await escalate(customer, F.returning.trackingNumber);
  expect(await customer.say('ar kas nors mane girdi?')).toHaveLength(1); // one acknowledgement, no bot answer

  const third = new Customer(() => a.url, channel);
  const thirdCase = await escalate(third, F.returned.trackingNumber);

  const agent = new AgentClient(() => b.url);
  expect((await agent.login('alice', 'alice-secret')).status).toBe(200);
  // The first case is claimed and answered while the channel is down: the reply waits in the outbox.
  expect((await agent.post(`/cases/${firstCase}/claim`)).status).toBe(200);
  await waitUntil(() => (channel.messages(first.conversationId).some((m) => /Alice/.test(m.text ?? '')) ? true : undefined), 5000, 'agent joined message');
  const firstBefore = channel.messages(first.conversationId).length;
  channel.failNext(1000, 404);
  const pending = await agent.post<{ entry: { delivery: string } }>(`/cases/${firstCase}/messages`, { text: 'Atsakymas, kuris turi nepasimesti' });
  expect(pending.body.entry.delivery).toBe('pending');

  const queued = async () => (await agent.get<{ cases: { id: string; status: string; position?: number }[] }>('/queue')).body.cases.filter((c) => c.status === 'queued');
  const queueBefore = await queued();
  expect(queueBefore.map((c) => c.id)).toEqual([caseId, thirdCase]);
  const transcriptBefore = (await agent.get<{ transcript: { text: string }[] }>(`/cases/${caseId}`)).body.transcript.map((e) => e.text);
  expect(transcriptBefore).toContain('ar kas nors mane girdi?');

  await Promise.all([a.kill(), b.kill()]);
  channel.failNext(0);
  a = startBotProcess(portA, env);
  b = startBotProcess(portB, env);
  await Promise.all([waitHealthy(a), waitHealthy(b)]);

  // The pending reply is delivered by a restarted instance's sweeper.
  const delivered = await channel.waitForMessages(first.conversationId, firstBefore + 1, 20000);
  expect(delivered[delivered.length - 1].text).toBe('Atsakymas, kuris turi nepasimesti');

  // Same session, same queue place, same transcript.
  expect(await queued()).toEqual(queueBefore.map((c) => ({ ...c, waitingMs: expect.any(Number) })));
  const detail = await agent.get<{ case: { status: string }; transcript: { text: string }[] }>(`/cases/${caseId}`);
  expect(detail.body.case.status).toBe('queued');
  expect(detail.body.transcript.map((e) => e.text).slice(0, transcriptBefore.length)).toEqual(transcriptBefore);

  // The agent continues; the customer is still with the agent, not the bot.
  const events = await agent.events();
  try {
    expect((await agent.post(`/cases/${caseId}/claim`)).status).toBe(200);
    const before = channel.messages(customer.conversationId).length;
    expect((await agent.post(`/cases/${caseId}/messages`, { text: 'Atsiprašau, jau čia' })).status).toBe(200);
    const got = await channel.waitForMessages(customer.conversationId, before + 1);
    expect(got[got.length - 1].text).toBe('Atsiprašau, jau čia');
    expect(await customer.say('ačiū, laukiu')).toEqual([]);
    await events.waitFor((e) => e.type === 'message' && e.caseId === caseId && e.entry?.text === 'ačiū, laukiu', 3000, 'customer message after restart');
    await agent.post(`/cases/${caseId}/close`, { resolution: 'solved' });
    await agent.post(`/cases/${firstCase}/close`, { resolution: 'solved' });
    await agent.post(`/cases/${thirdCase}/close`, { resolution: 'solved' });
  } finally {
    events.close();
  }
});

test('Redis unreachable at start-up: the process exits non-zero naming REDIS_URL', async () => {
  const port = await freePort();
  const closedRedisPort = await freePort();
  const p = startBotProcess(port, { REDIS_URL: `redis://127.0.0.1:${closedRedisPort}`, DIRECTLINE_TOKEN_KEY: 'k'.repeat(32), AGENTS: env.AGENTS });
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([p.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 30000)))]);
  clearTimeout(timer);
  if (code === 'timeout') await p.kill();
  expect(code).not.toBe('timeout');
  expect(code).not.toBe(0);
  expect(p.output()).toMatch(/REDIS_URL/);
  expect(p.output()).toMatch(new RegExp(`127\\.0\\.0\\.1:${closedRedisPort}`));
});
