/**
 * Business hours and working days (Mon–Fri 8:00–19:00 Europe/Vilnius, Lithuanian public
 * holidays off by default; all configurable). Used for honest waiting times and for counting
 * delivery delays and response targets in working days/hours.
 */
export interface BusinessCalendar {
  /** The IANA time zone, e.g. `Europe/Vilnius`. */
  readonly timeZone: string;
  /** True when agents are working at `at`. */
  isOpen(at: Date): boolean;
  /** The next moment agents are working, at or after `at` (returns `at` when open). */
  nextOpening(at: Date): Date;
  /** True when the calendar day of `at` (in the time zone) is a working day. */
  isWorkingDay(at: Date): boolean;
  /** Whole working days strictly after the day of `from` up to and including the day of `to` (0 when `to` <= `from`). */
  workingDaysBetween(from: Date, to: Date): number;
  /** The end of the working day that is `days` working days after the day of `from` (a staff deadline). */
  addWorkingDays(from: Date, days: number): Date;
  /** The moment `hours` working hours after `from` (counting only open time). */
  addWorkingHours(from: Date, hours: number): Date;
  /** Working milliseconds between two moments (counting only open time). */
  workingMsBetween(from: Date, to: Date): number;
  /** Holiday name on the day of `at`, if any. */
  holidayName(at: Date): string | undefined;
}
