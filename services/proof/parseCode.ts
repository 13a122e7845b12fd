/**
 * Reads a one-time code out of what a customer typed: `123456`, `123 456`, `123-456`,
 * `kodas: 12 34 56`, full-width `１２３４５６`, digits written as words in Lithuanian, English or
 * Russian (also without diacritics or in Latin letters: `vienas du trys keturi penki sesi`,
 * `odin dva tri`), or a mix. Pure and total: never throws.
 *
 * Rule: digits (and number words) separated only by spaces, dashes, dots, underscores or commas
 * form one group; the message holds a code when exactly one distinct group has exactly 6 digits.
 * Anything else (5 or 7 digits, two different 6-digit groups, no digits) is not a code, so the
 * caller can say "a code has 6 digits" without spending a try.
 */

const NUMBER_WORDS = new Map<string, string>();
const words = (digit: string, ...list: string[]) => list.forEach((w) => NUMBER_WORDS.set(w, digit));
// English
words('0', 'zero', 'nought');
words('1', 'one');
words('2', 'two');
words('3', 'three');
words('4', 'four');
words('5', 'five');
words('6', 'six');
words('7', 'seven');
words('8', 'eight');
words('9', 'nine');
// Lithuanian (with and without diacritics, common spoken forms)
words('0', 'nulis');
words('1', 'vienas', 'viens', 'viena');
words('2', 'du', 'dvi');
words('3', 'trys');
words('4', 'keturi', 'keturios');
words('5', 'penki', 'penkios');
words('6', 'šeši', 'sesi', 'šešios', 'sesios');
words('7', 'septyni', 'septynios');
words('8', 'aštuoni', 'astuoni', 'aštuonios', 'astuonios');
words('9', 'devyni', 'devynios');
// Russian, Cyrillic and Latin transliteration (ё already folded to е)
words('0', 'ноль', 'нуль', 'nol', 'nol\'', 'nul');
words('1', 'один', 'одна', 'раз', 'odin', 'odna');
words('2', 'два', 'две', 'dva', 'dve');
words('3', 'три', 'tri');
words('4', 'четыре', 'chetyre', 'četyre');
words('5', 'пять', 'pyat', 'pjat', 'piat');
words('6', 'шесть', 'shest', 'šest');
words('7', 'семь', 'sem');
words('8', 'восемь', 'vosem');
words('9', 'девять', 'devyat', 'devjat', 'deviat');

const SEPARATOR = /^[\s\-‐‑‒–—_.,·/]+$/u;
const TOKEN = /\d|[\p{L}']+|[^\d\p{L}']+/gu;

/** The 6-digit code in `text`, or undefined when there is none (or more than one). */
export function parseCode(text: string): string | undefined {
  if (typeof text !== 'string' || text.length > 500) return undefined;
  const normalized = text.normalize('NFKC').toLowerCase().replace(/ё/g, 'е');
  const groups: string[] = [];
  let current = '';
  const close = () => {
    if (current) groups.push(current);
    current = '';
  };
  for (const token of normalized.match(TOKEN) ?? []) {
    const digit = /^\d$/.test(token) ? token : NUMBER_WORDS.get(token);
    if (digit !== undefined) current += digit;
    else if (!SEPARATOR.test(token)) close();
  }
  close();
  const candidates = new Set(groups.filter((g) => g.length === 6));
  return candidates.size === 1 ? [...candidates][0] : undefined;
}
