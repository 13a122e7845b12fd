/**
 * Text normalisation for moderation: what a customer typed → the forms the word lists are matched
 * against. It undoes the usual ways people write around a filter, so "d*bilai", "idi0tai",
 * "fuuuuck", "f u c k", "дeбил" (a Latin "e" among Cyrillic letters) and "blyat" look like the
 * words they stand for, while ordinary text keeps its words:
 *
 * - lower case, no diacritics (`foldText`: "ŠŪDAS" → "sudas"), apostrophes inside words dropped
 *   ("you're" → "youre");
 * - letters of the other script that look alike are mapped to the token's majority script, and
 *   leetspeak digits and symbols inside words become letters ("idi0t", "sh1t", "a$$", "6лять");
 * - masks inside words (`*`, `#`) become wildcards: a masked token is compared with the entries
 *   through {@link MaskedToken.pattern} instead of literally;
 * - three or more single letters in a row ("f u c k", "i.d.i.o.t") are joined into one token;
 * - every token also has a "squeezed" form without doubled letters ("fuuck" → "fuck");
 * - every token has a phonetic **skeleton** in Latin letters, the same for Cyrillic Russian and
 *   Latin-script Russian ("хуй", "huy", "xuy", "khuj" → "hui"; "блять", "blyat" → "bliat").
 *
 * Pure functions; no I/O.
 */
import { foldText } from '../nlu/text';
import { scriptLetters } from '../nlu/language';

/** Longest prefix of a message that is assessed (bounded cost for oversize messages). */
export const MAX_ASSESSED_CHARS = 2000;

/** A word boundary in any script (JavaScript's `\b` knows ASCII only). */
export const BOUNDARY = '(?:(?<![\\p{L}\\p{N}])(?=[\\p{L}\\p{N}])|(?<=[\\p{L}\\p{N}])(?![\\p{L}\\p{N}]))';

const MASK_CHARS = /[*#]/u;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LETTER = /\p{L}/u;

/** Leetspeak inside a Latin word: `idi0t`, `sh1t`, `b!tch`, `a$$`, `@ss`. */
const LATIN_LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };
/** Digits standing for Cyrillic letters: `6лять`, `3ачем`, `4мо`. */
const CYRILLIC_LEET: Readonly<Record<string, string>> = { '0': 'о', '3': 'з', '6': 'б', '4': 'ч', '@': 'а' };
/** Cyrillic letters that look like Latin ones (lower case; upper-case look-alikes fold to these). */
const CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a', с: 'c', е: 'e', о: 'o', р: 'p', х: 'x', у: 'y', к: 'k', м: 'm', н: 'h', в: 'b', т: 't', і: 'i', ј: 'j', ѕ: 's',
};
const LATIN_TO_CYRILLIC: Readonly<Record<string, string>> = {
  a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у', k: 'к', m: 'м', h: 'н', b: 'в', t: 'т',
};
/** Ukrainian and Belarusian letters that Russian writers use by mistake or to dodge filters. */
const CYRILLIC_FOLD: Readonly<Record<string, string>> = { і: 'и', ї: 'и', ў: 'у', є: 'е', ґ: 'г' };
/** Cyrillic → Latin letters of the skeleton. */
const SKELETON_LETTERS: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ж: 'zh', з: 'z', и: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p',
  р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', ш: 'sh', щ: 'sh', ъ: '', ы: 'i', ь: '', э: 'e', ю: 'iu',
  я: 'ia', і: 'i', ї: 'i', є: 'e', ґ: 'g', ў: 'u',
};

function mapChars(text: string, table: Readonly<Record<string, string>>): string {
  let out = '';
  for (const ch of text) out += table[ch] ?? ch;
  return out;
}

/**
 * The common spellings of Latin-script Russian brought to one form: "kh", "x" → "h"; "ts", "tc"
 * → "c"; "shch", "sch" → "sh"; "ya", "yu" → "ia", "iu"; "yo", "ye", "jo", "je" → "e"; other
 * "y", "j" → "i"; "w" → "v"; "ck" → "k".
 */
