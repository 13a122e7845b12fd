/**
 * Phone numbers in free text and in prompt answers, normalised to E.164 with libphonenumber-js
 * (full metadata, so validity is checked against real numbering plans, not only lengths).
 * Lithuanian habits are understood: `86xxxxxxx`, `8 6xx xxxxx`, `+370…`, `370…` and the informal
 * `06xxxxxxx`. Tracking numbers are masked first, so a 14-digit parcel id is never a phone.
 */
import {
  findPhoneNumbersInText,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';
import type { PhoneEntity } from '../types';
import { findTrackingNumbers, type Located } from './tracking';

/** Countries whose numbers the carrier can store for a parcel. */
export const SUPPORTED_PHONE_COUNTRIES: readonly CountryCode[] = ['LT', 'LV', 'EE', 'PL'];

export interface FindPhonesOptions {
  /** Country assumed for numbers written without a calling code. Default `LT`. */
  defaultCountry?: CountryCode;
  /** Only numbers of these countries are returned. Default {@link SUPPORTED_PHONE_COUNTRIES}; `'any'` keeps all valid numbers. */
  countries?: readonly CountryCode[] | 'any';
}

const SEP = '[\\s\\-]?';
/** Forms libphonenumber does not read on its own: `06…` (LT mobile with a 0 prefix) and Baltic calling codes without `+`. */
const INFORMAL = new RegExp(`(?<![\\p{N}+])(?:0${SEP}6(?:${SEP}\\d){7}|37[0-2](?:${SEP}\\d){7,8})(?![\\p{N}])`, 'gu');

/** Rewrites an informal candidate to international form (`061234567` -> `+37061234567`, `371…` -> `+371…`). */
function informalToInternational(raw: string): string {
  const digits = raw.replace(/\D+/g, '');
  if (digits.startsWith('06')) return `+370${digits.slice(1)}`;
  return `+${digits}`;
}

/** No supported number plan has shorter numbers (EE has 7 digits); skipping saves the full parse. */
const MIN_PHONE_DIGITS = 7;

function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function blank(text: string, spans: { start: number; end: number }[]): string {
  if (!spans.length) return text;
  const chars = text.split('');
  for (const s of spans) for (let i = s.start; i < s.end; i++) chars[i] = ' ';
  return chars.join('');
}

function accepted(country: CountryCode | undefined, countries: readonly CountryCode[] | 'any'): boolean {
  if (countries === 'any') return true;
  return country !== undefined && countries.includes(country);
}

/** Every valid phone number in `text`, in order of appearance, with spans in the original text. */
export function findPhones(text: string, options: FindPhonesOptions = {}): Located<PhoneEntity>[] {
  const defaultCountry = options.defaultCountry ?? 'LT';
  const countries = options.countries ?? SUPPORTED_PHONE_COUNTRIES;
  const found: Located<PhoneEntity>[] = [];
  if (countDigits(text) < MIN_PHONE_DIGITS) return found;
  let masked = blank(text, findTrackingNumbers(text));

  const informal: { start: number; end: number }[] = [];
  for (const m of masked.matchAll(INFORMAL)) {
    const start = m.index ?? 0;
    const parsed = parsePhoneNumberFromString(informalToInternational(m[0]));
    if (!parsed || !parsed.isValid()) continue;
    informal.push({ start, end: start + m[0].length });
    if (accepted(parsed.country, countries)) {
      found.push({ e164: parsed.number, country: parsed.country ?? '', text: text.slice(start, start + m[0].length), start, end: start + m[0].length });
    }
  }
  masked = blank(masked, informal);

  for (const f of findPhoneNumbersInText(masked, { defaultCountry })) {
    if (!f.number.isValid() || !accepted(f.number.country, countries)) continue;
    found.push({ e164: f.number.number, country: f.number.country ?? '', text: text.slice(f.startsAt, f.endsAt), start: f.startsAt, end: f.endsAt });
  }
  return found.sort((a, b) => a.start - b.start);
}

export type PhoneParseFailure = 'empty' | 'too_short' | 'too_long' | 'invalid' | 'unsupported_country' | 'multiple';
export type PhoneParseResult = { ok: true; e164: string; country: string } | { ok: false; reason: PhoneParseFailure };

const CANDIDATE = /\+?\d[\d\s\-().]*\d|\+?\d/g;

/**
 * Validates a prompt answer that should contain exactly one phone number, with a specific reason
 * when it does not. Words around the number are allowed ("mano nr. 8 612 34567"); the same
 * number written twice counts once. Numbers outside {@link SUPPORTED_PHONE_COUNTRIES} are
 * `unsupported_country`.
 * @example parsePhone('061234567') // { ok: true, e164: '+37061234567', country: 'LT' }
 */
export function parsePhone(text: string, defaultCountry: CountryCode = 'LT'): PhoneParseResult {
  if (!text || !text.trim()) return { ok: false, reason: 'empty' };
  const all = findPhones(text, { defaultCountry, countries: 'any' });
  const distinct = new Map<string, Located<PhoneEntity>>();
  for (const p of all) if (!distinct.has(p.e164)) distinct.set(p.e164, p);
  if (distinct.size > 1) return { ok: false, reason: 'multiple' };
  const only = [...distinct.values()][0];
  if (only) {
    if (!accepted(only.country as CountryCode, SUPPORTED_PHONE_COUNTRIES)) return { ok: false, reason: 'unsupported_country' };
    return { ok: true, e164: only.e164, country: only.country };
  }

  const candidates = blank(text, findTrackingNumbers(text)).match(CANDIDATE) ?? [];
  const longest = candidates.sort((a, b) => b.replace(/\D/g, '').length - a.replace(/\D/g, '').length)[0];
  if (!longest) return { ok: false, reason: /[\p{L}\p{N}]/u.test(text) ? 'invalid' : 'empty' };
  const candidate = longest.trim();
  const lengthProblem = validatePhoneNumberLength(candidate, defaultCountry);
  if (lengthProblem === 'TOO_SHORT') return { ok: false, reason: 'too_short' };
  if (lengthProblem === 'TOO_LONG') return { ok: false, reason: 'too_long' };
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
  if (parsed && parsed.isValid() && !accepted(parsed.country, SUPPORTED_PHONE_COUNTRIES)) {
    return { ok: false, reason: 'unsupported_country' };
  }
  return { ok: false, reason: 'invalid' };
}
