/**
 * Reading the answers of a hand-off's questions: the optional parcel-number question may get a
 * number, the story instead of a number, or both in one message; a billing story may or may not
 * name an amount. Pure functions over text, shared by the dialogs and their tests.
 */
import { findTrackingNumbers, locateEntities } from './entities';

/** What an answer to "the parcel number, if you have it" holds. */
export interface EscalationAnswer {
  trackingNumber?: string;
  /** The customer's words, when the answer told what happened. */
  description?: string;
}

export type EscalationAnswerResult = { ok: true; value: EscalationAnswer } | { ok: false; reason: 'bad_format' | 'bad_check_digit' | 'multiple' };

/** Words of at least two letters (a number, "CE…LT" or "+370…" are not words). */
function words(text: string): string[] {
  return text.match(/\p{L}{2,}/gu) ?? [];
}

/** Words besides a parcel number that make the answer a description, e.g. "CE… the box arrived crushed". */
const DESCRIPTION_WORDS = 3;

/**
 * Reads an answer to the optional parcel-number question of a hand-off. A valid number is taken;
 * a number with a story is both; text without a number that reads as words is the description
 * ("I don't have it, the courier left it outside"); something that looks like a mistyped number is
 * rejected with the tracking parser's reason, so the customer can correct it.
 *
 * @example describeEscalationAnswer('CE482139075LT the box was crushed') // { ok: true, value: { trackingNumber: 'CE482139075LT', description: '…' } }
 */
export function describeEscalationAnswer(text: string): EscalationAnswerResult {
  const found = findTrackingNumbers(text);
  const distinct = [...new Set(found.map((f) => f.value))];
  if (distinct.length > 1) return { ok: false, reason: 'multiple' };
  const only = found[0];
  const rest = withoutSpans(text, found);
  const story = words(rest).length >= DESCRIPTION_WORDS ? text.trim() : undefined;
  if (only?.valid) return { ok: true, value: { trackingNumber: only.value, description: story } };
  if (only && !story) return { ok: false, reason: 'bad_check_digit' };
  if (story || words(text).length >= 2) return { ok: true, value: { description: text.trim() } };
  // A lone token with several digits is an attempt at a number: say what is wrong with it.
  if ((text.match(/\d/g) ?? []).length >= 5) return { ok: false, reason: 'bad_format' };
  return { ok: true, value: {} };
}

/** Words that make a first message, on its own, a story worth handing on as it is. */
const STORY_WORDS = 8;

/**
 * The first message of a problem as its description, when it tells more than the request: a parcel
 * number with a few words ("CE… arrived crushed"), or a long message. "I want to complain about the
 * courier" is a request, not the facts, so it returns undefined and the facts are asked for.
 */
export function storyOf(text: string): string | undefined {
  const found = findTrackingNumbers(text).filter((f) => f.valid);
  if (found.length && words(withoutSpans(text, found)).length >= DESCRIPTION_WORDS) return text.trim();
  return words(text).length >= STORY_WORDS ? text.trim() : undefined;
}

/** True when a billing story names an amount or a date (a figure that is not a phone or parcel number): otherwise the bot asks for them once. */
export function mentionsAmount(text: string): boolean {
  const e = locateEntities(text);
  return /\d/.test(withoutSpans(text, [...e.phones, ...e.trackingNumbers]));
}

function withoutSpans(text: string, spans: { start: number; end: number }[]): string {
  let out = text;
  for (const f of spans) out = out.slice(0, f.start) + ' '.repeat(f.end - f.start) + out.slice(f.end);
  return out;
}
