/**
 * Insults, swearing and threats in lt/en/ru: `assess(text)` says whether a message is ordinary,
 * a real request in rude words, only abuse, or a threat. The fair-use policy decides what to do
 * with that; this module only reads text.
 *
 * Why these four kinds: the service team answers "this is a f***ing joke, where is my parcel
 * CE…" (angry, but a request) and does not answer "you idiots" sent with insistence. A message
 * is `abuse` only when it has rude words and nothing that looks like a request; when in doubt it
 * is a `rude_request`, so a customer with a real problem is never left without an answer.
 *
 * Pure: the lists are compiled once; `assess` does no I/O.
 */
import { locateEntities } from '../nlu/entities';
import type { Lang } from '../i18n/langs';
import { loadModerationLists, SKELETON_LANGS, type EntrySource, type ModerationLists, type PatternEntry, type WordEntry, type WordRule } from './lists';
import { BOUNDARY, MAX_ASSESSED_CHARS, foldForModeration, normalizeForModeration, skeleton, latinSkeleton, wordForms, type MaskedToken, type ModerationToken } from './normalize';

export const ASSESSMENT_KINDS = ['ok', 'rude_request', 'abuse', 'threat'] as const;
/**
 * - `ok`: nothing rude;
 * - `rude_request`: rude words around a real request (answer the request, note the tone once);
 * - `abuse`: rude words and nothing else (not answered one by one, never queued for a person);
 * - `threat`: violence against people or property, whatever else the message says.
 */
export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];

/** One thing that matched, for review and for the supervisor's flag. */
export interface ModerationHit {
  rule: 'rude' | 'aimed' | 'threat';
  lang: Lang;
  /** The list entry or pattern (`debil*`, `en:[threat]:12`). */
  entry: string;
  source: EntrySource;
  /** The customer's words that matched, folded. */
  matched: string;
}

export interface Assessment {
  kind: AssessmentKind;
  hits: ModerationHit[];
  /** The message looks like a request: a parcel or phone number, a word of the flows, or the caller's hint. */
  request: boolean;
}

export interface AssessOptions {
  /**
   * The caller already knows the message is a request (e.g. the recognizer found an intent with
   * confidence): rude words then make it a `rude_request`, never `abuse`.
   */
  requestLikely?: boolean;
}

type Space = 'folded' | 'skeleton';
type Mode = 'exact' | 'prefix' | 'suffix' | 'infix';
const SPACES: readonly Space[] = ['folded', 'skeleton'];
const WORD_RULES: readonly WordRule[] = ['rude', 'request'];

interface SingleWord {
  entry: WordEntry;
  space: Space;
  mode: Mode;
  /** The literal part, in the entry's space. */
  base: string;
}

interface Phrase {
  entry: WordEntry;
  space: Space;
  re: RegExp;
}

interface CompiledPattern {
  pattern: PatternEntry;
  space: Space;
  re: RegExp;
}

const MAX_STEM_CHARS = 40;

/** Single-word entries of one rule in one space, looked up without regular expressions. */
class WordIndex {
  readonly all: SingleWord[] = [];
  private readonly exact = new Map<string, SingleWord>();
  private readonly prefix = new Map<string, SingleWord>();
  private readonly suffix = new Map<string, SingleWord>();
  private readonly infix: SingleWord[] = [];

  add(w: SingleWord): void {
    this.all.push(w);
    const map = w.mode === 'exact' ? this.exact : w.mode === 'prefix' ? this.prefix : w.mode === 'suffix' ? this.suffix : undefined;
    if (!map) this.infix.push(w);
    else if (!map.has(w.base)) map.set(w.base, w);
  }

  find(form: string): SingleWord | undefined {
    const exact = this.exact.get(form);
    if (exact) return exact;
    // Stems are short; a 2,000-letter "word" is looked up by its first and last letters only.
    for (let i = 1; i <= Math.min(form.length, MAX_STEM_CHARS); i++) {
      const p = this.prefix.get(form.slice(0, i));
      if (p) return p;
      const s = this.suffix.get(form.slice(form.length - i));
      if (s) return s;
    }
    return this.infix.find((w) => form.includes(w.base));
  }
}

