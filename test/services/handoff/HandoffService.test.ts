/**
 * HandoffService rules that need no bot: priorities by reason, honest waiting outside business
 * hours, response targets in working hours, webhook alerts (off-hours creation, unclaimed
 * priority-1 cases: once per case, failures not fatal), offline agents never receive work.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { loadConfig } from '../../../services/config';
import { WorkingCalendar } from '../../../services/calendar/workingCalendar';
import { AgentDirectory, hashPassword } from '../../../services/handoff/agentAuth';
import { MemoryAuxStore } from '../../../services/handoff/AuxStore';
import { DeliveryOutbox } from '../../../services/handoff/DeliveryOutbox';
import { MemoryEventBus } from '../../../services/handoff/EventBus';
import { classifyEscalation } from '../../../services/handoff/vocabulary';
import { HandoffService, type EscalationInput } from '../../../services/handoff/HandoffService';
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
  const aux = new MemoryAuxStore(() => now);
  const delivered: string[] = [];
  const outbox = new DeliveryOutbox(aux, async (job) => {
    delivered.push(`${job.conversationId}:${job.from}:${job.text}`);
    return 'sent';
  }, { now: () => now });
  const agents = new AgentDirectory([
    { id: 'alice', name: 'Alice', role: 'agent', passwordHash: await hashPassword('x', { N: 1024, r: 8, p: 1 }) },
    { id: 'bob', name: 'Bob', role: 'agent', passwordHash: await hashPassword('y', { N: 1024, r: 8, p: 1 }) },
  ]);
  const service = new HandoffService({
    store,
    bus: new MemoryEventBus(),
    aux,
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
  return { service, store, delivered, advance: (ms: number) => (now += ms) };
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
  const r = await service.escalate(input());
  expect(r.open).toBe(false);
  expect(r.nextOpening!.toISOString()).toBe('2024-01-22T06:00:00.000Z');
  expect(r.expectedResponse!.toISOString()).toBe('2024-01-22T14:00:00.000Z');
  expect(received).toEqual([
    expect.objectContaining({ caseId: r.case.id, priority: 3, summary: r.case.summary, url: `https://desk.example.test/agent#case=${r.case.id}`, text: expect.stringContaining(r.case.id) }),
  ]);
  // Joining the open case alerts nobody again.
  await service.escalate(input({ customerKey: r.case.customerKey }));
  expect(received).toHaveLength(1);
});

test('inside business hours: no alert; the target is working hours by priority (locker fault: 1 h)', async () => {
  const { service } = await makeService('2024-01-22T16:30:00Z', { webhook: webhookUrl }); // Monday 18:30, closes at 19:00
  const r = await service.escalate(input({ reason: 'locker_fault' }));
  expect(r.open).toBe(true);
  expect(r.case.priority).toBe(1);
  expect(r.expectedResponse!.toISOString()).toBe('2024-01-23T06:30:00.000Z'); // 30 min today + 30 min Tuesday from 08:00
  expect(received).toEqual([]);
});

test('an unclaimed priority-1 case alerts once after UNCLAIMED_ALERT_MINUTES; a failing webhook is not fatal', async () => {
  const { service, advance } = await makeService('2024-01-22T08:00:00Z', { webhook: webhookUrl });
  const urgent = await service.escalate(input({ reason: 'locker_fault' }));
  await service.escalate(input({ reason: 'agent_requested' }));
  advance(9 * 60_000);
  expect(await service.alertUnclaimed()).toBe(0);
  advance(2 * 60_000);
  webhookStatus = 500;
  expect(await service.alertUnclaimed()).toBe(1);
  expect(received.map((a) => a.caseId)).toEqual([urgent.case.id]);
  expect(await service.alertUnclaimed()).toBe(0);
  advance(60 * 60_000);
  expect(await service.alertUnclaimed()).toBe(0);
  expect(received).toHaveLength(1);
});

test('an unreachable webhook is logged, never thrown', async () => {
  const { service } = await makeService('2024-01-20T10:00:00Z', { webhook: 'http://127.0.0.1:9/unreachable' });
  await expect(service.escalate(input())).resolves.toMatchObject({ open: false });
});

test('work is never given to an offline agent', async () => {
  const { service, advance } = await makeService('2024-01-22T08:00:00Z');
  const r = await service.escalate(input());
  const alice = service.agents.get('alice')!;
  expect((await service.claim(r.case.id, alice)).ok).toBe(true);
  expect(await service.transfer(r.case.id, alice, 'bob')).toEqual({ ok: false, error: 'agent_offline' });
  await service.setPresence('bob', true);
  advance(91_000); // presence TTL 90 s without a heartbeat
  expect(await service.reassign(r.case.id, 'bob')).toEqual({ ok: false, error: 'agent_offline' });
  await service.setPresence('bob', true);
  expect(await service.transfer(r.case.id, alice, 'bob')).toMatchObject({ ok: true, value: { assignedTo: 'bob' } });
});

test('cases of an agent offline for longer than the grace period go back to the queue at their place', async () => {
  const { service, store, advance } = await makeService('2024-01-22T08:00:00Z');
  const first = await service.escalate(input());
  const second = await service.escalate(input());
  const alice = service.agents.get('alice')!;
  await service.setPresence('alice', true);
  await service.claim(first.case.id, alice);
  expect(await service.releaseFromOfflineAgents(5 * 60_000)).toEqual([]);
  advance(91_000); // heartbeats stopped: offline from now on
  expect(await service.releaseFromOfflineAgents(5 * 60_000)).toEqual([]); // grace period starts
  advance(4 * 60_000);
  expect(await service.releaseFromOfflineAgents(5 * 60_000)).toEqual([]);
  advance(61_000);
  expect(await service.releaseFromOfflineAgents(5 * 60_000)).toEqual([first.case.id]);
  expect((await store.listQueue()).map((c) => c.id)).toEqual([first.case.id, second.case.id]);
});

test('a work order keeps the chat with the bot; done -> the customer hears it, the case closes', async () => {
  const { service, store, delivered } = await makeService('2024-01-22T08:00:00Z');
  const { case: order } = await service.createWorkOrder({
    conversationId: 'chat-1',
    channel: 'webchat',
    lang: 'en',
    action: 'change_phone',
    params: { trackingNumber: 'CE482139075LT', role: 'recipient', newPhone: '+37060000000', carrierReference: 'PC-1' },
    fields: { trackingNumber: 'CE482139075LT' },
    reference: { conversation: { id: 'chat-1' } },
  });
  expect(order).toMatchObject({ kind: 'work_order', priority: 2, fields: { workOrder: { action: 'change_phone', ready: true } } });
  expect((await store.getOwnership('chat-1')).state).toBe('bot');
  // A second work order of the same chat is its own task, not merged into the first.
  const second = await service.createWorkOrder({
    conversationId: 'chat-1',
    channel: 'webchat',
    lang: 'en',
    action: 'readdress',
    params: { trackingNumber: 'CE517302644LT', newLockerId: 'L1', carrierReference: 'RD-2' },
    fields: { trackingNumber: 'CE517302644LT' },
    reference: { conversation: { id: 'chat-1' } },
  });
  expect(second.joined).toBe(false);
  const done = await service.workOrderDone(order.id, service.agents.get('alice')!);
  expect(done).toMatchObject({ ok: true, value: { status: 'closed', resolution: { code: 'work_order_done' }, fields: { workOrder: { done: true } } } });
  expect(delivered).toEqual([expect.stringMatching(/^wo:chat-1:[0-9a-f]{12}:bot:Good news: the change to parcel CE482139075LT has been made/)]);
  expect((await store.getOwnership('chat-1')).state).toBe('bot');
});
