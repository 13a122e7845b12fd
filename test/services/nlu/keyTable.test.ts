/**
 * KeyTable: the compact read-only string → position table behind the embedded model's vocabulary
 * and the language detector's n-grams. It must answer exactly as a Map of the same keys would.
 */
import { KeyTable } from '../../../services/nlu/keyTable';
import { loadOrTrainModel } from '../../../services/nlu/embedded/modelArtifact';

test('finds every key at its position and nothing else, as a Map would', () => {
  // Keys that share prefixes, differ by one letter or in length, non-Latin and astral characters, the empty key.
  const keys = ['', 'a', 'ab', 'abc', 'b', 'ba', 'cpaš', 'cpas', 'wпривет', 'w😀', 'b a', ' a ', ...Array.from({ length: 5000 }, (_, i) => `k${i.toString(36)}`)];
  const table = KeyTable.of(keys);
  const map = new Map(keys.map((k, i) => [k, i]));
  expect(table.size).toBe(keys.length);
  for (const [k, i] of map) expect(table.get(k)).toBe(i);
  for (const probe of ['abcd', 'A', 'c', 'cpa', 'wпривeт', 'k', 'k0 ', ' ', '\n', 'a\nab', 'zzzz']) expect(table.get(probe)).toBe(map.get(probe));
  expect(table.keys()).toEqual(keys);
  expect(table.firstCharCode(1)).toBe('a'.charCodeAt(0));
  expect(table.firstCharCode(0)).toBeNaN();
});

test('from the joined text (the artifact layout) it is the same table, and the count must agree', () => {
  const keys = ['wkur', 'cku', 'bkur mano'];
  const joined = KeyTable.fromJoined(keys.join('\n'), 3);
  expect(keys.map((k) => joined.get(k))).toEqual([0, 1, 2]);
  expect(joined.keys()).toEqual(keys);
  expect(() => KeyTable.fromJoined(keys.join('\n'), 4)).toThrow(/3 keys in the text, 4 expected/);
  expect(() => KeyTable.fromJoined('abc', 0)).toThrow(/1 keys in the text, 0 expected/);
  // An empty text is one empty key unless no key is expected.
  expect(KeyTable.fromJoined('', 1).get('')).toBe(0);
  expect(() => KeyTable.fromJoined('\n')).toThrow(/repeats/);
});

test('every table size: each key is found wherever the probe sequence wraps around', () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 1024, 1025]) {
    const keys = Array.from({ length: n }, (_, i) => `x${i}`);
    const table = KeyTable.of(keys);
    keys.forEach((k, i) => expect(table.get(k)).toBe(i));
    expect(table.get(`x${n}`)).toBeUndefined();
  }
});

test('UTF-16 code units: lone surrogates and the astral characters they make are distinct keys', () => {
  const keys = ['\uD83D', '\uDE00', '😀', '😀\uD83D'];
  const table = KeyTable.of(keys);
  keys.forEach((k, i) => expect(table.get(k)).toBe(i));
  expect(table.get('\uDE00\uD83D')).toBeUndefined();
});

test('no keys: an empty table that finds nothing', () => {
  for (const table of [KeyTable.of([]), KeyTable.fromJoined('', 0)]) {
    expect(table.size).toBe(0);
    expect(table.get('')).toBeUndefined();
    expect(table.get('a')).toBeUndefined();
    expect(table.keys()).toEqual([]);
  }
});

test('refuses repeated keys and keys with a newline (they would corrupt the artifact)', () => {
  expect(() => KeyTable.of(['a', 'b', 'a'])).toThrow(/repeats/);
  expect(() => KeyTable.fromJoined('a\nb\nb')).toThrow(/repeats/);
  expect(() => KeyTable.of(['a\nb'])).toThrow(/newline/);
});

test("the built model: its vocabulary as the artifact stores it (one joined text) finds every key at its position", () => {
  const bundle = loadOrTrainModel();
  for (const keys of [bundle.classifier.toParts().space.keys(), bundle.detector.toParts().grams]) {
    expect(keys.length).toBeGreaterThan(1_000);
    const table = KeyTable.fromJoined(keys.join('\n'), keys.length);
    keys.forEach((k, i) => {
      if (table.get(k) !== i) throw new Error(`key ${JSON.stringify(k)} at ${i} found at ${table.get(k)}`);
    });
  }
});
