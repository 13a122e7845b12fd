/**
 * A position in a list the bot just showed, as customers say it: "2", "2.", "nr. 2", "#2",
 * "the second one", "antrą", "antrasis", "второй", "вторую", "vtoroj", "the last one". Only short
 * answers count (a sentence that happens to contain "first" is not a choice).
 */
import { foldText } from '../../text/fold';

/** The longest answer (in words) still read as a position. */
const MAX_WORDS = 4;

/** Stems of ordinal words per position (folded: lower case, no diacritics; Cyrillic kept). */
const ORDINAL_STEMS: readonly (readonly string[])[] = [
  ['first', '1st', 'pirm', 'перв', 'perv'],
  ['second', '2nd', 'antr', 'втор', 'vtor'],
  ['third', '3rd', 'trec', 'трет', 'tret'],
  ['fourth', '4th', 'ketvirt', 'четверт', 'chetvert', 'cetvert'],
  ['fifth', '5th', 'penkt', 'пят', 'pyat', 'piat'],
];
const LAST_STEMS = ['last', 'paskutin', 'последн', 'posledn'];
/** Words that start like an ordinal but are not one (weekdays). */
const NOT_ORDINAL = ['вторник', 'пятниц', 'vtornik', 'pyatnic'];

/** Words that may stand around a position without changing it ("the second one", "nr. 2", "вот вторую"). */
const FILLER_WORDS = [
  'the', 'one', 'number', 'no', 'nr', 'option', 'please', 'i', 'take', 'want', 'choose', 'pick', 'that',
  'tas', 'ta', 'numeris', 'nr', 'variantas', 'prasau', 'rinkciuosi', 'renkuosi', 'noriu', 'imu', 'pasirenku',
  'номер', 'вариант', 'пожалуйста', 'давайте', 'давай', 'выбираю', 'хочу', 'беру', 'вот', 'этот', 'эту', 'тот',
];
/** Folded on first use (this module is loaded while `../text` still initialises). */
let filler: Set<string> | undefined;

/**
 * The 1-based position the answer names among `count` entries, or undefined.
 *
 * @example ordinalChoice('the second one', 4) // 2
 * @example ordinalChoice('antrą', 4) // 2
 * @example ordinalChoice('последний', 3) // 3
 */
export function ordinalChoice(text: string, count: number): number | undefined {
  const words = foldText(text)
    .toLowerCase()
    .replace(/[#№]/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (!words.length || words.length > MAX_WORDS) return undefined;
  let found: number | undefined;
  for (const w of words) {
    let position: number | undefined;
    if (/^\d{1,2}$/.test(w)) position = Number(w);
    else if (LAST_STEMS.some((s) => w.startsWith(s))) position = count;
    else {
      const k = NOT_ORDINAL.some((n) => w.startsWith(n)) ? -1 : ORDINAL_STEMS.findIndex((stems) => stems.some((s) => w.startsWith(s) && w.length <= s.length + 5));
      if (k >= 0) position = k + 1;
    }
    if (position === undefined) {
      filler ??= new Set(FILLER_WORDS.map((f) => foldText(f)));
      if (!filler.has(w)) return undefined;
      continue;
    }
    if (found !== undefined && found !== position) return undefined;
    found = position;
  }
  return found !== undefined && found >= 1 && found <= count ? found : undefined;
}
