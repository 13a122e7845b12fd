/**
 * Global interruptions typed as a whole short message ("cancel", "atšaukti", "по-русски"),
 * recognised before any intent classification so they work in every dialog and every language.
 */
import type { Lang } from '../i18n/langs';
import { foldText } from './text';

export type Command = 'cancel' | 'restart' | 'help' | 'bot' | { lang: Lang };

/** Folded (lower-case, diacritic-free) phrases; Cyrillic stays Cyrillic with "й" -> "и", "ё" -> "е". */
const PHRASES: [Command, string[]][] = [
  ['cancel', ['atsaukti', 'atsauk', 'nutraukti', 'baigti', 'cancel', 'stop', 'quit', 'exit', 'отмена', 'отменить', 'стоп', 'отмени']],
  [
    'restart',
    ['is naujo', 'pradeti is naujo', 'pradeti', 'pradzia', 'start over', 'restart', 'start again', 'заново', 'начать сначала', 'начать заново', 'сначала'],
  ],
  ['help', ['pagalba', 'pagalbos', 'help', 'помощь', 'помогите']],
  ['bot', ['bot', 'botas', 'grizti pas bota', 'grizti i bota', 'back to bot', 'back to the bot', 'бот', 'вернуться к боту']],
  [
    { lang: 'en' },
    ['english', 'in english', 'en', 'eng', 'anglu', 'angliskai', 'по английски', 'английскии', 'на английском'],
  ],
  [
    { lang: 'lt' },
    ['lietuviskai', 'lietuviu', 'lietuviu kalba', 'lt', 'lithuanian', 'in lithuanian', 'по литовски', 'литовскии', 'на литовском'],
  ],
  [
    { lang: 'ru' },
    ['по русски', 'русскии', 'на русском', 'ru', 'rus', 'russian', 'in russian', 'rusiskai', 'rusu', 'rusu kalba', 'po russki'],
  ],
];

const POLITE = new Set(['please', 'pls', 'prasau', 'пожалуиста', 'плиз']);
const TABLE = new Map<string, Command>();
for (const [command, phrases] of PHRASES) for (const p of phrases) TABLE.set(p, command);

/**
 * The command a whole message expresses, or undefined. Only short messages match (a sentence
 * that merely contains "stop" is left to the recognizer); punctuation, emoji, case, diacritics
 * and a trailing "please" are ignored.
 * @example detectCommand('Atšaukti!') // 'cancel'
 * @example detectCommand('по-русски') // { lang: 'ru' }
 */
export function detectCommand(text: string): Command | undefined {
  if (!text || text.length > 60) return undefined;
  const words = foldText(text)
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 0);
  while (words.length > 1 && POLITE.has(words[words.length - 1] ?? '')) words.pop();
  while (words.length > 1 && POLITE.has(words[0] ?? '')) words.shift();
  if (!words.length || words.length > 5) return undefined;
  return TABLE.get(words.join(' '));
}
