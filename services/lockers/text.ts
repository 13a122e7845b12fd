/**
 * Text folding for locker search: one pipeline applied to both the directory and the customer's
 * words, so "Vilniuje", "Vilniaus", "Vilnius" and "в Вильнюсе" all meet at the same stem. It builds
 * on the shared folding (services/text/fold.ts: case, diacritics, letter runs) and adds what only
 * place names need: Cyrillic written the Lithuanian way ("Вильнюс" -> "vilnius"), "x" -> "ks".
 */
import { foldText as foldShared } from '../text/fold';
import { locateEntities } from '../nlu/entities';

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ж: 'z', з: 'z', и: 'i', й: 'j', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'ch', ц: 'c', ч: 'c', ш: 's', щ: 's',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia', є: 'e', і: 'i', ї: 'i', ґ: 'g',
};

/** Lithuanian noun/adjective endings (diacritics already folded), longest first. */
const LT_ENDINGS = [
  'iuose', 'iomis', 'iems', 'iams', 'ioms', 'iais', 'iaus', 'iame', 'iuje', 'ioje', 'iose', 'omis', 'emis', 'imis', 'umis',
  'uose', 'yje', 'uje', 'oje', 'eje', 'ose', 'ese', 'yse', 'ams', 'oms', 'ems', 'ais', 'aus', 'iai', 'ius', 'ies', 'iui', 'ame',
  'ai', 'ei', 'ui', 'iu', 'io', 'ia', 'ie', 'as', 'is', 'ys', 'us', 'os', 'es',
  'a', 'e', 'i', 'o', 'u', 'y',
];

/** Russian case endings of transliterated words, longest first (stripped once, before the Lithuanian stemmer). */
const RU_ENDINGS = ['iami', 'ami', 'ach', 'om', 'oj', 'ej', 'yj', 'ij', 'iu', 'ia', 'e', 'a', 'u', 'y', 'i'];

const CYRILLIC_RE = /[\u0400-\u04ff]/;

/** Lower case, no diacritics, Cyrillic transliterated the Lithuanian way ("Вильнюс" -> "vilnius"), "x" -> "ks". */
export function foldText(text: string): string {
  const lower = foldShared(text);
  let out = '';
  for (const ch of lower) out += CYRILLIC[ch] ?? ch;
  return out.replace(/x/g, 'ks');
}

/**
 * Reduces a folded word to a stem: Russian case ending (for Cyrillic input) then one Lithuanian
 * ending, keeping at least 3 letters (2 for short words like "Ozas"/"Ozo" -> "oz"). Numbers and
 * words with digits are returned unchanged.
 */
export function stem(folded: string, wasCyrillic = false): string {
  if (/\d/.test(folded)) return folded;
  let word = folded;
  if (wasCyrillic) word = stripEnding(word, RU_ENDINGS, 3);
  return stripEnding(word, LT_ENDINGS, word.length <= 4 ? 2 : 3);
}

function stripEnding(word: string, endings: readonly string[], minStem: number): string {
  for (const ending of endings) {
    if (word.length - ending.length >= minStem && word.endsWith(ending)) return word.slice(0, -ending.length);
  }
  return word;
}

/** A word of the input with its place in the original text. */
export interface Token {
  /** Folded form, e.g. "vilniuje". */
  folded: string;
  /** Stem, e.g. "viln"; for numbers the folded number ("61a"). */
  stem: string;
  isNumber: boolean;
  /** Offsets in the original text. */
  start: number;
  end: number;
  /** True when a sentence break or a removed entity (tracking number, phone) precedes this token. */
  breakBefore: boolean;
  /** True when a full stop follows directly ("g.", "pr."). */
  dotAfter: boolean;
}

const WORD_RE = /[\p{L}\p{N}]+/gu;
const BREAK_RE = /[?!;:\n\u0000]/;

/** Splits text into folded, stemmed words, remembering their offsets. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(WORD_RE)) {
    const start = m.index ?? 0;
    const raw = m[0];
    const folded = foldText(raw).replace(/[^a-z0-9]/g, '');
    const gap = text.slice(last, start);
    last = start + raw.length;
    if (!folded) continue;
    const isNumber = /^\d/.test(folded);
    tokens.push({
      folded,
      stem: isNumber ? folded : stem(folded, CYRILLIC_RE.test(raw)),
      isNumber,
      start,
      end: start + raw.length,
      breakBefore: BREAK_RE.test(gap),
      dotAfter: text[start + raw.length] === '.',
    });
  }
  return tokens;
}

/** Stems of a phrase list (in any script), for stop-word sets built from natural spellings. */
export function stemSet(words: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const w of words) for (const t of tokenize(w)) out.add(t.stem);
  return out;
}

/**
 * `text` with its tracking numbers and phone numbers (found by the NLU's entity finder, the same
 * one the dialogs use), URLs and e-mail addresses blanked out position for position, so their
 * digits and letters never match a locker name.
 */
export function blankEntities(text: string): string {
  const blank = (s: string) => '\u0000'.repeat(s.length);
  const found = locateEntities(text);
  let out = text.replace(/https?:\/\/\S+|\S+@\S+\.\S+/gi, blank);
  for (const e of [...found.trackingNumbers, ...found.phones]) out = out.slice(0, e.start) + blank(out.slice(e.start, e.end)) + out.slice(e.end);
  return out;
}

/** Letters present in a folded word as bits (a-z, then digits folded into the top bits): a cheap pre-filter for `editDistance`. */
export function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 97 && c <= 122) mask |= 1 << (c - 97);
    else if (c >= 48 && c <= 57) mask |= 1 << (26 + ((c - 48) % 6));
  }
  return mask;
}

/** Upper bound on how many letters one edit can add to or remove from the letter set. */
export function maskDistance(a: number, b: number): number {
  let x = (a ^ b) >>> 0;
  let count = 0;
  while (x) {
    x &= x - 1;
    count++;
  }
  return count;
}

let rowA = new Int32Array(32);
let rowB = new Int32Array(32);
let rowC = new Int32Array(32);

/**
 * Optimal-string-alignment (Damerau-Levenshtein with adjacent transpositions) distance, or
 * `max + 1` as soon as it is known to exceed `max`. Reuses its buffers: no allocation per call.
 */
export function editDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (a === b) return 0;
  if (rowA.length <= lb) {
    rowA = new Int32Array(lb + 1);
    rowB = new Int32Array(lb + 1);
    rowC = new Int32Array(lb + 1);
  }
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb] > max ? max + 1 : prev[lb];
}
