/**
 * What the cloud recognizers need from the rest of the NLU, as plain function types so they do not
 * depend on where the embedded recognizer keeps its extractor or language detector.
 */
import type { Entities } from '../types';
import type { Lang } from '../../i18n/langs';

/**
 * Deterministic entity extraction (tracking numbers, phones, locker mentions). Cloud recognizers
 * always run it on the full text: codes and phone numbers are found more reliably by code than by
 * a statistical model, so cloud entities only ever add to what it finds.
 */
export type EntityExtractor = (text: string) => Entities;

/** Language identification; `lang` is undefined when the text carries no language signal. */
export type LanguageDetector = (text: string) => { lang?: Lang; score: number };

/** The part of a pino logger the NLU uses; any `{ warn(obj, msg) }` will do. */
export interface NluLogger {
  warn(obj: object, msg: string): void;
}
