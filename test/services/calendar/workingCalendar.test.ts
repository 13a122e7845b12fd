import { WorkingCalendar, type WorkingCalendarOptions } from '../../../services/calendar/workingCalendar';

const LT: WorkingCalendarOptions = {
  timeZone: 'Europe/Vilnius',
  days: [1, 2, 3, 4, 5],
  openMinute: 480,
  closeMinute: 1140,
  holidays: 'LT',
};
const cal = new WorkingCalendar(LT);
const d = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

// Vilnius is UTC+2 in winter, UTC+3 in summer; 2026 DST: 29 March 03:00 -> 04:00, 25 October 04:00 -> 03:00.
describe('WorkingCalendar.isOpen', () => {
  test.each([
    ['Mon 08:00 winter', '2026-03-09T06:00:00Z', true],
    ['Mon 07:59 winter', '2026-03-09T05:59:00Z', false],
    ['Mon 18:59:59', '2026-03-09T16:59:59Z', true],
    ['Mon 19:00 (closing is exclusive)', '2026-03-09T17:00:00Z', false],
    ['Saturday 10:00', '2026-03-07T08:00:00Z', false],
    ['Sunday 12:00', '2026-03-08T10:00:00Z', false],
    ['16 February (holiday, Monday)', '2026-02-16T08:00:00Z', false],
    ['11 March (holiday, Wednesday)', '2026-03-11T08:00:00Z', false],
    ['Easter Monday 2026-04-06', '2026-04-06T07:00:00Z', false],
    ['24 June (Joninės)', '2026-06-24T07:00:00Z', false],
    ['25 June 12:00', '2026-06-25T09:00:00Z', true],
    ['24 December (Kūčios)', '2026-12-24T08:00:00Z', false],
    ['Fri before DST 08:00 (+02)', '2026-03-27T06:00:00Z', true],
    ['Fri before DST 07:30 (+02)', '2026-03-27T05:30:00Z', false],
    ['Mon after DST 08:00 (+03)', '2026-03-30T05:00:00Z', true],
    ['Mon after DST 07:30 (+03)', '2026-03-30T04:30:00Z', false],
    ['Mon after DST 18:30 (+03)', '2026-03-30T15:30:00Z', true],
    ['Mon after DST 19:00 (+03)', '2026-03-30T16:00:00Z', false],
    ['Fri before DST end 08:00 (+03)', '2026-10-23T05:00:00Z', true],
    ['Mon after DST end 08:00 (+02)', '2026-10-26T06:00:00Z', true],
    ['Mon after DST end 07:00 (+02)', '2026-10-26T05:00:00Z', false],
    ['weekday evening 21:00', '2026-03-10T19:00:00Z', false],
  ])('%s', (_label, iso, expected) => {
    expect(cal.isOpen(d(iso))).toBe(expected);
  });
});

describe('WorkingCalendar.nextOpening', () => {
  test.each([
    ['Fri 19:30 -> Mon 08:00', '2026-03-06T17:30:00Z', '2026-03-09T06:00:00.000Z'],
    ['open now -> same instant', '2026-03-10T10:00:00Z', '2026-03-10T10:00:00.000Z'],
    ['Tue 06:00 -> Tue 08:00', '2026-02-10T04:00:00Z', '2026-02-10T06:00:00.000Z'],
    ['Tue 23:30 before 11 March -> Thu 08:00', '2026-03-10T21:30:00Z', '2026-03-12T06:00:00.000Z'],
    ['Fri evening before DST -> Mon 08:00 summer time', '2026-03-27T18:00:00Z', '2026-03-30T05:00:00.000Z'],
    ['Easter Saturday -> Tuesday after Easter Monday', '2026-04-04T09:00:00Z', '2026-04-07T05:00:00.000Z'],
    ['Fri 19:00 before DST end -> Mon 08:00 winter time', '2026-10-23T16:00:00Z', '2026-10-26T06:00:00.000Z'],
    ['24 Dec 10:00 (Thu) -> Mon 28 Dec 08:00', '2026-12-24T08:00:00Z', '2026-12-28T06:00:00.000Z'],
    ['31 Dec 19:00 -> Mon 4 Jan 2027 (1 Jan holiday)', '2026-12-31T17:00:00Z', '2027-01-04T06:00:00.000Z'],
    ['Sunday 23:59 local -> Mon 08:00', '2026-03-08T21:59:00Z', '2026-03-09T06:00:00.000Z'],
  ])('%s', (_label, iso, expected) => {
    expect(cal.nextOpening(d(iso)).toISOString()).toBe(expected);
  });
});

