/**
 * The hand-off's small ports, one contract on memory, on Redis and on a one-node Redis Cluster:
 * leases, once-flags, the outbox queue, sessions; the delivery outbox built on them (order,
 * retries, bounded attempts, one drainer per conversation); the login throttle
 * (rate-limiter-flexible, memory and Redis); password hashes and demo setup links.
 */
import { AgentDirectory, AgentSessions, createDemoAgents, hashPassword, LoginThrottle, parsePasswordHash, verifyPassword, type LimiterBackend } from '../../../services/handoff/agentAuth';
import { DeliveryOutbox, type DeliveryJob } from '../../../services/handoff/DeliveryOutbox';
import { memoryPorts, type HandoffPorts } from '../../../services/handoff/ports';
import { redisPorts } from '../../../services/handoff/redisPorts';
import { BACKENDS, useRedis } from '../../setup/redis';

const FAST = { N: 1024, r: 8, p: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('hand-off ports (%s)', (backend) => {
  const redis = backend === 'memory' ? undefined : useRedis(backend);
  let ports: HandoffPorts;
  beforeEach(() => {
    ports = redis ? redisPorts(redis.client, redis.prefix) : memoryPorts();
  });

  test('leases: one holder at a time, released only by its own token, expiring', async () => {
    const token = await ports.leases.acquire('drain:c1', 200);
    expect(token).toEqual(expect.any(String));
    expect(await ports.leases.acquire('drain:c1', 200)).toBeUndefined();
    await ports.leases.release('drain:c1', 'someone-else');
    expect(await ports.leases.acquire('drain:c1', 200)).toBeUndefined();
    await ports.leases.release('drain:c1', token!);
    const again = await ports.leases.acquire('drain:c1', 80);
    expect(again).toEqual(expect.any(String));
    await sleep(150);
    expect(await ports.leases.acquire('drain:c1', 80)).toEqual(expect.any(String)); // the old one expired
    const racing = await Promise.all(Array.from({ length: 10 }, () => ports.leases.acquire('race', 1000)));
    expect(racing.filter(Boolean)).toHaveLength(1);
  });

  test('once-flags: the first caller wins and everyone sees the first value; clear and expiry', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ports.flags.setOnce('alert:C-1', 10_000, String(i))));
    expect(results.filter((r) => r.first)).toHaveLength(1);
    const winner = results.find((r) => r.first)!.value;
    expect(results.every((r) => r.value === winner)).toBe(true);
    await ports.flags.clear('alert:C-1');
    expect((await ports.flags.setOnce('alert:C-1', 80)).first).toBe(true);
    expect((await ports.flags.setOnce('alert:C-1', 80)).first).toBe(false);
    await sleep(150);
    expect(await ports.flags.setOnce('alert:C-1', 80, 'later')).toEqual({ first: true, value: 'later' });
  });

  test('outbox queue: FIFO per conversation, head replaced, schedule by time, states per case', async () => {
    const q = ports.outbox;
    await q.push('c1', 'a');
    await q.push('c1', 'b');
    await q.push('c2', 'x');
    expect([await q.head('c1'), await q.size('c1'), await q.size('c2'), await q.size('none')]).toEqual(['a', 2, 1, 0]);
    await q.replaceHead('c1', 'a2');
    expect(await q.head('c1')).toBe('a2');
    await q.shift('c1');
    expect([await q.head('c1'), await q.size('c1')]).toEqual(['b', 1]);
    await q.replaceHead('none', 'ignored');
    expect(await q.size('none')).toBe(0);
    await q.schedule('c2', 20);
    await q.schedule('c1', 10);
    await q.schedule('c3', 30);
    expect(await q.due(25, 10)).toEqual(['c1', 'c2']);
    expect(await q.due(100, 1)).toEqual(['c1']);
    await q.unschedule('c1');
    expect(await q.due(100, 10)).toEqual(['c2', 'c3']);
    await q.setState('C1', 1, 'sent', 60_000);
    await q.setState('C1', 2, 'pending', 60_000);
    await q.setState('C1', 2, 'failed', 60_000);
    expect(await q.states('C1')).toEqual({ 1: 'sent', 2: 'failed' });
    expect(await q.states('C2')).toEqual({});
  });

  test('sessions: put, get, delete, expiry', async () => {
    await ports.sessions.put('h1', '{"agentId":"a"}', 100);
    expect(await ports.sessions.get('h1')).toBe('{"agentId":"a"}');
    await ports.sessions.delete('h1');
    expect(await ports.sessions.get('h1')).toBeUndefined();
    await ports.sessions.put('h2', 'x', 60);
    await sleep(120);
    expect(await ports.sessions.get('h2')).toBeUndefined();
  });

  test('outbox: in order, retried with backoff, failed after the last attempt, nothing lost', async () => {
    const sent: string[] = [];
    let failing = true;
    const states: string[] = [];
    const outbox = new DeliveryOutbox(
      { queue: ports.outbox, leases: ports.leases },
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
      await sleep(20);
      await outbox.sweep();
    }
    expect(sent).toEqual(['one', 'two']);
    expect(await outbox.states('C1')).toEqual({ 1: 'sent', 2: 'sent' });

    expect(await outbox.submit({ ...base, seq: 3, text: 'never' })).toBe('pending');
    for (let i = 0; i < 50 && (await outbox.states('C1'))[3] === 'pending'; i++) {
      await sleep(20);
      await outbox.sweep();
    }
    expect((await outbox.states('C1'))[3]).toBe('failed');
    expect(await outbox.submit({ ...base, seq: 4, text: 'after' })).toBe('sent'); // the queue moved on
    expect(states).toEqual(['one:sent', 'two:sent', 'never:failed', 'after:sent']);
  });

  test('outbox: one drainer per conversation at a time (two instances, no duplicates)', async () => {
    const sent: string[] = [];
    const deliver = async (job: DeliveryJob) => {
      await sleep(5);
      sent.push(job.text);
      return 'sent' as const;
    };
    const otherPorts = redis ? redisPorts(await redis.connect(), redis.prefix) : ports;
    const one = new DeliveryOutbox({ queue: ports.outbox, leases: ports.leases }, deliver);
    const two = new DeliveryOutbox({ queue: otherPorts.outbox, leases: otherPorts.leases }, deliver);
    const base = { conversationId: 'c2', caseId: 'C2', from: 'agent' as const };
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).submit({ ...base, seq: i + 1, text: `m${i}` })));
    for (let i = 0; i < 50 && sent.length < 10; i++) {
      await one.sweep();
      await sleep(10);
    }
    expect(sent.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
  });

  test('agent sessions on the port: random ids, sliding expiry, destroy, only hashes stored', async () => {
    let now = 1_000_000;
    const sessions = new AgentSessions(ports.sessions, { ttlMs: 60_000, now: () => now });
    const id = await sessions.create('alice');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.create('alice')).not.toBe(id);
    expect(await ports.sessions.get(id)).toBeUndefined(); // the raw id is not a key
    expect(await sessions.resolve(id)).toBe('alice');
    expect(await sessions.resolve('nope')).toBeUndefined();
    now += 30_000;
    expect(await sessions.resolve(id)).toBe('alice'); // refreshed
    await sessions.destroy(id);
    expect(await sessions.resolve(id)).toBeUndefined();
  });
});

