/**
 * Escalation limits through the real HTTP surface (issue 9): the whole application on
 * /api/messages, replies captured by a local connector stand-in, out-of-hours webhook alerts by a
 * local webhook stand-in. The clock is a Sunday (agents are away), so every new case alerts.
 *
 * - 100 "locker fault" escalations from one client (one channel identity, 100 conversations, as
 *   fast as the bot answers) open one case; a real customer's locker fault is placed right after it;
 * - escalating, leaving the queue and escalating again opens at most
 *   HANDOFF_CASES_PER_CUSTOMER_PER_HOUR cases, then the customer is told calmly that no case opens;
 * - out-of-hours alerts stop at OFF_HOURS_ALERTS_PER_HOUR although more cases arrive.
 */
import axios from 'axios';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { buildApp, type App } from '../index';
import { loadConfig } from '../services/config';
import { createLogger } from '../services/logging/logger';
import { createMessages } from '../services/i18n/messages';
import { channelActivity, startChannelStandIn, type ChannelActivity, type ChannelStandIn } from './support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from './support/fairUse';

/** Sunday 2026-11-29 12:00 Vilnius, running at real speed. */
const SUNDAY = Date.parse('2026-11-29T10:00:00Z');
const started = Date.now();
const now = () => new Date(SUNDAY + (Date.now() - started));
const ALERTS_PER_HOUR = 4;

let app: App;
let channel: ChannelStandIn;
let webhook: Server;
const alerts: { caseId: string; text: string }[] = [];
const messages = createMessages();

beforeAll(async () => {
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      alerts.push(JSON.parse(body) as { caseId: string; text: string });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
  app = await buildApp(
    loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...SCRIPTED_CLIENT_ENV, AGENT_WEBHOOK_URL: webhookUrl, OFF_HOURS_ALERTS_PER_HOUR: String(ALERTS_PER_HOUR) }),
    { logger: createLogger('silent'), now },
  );
  channel = await startChannelStandIn();
}, 180000);
afterAll(async () => {
  await channel?.close();
  await app?.close();
  await new Promise((r) => webhook?.close(r));
});

const post = (body: unknown) => axios.post(`${app.url}/api/messages`, body, { validateStatus: () => true });
const botTexts = (conversationId: string, all: ChannelActivity[] = channel.received) => all.filter((a) => a.conversation?.id === conversationId && a.type === 'message').map((a) => a.text ?? '');

/** Sends `text` as `userId` in `conversationId` and returns the bot's answer (all its messages). */
async function say(conversationId: string, userId: string, text: string): Promise<string> {
  const seen = botTexts(conversationId).length;
  const res = await post(channelActivity(channel, conversationId, { type: 'message', text, locale: 'en-US', from: { id: userId, name: 'Customer', role: 'user' } }));
  expect(res.status).toBeLessThan(300);
  const all = await channel.waitFor((received) => botTexts(conversationId, received).length > seen, 30000);
  return botTexts(conversationId, all).slice(seen).join('\n');
}

/** A locker fault escalation, answered the quickest way ("Skip" twice); returns the last answer. */
async function lockerFault(conversationId: string, userId: string, words = 'the locker door does not open'): Promise<string> {
  expect(await say(conversationId, userId, words)).toContain(messages.t('en', 'escalate.intro.locker_fault'));
  await say(conversationId, userId, 'Skip');
  return say(conversationId, userId, 'Skip');
}

/** Open cases, in queue order, with their conversations. */
async function openCases() {
  const out: { id: string; conversations: string[]; status: string }[] = [];
  for (const s of await app.handoff.service.supervision.openCases()) {
    const c = (await app.handoff.service.desk.caseDetail(s.id))?.case;
    if (c) out.push({ id: c.id, conversations: c.conversations.map((x) => x.id), status: c.status });
  }
  return out;
}

/** Open cases one of whose conversations starts with `prefix`. */
async function openCasesOf(prefix: string) {
  return (await openCases()).filter((c) => c.conversations.some((id) => id.startsWith(prefix)));
}

const caseIdIn = (text: string) => /C-\d{6}-\d{4}/.exec(text)?.[0];

test('100 locker-fault escalations from one client open one case; a real customer is placed right after it', async () => {
  const attacker = 'limits-attacker';
  const answers: string[] = [];
  const t0 = Date.now();
  for (let batch = 0; batch < 10; batch++) {
    answers.push(
      ...(await Promise.all(Array.from({ length: 10 }, (_, i) => lockerFault(`limits-a-${batch * 10 + i}`, attacker, `the locker door does not open, attempt ${batch * 10 + i}`)))),
    );
  }
  const attackMs = Date.now() - t0;
  const open = await openCasesOf('limits-a-');
  expect(open).toHaveLength(1);
  const ids = new Set(answers.map(caseIdIn));
  expect([...ids]).toEqual([open[0].id]);
  expect(open[0].conversations).toHaveLength(100);
  // One answer opened the case, every other one joined it ("you already have an open case").
  expect(answers.filter((a) => a.startsWith('You already have an open case'))).toHaveLength(99);

  const real = await lockerFault('limits-real', 'limits-real-customer', 'the locker door does not open, my parcel is inside');
  expect(real).toMatch(/Your case C-\d{6}-\d{4} is in the queue, position 2\./);
  const queue = (await openCases()).filter((c) => c.status === 'queued');
  expect(queue.slice(0, 2).map((c) => c.id)).toEqual([open[0].id, caseIdIn(real)]);
  process.stdout.write(`escalation limits: 100 locker-fault escalations from one client in ${attackMs} ms opened ${open.length} case; the real customer is at position 2\n`);
}, 240000);

test('escalate, leave, escalate again: at most HANDOFF_CASES_PER_CUSTOMER_PER_HOUR (3) cases, then a calm answer and no case', async () => {
  const churner = 'limits-churner';
  const opened: string[] = [];
  for (let i = 0; i < 3; i++) {
    const conv = `limits-churn-${i}`;
    const answer = await lockerFault(conv, churner, `the locker door does not open, case ${i}`);
    expect(answer).toMatch(/is in the queue/);
    opened.push(caseIdIn(answer)!);
    expect(await say(conv, churner, 'cancel')).toContain('You left the queue');
  }
  expect(new Set(opened).size).toBe(3);
  const refused = await lockerFault('limits-churn-3', churner, 'the locker door does not open, case 3');
  expect(refused).toContain("I can't open another case right now");
  expect(caseIdIn(refused)).toBeUndefined();
  expect(await openCasesOf('limits-churn-')).toHaveLength(0);
  // Another customer is not affected.
  expect(await lockerFault('limits-other', 'limits-other-customer')).toMatch(/is in the queue/);
}, 120000);

test('out-of-hours alerts stop at OFF_HOURS_ALERTS_PER_HOUR while cases keep being queued', async () => {
  for (let i = 0; i < 3; i++) expect(await lockerFault(`limits-night-${i}`, `limits-night-${i}`)).toMatch(/is in the queue/);
  await new Promise((r) => setTimeout(r, 500));
  // New cases in this file: 1 (the attack) + 1 (the real customer) + 3 (churned, closed again) + 1 (other) + 3 now.
  expect(await openCases()).toHaveLength(6);
  expect(alerts).toHaveLength(ALERTS_PER_HOUR);
  expect(alerts[0].text).toBe(messages.t('lt', 'handoff.alert.offHours', { caseId: alerts[0].caseId, priority: 1 }));
}, 120000);
