/**
 * HandoffService rules that need no bot: priorities by reason, honest waiting outside business
 * hours, response targets in working hours, webhook alerts (off-hours creation, unclaimed
 * priority-1 cases: once per case, failures not fatal), offline agents never receive work, who
 * may close and note (finding 12), what each customer is sent (finding 1), attachments kept
 * (finding 13).
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { loadConfig } from '../../../services/config';
import { WorkingCalendar } from '../../../services/calendar/workingCalendar';
import { AgentDirectory, hashPassword, type AgentIdentity } from '../../../services/handoff/agentAuth';
import { AttachmentKeeper, isChannelCdn } from '../../../services/handoff/attachments';
import { DeliveryOutbox } from '../../../services/handoff/DeliveryOutbox';
import { memoryPorts } from '../../../services/handoff/ports';
import { MemoryEventBus } from '../../../services/handoff/EventBus';
import { classifyEscalation } from '../../../services/handoff/vocabulary';
import { HandoffService, type EscalationInput, type EscalationResult } from '../../../services/handoff/HandoffService';
import { MemoryCaseStore } from '../../../services/handoff/MemoryCaseStore';
import { WebhookNotifier, type CaseAlert } from '../../../services/handoff/Notifier';
import { createMessages } from '../../../services/i18n/messages';
import { createLogger } from '../../../services/logging/logger';

const config = loadConfig({});
const calendar = new WorkingCalendar(config.business);
const messages = createMessages();
const logger = createLogger('silent');

let webhook: Server;
let webhookUrl: string;
let received: CaseAlert[] = [];
let webhookStatus = 200;

beforeAll(async () => {
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as CaseAlert);
      res.writeHead(webhookStatus);
      res.end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((r) => webhook.close(() => r())));
beforeEach(() => {
  received = [];
  webhookStatus = 200;
});

async function makeService(start: string, opts: { webhook?: string } = {}) {
  let now = Date.parse(start);
  const clock = () => new Date(now);
  const store = new MemoryCaseStore({ now: clock });
  const ports = memoryPorts(() => now);
  const delivered: string[] = [];
  const outbox = new DeliveryOutbox({ queue: ports.outbox, leases: ports.leases }, async (job) => {
    delivered.push(`${job.conversationId}:${job.from}:${job.text}`);
    return 'sent';
  }, { now: () => now });
  const agents = new AgentDirectory([
    { id: 'alice', name: 'Alice', role: 'agent', passwordHash: await hashPassword('x', { N: 1024, r: 8, p: 1 }) },
    { id: 'bob', name: 'Bob', role: 'agent', passwordHash: await hashPassword('y', { N: 1024, r: 8, p: 1 }) },
    { id: 'sue', name: 'Sue', role: 'supervisor', passwordHash: await hashPassword('z', { N: 1024, r: 8, p: 1 }) },
  ]);
  const service = new HandoffService({
    store,
    bus: new MemoryEventBus(),
    flags: ports.flags,
    calendar,
    messages,
    agents,
    alerts: new WebhookNotifier({ url: opts.webhook, logger, timeoutMs: 2000 }),
    outbox,
    logger,
    unclaimedAlertMinutes: 10,
    publicUrl: 'https://desk.example.test',
    now: clock,
  });
  const who = (id: string): AgentIdentity => agents.get(id)!;
  return { service, store, delivered, who, advance: (ms: number) => (now += ms) };
}

/** An escalation that must not be refused by the new-case limit (none is configured here). */
async function escalated(service: HandoffService, i: EscalationInput): Promise<EscalationResult> {
  const r = await service.customers.escalate(i);
  if (r.limited) throw new Error('escalation refused by the new-case limit');
  return r;
}

const input = (over: Partial<EscalationInput> = {}): EscalationInput => ({
  conversationId: `conv-${Math.random()}`,
  customerKey: `cust-${Math.random()}`,
  channel: 'webchat',
  lang: 'lt',
  reason: 'agent_requested',
  fields: {},
  attachments: [],
  reference: { conversation: { id: 'x' } },
  ...over,
});

test('priority by reason: locker faults 1, parcel matters 2, the rest 3 unless a parcel number is given', () => {
  expect(classifyEscalation('locker_fault', false)).toEqual({ kind: 'locker_fault', priority: 1 });
  for (const r of ['too_many_attempts', 'needs_staff', 'late_parcel'] as const) expect(classifyEscalation(r, false)).toEqual({ kind: 'parcel_action', priority: 2 });
  for (const r of ['agent_requested', 'out_of_scope', 'carrier_unavailable'] as const) {
    expect(classifyEscalation(r, false)).toEqual({ kind: 'general', priority: 3 });
    expect(classifyEscalation(r, true)).toEqual({ kind: 'parcel_action', priority: 2 });
  }
});

