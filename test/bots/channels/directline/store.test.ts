/**
 * The Direct Line store's contract (budgets, eviction order, watermarks, live events), run on the
 * in-memory store and on the Redis store against a real redis-server; and the token and visitor-id
 * primitives.
 */
import { DirectLineKeys, DirectLineTokens, VisitorIds } from '../../../../bots/channels/directline/auth';
import { RedisDirectLineStore } from '../../../../bots/channels/directline/redisStore';
import type { ClientActivity } from '../../../../bots/channels/directline/shaping';
import { InMemoryDirectLineStore, type ConversationRecord, type DirectLineStore, type InMemoryDirectLineStoreOptions, type LiveEvent } from '../../../../bots/channels/directline/store';
import type { RedisClient } from '../../../../services/state/redisClient';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, useRedis } from '../../../setup/redis';

function record(id: string, now: number): ConversationRecord {
  return { id, userId: `dl_${id}`, started: false, createdAt: now, lastActiveAt: now };
}

function message(conversationId: string, text: string): Omit<ClientActivity, 'id'> {
  return { type: 'message', text, timestamp: new Date(0).toISOString(), channelId: 'directline', conversation: { id: conversationId }, from: { id: 'u', role: 'user' } };
}

/** Waits until `check` holds (the Redis store's events arrive through pub/sub), up to 5 s. */
async function eventually(check: () => boolean): Promise<void> {
  const started = Date.now();
  while (!check() && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
}

let redis: RedisClient;
const prefixes: string[] = [];
beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  for (const p of prefixes) await deleteKeysWithPrefix(redis, p);
  await redis.quit();
});

