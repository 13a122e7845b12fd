/**
 * One contract, three backends: MemoryCaseStore, RedisCaseStore on the shared redis-server, and
 * RedisCaseStore on a one-node Redis Cluster (which refuses any cross-slot command).
 */
import type { CaseChange, CaseStore, CaseStoreOptions } from '../../../services/handoff/CaseStore';
import { MAX_ENTRY_BYTES } from '../../../services/handoff/caseRules';
import { MemoryCaseStore } from '../../../services/handoff/MemoryCaseStore';
import { RedisCaseStore } from '../../../services/handoff/RedisCaseStore';
import type { Case, CaseInput, TranscriptEntry } from '../../../services/handoff/types';
import { BACKENDS, useRedis, type Backend } from '../../setup/redis';
import { countingClient } from '../../support/redisCalls';

const T0 = Date.parse('2024-01-18T08:00:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

/** The case after a change that must have succeeded. */
function changed(change: CaseChange): Case {
  if (!change.ok) throw new Error(`expected the change to succeed, got ${change.reason}`);
  return change.case;
}

const ids = (c: Case) => c.conversations.map((x) => x.id);

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
      expect(c).toMatchObject({ status: 'queued', priority: 1, queuedAt: at(0).toISOString(), related: [] });
      expect(c.conversations).toEqual([{ id: 'w1', channel: 'webchat', joinedAt: at(0).toISOString(), via: 'opened', toldCaseId: c.id }]);
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

    it('never joins by parcel number alone: a new case, related to the open one both ways, nothing of it shared', async () => {
      const older = await store.createOrJoin(input({ conversationId: 'x', at: at(-10) }));
      const victim = await store.createOrJoin(
        input({ conversationId: 'web-1', customerKey: 'web-user', fields: { trackingNumber: 'lt 1234-5678', description: 'door code 4711', senderPhone: '+37061234567' } }),
      );
      const stranger = await store.createOrJoin(
        input({ conversationId: 'fb-1', customerKey: 'psid-9', channel: 'facebook', at: at(30), fields: { trackingNumber: 'LT12345678', description: 'give me the code' } }),
      );
      expect(stranger.joined).toBe(false);
      expect(stranger.case.id).not.toBe(victim.case.id);
      expect(ids(stranger.case)).toEqual(['fb-1']);
      expect(stranger.case.fields).toEqual({ trackingNumber: 'LT12345678', description: 'give me the code', attachments: [] });
      expect(stranger.case.related).toEqual([victim.case.id]);
      expect((await store.get(victim.case.id))?.related).toEqual([stranger.case.id]);
      expect(ids((await store.get(victim.case.id))!)).toEqual(['web-1']);
      expect(await store.getOwnership('fb-1')).toEqual({ state: 'queued', caseId: stranger.case.id });
      expect((await store.listQueue()).map((c) => c.id)).toEqual([older.case.id, victim.case.id, stranger.case.id]);
      // A third case about the parcel is related to both open ones.
      const third = await store.createOrJoin(input({ conversationId: 'third', customerKey: 'k3', fields: { trackingNumber: 'LT12345678' } }));
      expect([...third.case.related].sort()).toEqual([victim.case.id, stranger.case.id].sort());
      expect((await store.get(stranger.case.id))?.related).toEqual([victim.case.id, third.case.id]);
      // Closed cases are no longer found by the parcel.
      await store.close(victim.case.id, 'ann', 'solved');
      const fourth = await store.createOrJoin(input({ conversationId: 'fourth', customerKey: 'k4', fields: { trackingNumber: 'LT12345678' } }));
      expect(fourth.case.related).not.toContain(victim.case.id);
    });

    it('joins by a proven phone (another channel, the same customer), keeping priority and place; never by an unproven one', async () => {
      const older = await store.createOrJoin(input({ conversationId: 'x', at: at(-10) }));
      const web = await store.createOrJoin(input({ conversationId: 'web-1', customerKey: 'web-user', fields: { verifiedPhone: '+370 612 34567', trackingNumber: 'LT1' } }));
      const fb = await store.createOrJoin(
        input({
          conversationId: 'fb-1',
          customerKey: 'psid-9',
          channel: 'facebook',
          kind: 'locker_fault',
          at: at(30),
          fields: {
            verifiedPhone: '+37061234567',
            description: 'door will not open',
            attachments: [{ kept: true, source: 'channel_cdn', url: 'https://scontent.xx.fbcdn.net/p.jpg', contentType: 'image/jpeg' }],
          },
        }),
      );
      expect(fb.joined).toBe(true);
      expect(fb.case.id).toBe(web.case.id);
      expect(fb.case.conversations.map((x) => [x.id, x.via, x.channel, x.toldCaseId])).toEqual([
        ['web-1', 'opened', 'webchat', web.case.id],
        ['fb-1', 'proven_phone', 'facebook', web.case.id],
      ]);
      expect(fb.case.priority).toBe(3);
      expect(fb.case.queuedAt).toBe(at(0).toISOString());
      expect(fb.case.fields).toMatchObject({ trackingNumber: 'LT1', description: 'door will not open' });
      expect(fb.case.fields.attachments).toHaveLength(1);
      expect(await store.getOwnership('fb-1')).toEqual({ state: 'queued', caseId: web.case.id });
      expect(await store.position(web.case.id)).toBe(2);
      expect((await store.listQueue()).map((c) => c.id)).toEqual([older.case.id, web.case.id]);
      const unproven = await store.createOrJoin(input({ conversationId: 'c', fields: { recipientPhone: '+37061234567', senderPhone: '+37061234567' } }));
      expect(unproven.joined).toBe(false);
    });

    it('joins by customer key (the same channel identity), also a case an agent already holds', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', customerKey: 'same' }));
      await store.claim(a.case.id, 'ann');
      const b = await store.createOrJoin(input({ conversationId: 'b', customerKey: 'same' }));
      expect(b).toMatchObject({ joined: true, case: { id: a.case.id, status: 'assigned', assignedTo: 'ann' } });
      expect(b.case.conversations[1]).toMatchObject({ id: 'b', via: 'same_customer' });
      expect(await store.getOwnership('b')).toEqual({ state: 'agent', caseId: a.case.id });
    });

    it('a work order owns no conversation and never joins anything', async () => {
      const chat = await store.createOrJoin(input({ conversationId: 'chat', customerKey: 'k', fields: { trackingNumber: 'LT77' } }));
      const order = await store.createOrJoin({ customerKey: '', channel: 'webchat', lang: 'lt', kind: 'work_order', reason: 'needs_staff', summary: 'WO', fields: { trackingNumber: 'LT77' }, at: at(1) });
      expect(order.joined).toBe(false);
      expect(order.case.conversations).toEqual([]);
      expect(order.case.related).toEqual([chat.case.id]);
      expect(await store.getOwnership('chat')).toEqual({ state: 'queued', caseId: chat.case.id });
      expect(await store.listByCustomer('')).toEqual([]);
    });

    it('keeps different problems of different customers apart', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', fields: { trackingNumber: 'AAA1' } }));
      const b = await store.createOrJoin(input({ conversationId: 'b', fields: { trackingNumber: 'BBB2' } }));
      expect(b.joined).toBe(false);
      expect(b.case.id).not.toBe(a.case.id);
      expect(b.case.related).toEqual([]);
    });

    it('creates exactly one case when 20 escalations of one customer race (two instances)', async () => {
      const other = await s.other();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).createOrJoin(input({ conversationId: `conv-${i}`, customerKey: 'one-customer', fields: { trackingNumber: 'LT99887766' } })),
        ),
      );
      const found = new Set(results.map((r) => r.case.id));
      expect(found.size).toBe(1);
      expect(results.filter((r) => !r.joined)).toHaveLength(1);
      const [id] = [...found];
      expect((await store.get(id))?.conversations).toHaveLength(20);
      expect(await store.listQueue()).toHaveLength(1);
    });

    it('links racing cases of one parcel to the open ones, both ways (two instances)', async () => {
      const other = await s.other();
      const first = await store.createOrJoin(input({ conversationId: 'first', customerKey: 'k0', fields: { trackingNumber: 'LT5' } }));
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).createOrJoin(input({ conversationId: `r-${i}`, customerKey: `k-${i + 1}`, fields: { trackingNumber: 'LT5' } }))),
      );
      expect(results.every((r) => !r.joined)).toBe(true);
      const all = [first.case, ...results.map((r) => r.case)].map((c) => c.id);
      const stored = await store.getMany(all);
      for (const c of stored) {
        expect(c.related).toContain(c.id === first.case.id ? results[0].case.id : first.case.id);
        for (const r of c.related) expect((await store.get(r))?.related).toContain(c.id);
      }
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

    it('breaks ties of one priority and one queue time by case id, as a sorted set does', async () => {
      const made = [];
      for (const conversationId of ['t1', 't2', 't3']) made.push(await store.createOrJoin(input({ conversationId, at: at(7) })));
      const byId = made.map((r) => r.case.id).sort();
      // Claimed and given back, the first case keeps its place (its queue time), though it was the
      // last to re-enter the queue: the order is by id among equal scores, not by arrival.
      expect((await store.claim(byId[0], 'ann')).ok).toBe(true);
      expect((await store.release(byId[0])).ok).toBe(true);
      expect((await store.listQueue()).map((c) => c.id)).toEqual(byId);
      expect(await Promise.all(byId.map((id) => store.position(id)))).toEqual([1, 2, 3]);
    });

    it('lets exactly one of 20 concurrent claims win', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'w1' }));
      const other = await s.other();
      const wins = (await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).claim(c.id, `agent-${i}`, at(1))))).map((r) => r.ok);
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = `agent-${wins.indexOf(true)}`;
      expect(await store.get(c.id)).toMatchObject({ status: 'assigned', assignedTo: winner, assignedAt: at(1).toISOString() });
      expect(await store.getOwnership('w1')).toEqual({ state: 'agent', caseId: c.id });
      expect(await store.listQueue()).toEqual([]);
      expect(await store.position(c.id)).toBeUndefined();
      expect((await store.listByAgent(winner)).map((x) => x.id)).toEqual([c.id]);
      expect(await store.claim(c.id, 'late-agent')).toMatchObject({ ok: false, reason: 'conflict', current: { assignedTo: winner } });
      expect(await store.claim('C-000000-9999', 'agent')).toEqual({ ok: false, reason: 'not_found' });
    });

    it('releases a case back to its original place', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', at: at(0) }));
      const b = await store.createOrJoin(input({ conversationId: 'b', at: at(1) }));
      expect((await store.claim(a.case.id, 'agent-1')).ok).toBe(true);
      const c = await store.createOrJoin(input({ conversationId: 'c', at: at(2) }));
      expect(changed(await store.release(a.case.id))).toMatchObject({ status: 'queued' });
      expect((await store.listQueue()).map((x) => x.id)).toEqual([a.case.id, b.case.id, c.case.id]);
      expect(await store.get(a.case.id)).toMatchObject({ status: 'queued', queuedAt: at(0).toISOString() });
      expect((await store.get(a.case.id))?.assignedTo).toBeUndefined();
      expect(await store.getOwnership('a')).toEqual({ state: 'queued', caseId: a.case.id });
      expect(await store.listByAgent('agent-1')).toEqual([]);
      expect((await store.release(a.case.id)).ok).toBe(false);
    });

    it('transfers only from the agent holding the case', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      await store.claim(c.id, 'ann');
      expect((await store.transfer(c.id, 'bob', 'carl')).ok).toBe(false);
      expect(changed(await store.transfer(c.id, 'ann', 'bob')).assignedTo).toBe('bob');
      expect((await store.get(c.id))?.assignedTo).toBe('bob');
      expect(await store.listByAgent('ann')).toEqual([]);
      expect((await store.listByAgent('bob')).map((x) => x.id)).toEqual([c.id]);
      expect(await store.getOwnership('a')).toEqual({ state: 'agent', caseId: c.id });
    });

    it('re-sorts a queued case when its priority changes, keeping queuedAt', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a', at: at(0) }));
      const b = await store.createOrJoin(input({ conversationId: 'b', at: at(1) }));
      const updated = changed(await store.update(b.case.id, { priority: 1, kind: 'locker_fault', summary: 'Door stuck' }));
      expect(updated).toMatchObject({ priority: 1, kind: 'locker_fault', summary: 'Door stuck', queuedAt: at(1).toISOString() });
      expect((await store.listQueue()).map((x) => x.id)).toEqual([b.case.id, a.case.id]);
    });
  });

  describe('closing', () => {
    it('closes any open case once, forgets it for joining, and keeps it in the customer history', async () => {
      const first = await store.createOrJoin(input({ conversationId: 'w1', customerKey: 'k', fields: { trackingNumber: 'LT1', verifiedPhone: '+37061234567' } }));
      await store.claim(first.case.id, 'ann');
      expect(changed(await store.close(first.case.id, 'ann', 'solved', at(20))).status).toBe('closed');
      expect((await store.close(first.case.id, 'ann', 'solved')).ok).toBe(false);
      expect((await store.claim(first.case.id, 'bob')).ok).toBe(false);
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
      expect((await store.close(c.id, 'ann', 'spam')).ok).toBe(true);
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
    it('updates fields: a newly known tracking number relates, a newly proven phone joins', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      const updated = changed(await store.update(c.id, { fields: { trackingNumber: 'LT555' } }));
      expect(updated.fields).toEqual({ trackingNumber: 'LT555', attachments: [] });
      const other = await store.createOrJoin(input({ conversationId: 'b', fields: { trackingNumber: 'lt555' } }));
      expect(other).toMatchObject({ joined: false, case: { related: [c.id] } });
      await store.update(c.id, { fields: { verifiedPhone: '+37060000001' } });
      const same = await store.createOrJoin(input({ conversationId: 'c', fields: { verifiedPhone: '+37060000001' } }));
      expect(same).toMatchObject({ joined: true, case: { id: c.id } });
      expect(await store.update('C-000000-0000', { summary: 'x' })).toEqual({ ok: false, reason: 'not_found' });
    });

    it('adds notes', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      await store.addNote(c.id, 'ann', 'called the courier', at(3));
      const withNotes = changed(await store.addNote(c.id, 'bob', 'parcel found', at(4)));
      expect(withNotes.notes).toEqual([
        { at: at(3).toISOString(), agentId: 'ann', text: 'called the courier' },
        { at: at(4).toISOString(), agentId: 'bob', text: 'parcel found' },
      ]);
      expect((await store.get(c.id))?.notes).toHaveLength(2);
      expect(await store.addNote('C-000000-0000', 'ann', 'x')).toEqual({ ok: false, reason: 'not_found' });
    });

    it('returns copies: changing a returned case changes nothing stored', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
      c.summary = 'mutated';
      c.conversations.push({ id: 'zzz', channel: 'x', joinedAt: '', via: 'opened', toldCaseId: '' });
      const got = await store.get(c.id);
      expect(got?.summary).toBe('Customer asked for a person');
      got!.fields.attachments.push({ kept: false, contentType: 'image/png' });
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
      const { case: c } = await store.createOrJoin(input({ conversationId: 'web', fields: { verifiedPhone: '+37060000007' } }));
      await store.appendTranscript({ conversationId: 'web' }, entry('web 1'));
      await store.appendTranscript({ conversationId: 'fb' }, entry('fb before'));
      await store.createOrJoin(input({ conversationId: 'fb', fields: { verifiedPhone: '+37060000007' } }));
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

    it('caps an entry at 4 KB of text (marked as cut), whatever the way in', async () => {
      const { case: c } = await store.createOrJoin(input({ conversationId: 'big' }));
      const huge = 'ž'.repeat(10_000);
      await store.appendTranscript({ conversationId: 'big' }, entry(huge));
      await store.appendTranscript({ caseId: c.id }, entry('x'.repeat(5000), 'agent'));
      await store.appendTranscript({ conversationId: 'pre' }, entry(huge));
      const [a, b] = await store.transcript({ caseId: c.id });
      for (const e of [a, b, ...(await store.transcript({ conversationId: 'pre' }))]) {
        expect(Buffer.byteLength(e.text, 'utf8')).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
        expect(e.cut?.originalChars).toBeGreaterThan(MAX_ENTRY_BYTES / 2);
      }
      expect(a.text).toMatch(/^ž+$/);
      expect(a.cut).toEqual({ originalChars: 10_000 });
      expect((await store.transcript({ caseId: c.id }))[0].text.length).toBe(MAX_ENTRY_BYTES / 2);
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

  describe('merging', () => {
    const marker = (text: string): TranscriptEntry => ({ at: at(50).toISOString(), from: 'system', text });

    it('moves the other case’s conversations, transcript, missing fields and notes into the kept case; the other closes as merged', async () => {
      const kept = await store.createOrJoin(input({ conversationId: 'k', customerKey: 'ck', at: at(5), fields: { trackingNumber: 'LT9' } }));
      await store.appendTranscript({ conversationId: 'k' }, entry('kept says hi'));
      const other = await store.createOrJoin(
        input({ conversationId: 'o', customerKey: 'co', channel: 'facebook', at: at(1), kind: 'locker_fault', fields: { trackingNumber: 'LT9', description: 'stuck', verifiedPhone: '+37060000009' } }),
      );
      await store.appendTranscript({ conversationId: 'o' }, entry('other says hi'));
      await store.addNote(other.case.id, 'ann', 'called them');
      expect(other.case.related).toEqual([kept.case.id]);
      await store.claim(kept.case.id, 'ann');
      const result = await store.merge(kept.case.id, other.case.id, 'ann', marker('merged in'), at(50));
      if (!result.ok) throw new Error(result.reason);
      expect(result.kept.conversations.map((x) => [x.id, x.via, x.toldCaseId])).toEqual([
        ['k', 'opened', kept.case.id],
        ['o', 'merged', other.case.id],
      ]);
      expect(result.kept.fields).toMatchObject({ trackingNumber: 'LT9', description: 'stuck', verifiedPhone: '+37060000009' });
      expect(result.kept.notes.map((n) => n.text)).toEqual(['called them']);
      expect(result.kept.merges).toEqual([{ caseId: other.case.id, at: at(50).toISOString(), by: 'ann' }]);
      expect(result.kept.related).toEqual([]);
      expect(result.merged).toMatchObject({ status: 'closed', resolution: { code: 'merged', agentId: 'ann' }, mergedInto: { caseId: kept.case.id, by: 'ann' } });
      expect(await store.get(other.case.id)).toEqual(result.merged);
      expect(await store.get(kept.case.id)).toEqual(result.kept);
      expect((await store.transcript({ caseId: kept.case.id })).map((e) => e.text)).toEqual(['kept says hi', 'merged in', 'other says hi']);
      expect((await store.transcript({ caseId: other.case.id })).map((e) => e.text)).toEqual(['other says hi']);
      // The moved conversation now belongs to the kept case; so do its customer and proven phone.
      expect(await store.getOwnership('o')).toEqual({ state: 'agent', caseId: kept.case.id });
      await store.appendTranscript({ conversationId: 'o' }, entry('after merge'));
      expect((await store.transcript({ caseId: kept.case.id })).at(-1)?.text).toBe('after merge');
      expect((await store.createOrJoin(input({ conversationId: 'o2', customerKey: 'co' }))).case.id).toBe(kept.case.id);
      expect((await store.createOrJoin(input({ conversationId: 'o3', customerKey: 'x', fields: { verifiedPhone: '+37060000009' } }))).case.id).toBe(kept.case.id);
      expect((await store.listQueue()).map((c) => c.id)).not.toContain(other.case.id);
    });

    it('two queued cases: the kept one takes the better place of the two', async () => {
      const early = await store.createOrJoin(input({ conversationId: 'e', at: at(0) }));
      const mid = await store.createOrJoin(input({ conversationId: 'm', at: at(1) }));
      const late = await store.createOrJoin(input({ conversationId: 'l', at: at(2), kind: 'parcel_action' }));
      const result = await store.merge(late.case.id, early.case.id, 'sue', marker('m'), at(3));
      if (!result.ok) throw new Error(result.reason);
      expect(result.kept).toMatchObject({ priority: 2, queuedAt: at(0).toISOString() });
      expect((await store.listQueue()).map((c) => c.id)).toEqual([late.case.id, mid.case.id]);
    });

    it('refuses a closed case, the same case, a work order and unknown ids', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'a' }));
      const b = await store.createOrJoin(input({ conversationId: 'b' }));
      const wo = await store.createOrJoin({ customerKey: '', channel: 'webchat', lang: 'lt', kind: 'work_order', reason: 'needs_staff', summary: 'WO' });
      expect(await store.merge(a.case.id, a.case.id, 'x', marker('m'))).toEqual({ ok: false, reason: 'same_case' });
      expect(await store.merge(a.case.id, wo.case.id, 'x', marker('m'))).toEqual({ ok: false, reason: 'work_order' });
      expect(await store.merge(a.case.id, 'C-000000-0000', 'x', marker('m'))).toEqual({ ok: false, reason: 'not_found' });
      await store.close(b.case.id, 'x', 'spam');
      expect(await store.merge(a.case.id, b.case.id, 'x', marker('m'))).toEqual({ ok: false, reason: 'closed' });
    });
  });

  describe('erasure (retention, data-subject requests)', () => {
    it('forEachCase visits every case; eraseCase removes the case with its transcript, queue place, indexes and conversation records', async () => {
      const a = await store.createOrJoin(input({ conversationId: 'e1', customerKey: 'ek', fields: { trackingNumber: 'LT9', verifiedPhone: '+37061234511' } }));
      const b = await store.createOrJoin(input({ conversationId: 'e2', fields: { trackingNumber: 'LT9' } }));
      const assigned = await store.createOrJoin(input({ conversationId: 'e3' }));
      await store.claim(assigned.case.id, 'ann');
      await store.appendTranscript({ conversationId: 'e1' }, entry('my phone is +37061234511'));
      await store.saveReference('e1', { conversation: { id: 'e1' } });
      await store.recordCustomerMessage('e1', at(1));
      const seen: string[] = [];
      await store.forEachCase((c) => {
        seen.push(c.id);
      });
      expect(seen.sort()).toEqual([a.case.id, b.case.id, assigned.case.id].sort());

      expect(await store.eraseCase(a.case.id)).toBe(true);
      expect(await store.eraseCase(a.case.id)).toBe(false);
      expect(await store.get(a.case.id)).toBeUndefined();
      expect(await store.transcript({ caseId: a.case.id })).toEqual([]);
      expect((await store.listQueue()).map((c) => c.id)).toEqual([b.case.id]);
      expect(await store.listByCustomer('ek')).toEqual([]);
      expect(await store.findOpenCase('e1')).toBeUndefined();
      expect(await store.getOwnership('e1')).toEqual({ state: 'bot' });
      expect(await store.getReference('e1')).toBeUndefined();
      expect(await store.lastCustomerMessageAt('e1')).toBeUndefined();
      // Nothing joins or relates to the erased case any more.
      const again = await store.createOrJoin(input({ conversationId: 'e1', customerKey: 'ek', fields: { trackingNumber: 'LT9', verifiedPhone: '+37061234511' } }));
      expect(again.joined).toBe(false);
      expect(again.case.related).toEqual([b.case.id]);
      // An assigned case leaves the agent's list.
      expect(await store.eraseCase(assigned.case.id)).toBe(true);
      expect(await store.listByAgent('ann')).toEqual([]);
      expect(await store.getOwnership('e3')).toEqual({ state: 'bot' });
    });

    it('eraseConversation forgets a conversation that has no case (its pre-case buffer, ownership, reference)', async () => {
      await store.appendTranscript({ conversationId: 'e9' }, entry('before any case'));
      await store.saveReference('e9', { conversation: { id: 'e9' } });
      await store.eraseConversation('e9');
      expect(await store.transcript({ conversationId: 'e9' })).toEqual([]);
      expect(await store.getReference('e9')).toBeUndefined();
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
      expect((await restarted.claim(b.case.id, 'ann')).ok).toBe(true);
      expect((await store.claim(b.case.id, 'bob')).ok).toBe(false);
    });
  }
});