describe.each(['memory', 'redis'] as const)('login throttle (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedis('redis') : undefined;
  const make = (limits = {}) => {
    const b: LimiterBackend = redis ? { kind: 'redis', client: redis.client, prefix: redis.prefix } : { kind: 'memory' };
    return new LoginThrottle(b, { perAddressAndUser: 5, perAddress: 8, windowSec: 60, firstDelaySec: 2, maxDelaySec: 8, ...limits });
  };

  test('counts each attempt atomically before checking: of 40 parallel guesses 5 are let through', async () => {
    const t = make();
    const results = await Promise.all(Array.from({ length: 40 }, () => t.attempt('10.0.0.1', 'sue')));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    const refused = results.filter((r): r is { allowed: false; retryAfterMs: number } => !r.allowed);
    expect(refused.every((r) => r.retryAfterMs >= 1000)).toBe(true);
    // The real supervisor from her own address is not locked out.
    expect(await t.attempt('10.0.0.2', 'sue')).toEqual({ allowed: true });
  });

  test('the wait grows with each repeat instead of locking the account', async () => {
    const t = make({ perAddressAndUser: 2, firstDelaySec: 1, maxDelaySec: 4 });
    const strike = async () => {
      for (let i = 0; i < 2; i++) expect((await t.attempt('10.0.0.3', 'carl')).allowed).toBe(true);
      const refused = await t.attempt('10.0.0.3', 'carl');
      if (refused.allowed) throw new Error('expected a wait');
      return refused.retryAfterMs;
    };
    expect(await strike()).toBe(1000);
    await sleep(1100);
    expect(await strike()).toBe(2000);
    expect(await t.attempt('10.0.0.9', 'carl')).toEqual({ allowed: true });
  });

  test('spraying usernames from one address is throttled per address; a success gives its point back', async () => {
    const t = make();
    const results = [];
    for (let i = 0; i < 12; i++) results.push((await t.attempt('10.0.0.4', `user-${i}`)).allowed);
    expect(results.filter(Boolean)).toHaveLength(8);
    const office = make({ perAddress: 3 });
    for (let i = 0; i < 6; i++) {
      expect((await office.attempt('10.0.0.5', `agent-${i}`)).allowed).toBe(true);
      await office.succeeded('10.0.0.5', `agent-${i}`);
    }
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

test('demo agents: no password at all, one single-use setup token each, different every time', async () => {
  const demo = createDemoAgents();
  expect(demo.links.map((l) => [l.username, l.role])).toEqual([
    ['agent', 'agent'],
    ['supervisor', 'supervisor'],
  ]);
  const dir = new AgentDirectory(demo.accounts);
  for (const guess of ['', 'agent', 'supervisor', 'password', demo.links[0].token]) expect(await dir.verify('agent', guess)).toBeUndefined();
  expect(demo.tokens.consume(demo.links[1].token)).toBe('supervisor');
  expect(demo.tokens.consume(demo.links[1].token)).toBeUndefined(); // used up
  expect(demo.tokens.consume('x'.repeat(43))).toBeUndefined();
  expect(createDemoAgents().links[0].token).not.toBe(demo.links[0].token);
});
