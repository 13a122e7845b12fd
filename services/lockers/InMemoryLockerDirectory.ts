import type { Locker } from '../carrier/types';
import type { LockerMention } from '../nlu/types';
import type { LockerDirectory, LockerMatch } from './types';
import { blankEntities, editDistance, letterMask, maskDistance, tokenize, type Token } from './text';
import {
  CONTRAST_STEMS,
  CUE_STEMS,
  DIRECTION_FOLDED,
  FILLER_STEMS,
  PLACE_STEMS,
  SENTENCE_STOP_STEMS,
  STREET_MARKER_STEMS,
  SYNONYM_STEMS,
} from './vocabulary';

type WordField = 'name' | 'city' | 'street';

interface Posting {
  idx: number;
  field: WordField;
}

/** One locker's searchable facts, as stems. */
interface Entry {
  locker: Locker;
  /** Name words that are neither the city nor the street ("akropol", "maksim"). */
  name: Set<string>;
  city: Set<string>;
  street: Set<string>;
  /** House number as written ("61", "143a"). */
  houseNumber?: string;
  postal: string;
}

/** How strictly a word must resemble a directory word. */
type Mode = 'query' | 'sentence';

interface WordMatch {
  stem: string;
  quality: number;
}

/** A query word with what it may refer to. */
interface QueryWord {
  token: Token;
  /** Directory stems it resembles (empty for numbers). */
  matches: WordMatch[];
  /** Place types it names ("mall"). */
  places: string[];
  /** True when followed by a street marker ("Taikos pr."). */
  streetMarked: boolean;
  /** True when the stem is a city name somewhere in the directory. */
  cityWord: boolean;
}

/** What one query word matched on one locker: the best quality per field. */
type Slot = Partial<Record<WordField | 'place' | 'number' | 'postal', number>>;

interface Ranked {
  idx: number;
  score: number;
  nameCoverage: number;
  cityQ: number;
  streetQ: number;
  numberQ: number;
  postalQ: number;
}

export interface InMemoryLockerDirectoryOptions {
  /** Include inactive lockers in search results (default false; `get()` always finds them). */
  includeInactive?: boolean;
}

const FIELD_PRIORITY: WordField[] = ['city', 'name', 'street'];
const ID_RE = /\b[a-z]{2}[\s-]?[a-z]{2,4}[\s-]?\d{1,5}\b/gi;
const MAX_QUERY_WORDS = 12;
const CACHE_LIMIT = 5000;
/** A sentence span is a locker mention only from this score up. */
const MENTION_MIN_SCORE = 0.6;

const normalizeId = (id: string) => id.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * The locker directory held in memory, with indexes built once in the constructor.
 *
 * Query words are folded (lower case, no diacritics, Cyrillic transliterated), fillers dropped
 * ("paštomatas", "prie", "g.", "в", ...), and Lithuanian/Russian endings stripped, so
 * "Akropolyje Vilniuje", "akropolis vilnius" and "Акрополис в Вильнюсе" are the same query.
 * Each word is matched against locker names, cities and streets exactly or with typos
 * (edit distance 1 from 4 letters, 2 from 7), house numbers and postal codes exactly.
 * A locker's score rewards covering the query (unmatched words cost a little) and covering the
 * locker (its distinctive name words, city, street and number). An exact id scores 1.
 */
export class InMemoryLockerDirectory implements LockerDirectory {
  private readonly entries: Entry[] = [];
  private readonly byId = new Map<string, Locker>();
  private readonly byNormalizedId = new Map<string, number>();
  private readonly postings = new Map<string, Posting[]>();
  private readonly numberPostings = new Map<string, Array<{ idx: number; quality: number }>>();
  private readonly postalPostings = new Map<string, number[]>();
  private readonly cityStems = new Set<string>();
  private readonly vocabularyByLength = new Map<number, Array<{ stem: string; mask: number }>>();
  private readonly matchCache = new Map<string, WordMatch[]>();
  /** Position of each entry in name order (then id), for deterministic ties. */
  private readonly order: number[];

