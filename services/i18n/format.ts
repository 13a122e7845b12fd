/**
 * Locale-aware formatting of dates and phone numbers for messages. Kept out of dialogs so
 * every dialog formats the same way.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Lang } from './langs';

const LOCALES: Record<Lang, string> = { lt: 'lt-LT', en: 'en-GB', ru: 'ru-RU' };

/** `2026-11-24` → "2026-11-24" (lt), "24 Nov 2026" (en), "24 нояб. 2026 г." (ru). */
export function formatDate(lang: Lang, date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { timeZone, year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}

/** Weekday, date and time, e.g. "pirmadienis, 2026-11-23 08:00". */
export function formatDateTime(lang: Lang, date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    timeZone,
    weekday: 'long',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** Short time-of-event, e.g. "11-20 14:05". */
export function formatShortDateTime(lang: Lang, date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/**
 * Masks an E.164 number for display and logs, keeping the country calling code, the first
 * national digit and the last three digits: `+37061234567` → `+370 6** **567`.
 */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164.replace(/\s+/g, ''));
  if (!parsed || parsed.nationalNumber.length < 5) return '***';
  const national = parsed.nationalNumber;
  const hidden = national.length - 4;
  const stars = '*'.repeat(hidden);
  return `+${parsed.countryCallingCode} ${national[0]}${stars.slice(0, 2)} ${stars.slice(2)}${national.slice(-3)}`.replace(/ +/g, ' ').trim();
}
