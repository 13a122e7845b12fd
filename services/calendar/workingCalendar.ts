import Holidays from 'date-holidays';
import type { BusinessCalendar } from './types';

/** Options matching `Config['business']` (extra fields such as `delayEscalateWorkingDays` are ignored). */
export interface WorkingCalendarOptions {
  /** IANA time zone the hours below are read in, e.g. `Europe/Vilnius`. */
  timeZone: string;
  /** ISO weekdays open (1 = Monday ... 7 = Sunday). */
  days: number[];
  /** Opening time in minutes after local midnight, e.g. 480 = 08:00. */
  openMinute: number;
  /** Closing time in minutes after local midnight (exclusive), e.g. 1140 = 19:00. */
  closeMinute: number;
  /**
   * `date-holidays` country code (`LT`, `LV`, `EE`; `DE-BY` for a state) whose *public* holidays
   * are closed days, or `none` (or empty) for no holidays.
   */
  holidays: string;
  /** Language of `holidayName()` when the country data has it (defaults to the country's own). */
  holidayLanguage?: string;
}

/** A civil (wall-clock) date in the calendar's time zone. */
interface CivilDate {
  y: number;
  m: number; // 1..12
  d: number;
}

/** One working day's open interval as UTC milliseconds, `[start, end)`. */
interface Interval {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** The search for the next open day gives up after this many days (a calendar that never opens). */
const MAX_SCAN_DAYS = 800;
const CACHE_LIMIT = 4000;

/**
 * Business hours in a real time zone with public holidays from `date-holidays`.
 *
 * Time-zone arithmetic uses only `Intl`: every working day's opening and closing are turned into
 * instants separately, so days around the DST changes (last Sundays of March and October in
 * Europe/Vilnius) keep their wall-clock hours. Only holidays of type `public` close a day.
 *
 * @example
 * const cal = new WorkingCalendar(config.business);
 * cal.nextOpening(new Date('2026-03-06T17:30:00Z')); // Fri 19:30 Vilnius -> Mon 2026-03-09 06:00Z (08:00)
 */
export class WorkingCalendar implements BusinessCalendar {
  readonly timeZone: string;
  private readonly days: ReadonlySet<number>;
  private readonly openMinute: number;
  private readonly closeMinute: number;
  private readonly holidaySource?: Holidays;
  private readonly holidaysByYear = new Map<number, Map<string, string>>();
  private readonly intervalCache = new Map<string, Interval | null>();
  private readonly formatter: Intl.DateTimeFormat;

  constructor(options: WorkingCalendarOptions) {
    const { timeZone, days, openMinute, closeMinute, holidays } = options;
    try {
      this.formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (err) {
      throw new RangeError(`WorkingCalendar: unknown time zone "${timeZone}"`, { cause: err });
    }
    const validDays = days.filter((d) => Number.isInteger(d) && d >= 1 && d <= 7);
    if (validDays.length === 0 || validDays.length !== days.length) {
      throw new RangeError(`WorkingCalendar: days must be ISO weekdays 1..7 and not empty, got [${days.join(',')}]`);
    }
    if (!(Number.isInteger(openMinute) && Number.isInteger(closeMinute) && openMinute >= 0 && openMinute < closeMinute && closeMinute <= 1440)) {
      throw new RangeError(`WorkingCalendar: need 0 <= openMinute < closeMinute <= 1440, got ${openMinute}-${closeMinute}`);
    }
    this.timeZone = timeZone;
    this.days = new Set(validDays);
    this.openMinute = openMinute;
    this.closeMinute = closeMinute;

    const code = holidays.trim();
    if (code && code.toLowerCase() !== 'none') {
      const [country, state] = code.toUpperCase().split(/[-.]/);
      const probe = new Holidays();
      if (!(country in probe.getCountries())) {
        throw new RangeError(`WorkingCalendar: unknown date-holidays country "${holidays}"`);
      }
      if (state && !(state in (probe.getStates(country) ?? {}))) {
        throw new RangeError(`WorkingCalendar: unknown date-holidays state "${holidays}"`);
      }
      const langs = options.holidayLanguage ? { languages: options.holidayLanguage } : undefined;
      this.holidaySource = state ? new Holidays(country, state, langs) : new Holidays(country, langs);
    }
  }

  isOpen(at: Date): boolean {
    const t = at.getTime();
    const interval = this.interval(this.civil(t));
    return interval !== null && t >= interval.start && t < interval.end;
  }

  nextOpening(at: Date): Date {
    const t = at.getTime();
    let day = this.civil(t);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, day = nextDay(day)) {
      const interval = this.interval(day);
      if (!interval || t >= interval.end) continue;
      return new Date(Math.max(t, interval.start));
    }
    throw new Error(`WorkingCalendar.nextOpening(): no working time within ${MAX_SCAN_DAYS} days after ${at.toISOString()}`);
  }

  isWorkingDay(at: Date): boolean {
    return this.isWorkingCivil(this.civil(at.getTime()));
  }

  workingDaysBetween(from: Date, to: Date): number {
    const last = this.civil(to.getTime());
    let day = this.civil(from.getTime());
    let count = 0;
    while (compareCivil(day, last) < 0) {
      day = nextDay(day);
      if (this.isWorkingCivil(day)) count++;
    }
    return count;
  }

