/**
 * The agent API over real HTTP against the whole application (`buildApp`: CloudAdapter without
 * an app id, Redis on the test server), with a stand-in channel as the conversations'
 * `serviceUrl`: the bot's replies and the agents' proactive messages arrive there exactly as
 * they would at a Bot Framework channel. Security findings of issue #8 are replayed as attacks:
 * 1 (a stranger with a victim's parcel number), 7 (sign-in guessing), 12 (an agent closing or
 * noting someone else's case), 13 (attachments).
 */
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { hashPassword } from '../../../services/handoff/agentAuth';
import { createLogger } from '../../../services/logging/logger';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { sandboxCode } from '../../support/sandboxSms';
import { LINES } from '../../dialogs/testData';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, testRedisUrl } from '../../setup/redis';
import type { RedisClient } from '../../../services/state/redisClient';
import { createMessages } from '../../../services/i18n/messages';
import { CONSOLE_CSP } from '../../../bots/http/agentApi';
import { AgentClient, caseIdOf, Customer, loginFrom, startStandInChannel, waitUntil, type ChannelActivity, type StandInChannel } from '../handoff/http';
import { BUSINESS_MONDAY } from '../handoff/harness';
import { SCRIPTED_CLIENT_ENV } from '../../support/fairUse';

const L = LINES.lt;
const messages = createMessages();
/** A tiny PNG the embedded Direct Line "stored" (the in-process lookup port). */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a5b70000000049454e44ae426082', 'hex');
const STORED_URL = 'http://127.0.0.1:1/v3/attachments/stored-upload-1/views/original';
const HUGE_URL = 'http://127.0.0.1:1/v3/attachments/stored-upload-2/views/original';
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
  const config = loadConfig({ ...SCRIPTED_CLIENT_ENV, PORT: '0', REDIS_URL: testRedisUrl(), DIRECTLINE_TOKEN_KEY: 'k'.repeat(32), REDIS_PREFIX: prefix, AGENTS: JSON.stringify(agents), LOG_LEVEL: 'silent' });
  config.handoff.sessionTtlMinutes = 0.1; // 6 s, sliding: the expiry test waits it out
  const stored = new Map([
    [STORED_URL, { contentType: 'image/png', data: PNG, name: 'photo.png' }],
    [HUGE_URL, { contentType: 'text/html', data: Buffer.from('<script>alert(1)</script>'), name: 'page.html' }],
  ]);
  app = await buildApp(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), now: clock, storedAttachments: (url) => stored.get(url) });
}, 90000);

/**
 * The session the expiry test leaves idle: signed in and used here, untouched after, so its idle
 * time runs while the other tests do instead of as 6.5 s of waiting at the end.
 */
