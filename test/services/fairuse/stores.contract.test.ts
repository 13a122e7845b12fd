/**
 * Contract suites of the fair-use ports on every backend: in memory, on the shared redis-server
 * and on a one-node Redis Cluster (no cross-slot commands), shared by two clients as two bot
 * instances would share them. (The counts themselves are `services/limits`, with its own suite.)
 */
import { BACKENDS, useRedis, type Backend } from '../../setup/redis';
import { MemoryBlockList, RedisBlockList, identityKey, type BlockList } from '../../../services/fairuse/BlockList';
import { MemoryAbuseFlags, RedisAbuseFlags, type AbuseFlags } from '../../../services/fairuse/AbuseFlags';
import { MemoryLastMessageStore, RedisLastMessageStore, type LastMessageStore } from '../../../services/fairuse/LastMessageStore';
import type { RedisClient } from '../../../services/state/redisClient';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alice = { channel: 'webchat', userId: 'dl_alice' };
const bob = { channel: 'facebook', userId: '2718281828' };

describe.each(BACKENDS)('fair-use stores (%s)', (backend: Backend) => {
  const redis = backend === 'memory' ? undefined : useRedis(backend);
  let second: RedisClient | undefined;
  beforeAll(async () => {
    if (redis) second = await redis.connect();
  });

  const blockList = (client?: RedisClient): BlockList => (redis ? new RedisBlockList(client ?? redis.client, redis.prefix) : shared.blocks);
  const flags = (client?: RedisClient): AbuseFlags => (redis ? new RedisAbuseFlags(client ?? redis.client, redis.prefix) : shared.flags);
  const lastMessages = (client?: RedisClient): LastMessageStore => (redis ? new RedisLastMessageStore(client ?? redis.client, redis.prefix) : shared.last);
  /** One memory instance per test stands in for "shared" (memory is one process). */
  let shared: { blocks: MemoryBlockList; flags: MemoryAbuseFlags; last: MemoryLastMessageStore };
  beforeEach(() => {
    shared = { blocks: new MemoryBlockList(), flags: new MemoryAbuseFlags(), last: new MemoryLastMessageStore() };
  });

  describe('BlockList', () => {
    test('block → blocked with who, why and when; unblock → not blocked; both in the audit log, newest first', async () => {
      const b = blockList();
      expect(await b.get(alice)).toBeUndefined();
      const at = new Date('2026-12-01T10:00:00Z');
      expect(await b.block(alice, 'sup-1', 'threats against staff', at)).toEqual({ identity: alice, by: 'sup-1', reason: 'threats against staff', at: at.toISOString() });
      expect(await b.get(alice)).toMatchObject({ by: 'sup-1', reason: 'threats against staff' });
      expect(await b.get(bob)).toBeUndefined();
      expect(await b.unblock(alice, 'sup-2', 'apologised by e-mail', new Date('2026-12-02T10:00:00Z'))).toBe(true);
      expect(await b.get(alice)).toBeUndefined();
      const audit = await b.audit({ identity: alice });
      expect(audit.map((e) => [e.action, e.by, e.reason])).toEqual([
        ['unblock', 'sup-2', 'apologised by e-mail'],
        ['block', 'sup-1', 'threats against staff'],
      ]);
    });

    test('unblocking someone not blocked changes and audits nothing', async () => {
      const b = blockList();
      expect(await b.unblock(bob, 'sup-1', 'by mistake')).toBe(false);
      expect(await b.audit()).toEqual([]);
    });

    test('the notice is due exactly once per block, across instances, and again after a re-block', async () => {
      const one = blockList();
      const two = blockList(second);
      expect(await one.claimNotice(alice)).toBe(false); // not blocked
      await one.block(alice, 'sup-1', 'abuse');
      const claims = await Promise.all([one.claimNotice(alice), two.claimNotice(alice), one.claimNotice(alice), two.claimNotice(alice)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      await two.block(alice, 'sup-2', 'abuse again');
      expect(await one.claimNotice(alice)).toBe(true);
      expect(await one.claimNotice(alice)).toBe(false);
      await one.unblock(alice, 'sup-1', 'lifted');
      expect(await one.claimNotice(alice)).toBe(false);
      expect(await two.get(alice)).toBeUndefined();
    });

    test('list shows current blocks only, newest first; identities with ":" never collide', async () => {
      const b = blockList();
      await b.block({ channel: 'a:b', userId: 'c' }, 'sup-1', 'one', new Date('2026-12-01T10:00:00Z'));
      await b.block({ channel: 'a', userId: 'b:c' }, 'sup-1', 'two', new Date('2026-12-01T11:00:00Z'));
      await b.block(bob, 'sup-1', 'three', new Date('2026-12-01T12:00:00Z'));
      await b.unblock(bob, 'sup-1', 'lifted');
      expect((await b.list()).map((r) => r.reason)).toEqual(['two', 'one']);
      expect(identityKey({ channel: 'a:b', userId: 'c' })).not.toBe(identityKey({ channel: 'a', userId: 'b:c' }));
      expect((await b.audit({ limit: 2 })).map((e) => e.action)).toEqual(['unblock', 'block']);
    });

    test('a block needs who and why', async () => {
      const b = blockList();
      await expect(b.block(alice, ' ', 'reason')).rejects.toThrow('"by" must be');
      await expect(b.block(alice, 'sup-1', '')).rejects.toThrow('reason must be');
      await expect(b.block(alice, 'sup-1', 'x'.repeat(501))).rejects.toThrow('reason must be');
      await expect(b.block({ channel: 'webchat', userId: '' }, 'sup-1', 'abuse')).rejects.toThrow('identity');
      expect(await b.get(alice)).toBeUndefined();
      expect(await b.audit()).toEqual([]);
    });
  });

  describe('AbuseFlags', () => {
    test('raised on the conversation and the customer; first time kept, count and threat accumulate', async () => {
      const f = flags();
      expect(await f.get({ conversationId: 'c1', customerKey: 'u1' })).toBeUndefined();
      await f.raise({ conversationId: 'c1', customerKey: 'u1' }, { threat: false, at: new Date('2026-12-01T10:00:00Z') });
      await flags(second).raise({ conversationId: 'c1', customerKey: 'u1' }, { threat: true, at: new Date('2026-12-01T10:05:00Z') });
      expect(await f.get({ conversationId: 'c1' })).toEqual({ reason: 'abusive', threat: true, at: '2026-12-01T10:00:00.000Z', lastAt: '2026-12-01T10:05:00.000Z', count: 2 });
      // The same customer in a new conversation: the case opened there finds the flag by customer.
      expect(await f.get({ conversationId: 'c2', customerKey: 'u1' })).toMatchObject({ reason: 'abusive', count: 2 });
      expect(await f.get({ conversationId: 'c2', customerKey: 'u2' })).toBeUndefined();
    });
  });

  describe('LastMessageStore', () => {
    test('swap returns the previous fingerprint while it is fresh', async () => {
      const s = lastMessages();
      expect(await s.swap('conv:1', 'a', 300)).toBeUndefined();
      expect(await lastMessages(second).swap('conv:1', 'b', 300)).toBe('a');
      expect(await s.get('conv:1')).toBe('b');
      expect(await s.swap('conv:2', 'x', 300)).toBeUndefined();
      await sleep(350);
      expect(await s.get('conv:1')).toBeUndefined();
      expect(await s.swap('conv:1', 'c', 300)).toBeUndefined();
    });
  });
});
