/**
 * Turns normalised tokens into a sparse, L2-normalised TF-IDF vector of word unigrams, word
 * bigrams, word-prefix "stem" unigrams and bigrams, and character n-grams (inside word boundaries
 * by default), indexed by a vocabulary learned from the training texts. Character n-grams and
 * stems are what let the model cope with inflection ("siunta", "siuntos", "siuntą"), typos and
 * missing diacritics.
 *
 * Texts are encoded once against the vocabulary ({@link FeatureSpace.encode}); IDF weights can
 * then be refitted on any subset ({@link FeatureSpace.withIdfFrom}) so cross-validation folds
 * reuse the encoding instead of re-featurising.
 */
import { isWordToken } from '../text';
import { KeyTable } from '../keyTable';

/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

/** Feature ids and raw counts of one text. */
export interface EncodedText {
  ids: Int32Array;
  counts: Float64Array;
}

export interface FeatureOptions {
  /** Smallest and largest character n-gram length. Default 2..5. */
  charMin?: number;
  charMax?: number;
  /** Include word bigrams. Default true. */
  bigrams?: boolean;
  /** Weight of the word block against the character block (each is L2-normalised first). Default 1. */
  wordWeight?: number;
  /** `word`: character n-grams inside words only; `text`: also across word boundaries ("ne ta"). Default `word`. */
  charScope?: 'word' | 'text';
  /** Length of word prefixes used as crude stems for stem unigrams and bigrams (0 = off). Default 4. */
  stemLength?: number;
  /** Also pair stems one word apart ("noriu … paštomatą"). Default false. */
  skipGrams?: boolean;
}

const CHAR = 0;
const WORD = 1;

/** Calls `add` with every feature key of a text, once per occurrence, in a fixed order. */
function eachFeature(tokens: readonly string[], o: Required<FeatureOptions>, add: (key: string) => void): void {
  // Folded text is almost entirely BMP, so UTF-16 substrings are characters.
  const charGrams = (s: string) => {
    for (let n = o.charMin; n <= o.charMax; n++) {
      for (let i = 0; i + n <= s.length; i++) {
        const g = s.substring(i, i + n);
        if (g !== ' ' && g !== '  ') add(`c${g}`);
      }
    }
  };
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t] as string;
    add(`w${tok}`);
    if (o.bigrams && t + 1 < tokens.length) add(`b${tok} ${tokens[t + 1] as string}`);
    if (o.charScope === 'word' && isWordToken(tok)) charGrams(` ${tok} `);
  }
  if (o.charScope === 'text') charGrams(` ${tokens.filter(isWordToken).join(' ')} `);
  if (o.stemLength > 0) {
    const stems = tokens.map((t) => (isWordToken(t) ? t.slice(0, o.stemLength) : t));
    for (let t = 0; t < stems.length; t++) {
      add(`s${stems[t] as string}`);
      if (t + 1 < stems.length) add(`t${stems[t] as string} ${stems[t + 1] as string}`);
      if (o.skipGrams && t + 2 < stems.length) add(`k${stems[t] as string} ${stems[t + 2] as string}`);
    }
  }
}

/** The distinct feature keys of a text, in order of first occurrence. */
function featureKeys(tokens: readonly string[], o: Required<FeatureOptions>): Set<string> {
  const keys = new Set<string>();
  eachFeature(tokens, o, (key) => keys.add(key));
  return keys;
}

/** A fitted feature space: vocabulary, feature blocks and IDF weights. */
export class FeatureSpace {
  private constructor(
    /** Feature key → id (compact: the vocabulary is most of the loaded model's memory). */
    private readonly index: KeyTable,
    private readonly block: Uint8Array,
    private readonly idf: Float64Array | Float32Array,
    private readonly options: Required<FeatureOptions>,
  ) {}

  /** The settings the space was fitted with (stored in the model artifact). */
  get settings(): Required<FeatureOptions> {
    return { ...this.options };
  }

  /** Feature keys in index order (stored in the model artifact). */
  keys(): string[] {
    return this.index.keys();
  }

  /** IDF weights in index order, as 32-bit floats (the precision the artifact keeps). */
  idf32(): Float32Array {
    return Float32Array.from(this.idf);
  }

  /**
   * A space from stored parts ({@link keys} as a {@link KeyTable}, {@link idf32}, {@link settings}); feature blocks
   * follow from the keys' first letter.
   * @throws Error when keys and weights disagree in length.
   */
  static fromParts(index: KeyTable, idf: Float32Array, options: Required<FeatureOptions>): FeatureSpace {
    if (index.size !== idf.length) throw new Error(`FeatureSpace.fromParts(): ${index.size} keys but ${idf.length} weights`);
    const block = new Uint8Array(index.size);
    for (let i = 0; i < block.length; i++) block[i] = index.firstCharCode(i) === 99 /* c */ ? CHAR : WORD;
    return new FeatureSpace(index, block, idf, { ...options });
  }