test('outside business hours: says when agents are back, counts the target in working hours, alerts the webhook', async () => {
  // Saturday 2024-01-20 12:00 Vilnius: back Monday 08:00; priority 3 target 8 working hours -> Monday 16:00.
  const { service } = await makeService('2024-01-20T10:00:00Z', { webhook: webhookUrl });
  const r = await escalated(service, input());
  expect(r.open).toBe(false);
  expect(r.nextOpening!.toISOString()).toBe('2024-01-22T06:00:00.000Z');
  expect(r.expectedResponse!.toISOString()).toBe('2024-01-22T14:00:00.000Z');
  expect(received).toEqual([
    expect.objectContaining({ caseId: r.caseId, priority: 3, url: `https://desk.example.test/agent#case=${r.caseId}`, text: expect.stringContaining(r.caseId) }),
  ]);
  // Joining the open case alerts nobody again.
  const customerKey = 'same-customer';
  const own = await escalated(service, input({ customerKey }));
  await escalated(service, input({ customerKey }));
  expect(received.map((a) => a.caseId)).toEqual([r.caseId, own.caseId]);
});

test('inside business hours: no alert; the target is working hours by priority (locker fault: 1 h)', async () => {
  const { service } = await makeService('2024-01-22T16:30:00Z', { webhook: webhookUrl }); // Monday 18:30, closes at 19:00
  const r = await escalated(service, input({ reason: 'locker_fault' }));
  expect(r.open).toBe(true);
  expect(r.priority).toBe(1);
  expect(r.expectedResponse!.toISOString()).toBe('2024-01-23T06:30:00.000Z'); // 30 min today + 30 min Tuesday from 08:00
  expect(received).toEqual([]);
});

test('an unclaimed priority-1 case alerts once after UNCLAIMED_ALERT_MINUTES; a failing webhook is not fatal', async () => {
  const { service, advance } = await makeService('2024-01-22T08:00:00Z', { webhook: webhookUrl });
  const urgent = await escalated(service, input({ reason: 'locker_fault' }));
  await escalated(service, input({ reason: 'agent_requested' }));
  advance(9 * 60_000);
  expect(await service.supervision.alertUnclaimed()).toBe(0);
  advance(2 * 60_000);
  webhookStatus = 500;
  expect(await service.supervision.alertUnclaimed()).toBe(1);
  expect(received.map((a) => a.caseId)).toEqual([urgent.caseId]);
  expect(await service.supervision.alertUnclaimed()).toBe(0);
  advance(60 * 60_000);
  expect(await service.supervision.alertUnclaimed()).toBe(0);
  expect(received).toHaveLength(1);
});

test('an unreachable webhook is logged, never thrown', async () => {
  const { service } = await makeService('2024-01-20T10:00:00Z', { webhook: 'http://127.0.0.1:9/unreachable' });
  await expect(escalated(service, input())).resolves.toMatchObject({ open: false });
});

test('work is never given to an offline agent', async () => {
  const { service, who, advance } = await makeService('2024-01-22T08:00:00Z');
  const r = await escalated(service, input());
  const alice = who('alice');
  expect((await service.desk.claim(r.caseId, alice)).ok).toBe(true);
  expect(await service.desk.transfer(r.caseId, alice, 'bob')).toEqual({ ok: false, error: 'agent_offline' });
  await service.supervision.setPresence('bob', true);
  advance(91_000); // presence TTL 90 s without a heartbeat
  expect(await service.desk.reassign(r.caseId, 'bob')).toEqual({ ok: false, error: 'agent_offline' });
  await service.supervision.setPresence('bob', true);
  expect(await service.desk.transfer(r.caseId, alice, 'bob')).toMatchObject({ ok: true, value: { assignedTo: 'bob' } });
});

test('cases of an agent offline for longer than the grace period go back to the queue at their place', async () => {
  const { service, store, who, advance } = await makeService('2024-01-22T08:00:00Z');
  const first = await escalated(service, input());
  const second = await escalated(service, input());
  const alice = who('alice');
  await service.supervision.setPresence('alice', true);
  await service.desk.claim(first.caseId, alice);
  expect(await service.supervision.releaseFromOfflineAgents(5 * 60_000)).toEqual([]);
  advance(91_000); // heartbeats stopped: offline from now on
  expect(await service.supervision.releaseFromOfflineAgents(5 * 60_000)).toEqual([]); // grace period starts
  advance(4 * 60_000);
  expect(await service.supervision.releaseFromOfflineAgents(5 * 60_000)).toEqual([]);
  advance(61_000);
  expect(await service.supervision.releaseFromOfflineAgents(5 * 60_000)).toEqual([first.caseId]);
  expect((await store.listQueue()).map((c) => c.id)).toEqual([first.caseId, second.caseId]);
});

