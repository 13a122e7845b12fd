import { PARCEL_STATUSES, type ParcelStatus } from '../../../../services/carrier/types';
import { isValidS10 } from '../../../../services/carrier/s10';
import { lockerSchema } from '../../../../services/carrier/wire';
import { seedLockers } from '../../../../services/carrier/sandbox/lockerSeed';
import { seedParcels, type SandboxParcel } from '../../../../services/carrier/sandbox/parcelSeed';
import { SANDBOX_FIXTURES, SANDBOX_LOCKERS, fixtureParcels } from '../../../../services/carrier/sandbox/fixtures';
import { maskPhone } from '../../../../services/carrier/sandbox/maskPhone';
import { vilniusDate, workingDaysBetween, isWorkingDate } from '../../../../services/carrier/sandbox/workingDays';

const NOT_ARRIVED: ParcelStatus[] = ['registered', 'accepted', 'in_transit', 'at_terminal', 'out_for_delivery'];
const lockers = seedLockers();
const byId = new Map(lockers.map((l) => [l.id, l]));

/** A Wednesday right after a Lithuanian public holiday (11 March), a Sunday, and a Monday after Easter. */
const NOWS = [new Date('2025-03-12T10:00:00Z'), new Date('2025-06-15T18:30:00Z'), new Date('2025-04-22T05:00:00Z')];

describe('sandbox lockers', () => {
  test('at least 300 active lockers, unique ids, all matching the contract schema', () => {
    expect(lockers.filter((l) => l.active).length).toBeGreaterThanOrEqual(300);
    expect(new Set(lockers.map((l) => l.id)).size).toBe(lockers.length);
    for (const l of lockers) expect(lockerSchema.safeParse(l).success).toBe(true);
    expect(lockers.some((l) => !l.active)).toBe(true);
  });

  test('ids, postal codes, names and Lithuanian letters look real', () => {
    for (const l of lockers) {
      expect(l.id).toMatch(/^LT-[A-Z]{3}-\d{4}$/);
      expect(l.postalCode).toMatch(/^LT-\d{5}$/);
      expect(l.name).toMatch(/ paštomatas$/);
    }
    const withLtLetters = lockers.filter((l) => /[ąčęėįšųūž]/i.test(`${l.name} ${l.address} ${l.city}`));
    expect(withLtLetters.length).toBeGreaterThan(lockers.length / 3);
    expect(lockers.map((l) => l.name)).toEqual(expect.arrayContaining(['Maxima Savanorių pr. 206 paštomatas', 'Akropolis Klaipėda paštomatas']));
  });

  test('towns are covered roughly in proportion to population', () => {
    const count = (city: string) => lockers.filter((l) => l.city === city).length;
    for (const city of ['Vilnius', 'Kaunas', 'Klaipėda', 'Šiauliai', 'Panevėžys', 'Alytus', 'Marijampolė', 'Mažeikiai', 'Jonava', 'Utena', 'Kėdainiai', 'Telšiai', 'Tauragė', 'Ukmergė', 'Visaginas', 'Palanga', 'Druskininkai']) {
      expect(count(city)).toBeGreaterThan(0);
    }
    expect(count('Vilnius')).toBeGreaterThan(count('Kaunas'));
    expect(count('Kaunas')).toBeGreaterThan(count('Klaipėda'));
    expect(count('Klaipėda')).toBeGreaterThan(count('Šiauliai'));
    expect(count('Šiauliai')).toBeGreaterThan(count('Alytus'));
  });

  test('coordinates are inside Lithuania and near their town', () => {
    const vilnius = lockers.filter((l) => l.city === 'Vilnius');
    for (const l of lockers) {
      expect(l.lat).toBeGreaterThan(53.8);
      expect(l.lat).toBeLessThan(56.5);
      expect(l.lng).toBeGreaterThan(20.9);
      expect(l.lng).toBeLessThan(26.9);
    }
    for (const l of vilnius) expect(Math.abs(l.lat - 54.6872)).toBeLessThan(0.1);
  });

  test('opening hours: outdoor and stations 24/7, malls 08:00-22:00 every day', () => {
    for (const l of lockers) {
      if (l.placeType === 'station' || l.placeType === 'street' || l.placeType === 'gas_station') expect(l.hours).toEqual({ allDay: true });
      if (l.placeType === 'mall') expect(l.hours.week?.['7']).toBe('08:00-22:00');
      if (!l.hours.allDay) expect(Object.keys(l.hours.week ?? {})).toHaveLength(7);
    }
    expect(new Set(lockers.map((l) => l.placeType))).toEqual(new Set(['mall', 'station', 'supermarket', 'street', 'gas_station']));
  });

  test.each([
    ['akropolisKlaipeda', 'Akropolis Klaipėda paštomatas', 'Taikos pr. 61', 'Klaipėda'],
    ['ozas', 'Ozas paštomatas', 'Ozo g. 18', 'Vilnius'],
    ['panorama', 'Panorama paštomatas', 'Saltoniškių g. 9', 'Vilnius'],
    ['akropolisVilnius', 'Akropolis Vilnius paštomatas', 'Ozo g. 25', 'Vilnius'],
    ['mega', 'Mega paštomatas', 'Islandijos pl. 32', 'Kaunas'],
    ['akropolisKaunas', 'Akropolis Kaunas paštomatas', 'Karaliaus Mindaugo pr. 49', 'Kaunas'],
    ['europa', 'Europa paštomatas', 'Konstitucijos pr. 7A', 'Vilnius'],
    ['maximaSavanoriuKaunas', 'Maxima Savanorių pr. 206 paštomatas', 'Savanorių pr. 206', 'Kaunas'],
    ['akropolisSiauliai', 'Akropolis Šiauliai paštomatas', 'Aido g. 8', 'Šiauliai'],
  ] as const)('named locker %s is %s, %s, %s', (key, name, address, city) => {
    const locker = byId.get(SANDBOX_LOCKERS[key]);
    expect(locker).toMatchObject({ name, address, city, active: true });
  });

  test('the seed is deterministic', () => {
    expect(seedLockers()).toEqual(lockers);
  });
});