describe('WorkingCalendar.isWorkingDay', () => {
  test.each([
    ['Mon 00:30 local, still Sunday in UTC', '2026-03-08T22:30:00Z', true],
    ['Sat 00:30 local, still Friday in UTC', '2026-03-06T22:30:00Z', false],
    ['Wed 11 March', '2026-03-11T12:00:00Z', false],
    ['Thu 12 March, evening (closed hours but a working day)', '2026-03-12T20:00:00Z', true],
    ['Easter Monday 2027-03-29', '2027-03-29T10:00:00Z', false],
    ['2 November (Vėlinės, Monday)', '2026-11-02T10:00:00Z', false],
  ])('%s', (_label, iso, expected) => {
    expect(cal.isWorkingDay(d(iso))).toBe(expected);
  });
});

describe('WorkingCalendar.holidayName', () => {
  test.each([
    ['2026-12-24T10:00:00Z', 'Šv. Kūčios'],
    ['2026-04-06T10:00:00Z', 'Velykų pirmadienis'],
    ['2026-02-15T22:30:00Z', 'Lietuvos valstybės atkūrimo diena'], // 00:30 on 16 February in Vilnius
    ['2026-02-15T21:30:00Z', undefined], // 23:30 on 15 February in Vilnius
    ['2026-05-03T10:00:00Z', undefined], // Mother's Day is an observance, not a public holiday
    ['2026-03-10T10:00:00Z', undefined],
  ])('%s -> %s', (iso, expected) => {
    expect(cal.holidayName(d(iso))).toBe(expected);
  });

  test('names can come in another language', () => {
    const en = new WorkingCalendar({ ...LT, holidayLanguage: 'en' });
    expect(en.holidayName(d('2026-01-01T10:00:00Z'))).toBe("New Year's Day");
  });
});

describe('WorkingCalendar.workingDaysBetween', () => {
  test.each([
    ['Mon -> Fri over 11 March', '2026-03-09T10:00:00Z', '2026-03-13T10:00:00Z', 3],
    ['Fri -> Mon', '2026-03-06T10:00:00Z', '2026-03-09T05:00:00Z', 1],
    ['same day', '2026-03-09T06:00:00Z', '2026-03-09T16:00:00Z', 0],
    ['to before from', '2026-03-13T10:00:00Z', '2026-03-09T10:00:00Z', 0],
    ['Christmas fortnight', '2026-12-18T10:00:00Z', '2026-12-31T10:00:00Z', 7],
    ['late Sunday UTC is Monday in Vilnius', '2026-03-06T10:00:00Z', '2026-03-08T22:30:00Z', 1],
    ['a whole year 2026', '2025-12-31T12:00:00Z', '2026-12-31T12:00:00Z', 251],
  ])('%s', (_label, from, to, expected) => {
    expect(cal.workingDaysBetween(d(from), d(to))).toBe(expected);
  });
});