let idle: { client: AgentClient; meStatus: number; lastUsed: number };
beforeAll(async () => {
  const client = await loggedIn('alice');
  const meStatus = (await client.get('/me')).status;
  idle = { client, meStatus, lastUsed: Date.now() };
});

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

  test('finding 7: 40 parallel guesses are counted before checking (only 5 reach the password), and the real supervisor still signs in from her own address', async () => {
    const attacker = '127.0.0.7';
    const sequential = [];
    for (let i = 0; i < 5; i++) sequential.push((await loginFrom(base(), attacker, 'sue', `guess-${i}`)).status);
    expect(sequential).toEqual([401, 401, 401, 401, 401]);
    // The real password among 40 parallel guesses after that: not one of them is checked.
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 20 ? PASSWORDS.sue : `guess-parallel-${i}`));
    const parallel = await Promise.all(guesses.map((p) => loginFrom(base(), attacker, 'sue', p)));
    expect(parallel.map((r) => r.status)).toEqual(Array(40).fill(429));
    expect(parallel.every((r) => r.cookie === undefined && Number(r.retryAfter) >= 1)).toBe(true);
    expect(parallel[0].body).toEqual({ error: 'too_many_attempts' });
    // Five wrong passwords (and 40 more) do not lock the supervisor out: she signs in from her own address.
    const real = await loginFrom(base(), '127.0.0.8', 'sue', PASSWORDS.sue);
    expect(real.status).toBe(200);
    expect(real.cookie).toMatch(/^ld_agent=/);
  });

  test('finding 7: on a fresh address 40 parallel guesses check at most 5 passwords', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => loginFrom(base(), '127.0.0.9', 'bob', `parallel-${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 401)).toHaveLength(5);
    expect(statuses.filter((x) => x === 429)).toHaveLength(35);
  });

  test('finding 7: spraying usernames from one address is throttled per address', async () => {
    const statuses = [];
    for (let i = 0; i < 25; i++) statuses.push((await loginFrom(base(), '127.0.0.10', `user-${i}`, 'Summer2024!')).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    expect((await loginFrom(base(), '127.0.0.10', 'carl', PASSWORDS.carl)).status).toBe(429); // this address waits now…
    expect((await loginFrom(base(), '127.0.0.11', 'carl', PASSWORDS.carl)).status).toBe(200); // …nobody else does
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
    expect((await (winner === 'alice' ? alice : bob).post(`/cases/${caseId}/close`, { resolution: 'duplicate' })).status).toBe(200);
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
      // The closing message, then the rating question (the first chance to ask in this conversation).
      const afterClose = await channel.waitForMessages(c.conversationId, before + 3);
      expect(afterClose[afterClose.length - 2].text).toContain(caseId);
      expect(afterClose[afterClose.length - 1].text).toBe(messages.t('lt', 'rating.askAgent'));
      // Back with the bot: it answers the request itself (asks whether it is the parcel from before).
      const botAnswer = await c.say(L.track);
      expect(botAnswer.map((a) => a.text)).toContain(messages.t('lt', 'recall.trackingNumber', { value: F.delivered.trackingNumber }));
      const after = await alice.get<{ transcript: { text: string }[] }>(`/cases/${caseId}`);
      expect(after.body.transcript.map((e) => e.text)).not.toContain(L.track); // no longer relayed to the closed case
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
    await app.handoff.service.supervision.setPresence('carl', false);
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
    expect((await bob.post(`/cases/${first}/notes`, { text: 'Patikrinta sistemoje' })).body).toMatchObject({ case: { notes: [{ agentId: 'bob', text: 'Patikrinta sistemoje' }] } });
    expect((await bob.post(`/cases/${first}/return-to-bot`)).body).toMatchObject({ case: { resolution: { code: 'returned_to_bot' } } });
    expect((await sue.post(`/cases/${second}/close`, { resolution: 'made_up' })).status).toBe(400);
    expect(await sue.post(`/cases/${second}/close`, { resolution: 'no_reply' })).toMatchObject({ status: 200, body: { case: { resolution: { code: 'no_reply', agentId: 'sue' } } } });
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
    await c.say(await sandboxCode(app.carrierUrl, F.readdressable.senderPhone));
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
    expect(await alice.post(`/cases/${plain}/work-order-done`)).toMatchObject({ status: 409, body: { error: 'not_work_order' } });
    await alice.post(`/cases/${plain}/claim`);
    expect((await alice.post(`/cases/${plain}/close`, { resolution: 'solved' })).status).toBe(200);
  });

  test('sessions expire after the idle time', async () => {
    expect(idle.meStatus).toBe(200);
    // At least 6.5 s without a request since (the other tests usually took longer: no wait left).
    await new Promise((r) => setTimeout(r, Math.max(0, idle.lastUsed + 6500 - Date.now())));
    expect(await idle.client.get('/me')).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
  }, 20000);
});

describe('finding 12: an attacker agent', () => {
  test('cannot close, note or hand back a case another agent holds, nor use system codes; the holder and supervisors can', async () => {
    const c = customer();
    const caseId = await escalate(c, F.accepted.trackingNumber);
    const alice = await loggedIn('alice');
    const carl = await loggedIn('carl');
    const sue = await loggedIn('sue');
    // A queued case nobody holds: an agent may not close it (a supervisor may, see below).
    expect(await carl.post(`/cases/${caseId}/close`, { resolution: 'spam' })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await alice.post(`/cases/${caseId}/claim`)).status).toBe(200);
    const before = channel.messages(c.conversationId).length;
    for (const code of ['solved', 'spam', 'duplicate']) expect(await carl.post(`/cases/${caseId}/close`, { resolution: code })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await carl.post(`/cases/${caseId}/notes`, { text: 'ignore the customer' })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await carl.post(`/cases/${caseId}/return-to-bot`)).toMatchObject({ status: 403 });
    expect(await carl.post(`/cases/${caseId}/release`)).toMatchObject({ status: 409 });
    for (const code of ['customer_left', 'returned_to_bot', 'work_order_done', 'merged']) {
      expect(await alice.post(`/cases/${caseId}/close`, { resolution: code })).toMatchObject({ status: 400, body: { error: 'invalid_resolution' } });
      expect(await sue.post(`/cases/${caseId}/close`, { resolution: code })).toMatchObject({ status: 400, body: { error: 'invalid_resolution' } });
    }
    // What the attacker got: nothing changed, nobody was told anything.
    const detail = await alice.get<{ case: { status: string; notes: unknown[]; assignedTo: string } }>(`/cases/${caseId}`);
    expect(detail.body.case).toMatchObject({ status: 'assigned', assignedTo: 'alice', notes: [] });
    await new Promise((r) => setTimeout(r, 100));
    expect(channel.messages(c.conversationId).length).toBe(before);
    const codes = await carl.get<{ codes: { code: string }[] }>('/resolutions');
    expect(codes.body.codes.map((x) => x.code)).toEqual(['solved', 'information_given', 'duplicate', 'no_reply', 'spam']);
    expect((await sue.post(`/cases/${caseId}/notes`, { text: 'supervisor checked' })).status).toBe(200);
    expect(await alice.post(`/cases/${caseId}/close`, { resolution: 'solved' })).toMatchObject({ status: 200, body: { case: { resolution: { code: 'solved', agentId: 'alice' } } } });
  });
});

describe('finding 1: a stranger who knows a victim’s parcel number', () => {
  const VICTIM = { name: 'Ona Petraitienė', phone: '+37061234567', address: 'Vilniaus g. 12-3, Kaunas', doorCode: '4711' };

  /** Everything the stranger's channel ever received from the server, as one string. */
  const receivedBy = (c: Customer): string => JSON.stringify(channel.received.get(c.conversationId) ?? []);

  test('gets a new case of their own and nothing of the victim’s; agents see the two related and can merge them', async () => {
    const victim = customer({ userId: 'victim-user' });
    await victim.say(L.agent);
    await victim.say(F.readdressable.trackingNumber);
    await victim.say(`Čia ${VICTIM.name}, tel. ${VICTIM.phone}, adresas ${VICTIM.address}, durų kodas ${VICTIM.doorCode}`);
    const victimCase = caseIdOf(await victim.say(L.skip))!;
    expect(victimCase).toBeDefined();

    const stranger = customer({ userId: 'stranger-user', channelId: 'facebook' });
    await stranger.say(L.agent);
    await stranger.say(F.readdressable.trackingNumber.toLowerCase());
    await stranger.say('rašau dėl tos pačios siuntos, kokie duomenys?');
    const strangerReplies = await stranger.say(L.skip);
    const strangerCase = caseIdOf(strangerReplies)!;
    expect(strangerCase).toBeDefined();
    expect(strangerCase).not.toBe(victimCase);
    expect(strangerReplies.map((r) => r.text)).not.toContain(expect.stringContaining('jau turite'));

    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const events = await alice.events();
    try {
      // The agent answers the victim; the stranger's chat hears nothing of it.
      expect((await alice.post(`/cases/${victimCase}/claim`)).status).toBe(200);
      const reply = `Sveiki, ${VICTIM.name}, jūsų durų kodas ${VICTIM.doorCode} teisingas`;
      expect(await alice.post(`/cases/${victimCase}/messages`, { text: reply })).toMatchObject({ status: 200, body: { entry: { delivery: 'sent' } } });
      await channel.waitForMessages(victim.conversationId, 1);
      expect(channel.messages(victim.conversationId).map((m) => m.text)).toContain(reply);
      await new Promise((r) => setTimeout(r, 200));
      const seen = receivedBy(stranger);
      for (const secret of [victimCase, VICTIM.name, VICTIM.phone, VICTIM.address, VICTIM.doorCode, 'Vilniaus', reply]) expect(seen).not.toContain(secret);
      // Not even the hub event carries anything but the stranger's own case.
      const initiate = (channel.received.get(stranger.conversationId) ?? []).find((a: ChannelActivity) => a.name === 'handoff.initiate');
      expect(JSON.stringify(initiate?.value)).toContain(strangerCase);

      // The stranger's own case holds nothing of the victim's either.
      const own = await bob.get<{ case: { fields: Record<string, unknown>; conversations: { id: string }[] }; transcript: { text: string }[] }>(`/cases/${strangerCase}`);
      expect(JSON.stringify(own.body.case.fields) + JSON.stringify(own.body.transcript)).not.toContain(VICTIM.doorCode);
      expect(own.body.case.conversations.map((x) => x.id)).toEqual([stranger.conversationId]);

      // Agents see the two as related, both ways.
      const victimDetail = await alice.get<{ related: { id: string }[]; case: { conversations: unknown[] } }>(`/cases/${victimCase}`);
      expect(victimDetail.body.related.map((r) => r.id)).toEqual([strangerCase]);
      expect(victimDetail.body.case.conversations).toHaveLength(1);
      expect(own.body).toMatchObject({ related: [{ id: victimCase }] });
      const queue = await alice.get<{ cases: { id: string; related?: number }[] }>('/queue');
      expect(queue.body.cases.find((x) => x.id === strangerCase)?.related).toBe(1);

      // Bob (not holding the victim's case) cannot merge; Alice can, with one call.
      expect(await bob.post(`/cases/${victimCase}/merge`, { caseId: strangerCase })).toMatchObject({ status: 403 });
      const merged = await alice.post<{ case: { conversations: { id: string; via: string }[]; merges: { caseId: string; by: string }[] }; merged: { status: string; resolution: { code: string } } }>(
        `/cases/${victimCase}/merge`,
        { caseId: strangerCase },
      );
      expect(merged.status).toBe(200);
      expect(merged.body.case.conversations.map((x) => [x.id, x.via])).toEqual([
        [victim.conversationId, 'opened'],
        [stranger.conversationId, 'merged'],
      ]);
      expect(merged.body.case.merges).toEqual([expect.objectContaining({ caseId: strangerCase, by: 'alice' })]);
      expect(merged.body.merged).toMatchObject({ status: 'closed', resolution: { code: 'merged' } });
      await events.waitFor((e) => e.type === 'case.closed' && e.caseId === strangerCase, 3000, 'case.closed of the merged case');
      const audit = await alice.get<{ transcript: { from: string; text: string }[] }>(`/cases/${victimCase}`);
      expect(audit.body.transcript.some((e) => e.from === 'system' && e.text.includes(strangerCase) && e.text.includes('Alice'))).toBe(true);

      // With two conversations the agent must name the one she answers: never "whoever wrote last".
      await stranger.say('ar kas nors čia yra?');
      expect(await alice.post(`/cases/${victimCase}/messages`, { text: 'Kam atsakau?' })).toMatchObject({ status: 400, body: { error: 'conversation_required' } });
      const before = channel.messages(stranger.conversationId).length;
      expect(await alice.post(`/cases/${victimCase}/messages`, { text: 'Tik aukai', conversationId: victim.conversationId })).toMatchObject({ status: 200 });
      expect(await alice.post(`/cases/${victimCase}/messages`, { text: 'x', conversationId: 'conv-of-someone-else' })).toMatchObject({ status: 400, body: { error: 'unknown_conversation' } });
      await new Promise((r) => setTimeout(r, 200));
      const toStranger = channel.messages(stranger.conversationId).slice(before).map((m) => m.text ?? '');
      expect(toStranger.filter((t) => !t.includes('Alice'))).toEqual([]); // at most "Alice joined the chat"
      expect(receivedBy(stranger)).not.toContain('Tik aukai');
      expect(receivedBy(stranger)).not.toContain(victimCase);

      // Closing tells each conversation about the case its customer knows, nothing more.
      expect((await alice.post(`/cases/${victimCase}/close`, { resolution: 'solved' })).status).toBe(200);
      await waitUntil(() => (channel.messages(stranger.conversationId).some((m) => (m.text ?? '').includes(strangerCase)) ? true : undefined), 5000, 'closing message to the stranger');
      expect(receivedBy(stranger)).not.toContain(victimCase);
      // The last message naming a case (the closing one; the rating question names none) names the victim's own.
      expect(channel.messages(victim.conversationId).filter((m) => /C-\d{6}-\d{4}/.test(m.text ?? '')).at(-1)?.text).toContain(victimCase);
    } finally {
      events.close();
    }
  });
});

describe('finding 13: attachments', () => {
  test('a customer’s arbitrary https URL never reaches the console; a stored upload is served by the server behind the session', async () => {
    const c = customer();
    const caseId = await escalate(c, F.returning.trackingNumber);
    await c.say('štai nuotraukos', {
      attachments: [
        { contentType: 'image/gif', contentUrl: 'https://tracker.example.com/pixel.gif?agent=1', name: 'pixel.gif' },
        { contentType: 'image/png', contentUrl: STORED_URL, name: 'photo.png' },
        { contentType: 'text/html', contentUrl: HUGE_URL, name: 'page.html' },
      ],
    });
    const alice = await loggedIn('alice');
    const detail = await alice.get<{ transcript: { attachments?: { kept: boolean; href?: string; name?: string }[] }[] }>(`/cases/${caseId}`);
    const raw = JSON.stringify(detail.body);
    expect(raw).not.toContain('tracker.example.com');
    expect(raw).not.toContain('127.0.0.1:1'); // not even a stored upload's own address
    const atts = detail.body.transcript.flatMap((e) => e.attachments ?? []);
    expect(atts.map((a) => [a.kept, a.name])).toEqual([
      [false, 'pixel.gif'],
      [true, 'photo.png'],
      [true, 'page.html'],
    ]);
    const photo = atts[1].href!;
    expect(photo).toMatch(new RegExp(`^/agent/api/cases/${caseId}/attachments/[0-9a-f]{24}$`));
    const got = await fetch(`${base()}${photo}`, { headers: { Cookie: alice.cookie! } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${base()}${photo}`)).status).toBe(401);
    expect((await fetch(`${base()}${atts[2].href!}`, { headers: { Cookie: alice.cookie! } })).status).toBe(415); // not an allowed type
    expect((await fetch(`${base()}/agent/api/cases/${caseId}/attachments/${'0'.repeat(24)}`, { headers: { Cookie: alice.cookie! } })).status).toBe(404);
    // The console page may load images only from this server.
    const page = await fetch(`${base()}/agent`);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("img-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/img-src[^;]*(https:|data:)/);
    await alice.post(`/cases/${caseId}/claim`);
    await alice.post(`/cases/${caseId}/close`, { resolution: 'solved' });
  });
});

