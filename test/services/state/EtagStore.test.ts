import { EtagConflictError, type KeyValueStore } from '../../../services/state/EtagStore';
import { MemoryKeyValueStore } from '../../../services/state/MemoryKeyValueStore';
import { RedisKeyValueStore } from '../../../services/state/RedisKeyValueStore';
import { BACKENDS, useRedis, type Backend } from '../../setup/redis';

function storeFactory(backend: Backend): (opts?: { ttlMs?: number }) => KeyValueStore {
  if (backend === 'memory') return () => new MemoryKeyValueStore();
  const env = useRedis(backend);
  return (opts = {}) => new RedisKeyValueStore(env.client, { prefix: `${env.prefix}kv:`, ...opts });
}

describe.each(BACKENDS)('KeyValueStore contract (%s)', (backend) => {
  const makeStore = storeFactory(backend);
  let store: KeyValueStore;
  beforeEach(() => {
    store = makeStore();
  });

  it('reads back what was written, with an eTag, and omits missing keys', async () => {
    await store.write({ a: { n: 1, nested: { list: ['x'] } } });
    const got = await store.read(['a', 'missing']);
    expect(Object.keys(got)).toEqual(['a']);
    expect(got.a).toMatchObject({ n: 1, nested: { list: ['x'] } });
    expect(typeof got.a.eTag).toBe('string');
    expect(got.a.eTag).not.toBe('');
  });

  it('gives every successful write a new eTag and does not modify the caller object', async () => {
    const item = { n: 1 };
    await store.write({ a: item });
    const first = (await store.read(['a'])).a.eTag;
    await store.write({ a: { n: 2 } });
    const second = (await store.read(['a'])).a;
    expect(second.eTag).not.toBe(first);
    expect(second.n).toBe(2);
    expect(item).toEqual({ n: 1 });
  });

  it('accepts a write carrying the current eTag and rejects a stale one with "eTag conflict"', async () => {
    await store.write({ a: { n: 1 } });
    const read1 = (await store.read(['a'])).a;
    await store.write({ a: { ...read1, n: 2 } });
    const read2 = (await store.read(['a'])).a;
    await expect(store.write({ a: { ...read1, n: 3 } })).rejects.toThrow(/eTag conflict/);
    await expect(store.write({ a: { ...read1, n: 3 } })).rejects.toBeInstanceOf(EtagConflictError);
    expect((await store.read(['a'])).a).toEqual(read2);
  });

  it("treats '*' and a missing eTag as unconditional", async () => {
    await store.write({ a: { n: 1 } });
    await store.write({ a: { n: 2, eTag: '*' } });
    expect((await store.read(['a'])).a.n).toBe(2);
    await store.write({ a: { n: 3 } });
    expect((await store.read(['a'])).a.n).toBe(3);
  });

  it('writes a key that does not exist whatever eTag the item carries (botbuilder MemoryStorage behaviour)', async () => {
    await store.write({ fresh: { n: 1, eTag: 'some-old-tag' } });
    expect((await store.read(['fresh'])).fresh.n).toBe(1);
  });

  it('lets exactly one of two writers holding the same eTag win', async () => {
    await store.write({ a: { n: 0 } });
    const seen = (await store.read(['a'])).a;
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.write({ a: { ...seen, n: i + 1 } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('deletes, and deleting a missing key is fine', async () => {
    await store.write({ a: { n: 1 }, b: { n: 2 } });
    await store.delete(['a', 'nope']);
    expect(Object.keys(await store.read(['a', 'b']))).toEqual(['b']);
  });

  it('handles several keys in one call', async () => {
    await store.write({ 'conv/1': { v: 'one' }, 'conv/2': { v: 'two' }, 'user{x}/3': { v: 'three' } });
    const got = await store.read(['conv/1', 'conv/2', 'user{x}/3']);
    expect([got['conv/1'].v, got['conv/2'].v, got['user{x}/3'].v]).toEqual(['one', 'two', 'three']);
  });

  if (backend !== 'memory') {
    it('expires items after the configured TTL', async () => {
      const short = makeStore({ ttlMs: 300 });
      await short.write({ a: { n: 1 } });
      expect(Object.keys(await short.read(['a']))).toEqual(['a']);
      await new Promise((r) => setTimeout(r, 450));
      expect(await short.read(['a'])).toEqual({});
    });
  }
});
