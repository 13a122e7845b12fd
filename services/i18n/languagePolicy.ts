/**
 * Which language to answer in. The customer's language lives in user state; it is set by an
 * explicit command ("english", "по-русски"), by the widget's locale on first contact, or by what
 * the customer writes. A confident message in another language switches; short or ambiguous
 * messages ("ok", a phone number) never do, and an explicit choice is only overridden by a clear
 * sentence in another language.
 */
import { DEFAULT_LANG, isLang, type Lang } from './langs';
import type { Command } from '../nlu/commands';

export interface LanguageInput {
  current?: Lang;
  /** The customer chose `current` explicitly. */
  chosen?: boolean;
  command?: Command;
  /** Language detected in this message. */
  detected?: { lang?: Lang; score: number };
  text?: string;
  /** Channel locale, e.g. `en-US` from Web Chat. */
  locale?: string;
  /**
   * A flow is waiting for an answer (a phone, a locker name). Answers like "Panorama Vilnius" are
   * names, not language evidence, so switching then needs a real sentence.
   */
  inFlow?: boolean;
}

export interface LanguageDecision {
  lang: Lang;
  chosen: boolean;
}

/** Minimum detection confidence to switch away from the current language. */
export const SWITCH_SCORE = 0.85;
/** Confidence and length needed to override an explicit choice. */
export const OVERRIDE_SCORE = 0.95;
/** Words a message needs before it may switch the language: outside a flow, and while a flow waits for an answer. */
export const MIN_WORDS = 2;
export const MIN_WORDS_IN_FLOW = 4;

export function localeLang(locale?: string): Lang | undefined {
  const base = locale?.toLowerCase().split(/[-_]/)[0];
  return isLang(base) ? base : undefined;
}

function wordCount(text = ''): number {
  return text.split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w)).length;
}

export function chooseLanguage(input: LanguageInput): LanguageDecision {
  if (input.command && typeof input.command === 'object') return { lang: input.command.lang, chosen: true };
  const detected = input.detected?.lang ? input.detected : undefined;
  const words = wordCount(input.text);
  if (!input.current) {
    if (detected && (detected.score >= SWITCH_SCORE || words >= 2)) return { lang: detected.lang!, chosen: false };
    return { lang: localeLang(input.locale) ?? detected?.lang ?? DEFAULT_LANG, chosen: false };
  }
  if (!detected || detected.lang === input.current) return { lang: input.current, chosen: !!input.chosen };
  // Cyrillic script is unambiguous (unlike "ok" or a place name in Latin letters): even a one-word
  // "да" or "отмена" means the customer writes Russian.
  if (detected.lang === 'ru' && detected.score >= SWITCH_SCORE) return { lang: 'ru', chosen: false };
  const minWords = input.inFlow ? MIN_WORDS_IN_FLOW : MIN_WORDS;
  if (input.chosen) {
    return detected.score >= OVERRIDE_SCORE && words >= Math.max(3, minWords) ? { lang: detected.lang!, chosen: false } : { lang: input.current, chosen: true };
  }
  return detected.score >= SWITCH_SCORE && words >= minWords ? { lang: detected.lang!, chosen: false } : { lang: input.current, chosen: false };
}
