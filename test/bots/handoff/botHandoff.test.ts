/**
 * Hand-off through the real bot (MainDialog, recognizer, messages) on TestAdapters with the
 * gateway and the ownership middleware, on the in-memory store and on Redis.
 */
import type { Activity } from 'botbuilder';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { hasMessage, type Conversation, type Reply } from '../../support/botHarness';
import { useRedis } from '../../setup/redis';
import { LINES } from '../../dialogs/testData';
import { caseIdIn, handoffWorld, memoryInfrastructure, redisInfrastructure, type HandoffWorld } from './harness';

const L = LINES.lt;
const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n---\n');

describe.each(['memory', 'redis'] as const)('hand-off through the bot (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedis('redis') : undefined;
  let h: HandoffWorld;

  beforeEach(async () => {
    h = await handoffWorld(redis ? redisInfrastructure(redis.client, redis.prefix) : memoryInfrastructure());
  }, 60000);
  afterEach(async () => h.close());

  const expectKey = (replies: Reply[], key: string) => {
    if (!hasMessage(h.world.messages, 'lt', replies, key)) throw new Error(`expected "${key}" among replies:\n${texts(replies)}`);
  };

  /** "I want a person" with a parcel number and a description; returns the case id. */
  async function askForPerson(c: Conversation, tracking: string, description = 'siunta atkeliavo sudaužyta, noriu pasikalbėti'): Promise<{ caseId: string; replies: Reply[] }> {
    expectKey(await c.say(L.agent), 'escalate.askTracking');
    expectKey(await c.say(tracking), 'escalate.askDescription');
    expectKey(await c.say(description), 'escalate.askPhone');
    const replies = await c.say(L.skip);
    const caseId = caseIdIn(texts(replies));
    if (!caseId) throw new Error(`no case id in:\n${texts(replies)}`);
    return { caseId, replies };
  }

  async function lockerFault(c: Conversation): Promise<string> {
    expectKey(await c.say(L.lockerFault), 'escalate.askTracking');
    expectKey(await c.say(L.skip), 'escalate.askFault');
    expectKey(await c.say(L.description), 'escalate.askPhone');
    const replies = await c.say(L.skip);
    expectKey(replies, 'escalate.queuedOpen');
    return caseIdIn(texts(replies))!;
  }

  test('escalation creates a queued case with position, target time, summary, reference and the bot transcript', async () => {
    const c = h.talk();
    const sent: Partial<Activity>[] = [];
    c.adapter.use({
      onTurn: async (ctx, next) => {
        ctx.onSendActivities(async (_ctx, acts, nextSend) => {
          sent.push(...acts);
          return nextSend();
        });
        await next();
      },
    });
    const { caseId, replies } = await askForPerson(c, F.readdressable.trackingNumber);
    expectKey(replies, 'escalate.queuedOpen');
    expect(texts(replies)).toMatch(/vieta eilėje: 1\b/);
    const store = h.infra.store;
    const kase = (await store.get(caseId))!;
    expect(kase).toMatchObject({ status: 'queued', priority: 2, kind: 'parcel_action', reason: 'agent_requested', channel: 'test', lang: 'lt' });
    expect(kase.fields.trackingNumber).toBe(F.readdressable.trackingNumber);
    expect(kase.summary).toContain(F.readdressable.trackingNumber);
    expect(kase.summary).toContain('Prašo žmogaus');
    // 4 working hours after Monday 10:00 -> 14:00 the same day.
    expect(Date.parse(kase.firstResponseDueAt!) - Date.parse(kase.queuedAt)).toBeGreaterThan(3.9 * 3600_000);
    expect(Date.parse(kase.firstResponseDueAt!) - Date.parse(kase.queuedAt)).toBeLessThan(4.1 * 3600_000);
    const [conv] = kase.conversations;
    expect(await store.getOwnership(conv.id)).toEqual({ state: 'queued', caseId });
    expect(await store.getReference(conv.id)).toMatchObject({ conversation: { id: conv.id }, channelId: 'test' });
    const transcript = await store.transcript({ caseId });
    const from = transcript.map((e) => e.from);
    expect(transcript[0]).toMatchObject({ from: 'customer', text: L.agent });
    expect(from).toContain('bot');
    expect(transcript.some((e) => e.from === 'customer' && e.text === F.readdressable.trackingNumber)).toBe(true);
    expect(transcript[transcript.length - 1].text).toMatch(caseId);
    // handoff.initiate went to the channel with the case's id and place, never its transcript.
    const initiate = sent.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
    expect(initiate?.value).toMatchObject({ caseId, priority: 2 });
    const attached = initiate?.attachments?.[0]?.content as { activities: Partial<Activity>[] };
    expect(attached.activities).toEqual([]);
    expect(JSON.stringify(initiate)).not.toContain(L.agent);
  });

  test('the same parcel from a stranger’s conversation opens a new, related case; the stranger hears only about their own', async () => {
    const first = await askForPerson(h.talk(), F.readdressable.trackingNumber, 'mano durų kodas 4711, adresas Vilniaus g. 1');
    const other = h.talk();
    const again = await askForPerson(other, F.readdressable.trackingNumber.toLowerCase(), 'rašau dar kartą dėl tos pačios siuntos');
    expectKey(again.replies, 'escalate.queuedOpen');
    expect(again.caseId).not.toBe(first.caseId);
    expect(texts(again.replies)).not.toContain(first.caseId);
    expect(texts(again.replies)).not.toContain('4711');
    const victim = (await h.infra.store.get(first.caseId))!;
    const stranger = (await h.infra.store.get(again.caseId))!;
    expect(victim.conversations).toHaveLength(1);
    expect(victim.related).toEqual([stranger.id]);
    expect(stranger.related).toEqual([victim.id]);
    expect((await h.infra.store.listQueue()).map((c) => c.id)).toEqual([first.caseId, again.caseId]);
    expect(await h.infra.store.getOwnership(stranger.conversations[0].id)).toEqual({ state: 'queued', caseId: again.caseId });
    expect((await h.infra.store.transcript({ caseId: again.caseId })).map((e) => e.text).join('\n')).not.toContain('4711');
  });

  test('the same channel identity writing again joins its own case and keeps its place', async () => {
    const c = h.talk();
    const first = await askForPerson(c, F.readdressable.trackingNumber);
    const again = await h.world.deps.handoff.escalate(
      { reason: 'agent_requested', lang: 'lt', fields: {}, attachments: [] },
      { conversationId: 'second-window', customerKey: String(c.adapter.template.from?.id), channel: 'test', reference: { conversation: { id: 'second-window' } }, proven: [] },
    );
    expect(again).toMatchObject({ kind: 'queued', joined: true, caseId: first.caseId, position: 1 });
  });

  test('while queued the bot stays quiet: messages join the case, one acknowledgement, attachments kept', async () => {
    const c = h.talk();
    const { caseId } = await askForPerson(c, F.readdressable.trackingNumber);
    const events: unknown[] = [];
    const unsubscribe = await h.infra.bus.subscribe((e) => {
      events.push(e);
    });
    const ack = await c.say('ar dar ilgai laukti?');
    expect(ack).toHaveLength(1);
    expectKey(ack, 'handoff.ack');
    expect(ack[0].text).toContain(caseId);
    // An arbitrary https address in an activity is not kept (it could be a tracking pixel on the agent).
    const photo = { contentType: 'image/jpeg', contentUrl: 'https://example.test/photo.jpg', name: 'photo.jpg' };
    expect(await c.say('štai nuotrauka', { attachments: [photo] })).toEqual([]);
    expect(await c.say(L.readdress)).toEqual([]); // a request the bot would normally handle
    const transcript = await h.infra.store.transcript({ caseId });
    const tail = transcript.slice(-4);
    expect(tail.map((e) => [e.from, e.text])).toEqual([
      ['customer', 'ar dar ilgai laukti?'],
      ['bot', ack[0].text],
      ['customer', 'štai nuotrauka'],
      ['customer', L.readdress],
    ]);
    expect(tail[2].attachments).toEqual([{ kept: false, contentType: photo.contentType, name: photo.name }]);
    expect(JSON.stringify(transcript)).not.toContain('example.test');
    for (let i = 0; i < 50 && events.filter((e) => (e as { type: string }).type === 'message').length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => (e as { type: string; caseId?: string }).type === 'message' && (e as { caseId?: string }).caseId === caseId).length).toBeGreaterThanOrEqual(4);
    await unsubscribe();
  });

  test('"bot" leaves the queue: case closed as customer_left, the bot answers again', async () => {
    const c = h.talk();
    const { caseId } = await askForPerson(c, F.readdressable.trackingNumber);
    const back = await c.say('botas');
    expectKey(back, 'handoff.backToBot');
    expect(back[0].buttons.length).toBeGreaterThan(0);
    const kase = (await h.infra.store.get(caseId))!;
    expect(kase.status).toBe('closed');
    expect(kase.resolution?.code).toBe('customer_left');
    expect((await h.infra.store.getOwnership(kase.conversations[0].id)).state).toBe('bot');
    expect(await h.infra.store.listQueue()).toEqual([]);
    // The parcel number given before the hand-off is offered ("Is it CE…?").
    expectKey(await c.say(L.track), 'recall.trackingNumber');
  });

  test('"cancel" in Russian also leaves the queue', async () => {
    const c = h.talk();
    const { caseId } = await askForPerson(c, F.readdressable.trackingNumber);
    await c.say('отмена');
    expect((await h.infra.store.get(caseId))!.resolution?.code).toBe('customer_left');
  });

  test('queue is FIFO within priority: locker faults first, writing again never jumps ahead', async () => {
    const general = h.talk();
    const g1 = (await askForPerson(general, L.skip, 'noriu paklausti apie jūsų kainas ir paslaugas')).caseId;
    const f1 = await lockerFault(h.talk());
    const parcel = (await askForPerson(h.talk(), F.readdressable.trackingNumber)).caseId;
    const f2 = await lockerFault(h.talk());
    const queue = async () => (await h.infra.store.listQueue()).map((c) => c.id);
    expect(await queue()).toEqual([f1, f2, parcel, g1]);
    const kinds = (await h.infra.store.listQueue()).map((c) => `${c.kind}:${c.priority}`);
    expect(kinds).toEqual(['locker_fault:1', 'locker_fault:1', 'parcel_action:2', 'general:3']);
    await general.say('ar greitai?');
    await general.say('labai skubu!!!');
    expect(await queue()).toEqual([f1, f2, parcel, g1]);
  });

  test('a readdress the carrier scheduled becomes a ready work order; the chat stays with the bot', async () => {
    const c = h.talk();
    await c.say(L.readdress);
    await c.say(F.readdressable.trackingNumber);
    await c.say(await h.world.lastCode(F.readdressable.senderPhone));
    const picks = await c.say(L.lockerQuery);
    // A search naming one locker goes straight to the confirmation; a list is answered with its first entry.
    if (!hasMessage(h.world.messages, 'lt', picks, 'readdress.confirm')) await c.say(picks.find((r) => r.buttons.length)!.buttons[0]);
    expectKey(await c.say(L.yes), 'readdress.scheduled');
    const queue = await h.infra.store.listQueue();
    const order = queue.find((x) => x.kind === 'work_order');
    expect(order).toBeDefined();
    expect(order!.priority).toBe(2);
    expect(order!.fields.workOrder).toMatchObject({ action: 'readdress', ready: true, trackingNumber: F.readdressable.trackingNumber, newLockerId: F.lockers.panorama });
    expect(order!.fields.workOrder!.carrierReference).toBeTruthy();
    expect(order!.fields.workOrder!.chat.conversationId).toBe(c.adapter.template.conversation?.id);
    expect(order!.conversations).toEqual([]);
    expect(order!.summary).toContain('Darbo užsakymas');
    // The bot keeps answering in this conversation (offering the parcel number from before).
    expectKey(await c.say(L.track), 'recall.trackingNumber');
  });
});
