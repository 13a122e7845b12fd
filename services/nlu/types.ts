/**
 * The language-understanding port. Dialogs only ever see these types, never raw LUIS/CLU JSON,
 * so recognizers (embedded, CLU, LUIS-compatible) are interchangeable by configuration.
 */

import type { Lang } from '../i18n/langs';

/**
 * Intents the classifier distinguishes. `damaged_parcel`, `billing`, `complaint` and `other_problem`
 * go to a person with their facts collected; `no_sms` is the pickup-SMS flow; `none` = outside the
 * carrier's business (the customer is still offered a person).
 */
export const INTENTS = [
  'readdress',
  'fix_phone',
  'find_tracking',
  'track',
  'locker_fault',
  'agent',
  'damaged_parcel',
  'billing',
  'complaint',
  'other_problem',
  'no_sms',
  'greet',
  'thanks',
  'none',
] as const;
export type Intent = (typeof INTENTS)[number];

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

/** A tracking number found in text, normalised (upper case, no spaces or dashes). */
export interface TrackingEntity {
  /** Normalised value, e.g. `CE482139075LT` or `12345678901234`. */
  value: string;
  kind: 's10' | 'numeric14';
  /** True when the S10 check digit is right (always true for numeric14). */
  valid: boolean;
  /** The text as the customer wrote it. */
  text: string;
}

/** A phone number found in text, normalised to E.164. */
export interface PhoneEntity {
  /** E.164, e.g. `+37061234567`. */
  e164: string;
  /** ISO country, e.g. `LT`. */
  country: string;
  text: string;
}

/** A mention of a locker, resolved against the locker directory (best first). */
export interface LockerMention {
  /** The part of the text that looked like a locker reference. */
  text: string;
  /** Candidate locker ids with match scores in [0, 1], best first. */
  candidates: { lockerId: string; score: number }[];
}

export interface Entities {
  trackingNumbers: TrackingEntity[];
  phones: PhoneEntity[];
  lockers: LockerMention[];
  /**
   * Set only when the text names a locker to leave ("from Akropolis Vilnius to Mega Kaunas", "ne į
   * Ozą, o į Akropolį"): that one (`from`) and the one wanted (`to`, when named).
   */
  lockerChange?: { from: LockerMention; to?: LockerMention };
}

export interface IntentScore {
  intent: Intent;
  /** Calibrated probability in [0, 1]. */
  score: number;
}

export interface RecognizerResult {
  /** The text that was classified (possibly truncated for recognition). */
  text: string;
  /** Detected language of the message, or undefined when the text carries no language signal (numbers, emoji). */
  lang?: Lang;
  /** Confidence of the language detection in [0, 1]. */
  langScore: number;
  /** Top intent. */
  intent: Intent;
  score: number;
  /** All intents, best first. */
  intents: IntentScore[];
  entities: Entities;
  /** Which recognizer produced the result (for logs), e.g. `embedded`, `clu`, `luis`, `embedded-fallback`. */
  source: string;
}

export interface RecognizeOptions {
  /** The customer's current language, used as a prior when the text is ambiguous. */
  lang?: Lang;
}

/** The one interface every recognizer implements. */
export interface Recognizer {
  recognize(text: string, options?: RecognizeOptions): Promise<RecognizerResult>;
}
