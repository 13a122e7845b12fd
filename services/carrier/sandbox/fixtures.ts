/**
 * Named sandbox data for dialog tests, demos and the README: which parcel to use for which
 * scenario, with the phones that verify it. Everything here exists in every sandbox started by
 * `createSandboxServer()` (dates are relative to the server's `now`).
 */
import type { ParcelStatus } from '../types';

/** Ids of well-known lockers (stable: they are seeded first in their towns). */
export const SANDBOX_LOCKERS = {
  /** Akropolis Vilnius paštomatas, Ozo g. 25, Vilnius. */
  akropolisVilnius: 'LT-VLN-0001',
  /** Ozas paštomatas, Ozo g. 18, Vilnius. */
  ozas: 'LT-VLN-0002',
  /** Panorama paštomatas, Saltoniškių g. 9, Vilnius. */
  panorama: 'LT-VLN-0003',
  /** Europa paštomatas, Konstitucijos pr. 7A, Vilnius. */
  europa: 'LT-VLN-0004',
  /** Vilniaus geležinkelio stoties paštomatas, Geležinkelio g. 16, Vilnius (24/7). */
  vilniusRailwayStation: 'LT-VLN-0008',
  /** Akropolis Kaunas paštomatas, Karaliaus Mindaugo pr. 49, Kaunas. */
  akropolisKaunas: 'LT-KNS-0001',
  /** Mega paštomatas, Islandijos pl. 32, Kaunas. */
  mega: 'LT-KNS-0002',
  /** Maxima Savanorių pr. 206 paštomatas, Kaunas. */
  maximaSavanoriuKaunas: 'LT-KNS-0006',
  /** Akropolis Klaipėda paštomatas, Taikos pr. 61, Klaipėda. */
  akropolisKlaipeda: 'LT-KLP-0001',
  /** BIG Klaipėda paštomatas, Taikos pr. 139, Klaipėda. */
  bigKlaipeda: 'LT-KLP-0002',
  /** Akropolis Šiauliai paštomatas, Aido g. 8, Šiauliai. */
  akropolisSiauliai: 'LT-SIA-0001',
  /** Saulės miestas paštomatas, Tilžės g. 109, Šiauliai. */
  saulesMiestas: 'LT-SIA-0002',
} as const;

/** A seeded parcel and the facts a customer would give about it. */
export interface ParcelFixture {
  trackingNumber: string;
  status: ParcelStatus;
  senderPhone: string;
  recipientPhone: string;
  /** Destination locker id at start-up. */
  lockerId: string;
  /**
   * For parcels not yet in the locker: working days (LT calendar) from the promised date to today,
   * 0 = not late. Finished parcels (in_locker and later, cancelled) carry 0.
   */
  lateWorkingDays: number;
}

const fixture = (f: ParcelFixture): ParcelFixture => f;

/**
 * Parcels by purpose. Outcomes in the sandbox:
 * - `readdressable` (in_transit): readdress -> `scheduled`, 5 working days.
 * - `readdressableNow` (registered): readdress -> `done`.
 * - `outForDelivery`, `inLocker`, `delivered`, `returning`, `returned`, `cancelled`: readdress -> 409 wrong_status.
 * - `inLocker`: recipient phone change -> `done` with `smsResent: true`.
 * - `returning`: phone change -> `scheduled`; `delivered`/`returned`/`cancelled`: phone change -> wrong_status.
 * - `lateShort`: 2 working days late; `lateOver5`: 8 working days late.
 * - `numeric14`: a 14-digit tracking number (in_transit, readdressable).
 * - `sharedLookup`: two parcels with the same sender, recipient and locker.
 */
