/**
 * The agent API over real HTTP against the whole application (`buildApp`: CloudAdapter without
 * an app id, Redis on the test server), with a stand-in channel as the conversations'
 * `serviceUrl`: the bot's replies and the agents' proactive messages arrive there exactly as
 * they would at a Bot Framework channel.
 */
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { hashPassword } from '../../../services/handoff/agentAuth';
import { createLogger } from '../../../services/logging/logger';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { LINES } from '../../dialogs/testData';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, testRedisUrl } from '../../setup/redis';
import type { RedisClient } from '../../../services/state/redisClient';
import { AgentClient, caseIdOf, Customer, startStandInChannel, waitUntil, type StandInChannel } from './http';
import { BUSINESS_MONDAY } from './harness';

const L = LINES.lt;
const FAST = { N: 1024, r: 8, p: 1 };
const PASSWORDS = { alice: 'alice-pass-1', bob: 'bob-pass-22', sue: 'sue-pass-333', carl: 'carl-pass-4444' };

let app: App;
let channel: StandInChannel;
let redis: RedisClient;
const prefix = randomPrefix();
const t0 = Date.now();
let offsetMs = 0;
const clock = () => new Date(BUSINESS_MONDAY + (Date.now() - t0) + offsetMs);

const base = () => app.url;
const agent = () => new AgentClient(base);
const customer = (opts: ConstructorParameters<typeof Customer>[2] = {}) => new Customer(base, channel, opts);

async function escalate(c: Customer, tracking: string = F.readdressable.trackingNumber): Promise<string> {
  await c.say(L.agent);
  await c.say(tracking);
  await c.say('siunta atkeliavo sudaužyta, prašau padėti');
  const replies = await c.say(L.skip);
  const id = caseIdOf(replies);
  if (!id) throw new Error(`no case id in ${JSON.stringify(replies.map((r) => r.text))}`);
  return id;
}

async function loggedIn(name: keyof typeof PASSWORDS): Promise<AgentClient> {
  const a = agent();
  const res = await a.login(name, PASSWORDS[name]);
  expect(res.status).toBe(200);
  return a;
}

beforeAll(async () => {
  redis = await connectTestRedis();
  channel = await startStandInChannel();
  const agents = [
    { id: 'alice', name: 'Alice', role: 'agent', passwordHash: await hashPassword(PASSWORDS.alice, FAST) },
    { id: 'bob', name: 'Bob', role: 'agent', passwordHash: await hashPassword(PASSWORDS.bob, FAST) },
    { id: 'carl', name: 'Carl', role: 'agent', passwordHash: await hashPassword(PASSWORDS.carl, FAST) },
    { id: 'sue', name: 'Sue', role: 'supervisor', passwordHash: await hashPassword(PASSWORDS.sue, FAST) },
  ];
  const config = loadConfig({ PORT: '0', REDIS_URL: testRedisUrl(), DIRECTLINE_TOKEN_KEY: 'k'.repeat(32), REDIS_PREFIX: prefix, AGENTS: JSON.stringify(agents), LOG_LEVEL: 'silent' });
  config.handoff.sessionTtlMinutes = 0.1; // 6 s, sliding: the expiry test waits it out
  app = await buildApp(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), now: clock });
}, 90000);