  /** The same space with its IDF weights rounded to 32-bit floats, as the artifact keeps them. */
  with32BitIdf(): FeatureSpace {
    return new FeatureSpace(this.index, this.block, this.idf32(), this.options);
  }

  /** Number of features (dimension of the vectors). */
  get size(): number {
    return this.idf.length;
  }

  /** Learns the vocabulary and IDF from tokenised training texts; deterministic in input order. */
  static fit(docs: readonly (readonly string[])[], options: FeatureOptions = {}): FeatureSpace {
    const o: Required<FeatureOptions> = {
      charMin: options.charMin ?? 2,
      charMax: options.charMax ?? 5,
      bigrams: options.bigrams ?? true,
      wordWeight: options.wordWeight ?? 1,
      charScope: options.charScope ?? 'word',
      stemLength: options.stemLength ?? 4,
      skipGrams: options.skipGrams ?? false,
    };
    const index = new Map<string, number>();
    const blocks: number[] = [];
    const df: number[] = [];
    for (const doc of docs) {
      for (const key of featureKeys(doc, o)) {
        const i = index.get(key);
        if (i !== undefined) df[i] = (df[i] as number) + 1;
        else {
          index.set(key, df.length);
          df.push(1);
          blocks.push(key.charCodeAt(0) === 99 /* c */ ? CHAR : WORD);
        }
      }
    }
    const space = new FeatureSpace(KeyTable.of([...index.keys()]), Uint8Array.from(blocks), new Float64Array(df.length), o);
    space.setIdf(df, docs.length);
    return space;
  }

  private setIdf(df: ArrayLike<number>, n: number): void {
    for (let i = 0; i < this.idf.length; i++) {
      const d = df[i] as number;
      this.idf[i] = d > 0 ? Math.log((1 + n) / (1 + d)) + 1 : 0;
    }
  }

  /** Known features of a text with raw counts (unknown features are dropped). */
  encode(tokens: readonly string[]): EncodedText {
    // Counted by feature id, not by key: one lookup per occurrence instead of a count map of
    // keys and then a lookup of each. Distinct keys have distinct ids, so the ids come out in
    // the order in which the known keys first occur, as the counts of keys would give them.
    const counts = new Map<number, number>();
    eachFeature(tokens, this.options, (key) => {
      const i = this.index.get(key);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    });
    return { ids: Int32Array.from(counts.keys()), counts: Float64Array.from(counts.values()) };
  }

  /**
   * The same vocabulary with IDF refitted on `docs` only; features absent from `docs` get weight
   * 0, exactly as if the vocabulary had been learned from `docs`.
   */
  withIdfFrom(docs: readonly EncodedText[]): FeatureSpace {
    const df = new Float64Array(this.idf.length);
    for (const d of docs) for (let k = 0; k < d.ids.length; k++) df[d.ids[k] as number] = (df[d.ids[k] as number] as number) + 1;
    const space = new FeatureSpace(this.index, this.block, new Float64Array(this.idf.length), this.options);
    space.setIdf(df, docs.length);
    return space;
  }

  /** TF-IDF vector of an encoded text: sublinear tf, each block L2-normalised and weighted, then the whole. */
  weigh(text: EncodedText): SparseVector {
    const n = text.ids.length;
    const idx = new Int32Array(n);
    const val = new Float64Array(n);
    const norm2 = [0, 0];
    let m = 0;
    for (let k = 0; k < n; k++) {
      const i = text.ids[k] as number;
      const w = this.idf[i] as number;
      if (w === 0) continue;
      const v = (1 + Math.log(text.counts[k] as number)) * w;
      idx[m] = i;
      val[m++] = v;
      norm2[this.block[i] as number] += v * v;
    }
    const scale = [norm2[CHAR] ? 1 / Math.sqrt(norm2[CHAR] as number) : 0, norm2[WORD] ? this.options.wordWeight / Math.sqrt(norm2[WORD] as number) : 0];
    let total = 0;
    for (let k = 0; k < m; k++) {
      const v = (val[k] as number) * (scale[this.block[idx[k] as number] as number] as number);
      val[k] = v;
      total += v * v;
    }
    const inv = total > 0 ? 1 / Math.sqrt(total) : 0;
    for (let k = 0; k < m; k++) val[k] = (val[k] as number) * inv;
    return { indices: idx.slice(0, m), values: val.slice(0, m) };
  }

  /** `weigh(encode(tokens))`. */
  vectorize(tokens: readonly string[]): SparseVector {
    return this.weigh(this.encode(tokens));
  }
}
