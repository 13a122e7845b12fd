/**
 * Finding 5 (issue #8): a stranger cannot exhaust the embedded Direct Line's memory or push live
 * customers out. Floods through the real token route and Direct Line HTTP; the customer who was
 * already chatting must keep getting answers.
 */
import { Agent, request } from 'http';
import { ConversationQuota, InMemoryDirectLineStore } from '../../../../bots/channels/directline';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix } from '../../../setup/redis';
import { createLimiterFactory } from '../../../../services/limits/limiter';
import { silent, startHarness, type Harness } from './harness';
import { PNG, post, startConversation, texts, upload } from './rawClient';

/** POST /api/directline/token from a chosen loopback source address; resolves with the status. */
function tokenFrom(h: Harness, localAddress: string, agent: Agent): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.origin}/api/directline/token`,
      { method: 'POST', agent, localAddress, headers: { Origin: h.origin, 'Content-Type': 'application/json', 'Content-Length': 2 } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

async function flood(total: number, concurrency: number, one: (i: number) => Promise<{ status: number }>): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const { status } = await one(next++);
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
    }),
  );
  return counts;
}

async function stillAnswers(h: Harness, conv: { conversationId: string; token: string }, text: string): Promise<void> {
  expect((await post(h, conv, JSON.stringify({ type: 'message', text }))).status).toBe(200);
  expect((await texts(h, conv)).slice(-1)).toEqual([`bot:echo: ${text}`]);
}

jest.setTimeout(120_000);

test('10,001 new conversations from one client: the 31st and every later one is refused with Retry-After; the customer already chatting keeps working', async () => {
  const store = new InMemoryDirectLineStore();
  const h = await startHarness({ quota: {}, store });
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  try {
    const customer = await startConversation(h);
    await stillAnswers(h, customer, 'before');
    const statuses: number[] = [];
    const counts = await flood(10_001, 32, async (i) => {
      const r = await tokenFrom(h, '127.0.0.1', agent);
      statuses[i] = r.status;
      if (r.status === 429) expect(Number(r.retryAfter)).toBeGreaterThan(0);
      return r;
    });
    expect(counts.get(200)).toBe(29);
    expect(counts.get(429)).toBe(10_001 - 29);
    expect(statuses[10_000]).toBe(429);
    expect(store.usage().conversations).toBe(30);
    await stillAnswers(h, customer, 'after');
  } finally {
    agent.destroy();
    await h.close();
    await store.close();
  }
});

test('from many addresses: each client has its quota and the service a global one; the live customer stays', async () => {
  const store = new InMemoryDirectLineStore();
  const h = await startHarness({ quota: { perClient: { points: 3, seconds: 600 }, global: { points: 100, seconds: 60 } }, store });
  const agent = new Agent({ keepAlive: false });
  try {
    const customer = await startConversation(h);
    const counts = await flood(1_000, 32, (i) => tokenFrom(h, `127.0.0.${2 + (i % 200)}`, agent));
    expect(counts.get(200)).toBe(99);
    expect(counts.get(429)).toBe(1_000 - 99);
    expect(store.usage().conversations).toBe(100);
    await stillAnswers(h, customer, 'still here');
  } finally {
    agent.destroy();
    await h.close();
    await store.close();
  }
});

test('when full, anonymous conversations make room and customers who wrote never do; with only live customers left, newcomers get 503', async () => {
  const store = new InMemoryDirectLineStore({ maxConversations: 10 });
  const h = await startHarness({ store });
  try {
    const customers = [];
    for (let i = 0; i < 4; i++) {
      const c = await startConversation(h);
      await stillAnswers(h, c, `I am customer ${i}`);
      customers.push(c);
    }
    for (let i = 0; i < 50; i++) await h.token();
    expect(store.usage()).toMatchObject({ conversations: 10, anonymous: 6 });
    for (const [i, c] of customers.entries()) await stillAnswers(h, c, `still customer ${i}`);

    for (let i = 0; i < 6; i++) {
      const c = await startConversation(h);
      await stillAnswers(h, c, `late customer ${i}`);
      customers.push(c);
    }
    const refused = await fetch(`${h.origin}/api/directline/token`, { method: 'POST', headers: { Origin: h.origin } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.text()).toBe('{"error":{"code":"ServiceUnavailable","message":"the service is busy, please try again shortly"}}');
    for (const [i, c] of customers.entries()) await stillAnswers(h, c, `all fine ${i}`);
  } finally {
    await h.close();
    await store.close();
  }
});

test('an upload flood into one conversation stops at its budget; the store never holds more than the budgets allow', async () => {
  const store = new InMemoryDirectLineStore();
  const h = await startHarness({ store });
  try {
    const customer = await startConversation(h);
    const attacker = await startConversation(h);
    const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024 - PNG.length)]);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await upload(h, attacker, { name: `p${i}.png`, type: 'image/png', data: big })).status);
    expect(statuses).toEqual([200, 413, 413, 413, 413, 413, 413, 413, 413, 413]);
    expect(store.usage().bytes).toBeLessThan(2 * 1024 * 1024);
    await stillAnswers(h, customer, 'not affected');
  } finally {
    await h.close();
    await store.close();
  }
});

test('with Redis, every instance counts against the same quota; while Redis fails each process counts on its own', async () => {
  const redis = await connectTestRedis();
  const prefix = randomPrefix();
  try {
    const rules = { perClient: { points: 3, seconds: 60 }, global: { points: 5, seconds: 60 } };
    const a = new ConversationQuota({ ...rules, limits: createLimiterFactory({ redis, prefix }), logger: silent });
    const b = new ConversationQuota({ ...rules, limits: createLimiterFactory({ redis, prefix }), logger: silent });
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await (i % 2 ? a : b).consume('203.0.113.7')).ok);
    expect(results).toEqual([true, true, true, false]);
    expect((await a.consume('2001:db8:1:2:3:4:5:6')).ok).toBe(true);
    expect((await b.consume('2001:db8:1:2:ffff::1')).ok).toBe(true);
    expect(await a.consume('198.51.100.1')).toEqual({ ok: false, scope: 'global', retryAfterSeconds: expect.any(Number) });
    expect((await redis.keys(`${prefix}limit:directline-*`)).length).toBeGreaterThan(0);

    const broken = await connectTestRedis();
    const c = new ConversationQuota({ ...rules, limits: createLimiterFactory({ redis: broken, prefix }), logger: silent });
    broken.disconnect();
    const offline = [];
    for (let i = 0; i < 4; i++) offline.push((await c.consume('192.0.2.1')).ok);
    expect(offline).toEqual([true, true, true, false]);
  } finally {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  }
});

/** POST /api/directline/token from a loopback source address with an X-Forwarded-For header. */
function tokenForwarded(h: Harness, localAddress: string, xff: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.origin}/api/directline/token`,
      { method: 'POST', localAddress, headers: { Origin: h.origin, 'Content-Type': 'application/json', 'Content-Length': 2, 'X-Forwarded-For': xff } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

test('X-Forwarded-For: a spoofed header from an untrusted peer does not escape its quota; behind the trusted proxy each forwarded client has its own', async () => {
  const store = new InMemoryDirectLineStore();
  const h = await startHarness({ quota: { perClient: { points: 3, seconds: 600 } }, store, trustedProxies: ['127.0.0.2'] });
  try {
    const spoofed = [];
    for (let i = 0; i < 10; i++) spoofed.push((await tokenForwarded(h, '127.0.0.1', `203.0.113.${i + 1}`)).status);
    expect(spoofed).toEqual([200, 200, 200, ...Array(7).fill(429)]);

    const viaProxy = async (xff: string) => (await tokenForwarded(h, '127.0.0.2', xff)).status;
    const first = [];
    // What the client wrote to the left of the proxy's entry changes nothing.
    for (let i = 0; i < 5; i++) first.push(await viaProxy(`198.18.0.${i + 1}, 198.51.100.7:4100${i}`));
    expect(first).toEqual([200, 200, 200, 429, 429]);
    expect(await viaProxy('198.51.100.8')).toBe(200);
    expect((await store.usage()).conversations).toBe(7);
  } finally {
    await h.close();
    await store.close();
  }
});