describe('RedisCaseStore round trips on a customer turn', () => {
  const env = useRedis('redis');

  it('records a bot-phase transcript entry and the last message time in one command each, and still finds an open case', async () => {
    const counted = countingClient(env.client);
    const store = new RedisCaseStore(counted.client, { prefix: env.prefix });
    // The server learns the scripts on their first use (EVALSHA, then EVAL): not counted.
    await store.appendTranscript({ conversationId: 'warm-up' }, entry('hi'));
    await store.recordCustomerMessage('warm-up', at(1));
    counted.calls.length = 0;
    expect(await store.appendTranscript({ conversationId: 'a' }, entry('labas'))).toEqual({ seq: 1 });
    await store.recordCustomerMessage('a', at(10));
    expect(counted.calls).toEqual(['evalsha', 'evalsha']);
    // The later time wins, in one atomic step (two instances can record at once).
    await store.recordCustomerMessage('a', at(5));
    expect(await store.lastCustomerMessageAt('a')).toEqual(at(10));
    // With an open case the optimistic attempt is refused by the script's check: the entry lands in the case.
    const { case: c } = await store.createOrJoin(input({ conversationId: 'a' }));
    counted.calls.length = 0;
    expect(await store.appendTranscript({ conversationId: 'a' }, entry('noriu žmogaus'))).toEqual({ caseId: c.id, seq: 2 });
    expect(counted.calls).toEqual(['evalsha', 'hget', 'evalsha']);
    expect((await store.transcript({ caseId: c.id })).map((e) => e.text)).toEqual(['labas', 'noriu žmogaus']);
  });
});