export function latinSkeleton(text: string): string {
  return text
    .replace(/['’`]/gu, '')
    .replace(/shch|sch/gu, 'sh')
    .replace(/tch/gu, 'ch')
    .replace(/kh/gu, 'h')
    .replace(/ck/gu, 'k')
    .replace(/t[sc]/gu, 'c')
    .replace(/x/gu, 'h')
    .replace(/w/gu, 'v')
    .replace(/[yj][oe]/gu, 'e')
    .replace(/ya/gu, 'ia')
    .replace(/yu/gu, 'iu')
    .replace(/[yj]/gu, 'i');
}

/** The phonetic skeleton of a folded word, for Russian matching in either script. */
export function skeleton(word: string): string {
  return latinSkeleton(mapChars(word, SKELETON_LETTERS));
}

/** Doubled letters removed: "fuuck" → "fuck", "idioot" → "idiot". */
export function squeeze(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

/** Lower case, no diacritics, apostrophes inside words dropped; 3+ equal letters become 2. */
export function foldForModeration(text: string): string {
  return foldText(text).replace(/(\p{L})['’`](?=\p{L})/gu, '$1');
}

type Script = 'latin' | 'cyrillic' | 'none';

function majorityScript(word: string): Script {
  const { latin, cyrillic } = scriptLetters(word);
  if (!latin && !cyrillic) return 'none';
  return cyrillic > latin ? 'cyrillic' : 'latin';
}

/** A word of one script: look-alike letters and leet characters mapped to `script`. */
function toScript(word: string, script: 'latin' | 'cyrillic'): string {
  if (script === 'latin') return mapChars(mapChars(word, CYRILLIC_TO_LATIN), LATIN_LEET);
  return mapChars(mapChars(mapChars(word, LATIN_TO_CYRILLIC), CYRILLIC_LEET), CYRILLIC_FOLD);
}

/**
 * The main form of a folded, mask-free word, and other forms worth matching (the other script's
 * reading of a mixed-script word, a Latin word spelt only with Cyrillic look-alikes like "cyka").
 */
export function wordForms(word: string): { primary: string; alternatives: string[] } {
  const script = majorityScript(word);
  if (script === 'none' || !/[\p{L}]/u.test(word)) return { primary: word, alternatives: [] };
  const hasDigitOrSymbol = /[^\p{L}]/u.test(word);
  const mixed = LATIN.test(word) && CYRILLIC.test(word);
  // Leetspeak only where letters are mixed with digits/symbols inside one word ("idi0t"), never in
  // plain numbers; a word of letters only keeps its letters.
  const primary = mixed || hasDigitOrSymbol || script === 'cyrillic' ? toScript(word, script) : word;
  const alternatives = new Set<string>();
  if (mixed) alternatives.add(toScript(word, script === 'latin' ? 'cyrillic' : 'latin'));
  if (script === 'latin' && !mixed && [...word].length >= 3 && [...word].every((ch) => ch in LATIN_TO_CYRILLIC)) {
    alternatives.add(toScript(word, 'cyrillic'));
  }
  alternatives.delete(primary);
  return { primary, alternatives: [...alternatives] };
}

/** A token whose letters were partly hidden (`f***ing`, `d*bilai`, `х*й`). */
export interface MaskedToken {
  /** Literal pieces (in `primary` form) and masks (how many mask characters), in order. */
  segments: Array<{ text: string } | { mask: number }>;
  /** The token's script, which decides how many letters a mask may hide in the skeleton. */
  script: 'latin' | 'cyrillic';
}

export interface ModerationToken {
  /** As written, folded. */
  raw: string;
  /** Forms compared with Latin/Cyrillic entries; the first is the main one. */
  forms: string[];
  /** Skeletons of `forms`, compared with Russian entries. */
  skeletons: string[];
  masked?: MaskedToken;
}

export interface NormalizedText {
  tokens: ModerationToken[];
  /** Main forms joined by single spaces, for phrases and patterns. */
  folded: string;
  /** Skeletons of the main forms joined by single spaces. */
  skeleton: string;
}

const TOKEN = /[*#@$]*[\p{L}\p{N}]+(?:[*#@$!]+[\p{L}\p{N}]+)*[*#$]*|\p{Extended_Pictographic}/gu;

/** Longer tokens, or more mask runs, are not read as a masked word (bounded matching cost). */
const MAX_MASKED_CHARS = 32;
const MAX_MASK_RUNS = 3;

function maskedToken(raw: string): MaskedToken | undefined {
  if (raw.length > MAX_MASKED_CHARS || (raw.match(/[*#]+/gu) ?? []).length > MAX_MASK_RUNS) return undefined;
  const segments: MaskedToken['segments'] = raw
    .split(/([*#]+)/u)
    .filter(Boolean)
    .map((piece) => (MASK_CHARS.test(piece) ? { mask: piece.length } : { text: wordForms(piece).primary }));
  const parts = segments.flatMap((g) => ('text' in g ? [g.text] : []));
  const letters = parts.join('').replace(/[^\p{L}]/gu, '').length;
  const maskRun = Math.max(0, ...segments.map((g) => ('mask' in g ? g.mask : 0)));
  // "c#" or "ok*" are not masked swear words; "f***", "s**t", "d*bilai" are.
  if (letters < 1 || (letters < 2 && maskRun < 2) || (letters < 3 && maskRun < 2 && parts.length < 2)) return undefined;
  return { segments, script: majorityScript(parts.join('')) === 'cyrillic' ? 'cyrillic' : 'latin' };
}

function plainToken(raw: string): ModerationToken {
  const { primary, alternatives } = wordForms(raw);
  const forms = [primary, ...alternatives];
  for (const f of [...forms]) {
    const sq = squeeze(f);
    if (sq !== f && !forms.includes(sq)) forms.push(sq);
  }
  const skeletons = [...new Set(forms.map(skeleton))];
  return { raw, forms, skeletons };
}

function token(raw: string): ModerationToken {
  // **emphasis** is not a mask
  const stripped = /^[*#]+.*[*#]+$/u.test(raw) && /[^*#]/u.test(raw) ? raw.replace(/^[*#]+|[*#]+$/gu, '') : raw;
  if (MASK_CHARS.test(stripped)) {
    const masked = maskedToken(stripped);
    if (masked) return { raw: stripped, forms: [stripped], skeletons: [stripped], masked };
    return plainToken(stripped.replace(/[*#]+/gu, ''));
  }
  return plainToken(stripped);
}

function isSingleLetter(t: ModerationToken): boolean {
  return !t.masked && [...t.forms[0]].length === 1 && LETTER.test(t.forms[0]);
}

/**
 * Tokens and joined forms of `text` (cut to {@link MAX_ASSESSED_CHARS}). Entities (tracking numbers,
 * phones, links) should be blanked by the caller first, so their digits are not read as leetspeak.
 */
export function normalizeForModeration(text: string): NormalizedText {
  const folded = foldForModeration(text.slice(0, MAX_ASSESSED_CHARS));
  const raw = [...folded.matchAll(TOKEN)].map((m) => m[0]);
  const tokens: ModerationToken[] = [];
  for (let i = 0; i < raw.length; ) {
    const t = token(raw[i]);
    if (isSingleLetter(t)) {
      let j = i;
      const run: ModerationToken[] = [];
      while (j < raw.length) {
        const next = j === i ? t : token(raw[j]);
        if (!isSingleLetter(next)) break;
        run.push(next);
        j++;
      }
      if (run.length >= 3) {
        tokens.push(plainToken(run.map((r) => r.forms[0]).join('')));
        i = j;
        continue;
      }
    }
    tokens.push(t);
    i++;
  }
  return {
    tokens,
    folded: tokens.map((t) => t.forms[0]).join(' '),
    skeleton: tokens.map((t) => t.skeletons[0]).join(' '),
  };
}
