/**
 * The `ProofStore` contract on every backend (memory, Redis, one-node Cluster): pending codes and
 * phone keys with a TTL, one shared secret, locks merged atomically across instances.
 */
import { MemoryProofStore } from '../../../services/proof/MemoryProofStore';
import { RedisProofStore } from '../../../services/proof/RedisProofStore';
import type { PendingChallenge, ProofStore, StoredLock } from '../../../services/proof/ProofStore';
import { BACKENDS, useRedis, type Backend } from '../../setup/redis';

function stores(backend: Backend): { make(): ProofStore; another(): Promise<ProofStore> } {
  if (backend === 'memory') {
    let shared: MemoryProofStore | undefined;
    return {
      make: () => (shared = new MemoryProofStore()),
      another: async () => {
        if (!shared) throw new Error('make() first');
        return shared;
      },
    };
  }
  const env = useRedis(backend);
  return { make: () => new RedisProofStore(env.client, { prefix: env.prefix }), another: async () => new RedisProofStore(await env.connect(), { prefix: env.prefix }) };
}

const pending: PendingChallenge = {
  challengeId: 'ch_1234567890abcdefghij',
  target: { kind: 'parcel', trackingNumber: 'CE482139075LT', role: 'sender' },
  phoneMasked: '+370 6** **567',
  phoneKey: 'pk_abcdefgh',
  expiresAt: '2025-03-12T10:05:00.000Z',
};

const NOW = Date.parse('2025-03-12T10:00:00Z');
const lock = (over: Partial<StoredLock> = {}): StoredLock => ({
  id: 'lk_1',
  scope: 'parcel',
  subject: 'CE482139075LT',
  since: new Date(NOW).toISOString(),
  until: new Date(NOW + 3_600_000).toISOString(),
  refusals: 1,
  lastConversationId: 'conv-1',
  limiter: 'proof.codes-per-parcel',
  key: 'CE482139075LT',
  ...over,
});

describe.each(BACKENDS)('ProofStore contract (%s)', (backend) => {
  const s = stores(backend);

  test('pending codes: put, get, replace, delete, expire', async () => {
    const store = s.make();
    expect(await store.getPending('conv-1')).toBeUndefined();
    await store.putPending('conv-1', pending, 60_000);
    expect(await store.getPending('conv-1')).toEqual(pending);
    expect(await store.getPending('conv-2')).toBeUndefined();
    const other = { ...pending, challengeId: 'ch_other' };
    await store.putPending('conv-1', other, 60_000);
    expect(await store.getPending('conv-1')).toEqual(other);
    await store.deletePending('conv-1');
    expect(await store.getPending('conv-1')).toBeUndefined();
    await store.putPending('conv-3', pending, 50);
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.getPending('conv-3')).toBeUndefined();
    const long = 'c'.repeat(1000);
    await store.putPending(long, pending, 60_000);
    expect(await store.getPending(long)).toEqual(pending);
  });

  test('phone keys expire; the secret is created once and shared', async () => {
    const store = s.make();
    const phone = { phoneKey: 'pk_1', phoneMasked: '+370 6** **567' };
    await store.putPhone('parcel:CE482139075LT:sender', phone, 60_000);
    expect(await store.getPhone('parcel:CE482139075LT:sender')).toEqual(phone);
    expect(await store.getPhone('parcel:CE482139075LT:recipient')).toBeUndefined();
    await store.putPhone('short', { phoneKey: 'pk_2', phoneMasked: '***' }, 50);
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.getPhone('short')).toBeUndefined();
    const secret = await store.secret();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.secret()).toBe(secret);
    expect(await (await s.another()).secret()).toBe(secret);
  });

  test('locks: a refusal creates, the next ones bump refusals and keep since; lifted ones drop out', async () => {
    const store = s.make();
    expect(await store.recordLock(lock(), NOW)).toEqual(lock());
    const later = lock({ since: new Date(NOW + 1000).toISOString(), until: new Date(NOW + 7_200_000).toISOString(), lastConversationId: 'conv-2' });
    expect(await store.recordLock(later, NOW + 1000)).toEqual(lock({ refusals: 2, lastConversationId: 'conv-2', until: later.until }));
    await store.recordLock(lock({ id: 'lk_2', scope: 'phone', subject: '+370 6** **567', since: new Date(NOW + 5000).toISOString() }), NOW + 5000);
    expect((await store.listLocks(NOW + 6000)).map((l) => [l.id, l.refusals])).toEqual([
      ['lk_2', 1],
      ['lk_1', 2],
    ]);
    expect((await store.listLocks(NOW + 3_600_000)).map((l) => l.id)).toEqual(['lk_1']);
    const fresh = lock({ since: new Date(NOW + 8_000_000).toISOString(), until: new Date(NOW + 9_000_000).toISOString() });
    expect(await store.recordLock(fresh, NOW + 8_000_000)).toEqual(fresh);
    expect(await store.removeLock('lk_1')).toEqual(fresh);
    expect(await store.removeLock('lk_1')).toBeUndefined();
    expect(await store.listLocks(NOW + 8_000_000)).toEqual([]);
  });

  test('concurrent refusals from two instances are all counted', async () => {
    const one = s.make();
    const two = await s.another();
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).recordLock(lock({ lastConversationId: `c${i}` }), NOW)));
    const [stored] = await one.listLocks(NOW);
    expect(stored.refusals).toBe(20);
  });
});