describe('MemoryCaseStore without Redis', () => {
  it('sweeps expired pre-case buffers, closed ownership, references and last-message times (no unbounded growth)', async () => {
    let now = T0;
    const store = new MemoryCaseStore({ now: () => new Date(now), preCaseBufferTtlMs: 60_000, referenceTtlMs: 60_000, lastMessageTtlMs: 60_000, sweepEveryMs: 1000 });
    for (let i = 0; i < 1000; i++) {
      await store.appendTranscript({ conversationId: `visitor-${i}` }, entry(`hello ${i}`));
      await store.saveReference(`visitor-${i}`, { conversation: { id: `visitor-${i}` } });
      await store.recordCustomerMessage(`visitor-${i}`, new Date(now));
    }
    expect(store.expiringEntries()).toBe(3000);
    now += 61_000;
    // Expired entries are invisible at once…
    expect(await store.transcript({ conversationId: 'visitor-1' })).toEqual([]);
    expect(await store.getReference('visitor-2')).toBeUndefined();
    // …and the next write to each structure sweeps its expired entries away.
    await store.appendTranscript({ conversationId: 'new-visitor' }, entry('hi'));
    await store.saveReference('new-visitor', { conversation: { id: 'new-visitor' } });
    await store.recordCustomerMessage('new-visitor', new Date(now));
    expect(store.expiringEntries()).toBe(3);
  });
});
