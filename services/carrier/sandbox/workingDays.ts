/**
 * Calendar-date arithmetic for the sandbox seed: Lithuanian working days (Mon–Fri without public
 * holidays) on `YYYY-MM-DD` dates in Europe/Vilnius, so "late by N working days" in the seed agrees
 * with the bot's business calendar.
 */
import Holidays from 'date-holidays';

const TIME_ZONE = 'Europe/Vilnius';
const holidays = new Holidays('LT');
const holidayCache = new Map<number, Set<string>>();

function publicHolidays(year: number): Set<string> {
  let set = holidayCache.get(year);
  if (!set) {
    set = new Set(
      holidays
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    holidayCache.set(year, set);
  }
  return set;
}

/** The calendar date of `at` in Europe/Vilnius, as `YYYY-MM-DD`. */
export function vilniusDate(at: Date): string {
  return VILNIUS_DATE.format(at);
}
const VILNIUS_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** True for Monday–Friday dates that are not Lithuanian public holidays. */
export function isWorkingDate(date: string): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !publicHolidays(Number(date.slice(0, 4))).has(date);
}

/**
 * The date `d` such that exactly `n` working days lie in (d, today]: a promise made for `d` is
 * then `n` working days late today.
 */
export function workingDaysBefore(today: string, n: number): string {
  let d = today;
  let counted = 0;
  while (counted < n) {
    if (isWorkingDate(d)) counted++;
    d = addDays(d, -1);
  }
  return d;
}

/** The `n`-th working day after `today` (n >= 1); `today` itself when n is 0. */
export function workingDaysAfter(today: string, n: number): string {
  let d = today;
  let counted = 0;
  while (counted < n) {
    d = addDays(d, 1);
    if (isWorkingDate(d)) counted++;
  }
  return d;
}

/** Working days in (from, to]; 0 when `to` <= `from`. */
export function workingDaysBetween(from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDate(d)) n++;
  return n;
}
