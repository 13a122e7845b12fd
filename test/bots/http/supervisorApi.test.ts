/**
 * Supervisor tools of the agent API over real HTTP (issue 9), against the whole application on
 * the test Redis: blocking and unblocking a customer from their case (with the audit of who and
 * why), the proof locks with "clear", and the erase action. Attacks: an anonymous caller, a wrong
 * session and an agent who is not a supervisor get an error status and an error body — nothing of
 * the blocks, locks or customers — and change nothing.
 */
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { hashPassword } from '../../../services/handoff/agentAuth';
import { createLogger } from '../../../services/logging/logger';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { LINES } from '../../dialogs/testData';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, testRedisUrl } from '../../setup/redis';
import type { RedisClient } from '../../../services/state/redisClient';
import { createMessages } from '../../../services/i18n/messages';
import { AgentClient, caseIdOf, Customer, startStandInChannel, type StandInChannel } from '../handoff/http';
import { BUSINESS_MONDAY } from '../handoff/harness';
import { SCRIPTED_CLIENT_ENV } from '../../support/fairUse';
import { Writable } from 'stream';
import pino from 'pino';

const L = LINES.lt;
const messages = createMessages();
const FAST = { N: 1024, r: 8, p: 1 };
const PASSWORDS = { alice: 'alice-pass-1', sue: 'sue-pass-333' };

let app: App;
let channel: StandInChannel;
let redis: RedisClient;
const prefix = randomPrefix();
const t0 = Date.now();
const clock = () => new Date(BUSINESS_MONDAY + (Date.now() - t0));
const logLines: string[] = [];

const base = () => app.url;
const customer = (opts: ConstructorParameters<typeof Customer>[2] = {}) => new Customer(base, channel, opts);

async function escalate(c: Customer, phone?: string): Promise<string> {
  await c.say(L.agent);
  await c.say(F.readdressable.trackingNumber);
  await c.say('siunta atkeliavo sudaužyta, prašau padėti');
  const replies = await c.say(phone ?? L.skip);
  const id = caseIdOf(replies);
  if (!id) throw new Error(`no case id in ${JSON.stringify(replies.map((r) => r.text))}`);
  return id;
}

async function loggedIn(name: keyof typeof PASSWORDS): Promise<AgentClient> {
  const a = new AgentClient(base);
  expect((await a.login(name, PASSWORDS[name])).status).toBe(200);
  return a;
}

beforeAll(async () => {
  redis = await connectTestRedis();
  channel = await startStandInChannel();
  const agents = [
    { id: 'alice', name: 'Alice', role: 'agent', passwordHash: await hashPassword(PASSWORDS.alice, FAST) },
    { id: 'sue', name: 'Sue', role: 'supervisor', passwordHash: await hashPassword(PASSWORDS.sue, FAST) },
  ];
  const config = loadConfig({ ...SCRIPTED_CLIENT_ENV, PORT: '0', REDIS_URL: testRedisUrl(), DIRECTLINE_TOKEN_KEY: 'k'.repeat(32), REDIS_PREFIX: prefix, AGENTS: JSON.stringify(agents), LOG_LEVEL: 'info' });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  app = await buildApp(config, { logger: createLogger('info', sink as unknown as pino.DestinationStream), now: clock });
}, 90000);