describe.each(['memory', 'redis', 'cluster'] as const)('DirectLineStore on %s', (backend) => {
  const env = backend === 'memory' ? undefined : useRedis(backend);
  const open = async (opts: InMemoryDirectLineStoreOptions): Promise<DirectLineStore> =>
    env ? RedisDirectLineStore.open(env.client, { ...opts, prefix: env.prefix }) : new InMemoryDirectLineStore(opts);
  let clock = 1_000_000;
  const stores: DirectLineStore[] = [];
  const make = async (opts: InMemoryDirectLineStoreOptions = {}) => {
    const s = await open({ now: () => clock, ...opts });
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  test('watermarks increase, ids carry them, and only the last N activities are kept', async () => {
    const s = await make({ maxActivitiesPerConversation: 3 });
    await s.createConversation(record('c1', clock));
    for (let i = 1; i <= 5; i++) await s.appendActivity('c1', message('c1', `m${i}`), true);
    const page = await s.getActivities('c1', -1);
    expect(page?.watermark).toBe(5);
    expect(page?.entries.map((e) => [e.watermark, e.activity.id, e.activity.text])).toEqual([
      [3, 'c1|0000003', 'm3'],
      [4, 'c1|0000004', 'm4'],
      [5, 'c1|0000005', 'm5'],
    ]);
    expect((await s.getActivities('c1', 4))?.entries.map((e) => e.activity.text)).toEqual(['m5']);
    expect(await s.appendActivity('nope', message('nope', 'x'), true)).toBeUndefined();
  });

  test('a restored conversation numbers its activities above any watermark a client held before', async () => {
    const s = await make();
    await s.createConversation(record('fresh', clock));
    expect((await s.appendActivity('fresh', message('fresh', 'a'), true))?.watermark).toBe(1);
    await s.createConversation(record('back', clock), true, true);
    const first = await s.appendActivity('back', message('back', 'b'), true);
    expect(first?.watermark).toBe(clock + 1);
    expect(first?.activity.id).toBe(`back|${clock + 1}`);
    expect((await s.getActivities('back', 5))?.entries.map((e) => e.activity.text)).toEqual(['b']);
  });

  test('markStarted is true exactly once', async () => {
    const s = await make();
    await s.createConversation(record('c1', clock));
    const results = await Promise.all([s.markStarted('c1', 'lt-LT'), s.markStarted('c1'), s.markStarted('c1')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await s.getConversation('c1'))?.locale).toBe('lt-LT');
  });

  test('idle conversations are swept with their uploads and their subscribers hear "ended"; active ones stay', async () => {
    const s = await make({ idleTimeoutMs: 1000, sweepIntervalMs: 60_000 });
    await s.createConversation(record('idle', clock));
    await s.createConversation(record('busy', clock));
    const up = await s.putAttachment({ conversationId: 'idle', contentType: 'image/png', name: 'a.png', data: Buffer.alloc(10) });
    const heard: LiveEvent[] = [];
    s.subscribe('idle', (e) => heard.push(e));
    clock += 600;
    await s.appendActivity('busy', message('busy', 'hi'), true);
    clock += 600;
    expect(await s.sweep()).toEqual(['idle']);
    expect(await s.getConversation('idle')).toBeUndefined();
    expect(await s.getConversation('busy')).toBeDefined();
    await eventually(() => heard.length > 0);
    expect(heard).toEqual([{ kind: 'ended' }]);
    expect(up.ok && (await s.getAttachment(up.value))).toBeUndefined();
    expect((await s.usage()).attachments).toBe(0);
  });

  test('the sweep timer runs by itself and close() stops it', async () => {
    const s = await make({ idleTimeoutMs: 1, sweepIntervalMs: 20, now: Date.now });
    await s.createConversation(record('c', Date.now()));
    await new Promise((r) => setTimeout(r, 120));
    expect((await s.usage()).conversations).toBe(0);
    await s.close();
    await s.createConversation(record('d', Date.now() - 10_000));
    await new Promise((r) => setTimeout(r, 80));
    expect((await s.usage()).conversations).toBe(1);
  });

  test('at capacity: anonymous conversations go first, then idle ones; live customers never, the newcomer is refused', async () => {
    const s = await make({ maxConversations: 3, evictIdleAfterMs: 1000 });
    await s.createConversation(record('live1', clock));
    await s.appendActivity('live1', message('live1', 'hello'), true);
    await s.createConversation(record('anon', clock));
    await s.createConversation(record('live2', clock));
    await s.appendActivity('live2', message('live2', 'hi'), true);
    expect(await s.createConversation(record('new1', clock))).toMatchObject({ ok: true });
    expect(await s.getConversation('anon')).toBeUndefined();
    await s.appendActivity('new1', message('new1', 'me'), true);

    expect(await s.createConversation(record('new2', clock))).toEqual({ ok: false, reason: 'capacity' });
    for (const id of ['live1', 'live2', 'new1']) expect(await s.getConversation(id)).toBeDefined();
    clock += 1500;
    await s.touch('live2');
    await s.touch('new1');
    expect(await s.createConversation(record('new3', clock))).toMatchObject({ ok: true });
    expect(await s.getConversation('live1')).toBeUndefined();
    expect(await s.getConversation('live2')).toBeDefined();
  });

  test('a conversation holds at most its byte budget: old activities make room, uploads are capped by count and budget', async () => {
    const s = await make({ maxConversationBytes: 10_000, activityReserveBytes: 4_000, maxUploadsPerConversation: 3 });
    await s.createConversation(record('c', clock));
    for (let i = 0; i < 40; i++) await s.appendActivity('c', message('c', `${i} ${'x'.repeat(500)}`), true);
    const page = await s.getActivities('c', -1);
    expect(page?.watermark).toBe(40);
    expect(page?.entries.length).toBeLessThan(20);
    expect(page?.entries.at(-1)?.activity.text).toMatch(/^39 /);
    expect((await s.usage()).bytes).toBeLessThanOrEqual(10_000);

    const put = (n: number) => s.putAttachment({ conversationId: 'c', contentType: 'image/png', name: 'p.png', data: Buffer.alloc(n) });
    expect(await put(7_000)).toEqual({ ok: false, reason: 'budget' });
    expect(await put(3_000)).toMatchObject({ ok: true });
    expect(await put(3_001)).toEqual({ ok: false, reason: 'budget' });
    expect(await put(1_000)).toMatchObject({ ok: true });
    expect(await put(100)).toMatchObject({ ok: true });
    expect(await put(100)).toEqual({ ok: false, reason: 'count' });
    expect((await s.usage()).bytes).toBeLessThanOrEqual(10_000);
    expect((await s.getActivities('c', -1))?.entries.length).toBeGreaterThan(0);
  });

  test('a global byte budget: uploads evict anonymous conversations, then are refused', async () => {
    const s = await make({ maxTotalBytes: 5_000, maxConversationBytes: 10_000, activityReserveBytes: 0 });
    await s.createConversation(record('live', clock));
    await s.appendActivity('live', message('live', 'hi'), true);
    await s.createConversation(record('anon', clock));
    expect(await s.putAttachment({ conversationId: 'anon', contentType: 'image/png', name: 'a', data: Buffer.alloc(3_000) })).toMatchObject({ ok: true });
    expect(await s.putAttachment({ conversationId: 'live', contentType: 'image/png', name: 'b', data: Buffer.alloc(3_000) })).toMatchObject({ ok: true });
    expect(await s.getConversation('anon')).toBeUndefined();
    expect(await s.putAttachment({ conversationId: 'live', contentType: 'image/png', name: 'c', data: Buffer.alloc(3_000) })).toEqual({ ok: false, reason: 'capacity' });
  });

  test('replace moves an activity to the end under a new watermark; delete removes it', async () => {
    const s = await make();
    await s.createConversation(record('c', clock));
    const first = await s.appendActivity('c', message('c', 'draft'), false);
    await s.appendActivity('c', message('c', 'other'), false);
    const replaced = await s.replaceActivity('c', { ...message('c', 'final'), id: first?.activity.id ?? '' });
    expect(replaced?.watermark).toBe(3);
    expect((await s.getActivities('c', -1))?.entries.map((e) => e.activity.text)).toEqual(['other', 'final']);
    expect(await s.deleteActivity('c', first?.activity.id ?? '')).toBe(true);
    expect((await s.getActivities('c', -1))?.entries.map((e) => e.activity.text)).toEqual(['other']);
  });
});

describe('RedisDirectLineStore across instances', () => {
  const opened: DirectLineStore[] = [];
  const pair = async (opts: InMemoryDirectLineStoreOptions = {}): Promise<[RedisDirectLineStore, RedisDirectLineStore, string]> => {
    const prefix = randomPrefix();
    prefixes.push(prefix);
    const a = await RedisDirectLineStore.open(redis, { ...opts, prefix });
    const b = await RedisDirectLineStore.open(redis, { ...opts, prefix });
    opened.push(a, b);
    return [a, b, prefix];
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  test("one instance's writes are live on the other, in log order, each once; a new instance reads everything back", async () => {
    const [a, b, prefix] = await pair();
    const now = Date.now();
    await a.createConversation(record('shared', now));
    const heard: LiveEvent[] = [];
    b.subscribe('shared', (e) => heard.push(e));
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).appendActivity('shared', message('shared', `m${i}`), true)));
    await b.publishEphemeral('shared', { ...message('shared', ''), type: 'typing', id: 'shared|t1' });
    await eventually(() => heard.length >= 21);
    const marks = heard.flatMap((e) => (e.kind === 'activity' ? [e.entry.watermark] : []));
    expect(marks).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(heard.filter((e) => e.kind === 'ephemeral')).toHaveLength(1);

    const restarted = await RedisDirectLineStore.open(redis, { prefix });
    opened.push(restarted);
    const page = await restarted.getActivities('shared', 15);
    expect(page?.watermark).toBe(20);
    expect(page?.entries.map((e) => e.watermark)).toEqual([16, 17, 18, 19, 20]);
    expect(page?.entries[0].activity.id).toBe('shared|0000016');
    expect(await restarted.getConversation('shared')).toMatchObject({ id: 'shared', userId: 'dl_shared' });
  });

  test('the byte budget and upload count hold across instances under concurrent uploads', async () => {
    const [a, b] = await pair({ maxConversationBytes: 10_000, activityReserveBytes: 4_000, maxUploadsPerConversation: 3 });
    await a.createConversation(record('c', Date.now()));
    const put = (s: RedisDirectLineStore) => s.putAttachment({ conversationId: 'c', contentType: 'image/png', name: 'p.png', data: Buffer.alloc(2_500, 7) });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => put(i % 2 ? a : b)));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect((await a.usage()).bytes).toBeLessThanOrEqual(6_000);
    const ok = results.find((r) => r.ok);
    const got = ok?.ok ? await b.getAttachment(ok.value) : undefined;
    expect(got?.data.equals(Buffer.alloc(2_500, 7))).toBe(true);
    expect(got).toMatchObject({ conversationId: 'c', contentType: 'image/png', name: 'p.png' });
  });

  test('keys expire shortly after the idle timeout, and a sweep after a long outage keeps the accounting exact', async () => {
    let clock = 1_000_000;
    const [a, , prefix] = await pair({ idleTimeoutMs: 60_000, sweepIntervalMs: 60_000, now: () => clock });
    await a.createConversation(record('old', clock));
    await a.appendActivity('old', message('old', 'x'.repeat(100)), true);
    const ttl = await redis.pttl(`${prefix}{dl}:c:old`);
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(180_000);
    await redis.del(`${prefix}{dl}:c:old`, `${prefix}{dl}:l:old`);
    clock += 61_000;
    expect(await a.sweep()).toEqual(['old']);
    expect(await a.usage()).toEqual({ conversations: 0, anonymous: 0, bytes: 0, attachments: 0 });
  });
});