const LETTERS = '\\p{L}*';
/** Joined forms are padded with one space: a boundary is then a space before or after. */
const START = '(?<= )';
const END = '(?= )';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An entry's words, normalised like a customer's words (`*` kept at the ends). */
function entryWords(entry: string): string[] {
  const folded = foldForModeration(entry);
  return folded
    .split(/[^\p{L}\p{N}*\p{Extended_Pictographic}]+/u)
    .filter((w) => w && w !== '*')
    .map((w) => {
      const lead = w.startsWith('*') ? '*' : '';
      const trail = w.length > 1 && w.endsWith('*') ? '*' : '';
      const core = w.replace(/^\*|\*$/gu, '');
      return `${lead}${wordForms(core).primary}${trail}`;
    });
}

function modeOf(word: string): Mode {
  const lead = word.startsWith('*');
  const trail = word.length > 1 && word.endsWith('*');
  if (lead && trail) return 'infix';
  if (lead) return 'suffix';
  if (trail) return 'prefix';
  return 'exact';
}

function coreOf(word: string, space: Space): string {
  const core = word.replace(/^\*|\*$/gu, '');
  return space === 'skeleton' ? skeleton(core) : core;
}

function wordRegexSource(word: string, space: Space): string {
  const lit = escapeRegExp(coreOf(word, space));
  switch (modeOf(word)) {
    case 'infix':
      return `${LETTERS}${lit}${LETTERS}`;
    case 'suffix':
      return `${LETTERS}${lit}`;
    case 'prefix':
      return `${lit}${LETTERS}`;
    default:
      return lit;
  }
}

/**
 * A pattern's source for `space`: diacritics stripped (its escapes are ASCII and stay), Cyrillic
 * runs transliterated for the skeleton, and `\b` made script-neutral (a space of the padded joined
 * text at the ends, a Unicode-aware boundary inside).
 */
function patternSource(source: string, space: Space): string {
  let s = source.normalize('NFKD').replace(/\p{M}+/gu, '');
  if (space === 'skeleton') s = s.replace(/\p{Script=Cyrillic}+/gu, (run) => latinSkeleton(skeleton(run.toLowerCase())));
  s = s.replace(/^\\b/u, START).replace(/\\b$/u, END);
  return s.replace(/\\b/g, BOUNDARY);
}

/** The spaces an entry of `lang` is compared in. */
function spacesOf(lang: Lang, cyrillicOnly: boolean): Space[] {
  return SKELETON_LANGS.includes(lang) && !cyrillicOnly ? ['skeleton'] : ['folded'];
}

function suffixes(text: string): string[] {
  const chars = [...text];
  return chars.map((_, i) => chars.slice(i).join('')).concat('');
}

function prefixes(text: string): string[] {
  const chars = [...text];
  return chars.map((_, i) => chars.slice(0, i + 1).join('')).concat('');
}

/**
 * A regex of a masked token in `space`. A mask hides about as many letters as it has characters
 * (`f***ing`: 3, `sh*t`: 1; one more is allowed, or twice the count in the skeleton of a Cyrillic
 * word, where "ж" becomes "zh"), so an entry cannot hide entirely inside the mask.
 */
function maskedRegex(masked: MaskedToken, space: Space): { re: RegExp; head: string; tail: string } {
  const most = (mask: number): number => (space === 'skeleton' && masked.script === 'cyrillic' ? 2 * mask : mask + 1);
  const source = masked.segments
    .map((g) => ('text' in g ? escapeRegExp(space === 'skeleton' ? skeleton(g.text) : g.text) : `\\p{L}{1,${most(g.mask)}}`))
    .join('');
  const first = masked.segments[0];
  const last = masked.segments[masked.segments.length - 1];
  const literal = (g: MaskedToken['segments'][number] | undefined): string => (g && 'text' in g ? (space === 'skeleton' ? skeleton(g.text) : g.text) : '');
  return { re: new RegExp(`^${source}$`, 'u'), head: literal(first), tail: literal(last) };
}