describe('WorkingCalendar.addWorkingDays', () => {
  test.each([
    ['Mon + 1 -> Tue 19:00', '2026-03-09T10:00:00Z', 1, '2026-03-10T17:00:00.000Z'],
    ['Mon + 2 -> Thu 19:00 (11 March skipped)', '2026-03-09T10:00:00Z', 2, '2026-03-12T17:00:00.000Z'],
    ['Fri evening + 1 -> Mon 19:00', '2026-03-06T18:30:00Z', 1, '2026-03-09T17:00:00.000Z'],
    ['Sat + 1 -> Mon 19:00', '2026-03-07T10:00:00Z', 1, '2026-03-09T17:00:00.000Z'],
    ['Mon 23 Mar + 5 -> Mon 30 Mar 19:00 summer time', '2026-03-23T10:00:00Z', 5, '2026-03-30T16:00:00.000Z'],
    ['Wed 23 Dec + 5 -> Mon 4 Jan 19:00 (Christmas and New Year off)', '2026-12-23T10:00:00Z', 5, '2027-01-04T17:00:00.000Z'],
    ['0 on a working day -> its closing', '2026-03-10T05:00:00Z', 0, '2026-03-10T17:00:00.000Z'],
    ['0 on a Saturday -> Monday closing', '2026-03-07T10:00:00Z', 0, '2026-03-09T17:00:00.000Z'],
  ])('%s', (_label, from, days, expected) => {
    expect(cal.addWorkingDays(d(from), days).toISOString()).toBe(expected);
  });

  test('agrees with workingDaysBetween', () => {
    for (const iso of ['2026-03-06T18:30:00Z', '2026-12-23T10:00:00Z', '2026-04-03T06:00:00Z', '2026-10-24T12:00:00Z']) {
      for (const days of [1, 2, 5, 10]) expect(cal.workingDaysBetween(d(iso), cal.addWorkingDays(d(iso), days))).toBe(days);
    }
  });

  test('rejects negative or fractional days', () => {
    expect(() => cal.addWorkingDays(d('2026-03-06T15:00:00Z'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(d('2026-03-06T15:00:00Z'), 1.5)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.workingMsBetween', () => {
  test.each([
    ['Fri 18:00 -> Mon 09:00 across DST start', '2026-03-27T16:00:00Z', '2026-03-30T06:00:00Z', 2 * HOUR],
    ['a plain week', '2026-03-01T22:00:00Z', '2026-03-08T22:00:00Z', 55 * HOUR],
    ['the DST week keeps wall-clock hours', '2026-03-22T22:00:00Z', '2026-03-29T21:00:00Z', 55 * HOUR],
    ['the DST-end week keeps wall-clock hours', '2026-10-25T22:00:00Z', '2026-11-01T22:00:00Z', 55 * HOUR],
    ['inside closed time', '2026-03-07T08:00:00Z', '2026-03-08T20:00:00Z', 0],
    ['reversed', '2026-03-10T12:00:00Z', '2026-03-10T10:00:00Z', 0],
    ['within one day', '2026-03-10T07:15:00Z', '2026-03-10T09:45:00Z', 2.5 * HOUR],
  ])('%s', (_label, from, to, expected) => {
    expect(cal.workingMsBetween(d(from), d(to))).toBe(expected);
  });
});

describe('WorkingCalendar.addWorkingHours', () => {
  test.each([
    ['Fri 17:00 + 8 h -> Mon 14:00', '2026-03-06T15:00:00Z', 8, '2026-03-09T12:00:00.000Z'],
    ['Fri 17:00 + 2 h -> Fri 19:00 (ends at closing)', '2026-03-06T15:00:00Z', 2, '2026-03-06T17:00:00.000Z'],
    ['Saturday + 8 h -> Mon 16:00', '2026-03-07T09:00:00Z', 8, '2026-03-09T14:00:00.000Z'],
    ['Wed 23 Dec 15:00 + 8 h -> Mon 28 Dec 12:00', '2026-12-23T13:00:00Z', 8, '2026-12-28T10:00:00.000Z'],
    ['Fri 15:00 + 8 h across DST -> Mon 12:00 (+03)', '2026-03-27T13:00:00Z', 8, '2026-03-30T09:00:00.000Z'],
    ['Tue evening + 0.5 h -> Thu 08:30 (11 March is a holiday)', '2026-03-10T19:00:00Z', 0.5, '2026-03-12T06:30:00.000Z'],
    ['0 h -> unchanged', '2026-03-07T09:00:00Z', 0, '2026-03-07T09:00:00.000Z'],
    ['33 h = three full days', '2026-03-02T06:00:00Z', 33, '2026-03-04T17:00:00.000Z'],
  ])('%s', (_label, from, hours, expected) => {
    expect(cal.addWorkingHours(d(from), hours).toISOString()).toBe(expected);
  });

  test('is the inverse of workingMsBetween', () => {
    const starts = ['2026-03-06T15:00:00Z', '2026-03-27T13:00:00Z', '2026-10-23T15:30:00Z', '2026-12-23T13:00:00Z', '2026-07-04T00:00:00Z'];
    for (const iso of starts) {
      for (const hours of [1, 8, 11, 24, 100]) {
        const end = cal.addWorkingHours(d(iso), hours);
        expect(cal.workingMsBetween(d(iso), end)).toBe(hours * HOUR);
      }
    }
  });

  test('rejects negative hours', () => {
    expect(() => cal.addWorkingHours(d('2026-03-06T15:00:00Z'), -1)).toThrow(RangeError);
  });
});

describe('WorkingCalendar options', () => {
  test('holidays "none" keeps public holidays open', () => {
    const plain = new WorkingCalendar({ ...LT, holidays: 'none' });
    expect(plain.isOpen(d('2026-02-16T08:00:00Z'))).toBe(true);
    expect(plain.holidayName(d('2026-02-16T08:00:00Z'))).toBeUndefined();
  });

  test('another country and a six-day week', () => {
    const riga = new WorkingCalendar({ timeZone: 'Europe/Riga', days: [1, 2, 3, 4, 5, 6], openMinute: 540, closeMinute: 1020, holidays: 'LV' });
    expect(riga.isOpen(d('2026-11-18T10:00:00Z'))).toBe(false); // Proclamation Day
    expect(riga.isOpen(d('2026-02-16T10:00:00Z'))).toBe(true); // not a Latvian holiday
    expect(riga.isOpen(d('2026-03-07T10:00:00Z'))).toBe(true); // Saturday 12:00
    expect(riga.isOpen(d('2026-03-07T06:30:00Z'))).toBe(false); // Saturday 08:30, opens 09:00
    expect(riga.nextOpening(d('2026-03-07T15:00:00Z')).toISOString()).toBe('2026-03-09T07:00:00.000Z');
  });

  test('a day that ends at midnight', () => {
    const late = new WorkingCalendar({ ...LT, openMinute: 1200, closeMinute: 1440 });
    expect(late.isOpen(d('2026-03-10T21:59:00Z'))).toBe(true);
    expect(late.isOpen(d('2026-03-10T22:00:00Z'))).toBe(false);
    expect(late.workingMsBetween(d('2026-03-09T00:00:00Z'), d('2026-03-10T00:00:00Z'))).toBe(4 * HOUR);
  });

  test('opening inside a DST gap or overlap', () => {
    const night = new WorkingCalendar({ ...LT, days: [1, 2, 3, 4, 5, 6, 7], openMinute: 210, closeMinute: 300 });
    // 29 March 2026: 03:30 does not exist (clocks jump 03:00 -> 04:00), so the day opens at 04:30 (+03).
    expect(night.nextOpening(d('2026-03-28T23:00:00Z')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(night.workingMsBetween(d('2026-03-28T21:00:00Z'), d('2026-03-29T21:00:00Z'))).toBe(0.5 * HOUR);
    // 25 October 2026: 03:30 happens twice; the earlier one (+03) opens, 05:00 (+02) closes.
    expect(night.nextOpening(d('2026-10-24T22:00:00Z')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(night.workingMsBetween(d('2026-10-24T21:00:00Z'), d('2026-10-25T22:00:00Z'))).toBe(2.5 * HOUR);
  });

  test.each([
    [{ ...LT, timeZone: 'Europe/Atlantis' }, /time zone/],
    [{ ...LT, holidays: 'XX' }, /country/],
    [{ ...LT, days: [] }, /days/],
    [{ ...LT, days: [0, 1] }, /days/],
    [{ ...LT, openMinute: 1140, closeMinute: 480 }, /openMinute/],
  ])('rejects bad options %#', (options, message) => {
    expect(() => new WorkingCalendar(options)).toThrow(message);
  });

  test('is fast enough to call per message', () => {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) cal.isOpen(new Date(Date.UTC(2026, 0, 1) + i * 7_919_000));
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