afterAll(async () => {
  await app?.close();
  await channel?.close();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

/** Every supervisor route, as an attacker would call it. */
const ROUTES: { method: 'get' | 'post'; path: (caseId: string) => string; body?: (caseId: string) => Record<string, unknown> }[] = [
  { method: 'get', path: () => '/blocks' },
  { method: 'post', path: (id) => `/cases/${id}/block`, body: () => ({ reason: 'spam' }) },
  { method: 'post', path: () => '/blocks/unblock', body: () => ({ channel: 'webchat', userId: 'x', reason: 'r' }) },
  { method: 'get', path: () => '/proof-locks' },
  { method: 'post', path: () => '/proof-locks/lk_x/clear' },
  { method: 'post', path: () => '/erase', body: (id) => ({ caseId: id, confirm: true }) },
];

describe('attacks on the supervisor routes', () => {
  test('anonymous, a forged session and a plain agent get an error and nothing else; nothing changes', async () => {
    const victim = customer();
    const caseId = await escalate(victim);
    const anon = new AgentClient(base);
    const forged = new AgentClient(base);
    forged.cookie = 'ld_agent=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const alice = await loggedIn('alice');
    for (const r of ROUTES) {
      for (const [who, client, status] of [['anonymous', anon, 401], ['forged', forged, 401], ['agent', alice, 403]] as const) {
        const res = r.method === 'get' ? await client.get(r.path(caseId)) : await client.post(r.path(caseId), r.body?.(caseId));
        expect({ who, path: r.path(caseId), status: res.status }).toEqual({ who, path: r.path(caseId), status });
        expect(Object.keys(res.body)).toEqual(['error']);
      }
    }
    // Without the CSRF header even the supervisor's POSTs are refused.
    const sue = await loggedIn('sue');
    expect((await sue.post(`/cases/${caseId}/block`, { reason: 'spam' }, { csrf: false })).status).toBe(403);
    expect((await sue.post('/erase', { caseId, confirm: true }, { csrf: false })).status).toBe(403);
    // Nothing happened: no block, the case is still there, the customer is still answered.
    expect((await sue.get('/blocks')).body).toMatchObject({ blocks: [], audit: [] });
    expect((await sue.get(`/cases/${caseId}`)).status).toBe(200);
  }, 60000);
});

describe('blocking', () => {
  test('a supervisor blocks the customer of a case: one notice, then nothing; the audit says who and why; unblock answers again', async () => {
    const c = customer();
    const caseId = await escalate(c);
    const sue = await loggedIn('sue');
    expect((await sue.post(`/cases/${caseId}/block`, {})).body).toEqual({ error: 'invalid_reason' });
    const blocked = await sue.post<{ block: { by: string; reason: string; identity: { channel: string } } }>(`/cases/${caseId}/block`, { reason: 'threats against staff' });
    expect(blocked.status).toBe(200);
    expect(blocked.body.block).toMatchObject({ by: 'sue', reason: 'threats against staff', identity: { channel: 'webchat' } });

    const first = await c.say('bot');
    expect(first.map((a) => a.text)).toEqual([messages.t('lt', 'fairuse.blocked')]);
    for (const text of ['kur mano siunta?', 'noriu kalbėti su žmogumi', F.readdressable.trackingNumber]) expect(await c.say(text)).toEqual([]);

    const list = await sue.get<{ blocks: unknown[]; audit: { action: string; by: string; reason: string }[] }>('/blocks');
    expect(list.body.blocks).toHaveLength(1);
    expect(list.body.audit.map((e) => [e.action, e.by, e.reason])).toEqual([['block', 'sue', 'threats against staff']]);

    const identity = (list.body.blocks[0] as { identity: { channel: string; userId: string } }).identity;
    expect((await sue.post('/blocks/unblock', { ...identity })).body).toEqual({ error: 'invalid_reason' });
    expect((await sue.post('/blocks/unblock', { ...identity, reason: 'apologised by phone' })).body).toEqual({ unblocked: true });
    expect((await sue.post('/blocks/unblock', { ...identity, reason: 'again' })).status).toBe(404);
    const after = await sue.get<{ blocks: unknown[]; audit: { action: string; by: string }[] }>('/blocks');
    expect(after.body.blocks).toEqual([]);
    expect(after.body.audit.map((e) => e.action)).toEqual(['unblock', 'block']);
    expect((await c.say('labas')).length).toBeGreaterThan(0);
  }, 60000);
});

describe('proof locks', () => {
  test('a supervisor sees a lock and clears it; a second clear is 404', async () => {
    const conversationId = `proof-${Date.now()}`;
    const target = { kind: 'parcel' as const, trackingNumber: F.readdressable.trackingNumber, role: 'sender' as const };
    let lockId = '';
    for (let i = 0; i < 10 && !lockId; i++) {
      const o = await app.proof.start({ conversationId, target, lang: 'lt' });
      if (o.outcome === 'locked') lockId = o.lockId;
    }
    expect(lockId).toMatch(/^lk_/);
    const sue = await loggedIn('sue');
    const locks = await sue.get<{ locks: { id: string }[] }>('/proof-locks');
    expect(locks.body.locks.map((l) => l.id)).toContain(lockId);
    expect(JSON.stringify(locks.body)).not.toContain(F.readdressable.senderPhone);
    expect((await sue.post(`/proof-locks/${lockId}/clear`)).body).toEqual({ cleared: true });
    expect((await sue.post(`/proof-locks/${lockId}/clear`)).status).toBe(404);
    expect((await sue.get<{ locks: { id: string }[] }>('/proof-locks')).body.locks.map((l) => l.id)).not.toContain(lockId);
  }, 60000);
});

describe('erase', () => {
  test('a supervisor erases a customer by their case: cases, transcript and bot state go; the log has counts, not the data', async () => {
    const phone = '+37061299887';
    const c = customer();
    const caseId = await escalate(c, phone);
    const other = customer();
    const otherCase = await escalate(other);
    const sue = await loggedIn('sue');
    expect((await sue.post('/erase', { caseId })).body).toEqual({ error: 'confirm_required' });
    expect((await sue.post('/erase', { phone: '12345', confirm: true })).body).toEqual({ error: 'invalid_subject' });
    const stateBefore = await redis.keys(`${prefix}state:*${c.conversationId}*`);
    expect(stateBefore.length).toBeGreaterThan(0);
    const res = await sue.post<{ report: { requestId: string; subject: string; cases: number; conversations: number } }>('/erase', { caseId, confirm: true });
    expect(res.status).toBe(200);
    expect(res.body.report).toMatchObject({ subject: 'channel_id', cases: 1, conversations: 1 });
    expect((await sue.get(`/cases/${caseId}`)).status).toBe(404);
    expect((await sue.get(`/cases/${otherCase}`)).status).toBe(200);
    expect(await redis.keys(`${prefix}state:*${c.conversationId}*`)).toEqual([]);
    // What is left under the conversation's id: fair-use counters and text hashes, and the turn guard's
    // seen activity ids, which all expire on their own.
    const left = await redis.keys(`${prefix}*${c.conversationId}*`);
    for (const key of left) {
      expect(key).toMatch(/:(fairuse:last|limit:fairuse\.|turn:seen:)/);
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    }
    // The same phone again: nothing left.
    expect((await sue.post<{ report: { cases: number } }>('/erase', { phone, confirm: true })).body.report.cases).toBe(0);
    const line = logLines.find((l) => l.includes(res.body.report.requestId));
    expect(line).toBeDefined();
    expect(line).toMatch(/"cases":1/);
    expect(logLines.join('\n')).not.toContain(phone.slice(1));
  }, 60000);
});