/**
 * Word lists and patterns compiled for matching. Build one with {@link Moderator.fromLists} (tests)
 * or use {@link defaultModerator} (the repository's lists).
 */
export class Moderator {
  private readonly words = new Map<string, WordIndex>();
  /** Phrases by their first word (exact first words), per rule and space. */
  private readonly phrasesByFirst = new Map<string, Phrase[]>();
  /** Phrases whose first word has a wildcard: always tried. */
  private readonly openPhrases: Phrase[] = [];
  /** Entries without letters or digits (an emoji), found as substrings. */
  private readonly raw: WordEntry[] = [];
  private readonly patterns: CompiledPattern[] = [];

  private constructor(lists: ModerationLists) {
    for (const rule of WORD_RULES) for (const space of SPACES) this.words.set(`${rule}:${space}`, new WordIndex());
    // Our own entries first, exact words before stems: they name the word best when a masked token
    // fits several entries.
    const rank = (e: WordEntry): number => (e.source === 'naughty-words' ? 2 : 0) + (e.entry.includes('*') ? 1 : 0);
    const ordered = [...lists.words].sort((a, b) => rank(a) - rank(b));
    for (const entry of ordered) {
      const words = entryWords(entry.entry);
      if (!words.length) {
        if (entry.entry.trim()) this.raw.push(entry);
        continue;
      }
      for (const space of spacesOf(entry.lang, entry.cyrillicOnly)) {
        if (words.length === 1) {
          const base = coreOf(words[0], space);
          if (base) this.index(entry.rule, space).add({ entry, space, mode: modeOf(words[0]), base });
          continue;
        }
        const phrase: Phrase = { entry, space, re: new RegExp(`${START}${words.map((w) => wordRegexSource(w, space)).join(' ')}${END}`, 'u') };
        if (modeOf(words[0]) !== 'exact') this.openPhrases.push(phrase);
        else {
          const key = `${space}:${coreOf(words[0], space)}`;
          this.phrasesByFirst.set(key, [...(this.phrasesByFirst.get(key) ?? []), phrase]);
        }
      }
    }
    for (const pattern of lists.patterns) {
      const spaces: Space[] = SKELETON_LANGS.includes(pattern.lang) ? ['folded', 'skeleton'] : ['folded'];
      for (const space of spaces) this.patterns.push({ pattern, space, re: new RegExp(patternSource(pattern.source, space), 'u') });
    }
  }

  static fromLists(lists: ModerationLists): Moderator {
    return new Moderator(lists);
  }

  private index(rule: WordRule, space: Space): WordIndex {
    const idx = this.words.get(`${rule}:${space}`);
    if (!idx) throw new Error(`Moderator: no index for ${rule}:${space}`);
    return idx;
  }

  /** How many list entries and patterns are in use. */
  size(): { words: number; patterns: number } {
    const entries = new Set<WordEntry>(this.raw);
    for (const idx of this.words.values()) for (const w of idx.all) entries.add(w.entry);
    for (const list of this.phrasesByFirst.values()) for (const p of list) entries.add(p.entry);
    for (const p of this.openPhrases) entries.add(p.entry);
    return { words: entries.size, patterns: new Set(this.patterns.map((p) => p.pattern)).size };
  }

