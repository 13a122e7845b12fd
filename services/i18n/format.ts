/**
 * Locale-aware formatting of dates and phone numbers for messages. Kept out of dialogs so
 * every dialog formats the same way.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Lang } from './langs';

const LOCALES: Record<Lang, string> = { lt: 'lt-LT', en: 'en-GB', ru: 'ru-RU' };

type Style = 'date' | 'dateTime' | 'shortDateTime';
const STYLES: Record<Style, Intl.DateTimeFormatOptions> = {
  date: { year: 'numeric', month: 'short', day: 'numeric' },
  dateTime: { weekday: 'long', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  shortDateTime: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
};

/** Formatters are built once per language, time zone and style (building one costs far more than using it). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, timeZone: string, style: Style): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], { timeZone, ...STYLES[style] });
    formatters.set(key, f);
  }
  return f;
}

/** `2026-11-24` → "2026-11-24" (lt), "24 Nov 2026" (en), "24 нояб. 2026 г." (ru). */
export function formatDate(lang: Lang, date: Date, timeZone: string): string {
  return formatter(lang, timeZone, 'date').format(date);
}

/** Weekday, date and time, e.g. "pirmadienis, 2026-11-23 08:00". */
export function formatDateTime(lang: Lang, date: Date, timeZone: string): string {
  return formatter(lang, timeZone, 'dateTime').format(date);
}

/** Short time-of-event, e.g. "11-20 14:05". */
export function formatShortDateTime(lang: Lang, date: Date, timeZone: string): string {
  return formatter(lang, timeZone, 'shortDateTime').format(date);
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
