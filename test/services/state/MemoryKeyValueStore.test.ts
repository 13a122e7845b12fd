/**
 * The in-memory bot state store stays bounded (issue #8 finding 5): items expire after their last
 * write and are swept, and a flood of conversations keeps at most `maxItems`, dropping the least
 * recently written first. (The eTag contract itself runs on every backend in EtagStore.test.ts.)
 */
import { MemoryKeyValueStore } from '../../../services/state/MemoryKeyValueStore';

test('items expire after their last write and are swept; a write renews them', async () => {
  let t = 0;
  const store = new MemoryKeyValueStore({ ttlMs: 1000, now: () => t });
  await store.write({ a: { v: 1 }, b: { v: 2 } });
  t = 600;
  await store.write({ a: { v: 3 } });
  t = 1200;
  expect(Object.keys(await store.read(['a', 'b']))).toEqual(['a']);
  expect(store.size).toBe(1);
  t = 1700;
  expect(await store.read(['a'])).toEqual({});
  expect(store.size).toBe(0);
});

test('a flood of 20,000 conversations keeps at most maxItems, the least recently written go first', async () => {
  const store = new MemoryKeyValueStore({ maxItems: 1000 });
  await store.write({ live: { v: 0 } });
  for (let i = 0; i < 20_000; i++) {
    await store.write({ [`flood-${i}`]: { v: i } });
    if (i % 500 === 0) await store.write({ live: { v: i } }); // a customer still chatting
  }
  expect(store.size).toBe(1000);
  expect(Object.keys(await store.read(['live', 'flood-0', 'flood-19999']))).toEqual(['live', 'flood-19999']);
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