  /**
   * Closing time of the `days`-th working day after the day of `from`, so that
   * `workingDaysBetween(from, result) === days`; for 0, closing time of the first working day on or
   * after the day of `from`.
   */
  addWorkingDays(from: Date, days: number): Date {
    if (!Number.isInteger(days) || days < 0) {
      throw new RangeError(`WorkingCalendar.addWorkingDays(): days must be an integer >= 0, got ${days}`);
    }
    let day = this.civil(from.getTime());
    let counted = 0;
    for (let i = 0; i < MAX_SCAN_DAYS + days * 7; i++) {
      if (i > 0 || days === 0) {
        const interval = this.interval(day);
        if (interval && (days === 0 || ++counted === days)) return new Date(interval.end);
      }
      day = nextDay(day);
    }
    throw new Error(`WorkingCalendar.addWorkingDays(): could not place ${days} working days after ${from.toISOString()}`);
  }

  addWorkingHours(from: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) {
      throw new RangeError(`WorkingCalendar.addWorkingHours(): hours must be a finite number >= 0, got ${hours}`);
    }
    const t = from.getTime();
    if (hours === 0) return new Date(t);
    let remaining = Math.round(hours * 3_600_000);
    let day = this.civil(t);
    const maxDays = MAX_SCAN_DAYS + Math.ceil(remaining / ((this.closeMinute - this.openMinute) * MINUTE_MS)) * 7;
    for (let i = 0; i < maxDays; i++, day = nextDay(day)) {
      const interval = this.interval(day);
      if (!interval) continue;
      const start = Math.max(t, interval.start);
      if (start >= interval.end) continue;
      const available = interval.end - start;
      if (remaining <= available) return new Date(start + remaining);
      remaining -= available;
    }
    throw new Error(`WorkingCalendar.addWorkingHours(): could not place ${hours} h after ${from.toISOString()}`);
  }

  workingMsBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (b <= a) return 0;
    const last = this.civil(b);
    let total = 0;
    for (let day = this.civil(a); compareCivil(day, last) <= 0; day = nextDay(day)) {
      const interval = this.interval(day);
      if (!interval) continue;
      const start = Math.max(a, interval.start);
      const end = Math.min(b, interval.end);
      if (end > start) total += end - start;
    }
    return total;
  }

  holidayName(at: Date): string | undefined {
    const day = this.civil(at.getTime());
    return this.holidaysOf(day.y).get(civilKey(day));
  }

  private isWorkingCivil(day: CivilDate): boolean {
    return this.days.has(isoWeekday(day)) && !this.holidaysOf(day.y).has(civilKey(day));
  }

  /** The open interval of a civil day, or null when the day is closed. */
  private interval(day: CivilDate): Interval | null {
    const key = civilKey(day);
    const cached = this.intervalCache.get(key);
    if (cached !== undefined) return cached;
    const value = this.isWorkingCivil(day)
      ? { start: this.toInstant(day, this.openMinute), end: this.toInstant(day, this.closeMinute) }
      : null;
    if (this.intervalCache.size >= CACHE_LIMIT) this.intervalCache.clear();
    this.intervalCache.set(key, value);
    return value;
  }

  private holidaysOf(year: number): Map<string, string> {
    let map = this.holidaysByYear.get(year);
    if (!map) {
      map = new Map();
      for (const h of this.holidaySource?.getHolidays(year) ?? []) {
        const key = h.date.slice(0, 10);
        if (h.type === 'public' && !map.has(key)) map.set(key, h.name);
      }
      this.holidaysByYear.set(year, map);
    }
    return map;
  }

  /** Wall-clock fields of an instant in the calendar's time zone. */
  private wallClock(t: number): { y: number; m: number; d: number; h: number; min: number; s: number } {
    const f: Record<string, number> = {};
    for (const p of this.formatter.formatToParts(new Date(t))) {
      if (p.type !== 'literal') f[p.type] = Number(p.value);
    }
    return { y: f.year, m: f.month, d: f.day, h: f.hour, min: f.minute, s: f.second };
  }

  private civil(t: number): CivilDate {
    const { y, m, d } = this.wallClock(t);
    return { y, m, d };
  }

  /** UTC offset (ms, local minus UTC) in force at instant `t`. */
  private offsetAt(t: number): number {
    const w = this.wallClock(t);
    const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
    return asUtc - Math.floor(t / 1000) * 1000;
  }

  /**
   * The instant when the wall clock shows `minute` minutes after midnight on `day`. In a DST gap
   * the result is shifted forward by the gap; in an overlap the earlier instant is chosen.
   */
  private toInstant(day: CivilDate, minute: number): number {
    const local = Date.UTC(day.y, day.m - 1, day.d) + minute * MINUTE_MS;
    const before = this.offsetAt(local - DAY_MS);
    const after = this.offsetAt(local + DAY_MS);
    const valid = [before, after].map((o) => local - o).filter((t) => this.offsetAt(t) === local - t);
    return valid.length ? Math.min(...valid) : local - before;
  }
}

function civilKey(day: CivilDate): string {
  return `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
}

function nextDay(day: CivilDate): CivilDate {
  const next = new Date(Date.UTC(day.y, day.m - 1, day.d) + DAY_MS);
  return { y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate() };
}

function compareCivil(a: CivilDate, b: CivilDate): number {
  return a.y - b.y || a.m - b.m || a.d - b.d;
}

function isoWeekday(day: CivilDate): number {
  const w = new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay();
  return w === 0 ? 7 : w;
}
