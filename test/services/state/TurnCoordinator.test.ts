/**
 * The turn coordination port on every backend: one claim per activity key (also when two
 * "instances" race on one Redis), claims forgotten on release and after the TTL, one turn at a
 * time per conversation (also across two coordinators on one Redis), arrival order, bounded
 * queues, and a memory store that stays bounded and sweeps itself.
 */
import { MemoryTurnCoordinator, RedisTurnCoordinator, ConversationBusyError, type TurnCoordinator } from '../../../services/state/TurnCoordinator';
import { useRedis } from '../../setup/redis';
import { startRoundTripProxy } from '../../../scripts/redisRoundTrips';
import { connectRedis } from '../../../services/state/redisClient';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `n` overlapping turns of one conversation and reports the most that ever ran at once. */
async function maxOverlap(coordinators: TurnCoordinator[], n: number, conversation = 'c'): Promise<{ max: number; order: number[] }> {
  let running = 0;
  let max = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      coordinators[i % coordinators.length].exclusive(conversation, async () => {
        running += 1;
        max = Math.max(max, running);
        await sleep(15);
        order.push(i);
        running -= 1;
      }),
    ),
  );
  return { max, order };
}

describe('memory', () => {
  test('claims once, again after release, and again after the TTL', async () => {
    let t = 0;
    const c = new MemoryTurnCoordinator({ dedupeTtlMs: 1000 }, () => t);
    expect(await c.claim('a')).toBe(true);
    expect(await c.claim('a')).toBe(false);
    await c.release('a');
    expect(await c.claim('a')).toBe(true);
    t = 1001;
    expect(await c.claim('a')).toBe(true);
  });

  test('concurrent claims of one key: exactly one wins', async () => {
    const c = new MemoryTurnCoordinator();
    const results = await Promise.all(Array.from({ length: 20 }, () => c.claim('dup')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('stays bounded under a flood of distinct ids, and sweeps expired ones', async () => {
    let t = 0;
    const c = new MemoryTurnCoordinator({ dedupeTtlMs: 1000, maxRemembered: 500 }, () => t);
    for (let i = 0; i < 5000; i++) await c.claim(`id-${i}`);
    expect(c.sizes.remembered).toBe(500);
    t = 2000;
    expect(c.sizes.remembered).toBe(0);
  });

  test('one turn at a time per conversation, in arrival order; other conversations run alongside; the queue map empties', async () => {
    const c = new MemoryTurnCoordinator();
    const { max, order } = await maxOverlap([c], 8);
    expect(max).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    let both = 0;
    let seenBoth = false;
    await Promise.all(['x', 'y'].map((k) => c.exclusive(k, async () => { both += 1; await sleep(30); seenBoth ||= both === 2; both -= 1; })));
    expect(seenBoth).toBe(true);
    expect(c.sizes.conversations).toBe(0);
  });

  test('a failing turn does not block the next; a full queue is refused', async () => {
    const c = new MemoryTurnCoordinator({ maxPendingPerConversation: 3 });
    await expect(c.exclusive('c', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(c.exclusive('c', async () => 'ok')).resolves.toBe('ok');
    const slow = [1, 2, 3].map(() => c.exclusive('c', () => sleep(20)));
    await expect(c.exclusive('c', async () => 'x')).rejects.toBeInstanceOf(ConversationBusyError);
    await Promise.all(slow);
  });
});

describe('redis (two instances on one server)', () => {
  const env = useRedis('redis');
  const pair = () => [new RedisTurnCoordinator(env.client, { prefix: env.prefix, dedupeTtlMs: 60_000 }), new RedisTurnCoordinator(env.client, { prefix: env.prefix, dedupeTtlMs: 60_000 })];

  test('a duplicate delivered to both instances at once is claimed once; release lets a retry run', async () => {
    const [a, b] = pair();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim('emulator:c:act-1')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await env.client.pttl(`${env.prefix}seen:emulator:c:act-1`)).toBeGreaterThan(50_000);
    await a.release('emulator:c:act-1');
    expect(await b.claim('emulator:c:act-1')).toBe(true);
  });

  test("two instances never run one conversation's turns at once; the lease is gone afterwards", async () => {
    const { max } = await maxOverlap(pair(), 10);
    expect(max).toBe(1);
    expect(await env.client.exists(`${env.prefix}lease:c`)).toBe(0);
  });

  test('claimExclusive: claim and lease in one round trip; a duplicate runs nothing and leaves no lease; both instances still take turns one at a time', async () => {
    // Through the round-trip counter: commands sent before an answer came back are one round trip.
    const proxy = await startRoundTripProxy(env.url, 10);
    const viaProxy = await connectRedis(proxy.url, {});
    const a = new RedisTurnCoordinator(viaProxy, { prefix: env.prefix });
    const b = new RedisTurnCoordinator(env.client, { prefix: env.prefix, waitMs: 5000 });
    let ran = 0;
    try {
      await new Promise((r) => setTimeout(r, 50));
      const from = proxy.trips.length;
      expect(await a.claimExclusive('webchat:c1:act-1', 'webchat:c1', async () => (ran += 1))).toEqual({ duplicate: false, value: 1 });
      // The claim and the lease in the first round trip; then only the lease's release.
      expect(proxy.trips.slice(from).map((t) => t.commands.map((c) => c.name))).toEqual([['set', 'set'], ['evalsha']]);
    } finally {
      viaProxy.disconnect();
      await proxy.close();
    }
    const a2 = new RedisTurnCoordinator(env.client, { prefix: env.prefix });
    expect(await a2.claimExclusive('webchat:c1:act-1', 'webchat:c1', async () => (ran += 1))).toEqual({ duplicate: true });
    expect(ran).toBe(1);
    // The duplicate took the free lease with its claim and gave it back: nobody waits for it.
    expect(await env.client.exists(`${env.prefix}lease:webchat:c1`)).toBe(0);
    // A lease the other instance holds is waited for, with the claim already made.
    let bDone = false;
    const slow = b.exclusive('webchat:c2', async () => {
      await sleep(200);
      bDone = true;
    });
    await sleep(30);
    expect(await a2.claimExclusive('webchat:c2:act-9', 'webchat:c2', async () => bDone)).toEqual({ duplicate: false, value: true });
    await slow;
    expect(await b.claim('webchat:c2:act-9')).toBe(false);
    // Many turns of one conversation through both instances: never two at once.
    let running = 0;
    let max = 0;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a2 : b).claimExclusive(`webchat:c3:act-${i}`, 'webchat:c3', async () => {
          running += 1;
          max = Math.max(max, running);
          await sleep(10);
          running -= 1;
        }),
      ),
    );
    expect(max).toBe(1);
    expect(await env.client.exists(`${env.prefix}lease:webchat:c3`)).toBe(0);
  });

  test("claimExclusive when Redis fails halfway: a duplicate stays a duplicate and the original's claim stays; our own claim is forgotten for the retry", async () => {
    // The real client, except that taking a lease fails (a timeout, a failover of the lease's node).
    const failingLease = new Proxy(env.client, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        if (name === 'set') return (key: string, ...rest: unknown[]) => (key.includes(':lease:') ? Promise.reject(new Error('lease node down')) : Reflect.apply(target.set, target, [key, ...rest]));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const original = new RedisTurnCoordinator(env.client, { prefix: env.prefix });
    const flaky = new RedisTurnCoordinator(failingLease, { prefix: env.prefix });
    expect(await original.claim('webchat:f1:act-1')).toBe(true);
    let ran = false;
    expect(await flaky.claimExclusive('webchat:f1:act-1', 'webchat:f1', async () => (ran = true))).toEqual({ duplicate: true });
    expect(ran).toBe(false);
    expect(await env.client.exists(`${env.prefix}seen:webchat:f1:act-1`)).toBe(1);
    // A new activity whose lease cannot be taken: the turn fails and its claim is forgotten, so the retry runs.
    await expect(flaky.claimExclusive('webchat:f2:act-2', 'webchat:f2', async () => (ran = true))).rejects.toThrow('lease node down');
    expect(ran).toBe(false);
    expect(await env.client.exists(`${env.prefix}seen:webchat:f2:act-2`)).toBe(0);
    expect(await original.claimExclusive('webchat:f2:act-2', 'webchat:f2', async () => (ran = true))).toEqual({ duplicate: false, value: true });
    // A turn that throws forgets its claim too; a later delivery of it runs.
    await expect(original.claimExclusive('webchat:f3:act-3', 'webchat:f3', async () => Promise.reject(new Error('turn failed')))).rejects.toThrow('turn failed');
    expect(await env.client.exists(`${env.prefix}seen:webchat:f3:act-3`)).toBe(0);
    expect(await env.client.exists(`${env.prefix}lease:webchat:f3`)).toBe(0);
  });

  test("a lease held longer than its length is renewed while the turn runs; a dead instance's lease expires", async () => {
    const a = new RedisTurnCoordinator(env.client, { prefix: env.prefix, leaseMs: 300 });
    const b = new RedisTurnCoordinator(env.client, { prefix: env.prefix, leaseMs: 300, waitMs: 5000 });
    let aDone = false;
    const slow = a.exclusive('long', async () => { await sleep(900); aDone = true; });
    await sleep(50);
    await b.exclusive('long', async () => expect(aDone).toBe(true));
    await slow;
    // An instance that died holding a lease: the key simply expires.
    await env.client.set(`${env.prefix}lease:dead`, 'someone', 'PX', 300);
    const started = Date.now();
    await b.exclusive('dead', async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});