export const SANDBOX_FIXTURES = {
  lockers: SANDBOX_LOCKERS,
  readdressable: fixture({
    trackingNumber: 'CE482139075LT',
    status: 'in_transit',
    senderPhone: '+37061234567',
    recipientPhone: '+37062345678',
    lockerId: SANDBOX_LOCKERS.akropolisVilnius,
    lateWorkingDays: 0,
  }),
  readdressableNow: fixture({
    trackingNumber: 'CE517302644LT',
    status: 'registered',
    senderPhone: '+37063456789',
    recipientPhone: '+37064567890',
    lockerId: SANDBOX_LOCKERS.ozas,
    lateWorkingDays: 0,
  }),
  accepted: fixture({
    trackingNumber: 'CP604188254LT',
    status: 'accepted',
    senderPhone: '+37065678901',
    recipientPhone: '+37066789012',
    lockerId: SANDBOX_LOCKERS.panorama,
    lateWorkingDays: 0,
  }),
  atTerminal: fixture({
    trackingNumber: 'CE739021460LT',
    status: 'at_terminal',
    senderPhone: '+37067890123',
    recipientPhone: '+37068901234',
    lockerId: SANDBOX_LOCKERS.akropolisKaunas,
    lateWorkingDays: 0,
  }),
  outForDelivery: fixture({
    trackingNumber: 'CC294750139LT',
    status: 'out_for_delivery',
    senderPhone: '+37069012345',
    recipientPhone: '+37060123456',
    lockerId: SANDBOX_LOCKERS.mega,
    lateWorkingDays: 0,
  }),
  inLocker: fixture({
    trackingNumber: 'CE845613209LT',
    status: 'in_locker',
    senderPhone: '+37061112233',
    recipientPhone: '+37062223344',
    lockerId: SANDBOX_LOCKERS.akropolisKlaipeda,
    lateWorkingDays: 0,
  }),
  delivered: fixture({
    trackingNumber: 'CP370284191LT',
    status: 'delivered',
    senderPhone: '+37063334455',
    recipientPhone: '+37064445566',
    lockerId: SANDBOX_LOCKERS.europa,
    lateWorkingDays: 0,
  }),
  returning: fixture({
    trackingNumber: 'CE902156739LT',
    status: 'returning',
    senderPhone: '+37065556677',
    recipientPhone: '+37066667788',
    lockerId: SANDBOX_LOCKERS.akropolisSiauliai,
    lateWorkingDays: 0,
  }),
  returned: fixture({
    trackingNumber: 'CE128745364LT',
    status: 'returned',
    senderPhone: '+37067778899',
    recipientPhone: '+37068889900',
    lockerId: SANDBOX_LOCKERS.saulesMiestas,
    lateWorkingDays: 0,
  }),
  cancelled: fixture({
    trackingNumber: 'CC653102484LT',
    status: 'cancelled',
    senderPhone: '+37069990011',
    recipientPhone: '+37060001122',
    lockerId: SANDBOX_LOCKERS.bigKlaipeda,
    lateWorkingDays: 0,
  }),
  lateShort: fixture({
    trackingNumber: 'CE477910525LT',
    status: 'in_transit',
    senderPhone: '+37061231231',
    recipientPhone: '+37062342342',
    lockerId: SANDBOX_LOCKERS.panorama,
    lateWorkingDays: 2,
  }),
  lateOver5: fixture({
    trackingNumber: 'CP581236949LT',
    status: 'at_terminal',
    senderPhone: '+37063453453',
    recipientPhone: '+37064564564',
    lockerId: SANDBOX_LOCKERS.maximaSavanoriuKaunas,
    lateWorkingDays: 8,
  }),
  numeric14: fixture({
    trackingNumber: '20004711000231',
    status: 'in_transit',
    senderPhone: '+37065675675',
    recipientPhone: '+37066786786',
    lockerId: SANDBOX_LOCKERS.vilniusRailwayStation,
    lateWorkingDays: 0,
  }),
  foreignSender: fixture({
    trackingNumber: 'CE316482079LT',
    status: 'in_transit',
    senderPhone: '+37122345678',
    recipientPhone: '+37067897897',
    lockerId: SANDBOX_LOCKERS.akropolisKlaipeda,
    lateWorkingDays: 0,
  }),
  foreignBoth: fixture({
    trackingNumber: 'CE269503816LT',
    status: 'registered',
    senderPhone: '+48601234567',
    recipientPhone: '+37251234567',
    lockerId: SANDBOX_LOCKERS.ozas,
    lateWorkingDays: 0,
  }),
  sharedLookup: {
    senderPhone: '+37061010101',
    recipientPhone: '+37062020202',
    lockerId: SANDBOX_LOCKERS.panorama,
    trackingNumbers: ['CE774105926LT', 'CE883027147LT'] as const,
    statuses: ['in_transit', 'in_locker'] as const,
  },
} as const;

/** The fixtures that are single parcels (everything except `lockers` and `sharedLookup`). */
export function fixtureParcels(): ParcelFixture[] {
  const { lockers: _lockers, sharedLookup, ...single } = SANDBOX_FIXTURES;
  const shared = sharedLookup.trackingNumbers.map(
    (trackingNumber, i): ParcelFixture => ({
      trackingNumber,
      status: sharedLookup.statuses[i],
      senderPhone: sharedLookup.senderPhone,
      recipientPhone: sharedLookup.recipientPhone,
      lockerId: sharedLookup.lockerId,
      lateWorkingDays: 0,
    }),
  );
  return [...Object.values(single), ...shared];
}
