/**
 * Retention and erasure of cases (`PersonalData`) with two service instances on one store, in
 * memory and on real Redis: closed cases past RETENTION_DAYS go with their transcripts; open and
 * recent ones stay; the job runs once per period however many instances try at the same moment.
 */
import { createLogger } from '../../../services/logging/logger';
import { loadConfig } from '../../../services/config';
import { WorkingCalendar } from '../../../services/calendar/workingCalendar';
import { AgentDirectory } from '../../../services/handoff/agentAuth';
import type { CaseStore } from '../../../services/handoff/CaseStore';
import { DeliveryOutbox } from '../../../services/handoff/DeliveryOutbox';
import { MemoryEventBus } from '../../../services/handoff/EventBus';
import { HandoffService } from '../../../services/handoff/HandoffService';
import { MemoryCaseStore } from '../../../services/handoff/MemoryCaseStore';
import { memoryPorts, type HandoffPorts } from '../../../services/handoff/ports';
import { RedisCaseStore } from '../../../services/handoff/RedisCaseStore';
import { redisPorts } from '../../../services/handoff/redisPorts';
import type { EscalationInput } from '../../../services/handoff/HandoffService';
import { createMessages } from '../../../services/i18n/messages';
import { useRedis } from '../../setup/redis';

const DAY = 86_400_000;
const START = Date.parse('2024-01-15T08:00:00Z');
const logger = createLogger('silent');
const calendar = new WorkingCalendar(loadConfig({}).business);
const messages = createMessages();

function instance(store: CaseStore, ports: HandoffPorts, clock: () => Date): HandoffService {
  return new HandoffService({
    store,
    bus: new MemoryEventBus(),
    flags: ports.flags,
    calendar,
    messages,
    agents: new AgentDirectory([]),
    alerts: { alert: async () => undefined },
    outbox: new DeliveryOutbox({ queue: ports.outbox, leases: ports.leases }, async () => 'sent'),
    logger,
    now: clock,
  });
}

const input = (n: number, over: Partial<EscalationInput> = {}): EscalationInput => ({
  conversationId: `ret-conv-${n}`,
  customerKey: `ret-cust-${n}`,
  channel: 'webchat',
  lang: 'lt',
  reason: 'agent_requested',
  fields: { description: `customer ${n} wrote this` },
  attachments: [],
  reference: { conversation: { id: `ret-conv-${n}` } },
  ...over,
});

type Make = () => Promise<{ a: HandoffService; b: HandoffService; store: CaseStore; advance(ms: number): void }>;

function suite(name: string, make: Make) {
  describe(name, () => {
    test('closed cases past the retention period go with their transcripts; open and recent ones stay; one instance per period', async () => {
      const { a, b, store, advance } = await make();
      const ids: string[] = [];
      for (let n = 0; n < 4; n++) {
        const r = await a.customers.escalate(input(n));
        if (r.limited) throw new Error('limited');
        ids.push(r.caseId);
      }
      await a.customers.customerLeft('ret-conv-0', ids[0]);
      await a.customers.customerLeft('ret-conv-1', ids[1]);
      advance(60 * DAY);
      await a.customers.customerLeft('ret-conv-2', ids[2]); // closed 60 days later: recent at the next step
      advance(31 * DAY); // cases 0 and 1 closed 91 days ago, case 2 31 days ago, case 3 still open

      const runs = await Promise.all([a.personalData.runRetentionOnce(90, 3_600_000), b.personalData.runRetentionOnce(90, 3_600_000)]);
      const done = runs.filter((r) => r !== undefined);
      expect(done).toHaveLength(1);
      expect(done[0]).toMatchObject({ cases: 2 });
      expect(await store.get(ids[0])).toBeUndefined();
      expect(await store.get(ids[1])).toBeUndefined();
      expect(await store.transcript({ caseId: ids[0] })).toEqual([]);
      expect(await store.get(ids[2])).toMatchObject({ status: 'closed' });
      expect(await store.get(ids[3])).toMatchObject({ status: 'queued' });
      // The same period again: nobody runs; the next period: one runs, nothing more is old enough.
      expect(await b.personalData.runRetentionOnce(90, 3_600_000)).toBeUndefined();
      advance(3_600_000);
      expect(await b.personalData.runRetentionOnce(90, 3_600_000)).toMatchObject({ cases: 0 });
      advance(60 * DAY);
      expect(await a.personalData.runRetentionOnce(90, 3_600_000)).toMatchObject({ cases: 1 });
      expect(await store.get(ids[2])).toBeUndefined();
    });

    test('erasure by phone finds the case through any of its phones, by channel id through the customer key', async () => {
      const { a, store } = await make();
      const phone = await a.customers.escalate(input(10, { fields: { senderPhone: '+370 612 00011', description: 'x' } }));
      const user = await a.customers.escalate(input(11));
      const other = await a.customers.escalate(input(12));
      if (phone.limited || user.limited || other.limited) throw new Error('limited');
      expect(await a.personalData.eraseCustomer({ phone: '+37061200011' })).toMatchObject({ cases: 1, conversations: [{ id: 'ret-conv-10', channel: 'webchat' }] });
      expect(await a.personalData.eraseCustomer({ userId: 'ret-cust-11' })).toMatchObject({ cases: 1, identities: [{ channel: 'webchat', userId: 'ret-cust-11' }] });
      expect(await store.get(phone.caseId)).toBeUndefined();
      expect(await store.get(user.caseId)).toBeUndefined();
      expect(await store.get(other.caseId)).toBeDefined();
      await expect(a.personalData.eraseCustomer({ phone: '0612' })).rejects.toThrow(/E\.164/);
    });
  });
}

suite('memory', async () => {
  let now = START;
  const clock = () => new Date(now);
  const store = new MemoryCaseStore({ now: clock });
  const ports = memoryPorts(() => now);
  return { a: instance(store, ports, clock), b: instance(store, ports, clock), store, advance: (ms) => (now += ms) };
});

describe('redis', () => {
  const env = useRedis('redis');
  suite('two instances, two connections', async () => {
    let now = START;
    const clock = () => new Date(now);
    const other = await env.connect();
    const storeA = new RedisCaseStore(env.client, { prefix: env.prefix, now: clock });
    const storeB = new RedisCaseStore(other, { prefix: env.prefix, now: clock });
    return { a: instance(storeA, redisPorts(env.client, env.prefix), clock), b: instance(storeB, redisPorts(other, env.prefix), clock), store: storeA, advance: (ms) => (now += ms) };
  });
});
