import { InMemoryDirectLineStore, type ConversationRecord, type LiveEvent, type StoredActivity } from '../../../bots/directline/store';
import { DirectLineTokens } from '../../../bots/directline/tokens';

function record(id: string, now: number): ConversationRecord {
  return { id, userId: `dl_${id}`, started: false, createdAt: now, lastActiveAt: now };
}

function message(conversationId: string, text: string): StoredActivity {
  return { type: 'message', id: '', text, timestamp: new Date(0).toISOString(), channelId: 'directline', conversation: { id: conversationId }, from: { id: 'u' } };
}

describe('InMemoryDirectLineStore', () => {
  let clock = 1_000_000;
  const stores: InMemoryDirectLineStore[] = [];
  const make = (opts: ConstructorParameters<typeof InMemoryDirectLineStore>[0] = {}) => {
    const s = new InMemoryDirectLineStore({ now: () => clock, ...opts });
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  test('watermarks increase, ids carry them, and only the last N activities are kept', async () => {
    const s = make({ maxActivitiesPerConversation: 3 });
    await s.createConversation(record('c1', clock));
    for (let i = 1; i <= 5; i++) await s.appendActivity('c1', message('c1', `m${i}`));
    const page = await s.getActivities('c1', -1);
    expect(page?.watermark).toBe(5);
    expect(page?.entries.map((e) => [e.watermark, e.activity.id, e.activity.text])).toEqual([
      [3, 'c1|0000003', 'm3'],
      [4, 'c1|0000004', 'm4'],
      [5, 'c1|0000005', 'm5'],
    ]);
    expect((await s.getActivities('c1', 4))?.entries.map((e) => e.activity.text)).toEqual(['m5']);
    expect(await s.appendActivity('nope', message('nope', 'x'))).toBeUndefined();
  });

  test('markStarted is true exactly once', async () => {
    const s = make();
    await s.createConversation(record('c1', clock));
    const results = await Promise.all([s.markStarted('c1', 'lt-LT'), s.markStarted('c1'), s.markStarted('c1')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await s.getConversation('c1'))?.locale).toBe('lt-LT');
  });

  test('idle conversations are swept and their subscribers hear "ended"; active ones stay', async () => {
    const s = make({ idleTimeoutMs: 1000, sweepIntervalMs: 60_000 });
    await s.createConversation(record('idle', clock));
    await s.createConversation(record('busy', clock));
    const heard: LiveEvent[] = [];
    s.subscribe('idle', (e) => heard.push(e));
    clock += 600;
    await s.appendActivity('busy', message('busy', 'hi'));
    clock += 600;
    expect(s.sweep()).toEqual(['idle']);
    expect(await s.getConversation('idle')).toBeUndefined();
    expect(await s.getConversation('busy')).toBeDefined();
    expect(heard).toEqual([{ kind: 'ended' }]);
  });

  test('the sweep timer runs by itself and close() stops it', async () => {
    const s = make({ idleTimeoutMs: 1, sweepIntervalMs: 20, now: Date.now });
    await s.createConversation(record('c', Date.now()));
    await new Promise((r) => setTimeout(r, 120));
    expect(s.size).toBe(0);
    await s.close();
    await s.createConversation(record('d', Date.now() - 10_000));
    await new Promise((r) => setTimeout(r, 80));
    expect(s.size).toBe(1);
  });

  test('beyond maxConversations the least recently active one is dropped', async () => {
    const s = make({ maxConversations: 2 });
    await s.createConversation(record('a', clock));
    await s.createConversation(record('b', clock));
    await s.touch('a');
    await s.createConversation(record('c', clock));
    expect(await s.getConversation('b')).toBeUndefined();
    expect(await s.getConversation('a')).toBeDefined();
    expect(await s.getConversation('c')).toBeDefined();
  });

  test('replace moves an activity to the end under a new watermark; attachments are capped', async () => {
    const s = make({ maxAttachmentsPerConversation: 2 });
    await s.createConversation(record('c', clock));
    const first = await s.appendActivity('c', message('c', 'draft'));
    await s.appendActivity('c', message('c', 'other'));
    const replaced = await s.replaceActivity('c', { ...message('c', 'final'), id: first?.activity.id ?? '' });
    expect(replaced?.watermark).toBe(3);
    expect((await s.getActivities('c', -1))?.entries.map((e) => e.activity.text)).toEqual(['other', 'final']);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await s.putAttachment('c', { contentType: 'text/plain', name: `f${i}`, data: Buffer.from('x') }));
    expect(await s.getAttachment('c', ids[0] ?? '')).toBeUndefined();
    expect((await s.getAttachment('c', ids[2] ?? ''))?.name).toBe('f2');
  });
});

describe('DirectLineTokens', () => {
  test('round-trips claims, refuses tampering, other keys and expiry', () => {
    let now = 1_700_000_000_000;
    const tokens = new DirectLineTokens('k'.repeat(32), 60, () => now);
    const t = tokens.issue('conv1', 'dl_u', 'Ona');
    expect(tokens.verify(t)).toEqual({ ok: true, claims: { conv: 'conv1', user: 'dl_u', name: 'Ona', iat: 1_700_000_000, exp: 1_700_000_060 } });
    const [h, p, sig] = t.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), conv: 'conv2' })).toString('base64url');
    expect(tokens.verify(`${h}.${forgedPayload}.${sig}`)).toEqual({ ok: false, reason: 'signature' });
    expect(new DirectLineTokens('x'.repeat(32), 60, () => now).verify(t)).toEqual({ ok: false, reason: 'signature' });
    expect(tokens.verify('a.b')).toEqual({ ok: false, reason: 'malformed' });
    now += 60_000;
    expect(tokens.verify(t)).toEqual({ ok: false, reason: 'expired' });
    expect(tokens.issue('c', 'u')).not.toBe(tokens.issue('c', 'u'));
  });
});