test('a work order keeps the chat with the bot; done -> the customer hears it in that chat, the case closes', async () => {
  const { service, store, delivered, who } = await makeService('2024-01-22T08:00:00Z');
  const { case: order } = await service.customers.createWorkOrder({
    conversationId: 'chat-1',
    channel: 'webchat',
    lang: 'en',
    order: { action: 'change_phone', trackingNumber: 'CE482139075LT', role: 'recipient', newPhone: '+37060000000', carrierReference: 'PC-1', workingDays: 2 },
    fields: { trackingNumber: 'CE482139075LT' },
    reference: { conversation: { id: 'chat-1' } },
  });
  expect(order).toMatchObject({ kind: 'work_order', priority: 2, conversations: [], fields: { workOrder: { action: 'change_phone', ready: true, chat: { conversationId: 'chat-1', channel: 'webchat' } } } });
  expect((await store.getOwnership('chat-1')).state).toBe('bot');
  // A second work order of the same chat is its own task; another parcel, so not even related.
  const second = await service.customers.createWorkOrder({
    conversationId: 'chat-1',
    channel: 'webchat',
    lang: 'en',
    order: { action: 'readdress', trackingNumber: 'CE517302644LT', newLockerId: 'L1', carrierReference: 'RD-2', workingDays: 5 },
    fields: { trackingNumber: 'CE517302644LT' },
    reference: { conversation: { id: 'chat-1' } },
  });
  expect(second.case.id).not.toBe(order.id);
  expect(second.case.related).toEqual([]);
  const done = await service.desk.workOrderDone(order.id, who('alice'));
  expect(done).toMatchObject({ ok: true, value: { status: 'closed', resolution: { code: 'work_order_done' }, fields: { workOrder: { done: true } } } });
  expect(delivered).toEqual([`chat-1:bot:Good news: the change to parcel CE482139075LT has been made (case ${order.id}).`]);
  expect((await store.getOwnership('chat-1')).state).toBe('bot');
});

test('finding 12: only the holder or a supervisor closes or notes; agents choose only agent codes', async () => {
  const { service, who } = await makeService('2024-01-22T08:00:00Z');
  const r = await escalated(service, input());
  const queued = await escalated(service, input());
  const [alice, bob, sue] = [who('alice'), who('bob'), who('sue')];
  expect(await service.desk.close(queued.caseId, bob, 'spam')).toEqual({ ok: false, error: 'forbidden' }); // nobody holds it yet
  expect(await service.desk.addNote(queued.caseId, bob, 'x')).toEqual({ ok: false, error: 'forbidden' });
  await service.desk.claim(r.caseId, alice);
  expect(await service.desk.close(r.caseId, bob, 'solved')).toEqual({ ok: false, error: 'forbidden' });
  expect(await service.desk.returnToBot(r.caseId, bob)).toEqual({ ok: false, error: 'forbidden' });
  expect(await service.desk.addNote(r.caseId, bob, 'I was here')).toEqual({ ok: false, error: 'forbidden' });
  for (const code of ['customer_left', 'returned_to_bot', 'work_order_done', 'merged', 'made_up']) {
    expect(await service.desk.close(r.caseId, alice, code)).toEqual({ ok: false, error: 'invalid_resolution' });
    expect(await service.desk.close(r.caseId, sue, code)).toEqual({ ok: false, error: 'invalid_resolution' });
  }
  expect(await service.desk.addNote(r.caseId, alice, 'mine')).toMatchObject({ ok: true, value: { notes: [{ agentId: 'alice', text: 'mine' }] } });
  expect(await service.desk.addNote(r.caseId, sue, 'supervisor here')).toMatchObject({ ok: true });
  expect(await service.desk.close(queued.caseId, sue, 'spam')).toMatchObject({ ok: true, value: { resolution: { code: 'spam', agentId: 'sue' } } });
  expect(await service.desk.close(r.caseId, alice, 'solved')).toMatchObject({ ok: true, value: { status: 'closed', resolution: { code: 'solved', agentId: 'alice' } } });
});