  /**
   * What kind of message `text` is. Only the first {@link MAX_ASSESSED_CHARS} characters count.
   *
   * @example
   * assess('this is a f***ing joke, where is my parcel CE482139075LT').kind // 'rude_request'
   * assess('jūs visi d*bilai').kind                                          // 'abuse'
   * assess('sudeginsiu jūsų paštomatą').kind                                 // 'threat'
   */
  assess(text: string, options: AssessOptions = {}): Assessment {
    const cut = text.slice(0, MAX_ASSESSED_CHARS);
    const entities = locateEntities(cut);
    const spans = [...entities.trackingNumbers, ...entities.phones].sort((a, b) => b.start - a.start);
    let blanked = cut;
    for (const s of spans) blanked = `${blanked.slice(0, s.start)} ${blanked.slice(s.end)}`;
    blanked = blanked.replace(/\b(?:https?:\/\/|www\.)\S+/giu, ' ').replace(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, ' ');
    const norm = normalizeForModeration(blanked);
    const joined: Record<Space, string> = { folded: ` ${norm.folded} `, skeleton: ` ${norm.skeleton} ` };

    const hits: ModerationHit[] = [];
    let request = options.requestLikely === true || entities.trackingNumbers.length > 0 || entities.phones.length > 0;
    const phrases = new Set<Phrase>(this.openPhrases);
    for (const t of norm.tokens) {
      for (const space of SPACES) {
        for (const form of space === 'folded' ? t.forms : t.skeletons) for (const p of this.phrasesByFirst.get(`${space}:${form}`) ?? []) phrases.add(p);
      }
      const rude = this.matchToken(t, 'rude');
      if (rude) hits.push(hitOf(rude.entry, t.raw));
      else if (!request && this.matchToken(t, 'request')) request = true;
    }
    for (const p of phrases) {
      const m = p.re.exec(joined[p.space]);
      if (!m) continue;
      if (p.entry.rule === 'request') request = true;
      else hits.push(hitOf(p.entry, m[0]));
    }
    for (const r of this.raw) if (r.rule === 'rude' && cut.includes(r.entry)) hits.push(hitOf(r, r.entry));
    for (const p of this.patterns) {
      const m = p.re.exec(joined[p.space]);
      if (m) hits.push({ rule: p.pattern.rule, lang: p.pattern.lang, entry: `${p.pattern.lang}.txt:${p.pattern.line}`, source: 'language/moderation', matched: m[0] });
    }
    const unique = dedupe(hits);
    let kind: AssessmentKind = 'ok';
    if (unique.some((h) => h.rule === 'threat')) kind = 'threat';
    else if (unique.length) kind = request ? 'rude_request' : 'abuse';
    return { kind, hits: unique, request };
  }

  private matchToken(t: ModerationToken, rule: WordRule): SingleWord | undefined {
    if (t.masked) return this.matchMasked(t.masked, rule);
    for (const space of SPACES) {
      const idx = this.index(rule, space);
      for (const form of space === 'folded' ? t.forms : t.skeletons) {
        const found = idx.find(form);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** A masked token matches an entry when some spelling of the entry fits the mask. */
  private matchMasked(masked: MaskedToken, rule: WordRule): SingleWord | undefined {
    for (const space of SPACES) {
      const { re, head, tail } = maskedRegex(masked, space);
      for (const s of this.index(rule, space).all) {
        const heads = s.mode === 'suffix' || s.mode === 'infix' ? prefixes(head) : [''];
        const tails = s.mode === 'prefix' || s.mode === 'infix' ? suffixes(tail) : [''];
        if (heads.some((h) => tails.some((tl) => re.test(`${h}${s.base}${tl}`)))) return s;
      }
    }
    return undefined;
  }
}

function hitOf(entry: WordEntry, matched: string): ModerationHit {
  return { rule: 'rude', lang: entry.lang, entry: entry.entry, source: entry.source, matched };
}

/** One hit per entry (a pattern matches in Cyrillic and in its skeleton alike). */
function dedupe(hits: ModerationHit[]): ModerationHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const key = `${h.rule}|${h.lang}|${h.entry}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

let shared: Moderator | undefined;

/** The moderator over the repository's lists, compiled on first use and shared. */
export function defaultModerator(): Moderator {
  shared ??= Moderator.fromLists(loadModerationLists());
  return shared;
}

/** {@link Moderator.assess} with the repository's lists. */
export function assess(text: string, options?: AssessOptions): Assessment {
  return defaultModerator().assess(text, options);
}
