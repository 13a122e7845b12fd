import { MemoryEventBus, type EventBus, type HandoffEvent } from '../../../services/handoff/EventBus';
import { RedisEventBus } from '../../../services/handoff/RedisEventBus';
import { connectRedis, type RedisClient } from '../../../services/state/redisClient';
import { BACKENDS, spawnRedisServer, useRedis, type Backend } from '../../setup/redis';

const now = (): string => new Date().toISOString();
const message = (conversationId: string, text: string, seq: number): HandoffEvent => ({
  type: 'message',
  at: now(),
  conversationId,
  seq,
  entry: { at: now(), from: 'customer', text },
});

/**
 * Two bus handles as two bot instances would have them (Redis: two connections). Handler errors
 * of either go to `errors`, on every backend alike.
 */
function busPair(backend: Backend): { pair: () => Promise<[EventBus, EventBus]>; errors: unknown[] } {
  const open: EventBus[] = [];
  const errors: unknown[] = [];
  const onError = (err: unknown) => errors.push(err);
  afterEach(async () => {
    errors.length = 0;
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  if (backend === 'memory') {
    return {
      errors,
      pair: async () => {
        const bus = new MemoryEventBus({ instanceId: 'one', onError });
        open.push(bus);
        return [bus, bus];
      },
    };
  }
  const env = useRedis(backend);
  return {
    errors,
    pair: async () => {
      const a = new RedisEventBus(env.client, { prefix: env.prefix, instanceId: 'A', onError });
      const b = new RedisEventBus(await env.connect(), { prefix: env.prefix, instanceId: 'B', onError });
      open.push(a, b);
      return [a, b];
    },
  };
}

function collect(bus: EventBus, until: number): Promise<{ events: HandoffEvent[]; done: Promise<void> }> {
  const events: HandoffEvent[] = [];
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolve = r));
  return bus
    .subscribe((e) => {
      if (e.type === 'bus.resync') return;
      events.push(e);
      if (events.length === until) resolve();
    })
    .then(() => ({ events, done }));
}

const texts = (events: HandoffEvent[]): string[] => events.map((e) => (e.type === 'message' ? e.entry.text : e.type));

describe.each(BACKENDS)('EventBus contract (%s)', (backend) => {
  const { pair, errors } = busPair(backend);

  it('delivers one instance’s events to the other, in order, stamped with the origin', async () => {
    const [a, b] = await pair();
    const atB = await collect(b, 100);
    for (let i = 0; i < 100; i++) await a.publish(message('conv-1', `m${i}`, i + 1));
    await atB.done;
    expect(texts(atB.events)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(atB.events[0].origin).toBe(backend === 'memory' ? 'one' : 'A');
  });

  it('keeps order even when publishes are not awaited one by one', async () => {
    const [a, b] = await pair();
    const atB = await collect(b, 50);
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.publish(message('conv-1', `m${i}`, i + 1))));
    await atB.done;
    expect(texts(atB.events)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
  });

  it('delivers to every subscriber, including the publishing instance, and stops after unsubscribe', async () => {
    const [a, b] = await pair();
    const atA = await collect(a, 2);
    const seenByB: HandoffEvent[] = [];
    const unsubscribe = await b.subscribe((e) => {
      seenByB.push(e);
    });
    await a.publish({ type: 'case.created', at: now(), caseId: 'C-1', conversationId: 'w1' });
    await b.publish({ type: 'case.claimed', at: now(), caseId: 'C-1', agentId: 'ann' });
    await atA.done;
    expect(atA.events.map((e) => e.type)).toEqual(['case.created', 'case.claimed']);
    await unsubscribe();
    await a.publish({ type: 'case.closed', at: now(), caseId: 'C-1' });
    await new Promise((r) => setTimeout(r, 100));
    expect(seenByB.map((e) => e.type)).not.toContain('case.closed');
  });

  it('finishes an async handler before handing it the next event; a throwing handler does not stop delivery and is reported', async () => {
    const [, bus] = await pair();
    const handled: string[] = [];
    let finished: () => void = () => undefined;
    const done = new Promise<void>((r) => (finished = r));
    await bus.subscribe(async (e) => {
      if (e.type !== 'message') return;
      if (e.entry.text === 'boom') throw new Error('handler failed');
      await new Promise((r) => setTimeout(r, e.entry.text === 'slow' ? 50 : 0));
      handled.push(e.entry.text);
      if (handled.length === 2) finished();
    });
    await bus.publish(message('c', 'slow', 1));
    await bus.publish(message('c', 'boom', 2));
    await bus.publish(message('c', 'fast', 3));
    await done;
    expect(handled).toEqual(['slow', 'fast']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('handler failed');
  });
});

describe('RedisEventBus after its subscriber connection drops', () => {
  it('tells handlers to resync and receives new events again', async () => {
    const server = await spawnRedisServer();
    const clients: RedisClient[] = [];
    try {
      const pub = await connectRedis(server.url, { connectTimeoutMs: 1000, maxReconnectDelayMs: 200 });
      const subConn = await connectRedis(server.url, { connectTimeoutMs: 1000, maxReconnectDelayMs: 200 });
      clients.push(pub, subConn);
      const bus = new RedisEventBus(subConn, { prefix: 'tdrop:' });
      const seen: string[] = [];
      await bus.subscribe((e) => {
        seen.push(e.type === 'message' ? e.entry.text : e.type);
      });
      const publisher = new RedisEventBus(pub, { prefix: 'tdrop:' });
      await publisher.publish(message('c', 'before', 1));
      // PUBLISH answers once Redis took the event; the subscriber's socket may not have read it
      // yet. Killing the server before it does would lose it (and rightly make the bus resync).
      for (const until = Date.now() + 5000; !seen.includes('before') && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
      await server.kill();
      await server.restart();
      const deadline = Date.now() + 8000;
      while (!seen.includes('after') && Date.now() < deadline) {
        await publisher.publish(message('c', 'after', 2)).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen[0]).toBe('before');
      expect(seen).toContain('bus.resync');
      expect(seen).toContain('after');
      expect(seen.indexOf('bus.resync')).toBeLessThan(seen.indexOf('after'));
      await bus.close();
    } finally {
      clients.forEach((c) => c.disconnect());
      await server.stop();
    }
  }, 15000);
});