test('finding 1: a parcel number alone opens a related case; the stranger is told only about theirs, replies need a target when there are several', async () => {
  const { service, store, delivered, who } = await makeService('2024-01-22T08:00:00Z');
  const victim = await escalated(service, 
    input({ conversationId: 'victim-chat', customerKey: 'victim', fields: { trackingNumber: 'CE482139075LT', description: 'my door code is 4711', senderPhone: '+37061234567' } }),
  );
  const stranger = await escalated(service, input({ conversationId: 'stranger-chat', customerKey: 'stranger', fields: { trackingNumber: 'ce 482139075 lt' } }));
  expect(stranger.joined).toBe(false);
  expect(stranger.caseId).not.toBe(victim.caseId);
  expect(JSON.stringify(stranger)).not.toContain(victim.caseId);
  const victimCase = (await store.get(victim.caseId))!;
  expect(victimCase.related).toEqual([stranger.caseId]);
  const alice = who('alice');
  await service.desk.claim(victim.caseId, alice);
  await service.desk.claim(stranger.caseId, alice);
  expect(delivered.filter((d) => d.startsWith('stranger-chat:')).join('\n')).not.toContain(victim.caseId);
  // Merging the stranger's case in (the agent judged them the same person) moves the conversation…
  const merged = await service.desk.merge(victim.caseId, stranger.caseId, alice);
  expect(merged).toMatchObject({ ok: true, value: { merged: { status: 'closed', resolution: { code: 'merged' }, mergedInto: { caseId: victim.caseId, by: 'alice' } } } });
  // …and a reply must now name its conversation; each conversation hears only the id it knows.
  expect(await service.desk.agentMessage(victim.caseId, alice, 'hello?')).toEqual({ ok: false, error: 'conversation_required' });
  expect(await service.desk.agentMessage(victim.caseId, alice, 'hello?', 'someone-else')).toEqual({ ok: false, error: 'unknown_conversation' });
  expect(await service.desk.agentMessage(victim.caseId, alice, 'for the victim', 'victim-chat')).toMatchObject({ ok: true, value: { conversationId: 'victim-chat' } });
  delivered.length = 0;
  await service.desk.close(victim.caseId, alice, 'solved');
  expect(delivered.find((d) => d.startsWith('stranger-chat:'))).toContain(stranger.caseId);
  expect(delivered.find((d) => d.startsWith('stranger-chat:'))).not.toContain(victim.caseId);
  expect(delivered.find((d) => d.startsWith('victim-chat:'))).toContain(victim.caseId);
});

test('finding 13: only attachments the bot stored or on the channel’s own CDN keep their address', async () => {
  const stored = new Map([['https://bot.example.test/v3/attachments/abc', { contentType: 'image/png', data: new Uint8Array([1]) }]]);
  const keeper = new AttachmentKeeper((url) => stored.get(url));
  const kept = await keeper.keep(
    [
      { url: 'https://bot.example.test/v3/attachments/abc', contentType: 'image/png', name: 'photo.png' },
      { url: 'https://tracker.example.com/pixel.gif', contentType: 'image/gif', name: 'pixel' },
      { url: 'https://scontent.xx.fbcdn.net/v/t1/photo.jpg', contentType: 'image/jpeg' },
      { url: 'javascript:alert(1)', contentType: 'image/png' },
    ],
    'webchat',
  );
  expect(kept).toEqual([
    { kept: true, source: 'stored', url: 'https://bot.example.test/v3/attachments/abc', contentType: 'image/png', name: 'photo.png' },
    { kept: false, contentType: 'image/gif', name: 'pixel' },
    { kept: false, contentType: 'image/jpeg' }, // a Facebook URL sent on the web channel is not that channel's CDN
    { kept: false, contentType: 'image/png' },
  ]);
  expect(isChannelCdn('https://scontent.xx.fbcdn.net/v/t1/photo.jpg', 'facebook')).toBe(true);
  expect(isChannelCdn('https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1', 'facebook')).toBe(true);
  for (const bad of ['http://scontent.xx.fbcdn.net/p.jpg', 'https://fbcdn.net.evil.example/p.jpg', 'https://user:pw@scontent.xx.fbcdn.net/p.jpg', 'https://scontent.xx.fbcdn.net:8443/p.jpg']) {
    expect(isChannelCdn(bad, 'facebook')).toBe(false);
  }
});

test("a case joined while the turn's entries are still being written has them before what the escalation adds, in the order said", async () => {
  const { service, store } = await makeService('2026-12-02T09:00:00+02:00');
  const i = input();
  const first = await escalated(service, i);
  // Writes that take a while from here on, as with Redis a network hop away.
  const append = store.appendTranscript.bind(store);
  store.appendTranscript = async (target, entry) => {
    await new Promise((r) => setTimeout(r, 20));
    return append(target, entry);
  };
  const at = new Date('2026-12-02T07:05:00Z').toISOString();
  // The hand-off middleware records the bot's replies without waiting; the dialog escalates meanwhile.
  const said = ['dar viena problema', 'Perduosiu jūsų klausimą kolegai.', 'Aprašykite problemą.'];
  const writes = said.map((text, n) => service.customers.record(i.conversationId, 'webchat', { at, from: n === 0 ? 'customer' : 'bot', text }));
  const again = await escalated(service, { ...i, fields: { description: 'durelės neatsidaro' } });
  expect(again.caseId).toBe(first.caseId);
  await Promise.all(writes);
  const texts = (await store.transcript({ caseId: first.caseId })).map((e) => e.text);
  expect(texts.slice(-4)).toEqual([...said, 'durelės neatsidaro']);
});
