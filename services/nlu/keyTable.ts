/**
 * A read-only map from string keys to their positions (0…n-1), kept as one string and two typed
 * arrays instead of a `Map` of separate strings.
 *
 * Why not a `Map`: the embedded model's vocabulary has ~112,000 feature keys and the language
 * detector ~19,000 n-grams. As `Map<string, number>`s each key is a heap string of its own plus
 * a slot in a map's hash table: together 11–13 MiB of the idle process's heap and ~130,000
 * objects that every full GC marks. Here the keys stay in the newline-joined text the model
 * artifact stores them in; `starts` gives where each one begins and `slots` is an
 * open-addressing hash table (linear probing, load ≤ 0.5) of positions. A lookup hashes the
 * probe string (FNV-1a over UTF-16 code units) and compares it with the stored text in place:
 * nothing is allocated. Hand-written because the npm packages we know of for static or perfect
 * hashing keep the keys as separate strings, which is what this avoids.
 */

const SEPARATOR = '\n';

function hashOf(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class KeyTable {
  private constructor(
    /** The keys joined with `\n`. */
    private readonly text: string,
    /** `starts[i]` is where key `i` begins in `text`; `starts[n]` is `text.length + 1`. */
    private readonly starts: Int32Array,
    /** Key position + 1 per hash slot; 0 = empty. */
    private readonly slots: Int32Array,
  ) {}

  /**
   * A table of `keys` in their order.
   * @throws Error when a key repeats or holds a newline.
   */
  static of(keys: readonly string[]): KeyTable {
    for (const key of keys) if (key.includes(SEPARATOR)) throw new Error('KeyTable.of(): a key holds a newline');
    return KeyTable.fromJoined(keys.length ? keys.join(SEPARATOR) : '', keys.length);
  }

  /**
   * A table of the keys in `text`, one per line (the model artifact's layout). `count` is the
   * number of keys when known (an empty `text` is one empty key unless `count` is 0).
   * @throws Error when a key repeats or `count` disagrees with the text.
   */
  static fromJoined(text: string, count?: number): KeyTable {
    const n = count === 0 && text === '' ? 0 : countLines(text);
    if (count !== undefined && count !== n) throw new Error(`KeyTable.fromJoined(): ${n} keys in the text, ${count} expected`);
    const starts = new Int32Array(n + 1);
    for (let i = 1, at = 0; i < n; i++) {
      at = text.indexOf(SEPARATOR, at) + 1;
      starts[i] = at;
    }
    starts[n] = text.length + 1;
    let size = 2;
    while (size < 2 * n) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const table = new KeyTable(text, starts, slots);
    for (let i = 0; i < n; i++) {
      const from = starts[i] as number;
      const to = (starts[i + 1] as number) - 1;
      let slot = hashOf(text, from, to) & mask;
      for (;;) {
        const held = slots[slot] as number;
        if (held === 0) break;
        if (table.equalsAt(held - 1, text, from, to)) throw new Error(`KeyTable: the key at ${i} repeats the key at ${held - 1}`);
        slot = (slot + 1) & mask;
      }
      slots[slot] = i + 1;
    }
    return table;
  }

  /** Number of keys. */
  get size(): number {
    return this.starts.length - 1;
  }

  /** The position of `key`, or undefined. */
  get(key: string): number | undefined {
    const mask = this.slots.length - 1;
    let slot = hashOf(key, 0, key.length) & mask;
    for (;;) {
      const held = this.slots[slot] as number;
      if (held === 0) return undefined;
      if (this.equalsAt(held - 1, key, 0, key.length)) return held - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** The first UTF-16 code unit of key `id` (NaN for an empty key). */
  firstCharCode(id: number): number {
    const start = this.starts[id] as number;
    return start < (this.starts[id + 1] as number) - 1 ? this.text.charCodeAt(start) : NaN;
  }

  /** The keys in order. */
  keys(): string[] {
    return this.size === 0 ? [] : this.text.split(SEPARATOR);
  }

  /** Whether key `id` equals `probe.slice(from, to)`. */
  private equalsAt(id: number, probe: string, from: number, to: number): boolean {
    const start = this.starts[id] as number;
    if ((this.starts[id + 1] as number) - 1 - start !== to - from) return false;
    for (let i = from, j = start; i < to; i++, j++) if (probe.charCodeAt(i) !== this.text.charCodeAt(j)) return false;
    return true;
  }
}

function countLines(text: string): number {
  let n = 1;
  for (let at = text.indexOf(SEPARATOR); at !== -1; at = text.indexOf(SEPARATOR, at + 1)) n++;
  return n;
}
