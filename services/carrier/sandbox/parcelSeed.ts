/**
 * The sandbox parcels: the named fixtures plus generated ones, at least 5 per status, with event
 * timelines consistent with the status and promised dates relative to `now` (on time, 1–3 working
 * days late, more than 5 working days late). Deterministic for a given `now`.
 */
import type { Locker, ParcelEvent, ParcelStatus } from '../types';
import { PARCEL_STATUSES } from '../types';
import { makeS10 } from '../s10';
import { fixtureParcels, type ParcelFixture } from './fixtures';
import { createRng, type Rng } from './random';
import { addDays, isWorkingDate, vilniusDate, workingDaysAfter, workingDaysBefore } from './workingDays';

/** A parcel as the sandbox carrier stores it (with the real phones). */
export interface SandboxParcel {
  trackingNumber: string;
  status: ParcelStatus;
  senderPhone: string;
  recipientPhone: string;
  destinationLockerId: string;
  originLockerId: string;
  expectedDelivery: string;
  pickupDeadline?: string;
  events: ParcelEvent[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PICKUP_HOURS = 72;
const MIN_PER_STATUS = 5;

const FLOW: readonly ParcelStatus[] = ['registered', 'accepted', 'in_transit', 'at_terminal', 'out_for_delivery', 'in_locker'];

/** Statuses in which a parcel can be late (still moving towards the locker). */
const MOVING = new Set<ParcelStatus>(['accepted', 'in_transit', 'at_terminal', 'out_for_delivery']);

function chain(status: ParcelStatus): ParcelStatus[] {
  switch (status) {
    case 'delivered':
      return [...FLOW, 'delivered'];
    case 'returning':
      return [...FLOW, 'returning'];
    case 'returned':
      return [...FLOW, 'returning', 'returned'];
    case 'cancelled':
      return ['registered', 'cancelled'];
    default:
      return FLOW.slice(0, FLOW.indexOf(status) + 1);
  }
}

const HUBS: Record<string, string> = {
  Vilnius: 'Vilniaus terminalas',
  Kaunas: 'Kauno terminalas',
  Klaipėda: 'Klaipėdos terminalas',
  Šiauliai: 'Šiaulių terminalas',
  Panevėžys: 'Panevėžio terminalas',
};
const hubOf = (city: string) => HUBS[city] ?? 'Kauno terminalas';

const iso = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();

interface Plan {
  /** Time of each event, oldest first, one per status in `chain(status)`. */
  times: number[];
  expectedDelivery: string;
  pickupDeadline?: string;
}

function plan(status: ParcelStatus, lateWorkingDays: number, now: number, today: string, rng: Rng): Plan {
  const steps = chain(status);
  const spaced = (last: number, gapHours: number) => steps.map((_, i) => last - (steps.length - 1 - i) * gapHours * HOUR);

  if (MOVING.has(status) && lateWorkingDays > 0) {
    const expectedDelivery = workingDaysBefore(today, lateWorkingDays);
    const last = Date.parse(`${addDays(expectedDelivery, -1)}T08:00:00Z`) + rng.int(0, 8) * HOUR;
    return { times: spaced(last, 9), expectedDelivery };
  }
  switch (status) {
    case 'registered':
      return { times: spaced(now - rng.int(1, 30) * HOUR, 0), expectedDelivery: workingDaysAfter(today, rng.int(2, 3)) };
    case 'in_locker': {
      const last = now - rng.int(2, 40) * HOUR;
      return {
        times: spaced(last, 6),
        expectedDelivery: vilniusDate(new Date(last)),
        pickupDeadline: iso(last + PICKUP_HOURS * HOUR),
      };
    }
    case 'delivered': {
      const inLocker = now - rng.int(3, 20) * DAY;
      return { times: fixOrder(steps, inLocker, 7, [inLocker + rng.int(2, 48) * HOUR]), expectedDelivery: vilniusDate(new Date(inLocker)) };
    }
    case 'returning': {
      const inLocker = now - (PICKUP_HOURS + rng.int(2, 30)) * HOUR;
      return {
        times: fixOrder(steps, inLocker, 7, [inLocker + (PICKUP_HOURS + 1) * HOUR]),
        expectedDelivery: vilniusDate(new Date(inLocker)),
      };
    }
    case 'returned': {
      const inLocker = now - rng.int(8, 20) * DAY;
      const returning = inLocker + (PICKUP_HOURS + 1) * HOUR;
      return {
        times: fixOrder(steps, inLocker, 7, [returning, returning + rng.int(24, 60) * HOUR]),
        expectedDelivery: vilniusDate(new Date(inLocker)),
      };
    }
    case 'cancelled': {
      const registered = now - rng.int(2, 10) * DAY;
      return {
        times: [registered, registered + rng.int(1, 24) * HOUR],
        expectedDelivery: workingDaysAfter(vilniusDate(new Date(registered)), 2),
      };
    }
    default: {
      const expectedDelivery =
        status === 'out_for_delivery' && isWorkingDate(today) ? today : workingDaysAfter(today, status === 'out_for_delivery' ? 1 : rng.int(1, 2));
      return { times: spaced(now - rng.int(1, 10) * HOUR, 8), expectedDelivery };
    }
  }
}

/** Times for the FLOW part ending at `inLocker`, then the given later times. */
function fixOrder(steps: ParcelStatus[], inLocker: number, gapHours: number, after: number[]): number[] {
  const flowCount = steps.length - after.length;
  const flow = Array.from({ length: flowCount }, (_, i) => inLocker - (flowCount - 1 - i) * gapHours * HOUR);
  return [...flow, ...after];
}

function location(status: ParcelStatus, origin: Locker, destination: Locker): string | undefined {
  switch (status) {
    case 'accepted':
    case 'returned':
      return origin.id;
    case 'in_transit':
      return hubOf(origin.city);
    case 'at_terminal':
      return hubOf(destination.city);
    case 'out_for_delivery':
      return destination.city;
    case 'in_locker':
    case 'delivered':
    case 'returning':
      return destination.id;
    default:
      return undefined;
  }
}

function build(f: ParcelFixture, origin: Locker, destination: Locker, now: number, today: string, rng: Rng): SandboxParcel {
  const p = plan(f.status, f.lateWorkingDays, now, today, rng);
  const steps = chain(f.status);
  const events: ParcelEvent[] = steps.map((status, i) => {
    const loc = location(status, origin, destination);
    return loc === undefined ? { at: iso(p.times[i]), status } : { at: iso(p.times[i]), status, location: loc };
  });
  const parcel: SandboxParcel = {
    trackingNumber: f.trackingNumber,
    status: f.status,
    senderPhone: f.senderPhone,
    recipientPhone: f.recipientPhone,
    destinationLockerId: destination.id,
    originLockerId: origin.id,
    expectedDelivery: p.expectedDelivery,
    events,
  };
  if (p.pickupDeadline) parcel.pickupDeadline = p.pickupDeadline;
  return parcel;
}

function randomPhone(rng: Rng): string {
  const digits = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
  const r = rng.next();
  if (r < 0.85) return `+3706${digits(7)}`;
  if (r < 0.9) return `+3712${digits(7)}`;
  if (r < 0.95) return `+3725${digits(7)}`;
  return `+48${rng.pick(['5', '6', '7', '8'])}${digits(8)}`;
}

function randomTrackingNumber(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const serial = String(rng.int(10_000_000, 99_999_999));
    const tn = rng.next() < 0.8 ? makeS10(rng.pick(['CE', 'CP', 'CC']), serial, 'LT') : `${rng.int(1, 4)}000${serial}${rng.int(10, 99)}`;
    if (!taken.has(tn)) {
      taken.add(tn);
      return tn;
    }
  }
}

function randomLateness(status: ParcelStatus, rng: Rng): number {
  if (!MOVING.has(status)) return 0;
  const r = rng.next();
  if (r < 0.55) return 0;
  if (r < 0.8) return rng.int(1, 3);
  return rng.int(6, 10);
}

/** Builds all parcels; `lockers` must be the seeded directory (fixture lockers must be in it). */
export function seedParcels(lockers: readonly Locker[], now: Date): SandboxParcel[] {
  const rng = createRng(7_311_994);
  const byId = new Map(lockers.map((l) => [l.id, l]));
  const active = lockers.filter((l) => l.active);
  const nowMs = now.getTime();
  const today = vilniusDate(now);
  const parcels: SandboxParcel[] = [];
  const taken = new Set<string>();

  for (const f of fixtureParcels()) {
    const destination = byId.get(f.lockerId);
    if (!destination) throw new Error(`seedParcels(): fixture ${f.trackingNumber} points to unknown locker ${f.lockerId}`);
    taken.add(f.trackingNumber);
    parcels.push(build(f, rng.pick(active), destination, nowMs, today, rng));
  }

  for (const status of PARCEL_STATUSES) {
    for (let i = 0; i < MIN_PER_STATUS; i++) {
      const destination = rng.pick(active);
      const f: ParcelFixture = {
        trackingNumber: randomTrackingNumber(rng, taken),
        status,
        senderPhone: randomPhone(rng),
        recipientPhone: randomPhone(rng),
        lockerId: destination.id,
        lateWorkingDays: randomLateness(status, rng),
      };
      parcels.push(build(f, rng.pick(active), destination, nowMs, today, rng));
    }
  }
  return parcels;
}
