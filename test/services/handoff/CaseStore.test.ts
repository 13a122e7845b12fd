/**
 * One contract, three backends: MemoryCaseStore, RedisCaseStore on the shared redis-server, and
 * RedisCaseStore on a one-node Redis Cluster (which refuses any cross-slot command).
 */
import { CaseNotFoundError, type CaseStore, type CaseStoreOptions } from '../../../services/handoff/CaseStore';
import { MemoryCaseStore } from '../../../services/handoff/MemoryCaseStore';
import { RedisCaseStore } from '../../../services/handoff/RedisCaseStore';
import type { CaseInput, TranscriptEntry } from '../../../services/handoff/types';
import { BACKENDS, useRedis, type Backend } from '../../setup/redis';

const T0 = Date.parse('2024-01-18T08:00:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

function input(over: Partial<CaseInput> & { conversationId: string }): CaseInput {
  return {
    customerKey: `cust-${over.conversationId}`,
    channel: 'webchat',
    lang: 'lt',
    kind: 'general',
    reason: 'agent_requested',
    summary: 'Customer asked for a person',
    at: at(0),
    ...over,
  };
}

const entry = (text: string, from: TranscriptEntry['from'] = 'customer'): TranscriptEntry => ({ at: new Date(T0).toISOString(), from, text });

interface Stores {
  /** A store on the shared backend (for Redis: the suite's connection). */
  make(opts?: CaseStoreOptions): CaseStore;
  /** A store as another bot instance would have it: for Redis a new connection. */
  other(opts?: CaseStoreOptions): Promise<CaseStore>;
}

function stores(backend: Backend): Stores {
  if (backend === 'memory') {
    let shared: MemoryCaseStore | undefined;
    beforeEach(() => {
      shared = undefined;
    });
    return {
      make: (opts) => (opts ? new MemoryCaseStore(opts) : (shared ??= new MemoryCaseStore())),
      other: async () => (shared ??= new MemoryCaseStore()),
    };
  }
  const env = useRedis(backend);
  return {
    make: (opts) => new RedisCaseStore(env.client, { prefix: env.prefix, ...opts }),
    other: async (opts) => new RedisCaseStore(await env.connect(), { prefix: env.prefix, ...opts }),
  };
}

describe.each(BACKENDS)('CaseStore contract (%s)', (backend) => {
  const s = stores(backend);
  let store: CaseStore;
  beforeEach(() => {
    store = s.make();
  });

  describe('createOrJoin', () => {
    it('creates a queued case with a readable id, priority from its kind, and hands the conversation to the queue', async () => {
      const { case: c, joined } = await store.createOrJoin(
        input({ conversationId: 'w1', kind: 'locker_fault', reason: 'locker_fault', fields: { lockerId: 'LT-VNO-0042' } }),
      );
      expect(joined).toBe(false);
      expect(c.id).toMatch(/^C-240118-\d{4}$/);
      expect(c).toMatchObject({ status: 'queued', priority: 1, conversationIds: ['w1'], queuedAt: at(0).toISOString() });
      expect(c.fields).toEqual({ lockerId: 'LT-VNO-0042', attachments: [] });
      expect(await store.get(c.id)).toEqual(c);
      expect(await store.getOwnership('w1')).toEqual({ state: 'queued', caseId: c.id });
      expect(await store.position(c.id)).toBe(1);
      expect((await store.findOpenCase('w1'))?.id).toBe(c.id);
    });

    it('numbers cases of one day in order', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a' }));
      const b = await store.createOrJoin(input({ conversationId: 'b' }));
      expect(a.case.id < b.case.id).toBe(true);
      expect(a.case.id).toMatch(/-0001$/);
      expect(b.case.id).toMatch(/-0002$/);
    });

    it('joins the open case of the same conversation instead of opening another', async () => {
      const first = await store.createOrJoin(input({ conversationId: 'w1' }));
      const again = await store.createOrJoin(input({ conversationId: 'w1', reason: 'too_many_attempts', at: at(5) }));
      expect(again.joined).toBe(true);
      expect(again.case.id).toBe(first.case.id);
      expect((await store.listQueue()).map((c) => c.id)).toEqual([first.case.id]);
    });

    it('joins across channels by normalised tracking number, keeping priority and place in the queue', async () => {
      const older = await store.createOrJoin(input({ conversationId: 'x', at: at(-10) }));
      const web = await store.createOrJoin(input({ conversationId: 'web-1', customerKey: 'web-user', fields: { trackingNumber: 'lt 1234-5678' } }));
      const fb = await store.createOrJoin(
        input({
          conversationId: 'fb-1',
          customerKey: 'psid-9',
          channel: 'facebook',
          kind: 'locker_fault',
          at: at(30),
          fields: { trackingNumber: 'LT12345678', description: 'door will not open', attachments: [{ url: 'https://x/p.jpg', contentType: 'image/jpeg' }] },
        }),
      );
      expect(fb.joined).toBe(true);
      expect(fb.case.id).toBe(web.case.id);
      expect(fb.case.conversationIds).toEqual(['web-1', 'fb-1']);
      expect(fb.case.priority).toBe(3);
      expect(fb.case.queuedAt).toBe(at(0).toISOString());
      expect(fb.case.fields).toMatchObject({ trackingNumber: 'lt 1234-5678', description: 'door will not open' });
      expect(fb.case.fields.attachments).toHaveLength(1);
      expect(await store.getOwnership('fb-1')).toEqual({ state: 'queued', caseId: web.case.id });
      expect(await store.position(web.case.id)).toBe(2);
      expect((await store.listQueue()).map((c) => c.id)).toEqual([older.case.id, web.case.id]);
    });

    it('joins by verified phone, but never by an unverified one', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', fields: { verifiedPhone: '+370 612 34567' } }));
      const b = await store.createOrJoin(input({ conversationId: 'b', fields: { verifiedPhone: '+37061234567' } }));
      expect(b).toMatchObject({ joined: true, case: { id: a.case.id } });
      const c = await store.createOrJoin(input({ conversationId: 'c', fields: { recipientPhone: '+37061234567' } }));
      expect(c.joined).toBe(false);
    });

    it('joins by customer key, also a case an agent already holds', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', customerKey: 'same' }));
      await store.claim(a.case.id, 'ann');
      const b = await store.createOrJoin(input({ conversationId: 'b', customerKey: 'same' }));
      expect(b).toMatchObject({ joined: true, case: { id: a.case.id, status: 'assigned', assignedTo: 'ann' } });
      expect(await store.getOwnership('b')).toEqual({ state: 'agent', caseId: a.case.id });
    });

    it('keeps different problems of different customers apart', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', fields: { trackingNumber: 'AAA1' } }));
      const b = await store.createOrJoin(input({ conversationId: 'b', fields: { trackingNumber: 'BBB2' } }));
      expect(b.joined).toBe(false);
      expect(b.case.id).not.toBe(a.case.id);
    });

    it('creates exactly one case when 20 messages about one parcel race', async () => {
      const other = await s.other();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).createOrJoin(input({ conversationId: `conv-${i}`, fields: { trackingNumber: 'LT99887766' } })),
        ),
      );
      const ids = new Set(results.map((r) => r.case.id));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => !r.joined)).toHaveLength(1);
      const [id] = [...ids];
      expect((await store.get(id))?.conversationIds).toHaveLength(20);
      expect(await store.listQueue()).toHaveLength(1);
    });
  });

  describe('queue', () => {
    it('orders by priority, then first come first served', async () => {
      const g1 = await store.createOrJoin(input({ conversationId: 'g1', at: at(0) }));
      const l = await store.createOrJoin(input({ conversationId: 'l', kind: 'locker_fault', at: at(1) }));
      const p = await store.createOrJoin(input({ conversationId: 'p', kind: 'parcel_action', at: at(2) }));
      const w = await store.createOrJoin(input({ conversationId: 'w', kind: 'work_order', at: at(3) }));
      const g2 = await store.createOrJoin(input({ conversationId: 'g2', at: at(4) }));
      const order = [l, p, w, g1, g2].map((r) => r.case.id);
      expect((await store.listQueue()).map((c) => c.id)).toEqual(order);
      expect(await Promise.all(order.map((id) => store.position(id)))).toEqual([1, 2, 3, 4, 5]);
    });

    it('lets exactly one of 20 concurrent claims win', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'w1' }));
      const other = await s.other();
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).claim(c.id, `agent-${i}`, at(1))));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = `agent-${wins.indexOf(true)}`;
      expect(await store.get(c.id)).toMatchObject({ status: 'assigned', assignedTo: winner, assignedAt: at(1).toISOString() });
      expect(await store.getOwnership('w1')).toEqual({ state: 'agent', caseId: c.id });
      expect(await store.listQueue()).toEqual([]);
      expect(await store.position(c.id)).toBeUndefined();
      expect((await store.listByAgent(winner)).map((x) => x.id)).toEqual([c.id]);
      expect(await store.claim(c.id, 'late-agent')).toBe(false);
      expect(await store.claim('C-000000-9999', 'agent')).toBe(false);
    });

    it('releases a case back to its original place', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', at: at(0) }));
      const b = await store.createOrJoin(input({ conversationId: 'b', at: at(1) }));
      expect(await store.claim(a.case.id, 'agent-1')).toBe(true);
      const c = await store.createOrJoin(input({ conversationId: 'c', at: at(2) }));
      expect(await store.release(a.case.id)).toBe(true);
      expect((await store.listQueue()).map((x) => x.id)).toEqual([a.case.id, b.case.id, c.case.id]);
      expect(await store.get(a.case.id)).toMatchObject({ status: 'queued', queuedAt: at(0).toISOString() });
      expect((await store.get(a.case.id))?.assignedTo).toBeUndefined();
      expect(await store.getOwnership('a')).toEqual({ state: 'queued', caseId: a.case.id });
      expect(await store.listByAgent('agent-1')).toEqual([]);
      expect(await store.release(a.case.id)).toBe(false);
    });

    it('transfers only from the agent holding the case', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      await store.claim(c.id, 'ann');
      expect(await store.transfer(c.id, 'bob', 'carl')).toBe(false);
      expect(await store.transfer(c.id, 'ann', 'bob')).toBe(true);
      expect((await store.get(c.id))?.assignedTo).toBe('bob');
      expect(await store.listByAgent('ann')).toEqual([]);
      expect((await store.listByAgent('bob')).map((x) => x.id)).toEqual([c.id]);
      expect(await store.getOwnership('a')).toEqual({ state: 'agent', caseId: c.id });
    });

    it('re-sorts a queued case when its priority changes, keeping queuedAt', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', at: at(0) }));
      const b = await store.createOrJoin(input({ conversationId: 'b', at: at(1) }));
      const updated = await store.update(b.case.id, { priority: 1, kind: 'locker_fault', summary: 'Door stuck' });
      expect(updated).toMatchObject({ priority: 1, kind: 'locker_fault', summary: 'Door stuck', queuedAt: at(1).toISOString() });
      expect((await store.listQueue()).map((x) => x.id)).toEqual([b.case.id, a.case.id]);
    });
  });

  describe('closing', () => {
    it('closes any open case once, forgets it for joining, and keeps it in the customer history', async () => {
      const first = await store.createOrJoin(input({ conversationId: 'w1', customerKey: 'k', fields: { trackingNumber: 'LT1', verifiedPhone: '+37061234567' } }));
      await store.claim(first.case.id, 'ann');
      expect(await store.close(first.case.id, 'ann', 'solved', at(20))).toBe(true);
      expect(await store.close(first.case.id, 'ann', 'solved')).toBe(false);
      expect(await store.claim(first.case.id, 'bob')).toBe(false);
      expect(await store.get(first.case.id)).toMatchObject({
        status: 'closed',
        closedAt: at(20).toISOString(),
        resolution: { code: 'solved', agentId: 'ann', at: at(20).toISOString() },
      });
      expect(await store.getOwnership('w1')).toEqual({ state: 'closed', caseId: first.case.id });
      expect(await store.findOpenCase('w1')).toBeUndefined();
      expect(await store.listByAgent('ann')).toEqual([]);

      const second = await store.createOrJoin(input({ conversationId: 'w1', customerKey: 'k', at: at(60), fields: { trackingNumber: 'LT1' } }));
      expect(second.joined).toBe(false);
      expect(second.case.id).not.toBe(first.case.id);
      expect(await store.getOwnership('w1')).toEqual({ state: 'queued', caseId: second.case.id });
      expect((await store.listByCustomer('k')).map((c) => c.id)).toEqual([second.case.id, first.case.id]);
    });

    it('closes a queued case and takes it out of the queue', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      expect(await store.close(c.id, 'ann', 'spam')).toBe(true);
      expect(await store.listQueue()).toEqual([]);
    });

    it('forgets a closed ownership after its TTL (the conversation is the bot’s again)', async () => {
      const short = s.make({ closedOwnershipTtlMs: 200 });
      const { case: c } = await short.createOrJoin(input({ conversationId: 'ttl-conv' }));
      await short.close(c.id, 'ann', 'solved');
      expect((await short.getOwnership('ttl-conv')).state).toBe('closed');
      await new Promise((r) => setTimeout(r, 300));
      expect(await short.getOwnership('ttl-conv')).toEqual({ state: 'bot' });
    });
  });

  describe('case data', () => {
    it('updates fields and makes a newly known tracking number joinable', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      const updated = await store.update(c.id, { fields: { trackingNumber: 'LT555' } });
      expect(updated.fields).toEqual({ trackingNumber: 'LT555', attachments: [] });
      const other = await store.createOrJoin(input({ conversationId: 'b', fields: { trackingNumber: 'lt555' } }));
      expect(other).toMatchObject({ joined: true, case: { id: c.id } });
      await expect(store.update('C-000000-0000', { summary: 'x' })).rejects.toBeInstanceOf(CaseNotFoundError);
    });

    it('adds notes', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      await store.addNote(c.id, 'ann', 'called the courier', at(3));
      const withNotes = await store.addNote(c.id, 'bob', 'parcel found', at(4));
      expect(withNotes.notes).toEqual([
        { at: at(3).toISOString(), agentId: 'ann', text: 'called the courier' },
        { at: at(4).toISOString(), agentId: 'bob', text: 'parcel found' },
      ]);
      expect((await store.get(c.id))?.notes).toHaveLength(2);
      await expect(store.addNote('C-000000-0000', 'ann', 'x')).rejects.toBeInstanceOf(CaseNotFoundError);
    });

    it('returns copies: changing a returned case changes nothing stored', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      c.summary = 'mutated';
      c.conversationIds.push('zzz');
      const got = await store.get(c.id);
      expect(got?.summary).toBe('Customer asked for a person');
      got!.fields.attachments.push({ url: 'u', contentType: 'image/png' });
      expect((await store.get(c.id))?.fields.attachments).toEqual([]);
    });
  });

  describe('transcripts', () => {
    it('starts the case transcript with what the customer told the bot before escalating', async () => {
      expect(await store.appendTranscript({ conversationId: 'a' }, entry('labas'))).toEqual({ seq: 1 });
      await store.appendTranscript({ conversationId: 'a' }, entry('Kuo galiu padėti?', 'bot'));
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      expect(await store.appendTranscript({ conversationId: 'a' }, entry('noriu kalbėti su žmogumi'))).toEqual({ caseId: c.id, seq: 3 });
      expect(await store.appendTranscript({ caseId: c.id }, { ...entry('Sveiki, čia Ana', 'agent'), agentId: 'ann' })).toEqual({ caseId: c.id, seq: 4 });
      const all = await store.transcript({ caseId: c.id });
      expect(all.map((e) => e.text)).toEqual(['labas', 'Kuo galiu padėti?', 'noriu kalbėti su žmogumi', 'Sveiki, čia Ana']);
      expect(all[3]).toMatchObject({ from: 'agent', agentId: 'ann' });
      expect((await store.transcript({ conversationId: 'a' }, { fromSeq: 3 })).map((e) => e.text)).toEqual(['noriu kalbėti su žmogumi', 'Sveiki, čia Ana']);
    });

    it('adds a joining conversation’s messages to the case, in arrival order', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'web', fields: { trackingNumber: 'LT7' } }));
      await store.appendTranscript({ conversationId: 'web' }, entry('web 1'));
      await store.appendTranscript({ conversationId: 'fb' }, entry('fb before'));
      await store.createOrJoin(input({ conversationId: 'fb', fields: { trackingNumber: 'LT7' } }));
      await store.appendTranscript({ conversationId: 'fb' }, entry('fb after'));
      await store.appendTranscript({ conversationId: 'web' }, entry('web 2'));
      expect((await store.transcript({ caseId: c.id })).map((e) => e.text)).toEqual(['web 1', 'fb before', 'fb after', 'web 2']);
    });

    it('sends messages after closing to the conversation, not to the closed case', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      await store.appendTranscript({ conversationId: 'a' }, entry('during'));
      await store.close(c.id, 'ann', 'solved');
      expect(await store.appendTranscript({ conversationId: 'a' }, entry('after'))).toEqual({ seq: 1 });
      expect((await store.transcript({ caseId: c.id })).map((e) => e.text)).toEqual(['during']);
      expect((await store.transcript({ conversationId: 'a' })).map((e) => e.text)).toEqual(['after']);
    });

    it('keeps only the last entries before escalation', async () => {
      const small = s.make({ preCaseBufferSize: 3 });
      for (const t of ['1', '2', '3', '4', '5']) await small.appendTranscript({ conversationId: 'buf' }, entry(t));
      expect((await small.transcript({ conversationId: 'buf' })).map((e) => e.text)).toEqual(['3', '4', '5']);
    });

    it('keeps 200 concurrent appends from two instances, each instance’s in its own order', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      const other = await s.other();
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? other : store).appendTranscript({ conversationId: 'a' }, entry(`${i % 2}:${i}`))),
      );
      const texts = (await store.transcript({ caseId: c.id })).map((e) => e.text);
      expect(texts).toHaveLength(200);
      for (const side of ['0', '1']) {
        const nums = texts.filter((t) => t.startsWith(`${side}:`)).map((t) => Number(t.split(':')[1]));
        expect(nums).toEqual([...nums].sort((x, y) => x - y));
      }
    });
  });

  describe('conversations', () => {
    it('reads as bot until handed off, and can be given back to the bot', async () => {
      expect(await store.getOwnership('new')).toEqual({ state: 'bot' });
      await store.setOwnership('new', { state: 'bot' });
      expect(await store.getOwnership('new')).toEqual({ state: 'bot' });
    });

    it('stores conversation references as opaque JSON', async () => {
      const ref = { conversation: { id: 'a' }, serviceUrl: 'https://smba.example/', bot: { id: 'b', name: 'LockerDesk' }, channelId: 'webchat' };
      expect(await store.getReference('a')).toBeUndefined();
      await store.saveReference('a', ref);
      expect(await store.getReference('a')).toEqual(ref);
    });

    it('remembers the latest customer message time', async () => {
      expect(await store.lastCustomerMessageAt('a')).toBeUndefined();
      await store.recordCustomerMessage('a', at(10));
      await store.recordCustomerMessage('a', at(5));
      expect(await store.lastCustomerMessageAt('a')).toEqual(at(10));
    });
  });

  describe('agent presence', () => {
    it('counts an agent online only while heartbeats keep coming', async () => {
      const p = s.make({ presenceTtlMs: 60_000 });
      await p.heartbeat('ann', at(0));
      await p.setPresence('bob', true, at(0.5));
      expect((await p.onlineAgents(at(0.9))).map((a) => a.agentId)).toEqual(['bob', 'ann']);
      expect(await p.onlineAgents(at(0.9))).toContainEqual({ agentId: 'ann', lastSeenAt: at(0).toISOString() });
      expect(await p.isOnline('ann', at(0.99))).toBe(true);
      expect(await p.isOnline('ann', at(1.01))).toBe(false);
      expect((await p.onlineAgents(at(1.2))).map((a) => a.agentId)).toEqual(['bob']);
      await p.heartbeat('ann', at(1.3));
      await p.setPresence('bob', false, at(1.3));
      expect((await p.onlineAgents(at(1.4))).map((a) => a.agentId)).toEqual(['ann']);
      expect(await p.isOnline('bob', at(1.4))).toBe(false);
      expect(await p.isOnline('nobody', at(1.4))).toBe(false);
    });
  });

  if (backend !== 'memory') {
    it('survives a restart: a new store on a new connection sees the case, its place and transcript', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', at: at(0) }));
      const b = await store.createOrJoin(input({ conversationId: 'b', at: at(1) }));
      await store.appendTranscript({ conversationId: 'b' }, entry('hello'));
      await store.saveReference('b', { conversation: { id: 'b' } });
      const restarted = await s.other();
      expect(await restarted.get(b.case.id)).toEqual(b.case);
      expect(await restarted.position(b.case.id)).toBe(2);
      expect((await restarted.listQueue()).map((c) => c.id)).toEqual([a.case.id, b.case.id]);
      expect((await restarted.transcript({ conversationId: 'b' })).map((e) => e.text)).toEqual(['hello']);
      expect(await restarted.getOwnership('b')).toEqual({ state: 'queued', caseId: b.case.id });
      expect(await restarted.getReference('b')).toEqual({ conversation: { id: 'b' } });
      expect(await restarted.claim(b.case.id, 'ann')).toBe(true);
      expect(await store.claim(b.case.id, 'bob')).toBe(false);
    });
  }
});