describe('DirectLineTokens', () => {
  const keys = new DirectLineKeys('k'.repeat(32));

  test('round-trips claims, refuses tampering, other keys and expiry', () => {
    let now = 1_700_000_000_000;
    const tokens = new DirectLineTokens(keys.token, 60, 3600, () => now);
    const t = tokens.issue('conv1', 'dl_u', 'Ona');
    expect(tokens.verify(t)).toEqual({ ok: true, claims: { conv: 'conv1', user: 'dl_u', name: 'Ona', iat: 1_700_000_000, exp: 1_700_000_060, orig: 1_700_000_000 } });
    const [h, p, sig] = t.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), conv: 'conv2' })).toString('base64url');
    expect(tokens.verify(`${h}.${forgedPayload}.${sig}`)).toEqual({ ok: false, reason: 'signature' });
    expect(new DirectLineTokens(new DirectLineKeys('x'.repeat(32)).token, 60, 3600, () => now).verify(t)).toEqual({ ok: false, reason: 'signature' });
    expect(new DirectLineTokens(keys.visitor, 60, 3600, () => now).verify(t)).toEqual({ ok: false, reason: 'signature' });
    expect(tokens.verify('a.b')).toEqual({ ok: false, reason: 'malformed' });
    now += 60_000;
    expect(tokens.verify(t)).toEqual({ ok: false, reason: 'expired' });
    expect(tokens.issue('c', 'u')).not.toBe(tokens.issue('c', 'u'));
  });

  test('renewals keep the first issue time and stop at the absolute lifetime', () => {
    let now = 1_700_000_000_000;
    const tokens = new DirectLineTokens(keys.token, 60, 100, () => now);
    let claims = tokens.verify(tokens.issue('conv1', 'dl_u'));
    for (let i = 0; i < 3; i++) {
      now += 45_000;
      if (!claims.ok) throw new Error('expected a valid token');
      const renewed = tokens.renew(claims.claims);
      if (i < 2) {
        expect(renewed).toBeDefined();
        claims = tokens.verify(renewed?.token ?? '');
        expect(claims).toMatchObject({ ok: true, claims: { orig: 1_700_000_000 } });
      } else {
        expect(renewed).toBeUndefined();
      }
    }
    expect(claims).toMatchObject({ ok: true, claims: { exp: 1_700_000_100 } });
  });
});

describe('VisitorIds', () => {
  test('issues dl_ ids with credentials that verify only with the same key and within their age', () => {
    let now = 1_700_000_000_000;
    const keys = new DirectLineKeys('v'.repeat(32));
    const visitors = new VisitorIds(keys.visitor, 86_400, () => now);
    const v = visitors.issue();
    expect(v.userId).toMatch(/^dl_[A-Za-z0-9_-]{22}$/);
    expect(visitors.verify(v.credential)).toBe(v.userId);
    expect(visitors.resume(v.credential)).toMatchObject({ userId: v.userId, returning: true });
    expect(new VisitorIds(new DirectLineKeys('w'.repeat(32)).visitor).verify(v.credential)).toBeUndefined();
    expect(new VisitorIds(keys.token).verify(v.credential)).toBeUndefined();
    expect(visitors.resume(v.userId)).toMatchObject({ returning: false });
    expect(visitors.resume(undefined).userId).not.toBe(v.userId);
    now += 86_401_000;
    expect(visitors.verify(v.credential)).toBeUndefined();
  });
});