afterAll(async () => {
  await app?.close();
  await channel?.close();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('sessions', () => {
  test('login: 401 for a wrong password and for an unknown user alike, 403 without the CSRF header, 200 with a strict cookie', async () => {
    const a = agent();
    expect(await a.login('alice', 'wrong')).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
    expect(await a.login('nobody', 'wrong')).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
    expect((await a.login('alice', PASSWORDS.alice, { csrf: false })).status).toBe(403);
    const ok = await a.login('Alice', PASSWORDS.alice);
    expect(ok).toMatchObject({ status: 200, body: { agent: { id: 'alice', name: 'Alice', role: 'agent' } } });
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ld_agent=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/agent/);
    expect(await a.get('/me')).toMatchObject({ status: 200, body: { agent: { id: 'alice' } } });
  });

  test('every route needs a session', async () => {
    const anon = agent();
    for (const path of ['/me', '/queue', '/cases/C-240115-0001', '/canned', '/resolutions', '/agents', '/events']) {
      expect(await anon.get(path)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    }
    expect((await anon.post('/cases/C-240115-0001/claim')).status).toBe(401);
    anon.cookie = 'ld_agent=forged-session-id-that-does-not-exist';
    expect((await anon.get('/me')).status).toBe(401);
  });

  test('5 failed logins for a username lock it for the window, even with the right password', async () => {
    const a = agent();
    for (let i = 0; i < 5; i++) expect((await a.login('carl', `wrong-${i}`)).status).toBe(401);
    expect((await a.login('carl', PASSWORDS.carl)).status).toBe(429);
    expect((await a.login('bob', PASSWORDS.bob)).status).toBe(200); // other users are not affected
  });

  test('supervisor-only routes answer 403 to agents', async () => {
    const alice = await loggedIn('alice');
    expect(await alice.get('/agents')).toMatchObject({ status: 403 });
    const sue = await loggedIn('sue');
    const res = await sue.get<{ agents: { id: string; online: boolean }[] }>('/agents');
    expect(res.status).toBe(200);
    expect(res.body.agents.map((x) => x.id).sort()).toEqual(['alice', 'bob', 'carl', 'sue']);
    expect(res.body.agents.find((x) => x.id === 'sue')!.online).toBe(true);
  });

  test('canned replies and resolution codes come from the message files', async () => {
    const alice = await loggedIn('alice');
    const canned = await alice.get<{ replies: { id: string; title: string; text: string }[] }>('/canned?lang=en');
    expect(canned.body.replies.length).toBeGreaterThan(0);
    expect(canned.body.replies[0]).toEqual({ id: expect.any(String), title: expect.any(String), text: expect.any(String) });
    const codes = await alice.get<{ codes: { code: string; label: string }[] }>('/resolutions');
    expect(codes.body.codes.map((c) => c.code)).toContain('solved');
    expect(codes.body.codes.find((c) => c.code === 'solved')!.label).toBe('Išspręsta');
  });

  test('the console page and its assets are served; nothing outside web/agent is', async () => {
    const page = await fetch(`${base()}/agent`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<html/i);
    const js = await fetch(`${base()}/agent/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base()}/agent/assets/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base()}/agent/assets/nope.js`)).status).toBe(404);
  });

  test('logout ends the session', async () => {
    const a = await loggedIn('alice');
    expect((await a.post('/logout')).status).toBe(204);
    expect((await a.get('/me')).status).toBe(401);
  });
});

