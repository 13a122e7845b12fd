/**
 * Which locker the customer wants to leave and which one they want instead, from the little words
 * in front of each mention, in lt/en/ru (with or without diacritics): "change from Akropolis
 * Vilnius to Mega Kaunas", "ne į Ozą, o į Akropolį", "не в Озас, а в Акрополис", "iš Akropolio į
 * Megą". The directory's own mention finder reads "Akropolis Vilnius to Mega Kaunas" as one span,
 * so the text is cut at the cue words first and every part is resolved on its own.
 */
import type { Entities, LockerMention } from '../types';

/** The locker to leave (`from`) and the one wanted (`to`); both empty when no cue names a locker to leave. */
export interface LockerChange {
  from?: LockerMention;
  to?: LockerMention;
}

/** Words that start the part naming the locker to leave ("from", "not", "instead of"). */
const FROM_WORDS: ReadonlySet<string> = new Set(['from', 'instead', 'not', 'iš', 'vietoj', 'vietoje', 'ne', 'из', 'от', 'с', 'со', 'вместо', 'не']);
/** Negations: a "to" word right after one still names the locker to leave ("ne į Ozą", "не в Озас", "not to Ozas"). */
const NEGATIONS: ReadonlySet<string> = new Set(['not', 'ne', 'не']);
/** Words that start the part naming the locker wanted ("to", "but", "o į", "а в"). */
const TO_WORDS: ReadonlySet<string> = new Set(['to', 'into', 'but', 'į', 'i', 'o', 'bet', 'в', 'во', 'на', 'а', 'но']);

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * What may stand between a "from" cue and the locker it names: up to three words ("from the
 * Akropolis", "iš paštomato Akropolyje", "не в ТЦ Озас", "instead of"), no punctuation, and none
 * of the words that make the cue an answer rather than a cue ("ne, Panorama…", "not sure
 * Panorama…", "не знаю, Панорама…", "с удовольствием, Панорама…").
 */
const MAX_GAP_WORDS = 3;
const ANSWER_WORDS: ReadonlySet<string> = new Set([
  'sure', 'know', 'really', 'yet', 'yes', 'no', 'problem', 'thanks',
  'taip', 'ne', 'zinau', 'žinau', 'tikras', 'tikra', 'tikrai', 'aciu', 'ačiū',
  'знаю', 'уверен', 'уверена', 'да', 'нет', 'удовольствием', 'спасибо', 'проблем',
]);
function cueGap(gap: string): boolean {
  if (/[,.;:!?]/u.test(gap)) return false;
  const words = gap.toLowerCase().match(WORD) ?? [];
  return words.length <= MAX_GAP_WORDS && !words.some((w) => ANSWER_WORDS.has(w));
}

type Role = keyof LockerChange;

/**
 * The lockers `text` names to leave and to go to, each part resolved with `resolve` (the
 * directory's `extractMentions`). Without a "from" cue nothing is resolved and the result is empty
 * (the first mention of the whole text is the one wanted, as before: `wantedLocker`); with one, the
 * wanted locker comes only from a part after a "to" cue, or from the words before any cue (none:
 * undefined, the dialog asks), so the locker to leave is never taken as the new one. A "from" cue
 * counts only when a locker mention follows it directly ("not Ozas", "ne į Ozą"; never "ne,
 * Panorama Vilniuje" or "not sure, Panorama Vilnius").
 *
 * @example lockerChange('change from Akropolis Vilnius to Mega Kaunas', dir.extractMentions)
 * // { from: { text: 'Akropolis Vilnius', … }, to: { text: 'Mega Kaunas', … } }
 */
export function lockerChange(text: string, resolve: (text: string) => LockerMention[]): LockerChange {
  const parts: { role?: Role; start: number; end: number }[] = [{ start: 0, end: text.length }];
  let previous = '';
  for (const m of text.matchAll(WORD)) {
    const word = m[0].toLowerCase();
    const at = m.index ?? 0;
    const current = parts[parts.length - 1];
    const role: Role | undefined = FROM_WORDS.has(word) ? 'from' : TO_WORDS.has(word) ? (NEGATIONS.has(previous) ? 'from' : 'to') : undefined;
    previous = word;
    if (!role) continue;
    current.end = at;
    parts.push({ role, start: at + m[0].length, end: text.length });
  }
  const mentionOf = (role: Role): LockerMention | undefined => {
    for (const p of parts) {
      if (p.role !== role) continue;
      const part = text.slice(p.start, p.end);
      const found = resolve(part)[0];
      // The locker to leave is the one named right after its cue.
      if (found && (role !== 'from' || cueGap(part.slice(0, Math.max(0, part.indexOf(found.text)))))) return found;
    }
    return undefined;
  };
  const from = mentionOf('from');
  if (!from) return {};
  // "Mega Kaunas, not Akropolis Vilnius": the wanted one may also come before any cue.
  const to = mentionOf('to') ?? (parts[0].role ? undefined : resolve(text.slice(parts[0].start, parts[0].end))[0]);
  return to ? { from, to } : { from };
}

/** A locker the customer asked for: what to search for (none named yet), and the lockers to leave. */
export interface WantedLocker {
  query?: string;
  leave: string[];
}

/**
 * The locker a message asks for, from its entities: the `to` of a change with the `from` lockers
 * to leave (its best candidates, all of them when tied), else the first mention. Undefined when the
 * message names no locker.
 */
export function wantedLocker(entities: Pick<Entities, 'lockers' | 'lockerChange'>): WantedLocker | undefined {
  const change = entities.lockerChange;
  if (!change) return entities.lockers[0] ? { query: entities.lockers[0].text, leave: [] } : undefined;
  const leave = lockersLeft(change.from);
  return change.to ? { query: change.to.text, leave } : { leave };
}

/** The lockers a mention of the locker to leave stands for: its best candidates (all of them when tied). */
export function lockersLeft(from: LockerMention): string[] {
  const top = from.candidates[0]?.score ?? 0;
  return from.candidates.filter((c) => c.score >= top - 1e-9).map((c) => c.lockerId);
}