describe.each(NOWS)('sandbox parcels at %s', (now) => {
  const parcels = seedParcels(lockers, now);
  const byTn = new Map(parcels.map((p) => [p.trackingNumber, p]));
  const today = vilniusDate(now);

  test('at least 50 parcels, unique tracking numbers, every status several times', () => {
    expect(parcels.length).toBeGreaterThanOrEqual(50);
    expect(byTn.size).toBe(parcels.length);
    for (const status of PARCEL_STATUSES) {
      expect(parcels.filter((p) => p.status === status).length).toBeGreaterThanOrEqual(5);
    }
  });

  test('tracking numbers: mostly S10 with valid check digits, some 14-digit numeric', () => {
    const s10 = parcels.filter((p) => /^[A-Z]{2}\d{9}[A-Z]{2}$/.test(p.trackingNumber));
    const numeric = parcels.filter((p) => /^\d{14}$/.test(p.trackingNumber));
    expect(s10.length + numeric.length).toBe(parcels.length);
    expect(s10.length).toBeGreaterThan(parcels.length / 2);
    expect(numeric.length).toBeGreaterThanOrEqual(2);
    for (const p of s10) expect(isValidS10(p.trackingNumber)).toBe(true);
  });

  test('phones: E.164, mostly LT mobile, some LV/EE/PL', () => {
    const phones = parcels.flatMap((p) => [p.senderPhone, p.recipientPhone]);
    for (const ph of phones) expect(ph).toMatch(/^\+(3706\d{7}|3712\d{7}|3725\d{7}|48\d{9})$/);
    expect(phones.filter((ph) => ph.startsWith('+3706')).length).toBeGreaterThan(phones.length * 0.7);
    for (const prefix of ['+371', '+372', '+48']) expect(phones.some((ph) => ph.startsWith(prefix))).toBe(true);
  });

  test('event timelines are consistent with the status', () => {
    const expectedChain = (p: SandboxParcel): ParcelStatus[] => p.events.map((e) => e.status);
    for (const p of parcels) {
      const times = p.events.map((e) => Date.parse(e.at));
      expect(p.events[0].status).toBe('registered');
      expect(p.events[p.events.length - 1].status).toBe(p.status);
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
      expect(times[times.length - 1]).toBeLessThanOrEqual(now.getTime());
      const chain = expectedChain(p);
      for (let i = 1; i < chain.length; i++) {
        expect(PARCEL_STATUSES.indexOf(chain[i])).toBeGreaterThan(PARCEL_STATUSES.indexOf(chain[i - 1]));
      }
      expect(byId.get(p.destinationLockerId)?.active).toBe(true);
      expect(p.expectedDelivery).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (p.status === 'in_locker') expect(Date.parse(p.pickupDeadline ?? '')).toBeGreaterThan(now.getTime());
      else expect(p.pickupDeadline).toBeUndefined();
      if (p.status === 'delivered' || p.status === 'returning' || p.status === 'returned') expect(chain).toContain('in_locker');
      if (p.status === 'cancelled') expect(chain).toEqual(['registered', 'cancelled']);
    }
  });

  test('lateness: some on time, some 1-3 working days late, some more than 5', () => {
    const moving = parcels.filter((p) => ['accepted', 'in_transit', 'at_terminal', 'out_for_delivery'].includes(p.status));
    const late = moving.map((p) => workingDaysBetween(p.expectedDelivery, today));
    expect(late.filter((d) => d === 0).length).toBeGreaterThan(0);
    expect(late.filter((d) => d >= 1 && d <= 3).length).toBeGreaterThan(0);
    expect(late.filter((d) => d > 5).length).toBeGreaterThan(0);
    for (const p of parcels.filter((x) => x.expectedDelivery > today)) expect(isWorkingDate(p.expectedDelivery)).toBe(true);
  });

  test('every fixture is seeded as declared; parcels not yet arrived are late by exactly lateWorkingDays', () => {
    for (const f of fixtureParcels()) {
      const p = byTn.get(f.trackingNumber);
      expect(p).toMatchObject({ status: f.status, senderPhone: f.senderPhone, recipientPhone: f.recipientPhone, destinationLockerId: f.lockerId });
      if (NOT_ARRIVED.includes(f.status)) expect(workingDaysBetween(p?.expectedDelivery ?? '', today)).toBe(f.lateWorkingDays);
    }
  });

  test('the shared lookup facts match exactly two parcels', () => {
    const { senderPhone, recipientPhone, lockerId, trackingNumbers } = SANDBOX_FIXTURES.sharedLookup;
    const matches = parcels.filter((p) => p.senderPhone === senderPhone && p.recipientPhone === recipientPhone && p.destinationLockerId === lockerId);
    expect(matches.map((p) => p.trackingNumber).sort()).toEqual([...trackingNumbers].sort());
  });

  test('is deterministic for the same now', () => {
    expect(seedParcels(lockers, now)).toEqual(parcels);
  });
});

describe('fixtures', () => {
  test('cover the required purposes and statuses', () => {
    expect(SANDBOX_FIXTURES.readdressable.trackingNumber).toBe('CE482139075LT');
    expect(SANDBOX_FIXTURES.numeric14.trackingNumber).toMatch(/^\d{14}$/);
    expect(SANDBOX_FIXTURES.lateOver5.lateWorkingDays).toBeGreaterThan(5);
    expect(SANDBOX_FIXTURES.lateShort.lateWorkingDays).toBeGreaterThanOrEqual(1);
    expect(SANDBOX_FIXTURES.lateShort.lateWorkingDays).toBeLessThanOrEqual(3);
    expect(new Set(fixtureParcels().map((f) => f.status))).toEqual(new Set(PARCEL_STATUSES));
  });
});

describe('maskPhone', () => {
  test.each([
    ['+37061234567', '+370 6** **567'],
    ['+37122345678', '+371 2** **678'],
    ['+37251234567', '+372 5** **567'],
    ['+48601234567', '+48 6** ***567'],
  ])('%s -> %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});
