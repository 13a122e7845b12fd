/**
 * The in-memory bot state store is bounded and expires like the Redis one: an item not written
 * for `ttlMs` is gone, and past `maxItems` the least recently written goes first.
 */
import { MemoryKeyValueStore } from '../../../services/state/MemoryKeyValueStore';

test('an item not written for ttlMs is gone; writing it again keeps it', async () => {
  let now = 0;
  const store = new MemoryKeyValueStore({ ttlMs: 1000, now: () => now });
  await store.write({ a: { v: 1 }, b: { v: 2 } });
  now = 900;
  await store.write({ b: { v: 3 } });
  now = 1000;
  const read = await store.read(['a', 'b']);
  expect(read.a).toBeUndefined();
  expect(read.b).toMatchObject({ v: 3 });
  await store.write({ c: { v: 4 } }); // a write sweeps the expired
  expect(store.size).toBe(2);
});

test('past maxItems the least recently written item is dropped, not the one just read', async () => {
  const store = new MemoryKeyValueStore({ maxItems: 2 });
  await store.write({ a: { v: 1 } });
  await store.write({ b: { v: 2 } });
  await store.write({ a: { v: 5 } }); // a is now the newest
  await store.write({ c: { v: 3 } });
  expect(store.size).toBe(2);
  expect(Object.keys(await store.read(['a', 'b', 'c'])).sort()).toEqual(['a', 'c']);
});

test('unbounded and without expiry by default', async () => {
  const store = new MemoryKeyValueStore();
  for (let i = 0; i < 50; i++) await store.write({ [`k${i}`]: { i } });
  expect(store.size).toBe(50);
});