describe('labels', () => {
  test('the console gets every vocabulary label from the message files, Lithuanian by default, English on request', async () => {
    const alice = await loggedIn('alice');
    const lt = await alice.get<Record<string, Record<string, string>>>('/labels');
    const en = await alice.get<Record<string, Record<string, string>>>('/labels?lang=en');
    expect(lt.body.lang).toBe('lt');
    expect(lt.body.reasons.agent_requested).toBe(messages.t('lt', 'handoff.agentView.reason.agent_requested'));
    expect(en.body.reasons.agent_requested).toBe('Asks for a person');
    expect(en.body.priorities).toEqual({ 1: 'Locker fault', 2: 'Parcel action', 3: 'General' });
    expect(en.body.resolutions.merged).toBe(messages.t('en', 'handoff.resolution.merged'));
    expect(Object.keys(lt.body.kinds).sort()).toEqual(['general', 'locker_fault', 'parcel_action', 'work_order']);
    expect(lt.body.fields.trackingNumber).toBe('Siuntos numeris');
  });

  test('are public (the sign-in page is in the agent\'s language too): every console.* text, the business time zone, nothing of a case', async () => {
    const anon = agent();
    for (const lang of ['lt', 'en'] as const) {
      const res = await anon.get<{ lang: string; timeZone: string; ui: Record<string, string> } & Record<string, unknown>>(`/labels?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.body.lang).toBe(lang);
      expect(res.body.timeZone).toBe('Europe/Vilnius');
      const consoleKeys = messages.keys(lang).filter((k) => k.startsWith('console.'));
      expect(Object.keys(res.body.ui).sort()).toEqual(consoleKeys.map((k) => k.slice('console.'.length)).sort());
      expect(res.body.ui['login.submit']).toBe(messages.t(lang, 'console.login.submit'));
      expect(Object.keys(res.body).sort()).toEqual(['actions', 'fields', 'kinds', 'lang', 'priorities', 'reasons', 'reports', 'resolutions', 'summaryReasons', 'timeZone', 'ui', 'via']);
    }
  });
});
