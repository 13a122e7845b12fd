/**
 * The small shared pieces of the hand-off, on memory and on Redis: AuxStore semantics, the
 * delivery outbox (order, retries, bounded attempts, one drainer per conversation), password
 * hashes, sessions and login throttling.
 */
import type { AuxStore } from '../../../services/handoff/AuxStore';
import { MemoryAuxStore } from '../../../services/handoff/AuxStore';
import { RedisAuxStore } from '../../../services/handoff/RedisAuxStore';
import { DeliveryOutbox, type DeliveryJob } from '../../../services/handoff/DeliveryOutbox';
import { AgentDirectory, AgentSessions, ensureDemoAgents, hashPassword, LoginLimiter, parsePasswordHash, verifyPassword } from '../../../services/handoff/agentAuth';
import { useRedis } from '../../setup/redis';

const FAST = { N: 1024, r: 8, p: 1 };

describe.each(['memory', 'redis'] as const)('AuxStore, outbox, sessions (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedis('redis') : undefined;
  let aux: AuxStore;
  beforeEach(() => {
    aux = redis ? new RedisAuxStore(redis.client, { prefix: redis.prefix }) : new MemoryAuxStore();
  });

  test('AuxStore: expiry, set-if-absent, conditional delete, counters, lists, sorted sets', async () => {
    expect(await aux.setIfAbsent('k', 'a', 100)).toBe(true);
    expect(await aux.setIfAbsent('k', 'b', 100)).toBe(false);
    await aux.delIf('k', 'b');
    expect(await aux.get('k')).toBe('a');
    await aux.delIf('k', 'a');
    expect(await aux.get('k')).toBeUndefined();
    await aux.set('t', 'x', 60);
    await new Promise((r) => setTimeout(r, 120));
    expect(await aux.get('t')).toBeUndefined();
    expect([await aux.incr('c', 60_000), await aux.incr('c', 60_000)]).toEqual([1, 2]);
    await aux.rpush('l', '1');
    await aux.rpush('l', '2');
    expect(await aux.first('l')).toBe('1');
    await aux.setFirst('l', '1b');
    expect(await aux.first('l')).toBe('1b');
    await aux.shift('l');
    expect([await aux.first('l'), await aux.llen('l')]).toEqual(['2', 1]);
    await aux.zadd('z', 'b', 20);
    await aux.zadd('z', 'a', 10);
    await aux.zadd('z', 'c', 30);
    expect(await aux.zrangeByScore('z', 25, 10)).toEqual(['a', 'b']);
    await aux.zrem('z', 'a');
    expect(await aux.zrangeByScore('z', 100, 1)).toEqual(['b']);
    await aux.hset('h', '1', 'sent');
    await aux.hset('h', '2', 'pending');
    expect(await aux.hgetall('h')).toEqual({ 1: 'sent', 2: 'pending' });
  });

  test('outbox: in order, retried with backoff, failed after the last attempt, nothing lost', async () => {
    const sent: string[] = [];
    let failing = true;
    const states: string[] = [];
    const outbox = new DeliveryOutbox(
      aux,
      async (job: DeliveryJob) => {
        if (failing && job.text === 'one') throw new Error('channel down');
        if (job.text === 'never') throw new Error('gone for good');
        sent.push(job.text);
        return 'sent';
      },
      { maxAttempts: 3, backoffMs: [30], onState: (job, s) => void states.push(`${job.text}:${s}`) },
    );
    const base = { conversationId: 'c1', caseId: 'C1', from: 'agent' as const };
    expect(await outbox.submit({ ...base, seq: 1, text: 'one' })).toBe('pending');
    expect(await outbox.submit({ ...base, seq: 2, text: 'two' })).toBe('pending'); // behind "one"
    expect(sent).toEqual([]);
    failing = false;
    for (let i = 0; i < 50 && sent.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await outbox.sweep();
    }
    expect(sent).toEqual(['one', 'two']);
    expect(await outbox.states('C1')).toEqual({ 1: 'sent', 2: 'sent' });

    expect(await outbox.submit({ ...base, seq: 3, text: 'never' })).toBe('pending');
    for (let i = 0; i < 50 && (await outbox.states('C1'))[3] === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await outbox.sweep();
    }
    expect((await outbox.states('C1'))[3]).toBe('failed');
    expect(await outbox.submit({ ...base, seq: 4, text: 'after' })).toBe('sent'); // the queue moved on
    expect(states).toEqual(['one:sent', 'two:sent', 'never:failed', 'after:sent']);
  });

  test('outbox: one drainer per conversation at a time (two instances, no duplicates)', async () => {
    const sent: string[] = [];
    const deliver = async (job: DeliveryJob) => {
      await new Promise((r) => setTimeout(r, 5));
      sent.push(job.text);
      return 'sent' as const;
    };
    const one = new DeliveryOutbox(aux, deliver);
    const two = new DeliveryOutbox(aux, deliver);
    const base = { conversationId: 'c2', caseId: 'C2', from: 'agent' as const };
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).submit({ ...base, seq: i + 1, text: `m${i}` })));
    for (let i = 0; i < 50 && sent.length < 10; i++) {
      await one.sweep();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(sent.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
  });

  test('sessions: random ids, sliding expiry, destroy', async () => {
    let now = 1_000_000;
    const sessions = new AgentSessions(aux, { ttlMs: 60_000, now: () => now });
    const id = await sessions.create('alice');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.create('alice')).not.toBe(id);
    expect(await sessions.resolve(id)).toBe('alice');
    expect(await sessions.resolve('nope')).toBeUndefined();
    now += 30_000;
    expect(await sessions.resolve(id)).toBe('alice'); // refreshed
    await sessions.destroy(id);
    expect(await sessions.resolve(id)).toBeUndefined();
  });

  test('login limiter: 5 failures per username per window', async () => {
    const limiter = new LoginLimiter(aux, { maxFailures: 5, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      expect(await limiter.blocked('Carl')).toBe(false);
      await limiter.fail('carl');
    }
    expect(await limiter.blocked('CARL')).toBe(true);
    expect(await limiter.blocked('dave')).toBe(false);
    await limiter.reset('carl');
    expect(await limiter.blocked('carl')).toBe(false);
  });

  test('demo agents: created once with random passwords, the same for every instance', async () => {
    const first = await ensureDemoAgents(aux, FAST);
    expect(first.created?.map((c) => c.username)).toEqual(['agent', 'supervisor']);
    expect(first.created![0].password).toMatch(/^[a-zA-Z]{5}(-[a-zA-Z]{5}){3}$/);
    const again = await ensureDemoAgents(aux, FAST);
    expect(again.created).toBeUndefined();
    expect(again.accounts).toEqual(first.accounts);
    const dir = new AgentDirectory(again.accounts);
    expect(await dir.verify('agent', first.created![0].password)).toMatchObject({ id: 'agent', role: 'agent' });
    expect(await dir.verify('supervisor', first.created![1].password)).toMatchObject({ role: 'supervisor' });
  });
});

test('password hashes: documented format, verify, reject malformed', async () => {
  const h = await hashPassword('correct horse', FAST);
  expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  expect(await verifyPassword('correct horse', h)).toBe(true);
  expect(await verifyPassword('correct horsE', h)).toBe(false);
  expect(await verifyPassword('x', 'plain-text')).toBe(false);
  expect(() => parsePasswordHash('scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==')).toThrow(/power of two/);
  expect(await hashPassword('same', FAST)).not.toBe(await hashPassword('same', FAST)); // salted
});