  constructor(lockers: readonly Locker[], options: InMemoryLockerDirectoryOptions = {}) {
    for (const locker of lockers) {
      if (this.byId.has(locker.id)) continue;
      this.byId.set(locker.id, locker);
      if (!locker.active && !options.includeInactive) continue;
      const idx = this.entries.length;
      const entry = buildEntry(locker);
      this.entries.push(entry);
      this.byNormalizedId.set(normalizeId(locker.id), idx);
      for (const field of FIELD_PRIORITY) {
        for (const s of entry[field]) this.post(s, { idx, field });
      }
      for (const s of entry.city) this.cityStems.add(s);
      if (entry.houseNumber) {
        this.postNumber(entry.houseNumber, idx, 1);
        const digits = entry.houseNumber.match(/^\d+/)?.[0];
        if (digits && digits !== entry.houseNumber) this.postNumber(digits, idx, 0.8);
      }
      if (entry.postal) {
        const list = this.postalPostings.get(entry.postal);
        if (list) list.push(idx);
        else this.postalPostings.set(entry.postal, [idx]);
      }
    }
    const collator = new Intl.Collator('lt');
    const sorted = this.entries
      .map((e, idx) => ({ idx, name: e.locker.name, id: e.locker.id }))
      .sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1));
    this.order = new Array<number>(this.entries.length);
    sorted.forEach((e, position) => (this.order[e.idx] = position));
    for (const s of this.postings.keys()) {
      const list = this.vocabularyByLength.get(s.length) ?? [];
      list.push({ stem: s, mask: letterMask(s) });
      this.vocabularyByLength.set(s.length, list);
    }
  }

  size(): number {
    return this.byId.size;
  }

  get(id: string): Locker | undefined {
    return this.byId.get(id) ?? this.byId.get(id.trim().toUpperCase());
  }

  search(query: string, limit = 5): LockerMatch[] {
    if (limit <= 0) return [];
    const text = blankEntities(query);
    const ids = this.findIds(text);
    const idIdx = [...new Set(ids.map((h) => h.idx))];
    const out: LockerMatch[] = idIdx.map((idx) => ({ locker: this.entries[idx].locker, score: 1 }));
    if (out.length >= limit) return out.slice(0, limit);
    const ranked = this.rank(this.queryWords(outside(tokenize(text), ids), 'query'));
    const top = ranked[0]?.score ?? 0;
    for (const r of ranked) {
      if (out.length >= limit || r.score < top - 0.3) break;
      if (!idIdx.includes(r.idx)) out.push({ locker: this.entries[r.idx].locker, score: round(r.score) });
    }
    return out;
  }

  /**
   * Locker references inside a longer message, in the order they appear; each with up to `limit`
   * candidates (default 5), best first. Tracking numbers, phones, e-mails and conversation words
   * are ignored, and "ne/not/не/vietoj/instead" ends a reference. Precision comes first:
   * - a locker id, or a postal code, counts;
   * - a whole name counts on its own ("Akropolis", "Ozo", "Saulės miestas"), part of one only with
   *   its city or street;
   * - a street counts with a house number, a city or a street marker ("Taikos pr. 61");
   * - a city alone never counts ("aš gyvenu Kaune" -> []).
   * Typos are tolerated less than in `search()` (edit distance 1 from 5 letters, 2 from 8).
   */
  extractMentions(text: string, limit = 5): LockerMention[] {
    if (limit <= 0) return [];
    const clean = blankEntities(text);
    const ids = this.findIds(clean);
    const mentions: Array<LockerMention & { at: number }> = ids.map((h) => ({
      text: text.slice(h.start, h.end),
      candidates: [{ lockerId: this.entries[h.idx].locker.id, score: 1 }],
      at: h.start,
    }));
    const words = this.queryWords(outside(tokenize(clean), ids), 'sentence');
    for (let span of this.spans(words)) {
      let ranked = this.rank(span);
      if (ranked[0] && ranked[0].numberQ === 0 && ranked[0].postalQ === 0 && span.some((w) => w.token.isNumber)) {
        span = span.filter((w) => !w.token.isNumber);
        ranked = this.rank(span);
      }
      const best = ranked[0];
      if (!best || best.score < MENTION_MIN_SCORE) continue;
      const streetStated = best.streetQ >= 0.8 && (best.numberQ > 0 || best.cityQ > 0 || span.some((w) => w.streetMarked));
      const named = best.nameCoverage >= 0.99 || (best.nameCoverage > 0 && (best.cityQ > 0 || best.streetQ > 0));
      if (!named && !streetStated && best.postalQ === 0) continue;
      const floor = Math.max(MENTION_MIN_SCORE - 0.1, best.score - 0.2);
      const candidates = ranked
        .filter((r) => r.score >= floor)
        .slice(0, limit)
        .map((r) => ({ lockerId: this.entries[r.idx].locker.id, score: round(r.score) }));
      const first = span[0].token;
      const last = span[span.length - 1].token;
      mentions.push({ text: text.slice(first.start, last.end), candidates, at: first.start });
    }
    return mentions.sort((a, b) => a.at - b.at).map(({ text: t, candidates }) => ({ text: t, candidates }));
  }

  private post(stem: string, posting: Posting): void {
    const list = this.postings.get(stem);
    if (list) list.push(posting);
    else this.postings.set(stem, [posting]);
  }

  private postNumber(value: string, idx: number, quality: number): void {
    const list = this.numberPostings.get(value) ?? [];
    list.push({ idx, quality });
    this.numberPostings.set(value, list);
  }

  /** Known locker ids written in the text ("LT-VLN-0003", "lt vln 0003"), with their offsets. */
  private findIds(text: string): Array<{ idx: number; start: number; end: number }> {
    const hits: Array<{ idx: number; start: number; end: number }> = [];
    for (const m of text.matchAll(ID_RE)) {
      const idx = this.byNormalizedId.get(normalizeId(m[0]));
      const start = m.index ?? 0;
      if (idx !== undefined) hits.push({ idx, start, end: start + m[0].length });
    }
    return hits;
  }

  /**
   * Drops fillers (queries) or marks them (sentences) and attaches directory matches to the other
   * words. In sentences, words shorter than 3 letters never match, and a conversation word that is
   * also a locker name ("iki", "big") matches only next to a locker word ("Iki paštomatas").
   */
  private queryWords(tokens: Token[], mode: Mode): QueryWord[] {
    const stops = mode === 'query' ? FILLER_STEMS : SENTENCE_STOP_STEMS;
    const out: QueryWord[] = [];
    tokens.forEach((token, i) => {
      const next = tokens[i + 1];
      const prev = tokens[i - 1];
      const word: QueryWord = {
        token,
        matches: [],
        places: [],
        streetMarked: next !== undefined && !next.breakBefore && isStreetMarker(next),
        cityWord: this.cityStems.has(token.stem),
      };
      if (token.isNumber) {
        out.push(word);
        return;
      }
      let stop = stops.has(token.stem) || stops.has(token.folded) || token.folded.length < (mode === 'query' ? 2 : 3);
      if (stop && mode === 'sentence' && !FILLER_STEMS.has(token.stem) && this.postings.has(token.stem)) {
        const nearCue = (t?: Token) => t !== undefined && CUE_STEMS.has(t.stem);
        const afterCue = !token.breakBefore && prev !== undefined && (nearCue(prev) || DIRECTION_FOLDED.has(prev.folded));
        stop = !afterCue && !(nearCue(next) && !next?.breakBefore);
      }
      if (stop) {
        if (mode === 'sentence') out.push(word);
        return;
      }
      word.matches = this.matchWord(token.stem, mode);
      word.places = PLACE_STEMS.get(token.stem) ?? [];
      out.push(word);
    });
    return mode === 'query' ? out.slice(0, MAX_QUERY_WORDS) : out;
  }

  /** Directory stems resembling `stem`: exact, within the typo budget, or (queries only) a prefix. */
  private matchWord(stem: string, mode: Mode): WordMatch[] {
    const key = `${mode}:${stem}`;
    const cached = this.matchCache.get(key);
    if (cached) return cached;
    const matches: WordMatch[] = [];
    if (this.postings.has(stem)) matches.push({ stem, quality: 1 });
    for (const synonym of SYNONYM_STEMS.get(stem) ?? []) {
      if (this.postings.has(synonym)) matches.push({ stem: synonym, quality: 0.9 });
    }
    const len = stem.length;
    const budget = mode === 'query' ? (len >= 7 ? 2 : len >= 4 ? 1 : 0) : len >= 8 ? 2 : len >= 5 ? 1 : 0;
    const mask = letterMask(stem);
    const minLength = mode === 'query' ? 4 : 5;
    for (let l = Math.max(len - budget, minLength); budget > 0 && l <= len + budget; l++) {
      for (const { stem: candidate, mask: candidateMask } of this.vocabularyByLength.get(l) ?? []) {
        if (candidate === stem || maskDistance(mask, candidateMask) > 2 * budget) continue;
        const d = editDistance(stem, candidate, budget);
        if (d <= budget) matches.push({ stem: candidate, quality: d === 1 ? 0.85 : 0.7 });
      }
    }
    if (mode === 'query' && len >= 4) {
      for (const [l, list] of this.vocabularyByLength) {
        if (l <= len + budget || l > len + 6) continue;
        for (const { stem: candidate } of list) if (candidate.startsWith(stem)) matches.push({ stem: candidate, quality: 0.75 });
      }
    }
    if (this.matchCache.size >= CACHE_LIMIT) this.matchCache.clear();
    this.matchCache.set(key, matches);
    return matches;
  }

  /**
   * Candidate locker references in a sentence: runs of matching words, joined across at most two
   * fillers, with house numbers kept when they follow a matching word.
   */
  private spans(words: QueryWord[]): QueryWord[][] {
    const spans: QueryWord[][] = [];
    let current: QueryWord[] = [];
    let fillers = 0;
    const close = () => {
      while (current.length && current[current.length - 1].matches.length === 0 && !current[current.length - 1].token.isNumber) current.pop();
      if (current.some((w) => w.matches.length > 0)) spans.push(current.filter((w) => w.matches.length > 0 || w.token.isNumber || w.places.length > 0));
      current = [];
      fillers = 0;
    };
    for (const w of words) {
      if (w.token.breakBefore || (w.matches.length === 0 && CONTRAST_STEMS.has(w.token.stem) && !isStreetMarker(w.token))) close();
      const isFiller =
        w.matches.length === 0 && !w.token.isNumber && (w.places.length > 0 || SENTENCE_STOP_STEMS.has(w.token.stem) || w.token.folded.length < 3);
      if (w.matches.length > 0) {
        current.push(w);
        fillers = 0;
      } else if (w.token.isNumber) {
        if (current.length) current.push(w);
      } else if (isFiller && current.length && fillers < 2) {
        fillers++;
        current.push(w);
      } else {
        close();
      }
    }
    close();
    return spans;
  }

  /** Scores every locker that any word points at; best first, ties by name then id. */
  private rank(words: QueryWord[]): Ranked[] {
    if (!words.some((w) => w.matches.length > 0 || (w.token.isNumber && this.postalPostings.has(w.token.folded)))) return [];
    const n = words.length;
    const evidence = new Map<number, Slot[]>();
    const slot = (idx: number, i: number): Slot => {
      let slots = evidence.get(idx);
      if (!slots) {
        slots = new Array<Slot>(n);
        evidence.set(idx, slots);
      }
      return (slots[i] ??= {});
    };
    const hasNumber = words.some((w) => w.token.isNumber);
    words.forEach((w, i) => {
      if (w.token.isNumber) {
        for (const p of this.numberPostings.get(w.token.folded) ?? []) {
          const s = slot(p.idx, i);
          s.number = Math.max(s.number ?? 0, p.quality);
        }
        for (const idx of this.postalPostings.get(w.token.folded) ?? []) slot(idx, i).postal = 1;
        return;
      }
      for (const m of w.matches) {
        for (const p of this.postings.get(m.stem) ?? []) {
          let q = m.quality;
          if (p.field === 'street' && w.cityWord && !w.streetMarked) q *= 0.7;
          if (p.field === 'city' && w.streetMarked) q *= 0.6;
          const s = slot(p.idx, i);
          if ((s[p.field] ?? 0) < q) s[p.field] = q;
        }
      }
    });
    const placeWords = words.map((w, i) => [i, w.places] as const).filter(([, places]) => places.length > 0);

    const ranked: Ranked[] = [];
    for (const [idx, slots] of evidence) {
      const entry = this.entries[idx];
      for (const [i, places] of placeWords) {
        if (places.includes(entry.locker.placeType)) (slots[i] ??= {}).place = 0.6;
      }
      let numberQ = 0;
      let postalQ = 0;
      for (const s of slots) {
        numberQ = Math.max(numberQ, s?.number ?? 0);
        postalQ = Math.max(postalQ, s?.postal ?? 0);
      }
      let covered = 0;
      let total = 0;
      let cityQ = 0;
      let streetQ = 0;
      let placeQ = 0;
      let nameSum = 0;
      for (let i = 0; i < n; i++) {
        const s = slots[i];
        if (!s) {
          total += 0.5;
          continue;
        }
        if (words[i].token.isNumber) {
          const q = Math.max(s.number ?? 0, s.postal ?? 0);
          covered += q;
          total += 1;
          continue;
        }
        const field = pickField(s, hasNumber && numberQ > 0);
        const q = field ? (s[field] ?? 0) : (s.place ?? 0);
        covered += q;
        total += 1;
        if (field === 'city') cityQ = Math.max(cityQ, q);
        else if (field === 'street') streetQ = Math.max(streetQ, q);
        else if (field === 'name') nameSum += q;
        else placeQ = Math.max(placeQ, q);
      }
      const nameCoverage = entry.name.size ? Math.min(1, nameSum / entry.name.size) : 0;
      if (nameCoverage === 0 && cityQ === 0 && streetQ === 0 && postalQ === 0) continue;
      const specificity = Math.min(
        1,
        0.6 * nameCoverage + 0.25 * cityQ + 0.3 * streetQ + 0.2 * numberQ * (streetQ > 0 ? 1 : 0.3) + 0.5 * postalQ + 0.1 * placeQ,
      );
      const score = Math.min(0.99, 0.6 * (covered / total) + 0.4 * specificity);
      ranked.push({ idx, score, nameCoverage, cityQ, streetQ, numberQ, postalQ });
    }
    ranked.sort((a, b) => b.score - a.score || this.order[a.idx] - this.order[b.idx]);
    return ranked;
  }
}