describe('cases', () => {
  test('claim race between two agents: exactly one 200, the other 409; CSRF header required', async () => {
    const c = customer();
    const caseId = await escalate(c, F.inLocker.trackingNumber);
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    expect((await alice.post(`/cases/${caseId}/claim`, {}, { csrf: false })).status).toBe(403);
    const results = await Promise.all([alice.post(`/cases/${caseId}/claim`), bob.post(`/cases/${caseId}/claim`)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body).toEqual({ error: 'already_claimed' });
    const winner = results[0].status === 200 ? 'alice' : 'bob';
    const detail = await alice.get<{ case: { status: string; assignedTo: string } }>(`/cases/${caseId}`);
    expect(detail.body.case).toMatchObject({ status: 'assigned', assignedTo: winner });
    await alice.post(`/cases/${caseId}/close`, { resolution: 'duplicate' });
  });

  test('messages both ways: the customer message reaches SSE within a second; the agent reply reaches the customer channel', async () => {
    const c = customer();
    const alice = await loggedIn('alice');
    const events = await alice.events();
    try {
      const caseId = await escalate(c, F.delivered.trackingNumber);
      const created = await events.waitFor((e) => e.type === 'case.created' && e.caseId === caseId, 5000, 'case.created');
      expect(created.case).toMatchObject({ id: caseId, status: 'queued', priority: 2, position: expect.any(Number) });

      const queue = await alice.get<{ cases: { id: string; position?: number }[] }>('/queue');
      expect(queue.body.cases.find((x) => x.id === caseId)?.position).toBeGreaterThanOrEqual(1);

      expect((await alice.post(`/cases/${caseId}/claim`)).status).toBe(200);
      const joined = await channel.waitForMessages(c.conversationId, 1);
      expect(joined.some((m) => /Alice/.test(m.text ?? ''))).toBe(true);

      const sentAt = Date.now();
      const quiet = await c.say('ar jūs ten?');
      expect(quiet).toEqual([]); // the bot does not answer; the agent owns the chat
      const seen = await events.waitFor((e) => e.type === 'message' && e.caseId === caseId && e.entry?.text === 'ar jūs ten?', 1000, 'customer message event');
      expect(seen.receivedAt - sentAt).toBeLessThan(1000);
      expect(seen.entry!.from).toBe('customer');

      const before = channel.messages(c.conversationId).length;
      const reply = await alice.post<{ entry: { seq: number; delivery: string; from: string } }>(`/cases/${caseId}/messages`, { text: 'Sveiki, čia Alice. Jau tikrinu.' });
      expect(reply.status).toBe(200);
      expect(reply.body.entry).toMatchObject({ from: 'agent', delivery: 'sent' });
      const got = await channel.waitForMessages(c.conversationId, before + 1);
      expect(got[got.length - 1].text).toBe('Sveiki, čia Alice. Jau tikrinu.');
      expect(got[got.length - 1].channelData).toMatchObject({ humanAgent: true });

      const bob = await loggedIn('bob');
      expect(await bob.post(`/cases/${caseId}/messages`, { text: 'ne mano' })).toMatchObject({ status: 409 });
      expect((await alice.post(`/cases/${caseId}/messages`, { text: '' })).status).toBe(400);
      expect((await alice.post(`/cases/${caseId}/messages`, { text: 'x'.repeat(2001) })).status).toBe(400);

      const detail = await alice.get<{ transcript: { from: string; text: string; delivery?: string }[] }>(`/cases/${caseId}`);
      const texts = detail.body.transcript.map((e) => `${e.from}:${e.text}`);
      expect(texts).toContain('customer:ar jūs ten?');
      expect(detail.body.transcript.find((e) => e.from === 'agent')!.delivery).toBe('sent');
      expect(texts[0]).toBe(`customer:${L.agent}`); // the bot conversation before the hand-off is there too

      const closed = await alice.post<{ case: { status: string; resolution: { code: string } } }>(`/cases/${caseId}/close`, { resolution: 'solved' });
      expect(closed.body.case).toMatchObject({ status: 'closed', resolution: { code: 'solved' } });
      await events.waitFor((e) => e.type === 'case.closed' && e.caseId === caseId, 3000, 'case.closed');
      const afterClose = await channel.waitForMessages(c.conversationId, before + 2);
      expect(afterClose[afterClose.length - 1].text).toContain(caseId);
      // Back with the bot.
      const botAnswer = await c.say(L.track);
      expect(botAnswer.length).toBeGreaterThan(0);
    } finally {
      events.close();
    }
  });

  test('transfer only to an online agent; release keeps the queue place; supervisor reassigns', async () => {
    const first = await escalate(customer(), F.outForDelivery.trackingNumber);
    const second = await escalate(customer(), F.returning.trackingNumber);
    const alice = await loggedIn('alice');
    const sue = await loggedIn('sue');
    expect((await alice.post(`/cases/${first}/claim`)).status).toBe(200);
    await app.handoff.service.setPresence('carl', false);
    expect(await alice.post(`/cases/${first}/transfer`, { agentId: 'carl' })).toMatchObject({ status: 409 });
    expect(await alice.post(`/cases/${first}/transfer`, { agentId: 'ghost' })).toMatchObject({ status: 409 });
    const bob = await loggedIn('bob');
    expect((await bob.post('/heartbeat')).status).toBe(204);
    expect(await alice.post(`/cases/${first}/transfer`, { agentId: 'bob' })).toMatchObject({ status: 200, body: { case: { assignedTo: 'bob' } } });
    expect((await bob.post(`/cases/${first}/release`)).status).toBe(200);
    const queue = await alice.get<{ cases: { id: string; status: string }[] }>('/queue');
    const queued = queue.body.cases.filter((x) => x.status === 'queued').map((x) => x.id);
    expect(queued.indexOf(first)).toBeLessThan(queued.indexOf(second)); // original place kept
    expect(await alice.post(`/cases/${first}/reassign`, { agentId: 'bob' })).toMatchObject({ status: 403 });
    expect(await sue.post(`/cases/${first}/reassign`, { agentId: 'bob' })).toMatchObject({ status: 200, body: { case: { assignedTo: 'bob', status: 'assigned' } } });
    expect(await sue.post(`/cases/${second}/reassign`, { agentId: 'carl' })).toMatchObject({ status: 409 });
    expect((await alice.post(`/cases/${first}/notes`, { text: 'Patikrinta sistemoje' })).body).toMatchObject({ case: { notes: [{ agentId: 'alice', text: 'Patikrinta sistemoje' }] } });
    expect((await bob.post(`/cases/${first}/return-to-bot`)).body).toMatchObject({ case: { resolution: { code: 'returned_to_bot' } } });
    await sue.post(`/cases/${second}/close`, { resolution: 'no_reply' });
    expect((await sue.post(`/cases/${second}/close`, { resolution: 'made_up' })).status).toBe(400);
  });

  test('a failed delivery stays queued and is retried; the transcript shows its state', async () => {
    const c = customer();
    const caseId = await escalate(c, F.returned.trackingNumber);
    const alice = await loggedIn('alice');
    const events = await alice.events();
    try {
      await alice.post(`/cases/${caseId}/claim`);
      const before = channel.messages(c.conversationId).length;
      channel.failNext(1, 404); // a channel error the connector does not retry itself: one POST per attempt
      const reply = await alice.post<{ entry: { seq: number; delivery: string } }>(`/cases/${caseId}/messages`, { text: 'Atsiprašome, kad teko laukti.' });
      expect(reply.status).toBe(200);
      expect(reply.body.entry.delivery).toBe('pending');
      // The sweeper retries after the backoff (1 s); the console hears about the new state.
      const got = await channel.waitForMessages(c.conversationId, before + 1, 10000);
      expect(got[got.length - 1].text).toBe('Atsiprašome, kad teko laukti.');
      await events.waitFor((e) => e.type === 'case.updated' && e.caseId === caseId, 3000, 'case.updated after delivery');
      const detail = await alice.get<{ transcript: { seq: number; delivery?: string }[] }>(`/cases/${caseId}`);
      expect(detail.body.transcript.find((e) => e.seq === reply.body.entry.seq)?.delivery).toBe('sent');

      // A message sent while an earlier one waits for its retry goes after it, never before.
      channel.failNext(1, 404);
      const first = await alice.post<{ entry: { delivery: string } }>(`/cases/${caseId}/messages`, { text: 'Pirma' });
      expect(first.body.entry.delivery).toBe('pending');
      await alice.post(`/cases/${caseId}/messages`, { text: 'Antra' });
      const both = await channel.waitForMessages(c.conversationId, before + 3, 10000);
      expect(both.slice(before + 1).map((m) => m.text)).toEqual(['Pirma', 'Antra']);
      await alice.post(`/cases/${caseId}/close`, { resolution: 'solved' });
    } finally {
      events.close();
    }
  });

  test('Messenger (Azure facebook channel): HUMAN_AGENT only on agent messages, and not after 7 days', async () => {
    const c = customer({ channelId: 'facebook' });
    const caseId = await escalate(c, F.cancelled.trackingNumber);
    const alice = await loggedIn('alice');
    await alice.post(`/cases/${caseId}/claim`);
    const joined = channel.messages(c.conversationId);
    const botMessage = joined.find((m) => /Alice/.test(m.text ?? ''))!;
    expect(botMessage.channelData?.tag).toBeUndefined();
    const before = channel.messages(c.conversationId).length;
    const ok = await alice.post<{ entry: { delivery: string } }>(`/cases/${caseId}/messages`, { text: 'Sveiki iš Messenger' });
    expect(ok.body.entry.delivery).toBe('sent');
    const tagged = (await channel.waitForMessages(c.conversationId, before + 1)).slice(-1)[0];
    expect(tagged.channelData).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    offsetMs = 8 * 86_400_000;
    try {
      const late = await alice.post<{ entry: { delivery: string; seq: number } }>(`/cases/${caseId}/messages`, { text: 'Ar dar reikia pagalbos?' });
      expect(late.status).toBe(200);
      expect(late.body.entry.delivery).toBe('undelivered');
      await new Promise((r) => setTimeout(r, 200));
      expect(channel.messages(c.conversationId).length).toBe(before + 1);
      const detail = await alice.get<{ transcript: { seq: number; text: string; delivery?: string }[] }>(`/cases/${caseId}`);
      expect(detail.body.transcript.find((e) => e.seq === late.body.entry.seq)).toMatchObject({ text: 'Ar dar reikia pagalbos?', delivery: 'undelivered' });
    } finally {
      offsetMs = 0;
    }
    await alice.post(`/cases/${caseId}/close`, { resolution: 'no_reply' });
  });

  test('work order: created by the bot flow, done by an agent, the customer is told proactively', async () => {
    const c = customer();
    await c.say(L.readdress);
    await c.say(F.readdressable.trackingNumber);
    await c.say(F.readdressable.senderPhone);
    const picks = await c.say(L.lockerQuery);
    const button = picks.flatMap((p) => ((p as { suggestedActions?: { actions: { title: string }[] } }).suggestedActions?.actions ?? []).map((x) => x.title))[0];
    await c.say(button);
    await c.say(L.yes);
    const alice = await loggedIn('alice');
    const queue = await alice.get<{ cases: { id: string; kind: string; workOrder?: { action: string; ready: boolean } }[] }>('/queue');
    const order = queue.body.cases.find((x) => x.kind === 'work_order');
    expect(order?.workOrder).toEqual({ action: 'readdress', ready: true });
    const before = channel.messages(c.conversationId).length;
    expect(await alice.post(`/cases/${order!.id}/work-order-done`)).toMatchObject({ status: 200, body: { case: { status: 'closed', resolution: { code: 'work_order_done' } } } });
    const got = await channel.waitForMessages(c.conversationId, before + 1);
    expect(got[got.length - 1].text).toContain(F.readdressable.trackingNumber);
    expect(got[got.length - 1].channelData?.humanAgent).toBeUndefined();
    const plain = await escalate(customer(), F.lateShort.trackingNumber);
    expect(await alice.post(`/cases/${plain}/work-order-done`)).toMatchObject({ status: 409 });
    await alice.post(`/cases/${plain}/close`, { resolution: 'solved' });
  });

  test('sessions expire after the idle time', async () => {
    const a = await loggedIn('alice');
    expect((await a.get('/me')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 6500));
    expect(await a.get('/me')).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
  }, 20000);
});
