/**
 * The carrier API port: what LockerDesk needs from the parcel-locker carrier's systems.
 * The HTTP contract is documented in `services/carrier/openapi.yaml`; `CarrierClient` implements
 * this interface over it, and the sandbox server implements the same contract.
 */

/** Parcel lifecycle. */
export const PARCEL_STATUSES = [
  'registered', // label created, not yet dropped off
  'accepted', // dropped off at the sender's locker / accepted by courier
  'in_transit',
  'at_terminal', // in a sorting terminal
  'out_for_delivery', // on the courier's way to the destination locker
  'in_locker', // ready for pickup (pickup code sent by SMS)
  'delivered', // picked up
  'returning', // not picked up in time, on its way back to the sender
  'returned',
  'cancelled',
] as const;
export type ParcelStatus = (typeof PARCEL_STATUSES)[number];

export interface OpeningHours {
  /** true when open around the clock. */
  allDay: boolean;
  /** Per ISO weekday 1 (Mon)..7 (Sun): `HH:MM-HH:MM`, or null when closed. Ignored when allDay. */
  week?: Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', string | null>;
}

export interface Locker {
  id: string; // e.g. "LT-VNO-0042"
  name: string; // e.g. "Akropolis Klaipėda paštomatas"
  city: string; // e.g. "Klaipėda"
  address: string; // e.g. "Taikos pr. 61"
  postalCode: string; // e.g. "LT-91182"
  lat: number;
  lng: number;
  hours: OpeningHours;
  /** Place kind used in search: mall, supermarket, station, street... */
  placeType: string;
  active: boolean;
}

export interface ParcelEvent {
  at: string; // ISO timestamp
  status: ParcelStatus;
  /** Where it happened, e.g. a locker id or terminal name. */
  location?: string;
}

/** What anyone holding the tracking number may see (no phone numbers, no pickup code). */
export interface ParcelView {
  trackingNumber: string;
  status: ParcelStatus;
  destinationLockerId: string;
  /** Originally promised delivery date (YYYY-MM-DD). */
  expectedDelivery: string;
  /** Pickup deadline when in_locker (ISO). */
  pickupDeadline?: string;
  events: ParcelEvent[];
  /** Masked phones for display, e.g. "+370 6** **567". */
  recipientPhoneMasked: string;
  senderPhoneMasked: string;
}

/** Result of a change request. `done` = applied now; `scheduled` = staff will do it within `workingDays`. */
export type ChangeOutcome =
  | { outcome: 'done'; smsResent?: boolean; reference: string }
  | { outcome: 'scheduled'; workingDays: number; reference: string };

export type PhoneRole = 'recipient' | 'sender';

/** Options of a change request. */
export interface ChangeOptions {
  /**
   * Sent as `Idempotency-Key` instead of a random one: derived from the conversation and the
   * pending change, so a repeated delivery of the same confirmation gets the first outcome again.
   */
  idempotencyKey?: string;
}

export interface CarrierApi {
  /** All active lockers (the directory is small enough to cache: a few thousand at most). */
  listLockers(): Promise<Locker[]>;
  getLocker(id: string): Promise<Locker>;
  /** Throws CarrierError('not_found') when the number is unknown. */
  getParcel(trackingNumber: string): Promise<ParcelView>;
  /** True when `phoneE164` is the sender's phone on the parcel. */
  verifySender(trackingNumber: string, phoneE164: string): Promise<boolean>;
  /** Move the parcel to another locker. Throws CarrierError('wrong_status' | 'not_verified' | ...). */
  readdress(trackingNumber: string, senderPhoneE164: string, newLockerId: string, opts?: ChangeOptions): Promise<ChangeOutcome>;
  /** Correct a phone number and re-send the pickup SMS when relevant. */
  changePhone(trackingNumber: string, senderPhoneE164: string, role: PhoneRole, newPhoneE164: string, opts?: ChangeOptions): Promise<ChangeOutcome>;
  /** Tracking numbers of parcels matching all three facts exactly (empty when none). */
  findParcels(senderPhoneE164: string, recipientPhoneE164: string, lockerId: string): Promise<string[]>;
}

/** Error codes the client maps every failure onto; dialogs turn them into customer messages. */
export type CarrierErrorCode =
  | 'not_found' // unknown parcel / locker
  | 'wrong_status' // action not allowed in the parcel's status
  | 'not_verified' // sender phone does not match
  | 'invalid' // the carrier rejected the input (400/422)
  | 'unavailable' // network error, 5xx, timeout
  | 'unexpected'; // anything else (a bug on one side)

export class CarrierError extends Error {
  constructor(
    readonly code: CarrierErrorCode,
    message: string,
    /** Parcel status when code is `wrong_status`. */
    readonly status?: ParcelStatus,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'CarrierError';
  }
}