/** Chooses the field a word counts for on one locker: best quality, then city > name > street (street first next to a matching house number). */
function pickField(slot: Slot, numberMatched: boolean): WordField | undefined {
  const order: WordField[] = numberMatched ? ['street', 'city', 'name'] : FIELD_PRIORITY;
  let best: WordField | undefined;
  for (const f of order) {
    const q = slot[f];
    if (q !== undefined && (best === undefined || q > (slot[best] ?? 0))) best = f;
  }
  return best;
}

/** Tokens that are not part of any of the given ranges. */
function outside(tokens: Token[], ranges: ReadonlyArray<{ start: number; end: number }>): Token[] {
  return ranges.length ? tokens.filter((t) => !ranges.some((r) => t.start >= r.start && t.end <= r.end)) : tokens;
}

/** "g", "pr.", "gatvė", ...; the one-letter "a" (aikštė) only with its dot, as it is also an English word. */
function isStreetMarker(token: Token): boolean {
  return STREET_MARKER_STEMS.has(token.stem) && (token.folded !== 'a' || token.dotAfter);
}

function buildEntry(locker: Locker): Entry {
  const city = new Set(words(locker.city).map((t) => t.stem));
  const addressTokens = tokenize(locker.address);
  const numbers = addressTokens.filter((t) => t.isNumber);
  const house = numbers.length ? numbers[numbers.length - 1] : undefined;
  const street = new Set(
    addressTokens.filter((t) => t !== house && !(!t.isNumber && (STREET_MARKER_STEMS.has(t.stem) || t.folded.length < 2))).map((t) => t.stem),
  );
  const nameTokens = words(locker.name);
  const nameHasAddress = house !== undefined && nameTokens.some((t) => t.folded === house.folded);
  const name = new Set(
    nameTokens.filter((t) => !t.isNumber && !city.has(t.stem) && !(nameHasAddress && street.has(t.stem))).map((t) => t.stem),
  );
  return {
    locker,
    name,
    city,
    street,
    houseNumber: house?.folded,
    postal: locker.postalCode.replace(/\D/g, ''),
  };
}

/** Tokens of a directory field without fillers and one-letter initials. */
function words(text: string): Token[] {
  return tokenize(text).filter((t) => t.isNumber || (t.folded.length >= 2 && !FILLER_STEMS.has(t.stem)));
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}
