/**
 * The carrier API port: what LockerDesk needs from the parcel-locker carrier's systems.
 * The HTTP contract is documented in `services/carrier/openapi.yaml`; `CarrierClient` implements
 * this interface over it, and the sandbox server implements the same contract.
 *
 * Proof is by possession: parcel data is changed or revealed only with a proof token the carrier
 * issues after the customer typed back a one-time code it texted to the phone on the parcel.
 */
import type { Lang } from '../i18n/langs';

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

/**
 * A one-time code the carrier has just texted to a phone. The bot never sees the code: it only
 * learns where it went (masked) and an opaque, stable key of that phone, so it can count codes per
 * phone without knowing the phone.
 */
export interface CodeChallenge {
  /** Opaque handle of this code, for `verifyCode`. Server-side only: never shown to the customer. */
  challengeId: string;
  /** Where the code went, e.g. `+370 6** **567`. */
  phoneMasked: string;
  /** Stable opaque key of the phone (the carrier's keyed hash): equal phones, equal keys. */
  phoneKey: string;
  /** ISO timestamp after which the code is refused. */
  expiresAt: string;
}

/** The answer to a typed code. A wrong code says how many tries the code has left (0 = the code is dead). */
export type CodeCheck =
  | {
      verified: true;
      /** Authorizes the `...WithProof` calls for the proven parcel/role or phone until `expiresAt`. A credential: keep it server-side, never log it. */
      proofToken: string;
      /** ISO timestamp; the token is refused afterwards. */
      expiresAt: string;
      /** The phone the customer has just shown they hold (E.164). */
      phoneE164: string;
    }
  | { verified: false; attemptsLeft: number };

/** Options of a change request. */
export interface ChangeOptions {
  /**
   * Sent as `Idempotency-Key` (1-200 visible ASCII characters) instead of a random one: derive it
   * from the conversation and the pending change, and a repeated delivery of the same confirmation
   * gets the first outcome again instead of a second change.
   */
  idempotencyKey?: string;
}

/** Result of re-sending the pickup SMS to the recipient phone on file. `sent: false` = the carrier declined (sent too often already). */
export interface PickupSmsResend {
  sent: boolean;
  phoneMasked: string;
}

export interface CarrierApi {
  /** All active lockers (the directory is small enough to cache: a few thousand at most). */
  listLockers(): Promise<Locker[]>;
  getLocker(id: string): Promise<Locker>;
  /** Throws CarrierError('not_found') when the number is unknown. */
  getParcel(trackingNumber: string): Promise<ParcelView>;

  /**
   * Texts a 6-digit one-time code to the phone of `role` on the parcel. Throws `not_found` for an
   * unknown parcel, `rate_limited` when the carrier's own limit for that parcel or phone is reached.
   */
  requestParcelCode(trackingNumber: string, role: PhoneRole, lang: Lang): Promise<CodeChallenge>;
  /**
   * Texts a 6-digit one-time code to `phoneE164` (the lost-tracking-number flow: the sender's phone
   * as the customer typed it), before any lookup. The answer has the same shape whether or not the
   * phone is on any parcel, so it is no oracle. Throws `invalid` for a phone that is not E.164.
   */
  requestPhoneCode(phoneE164: string, lang: Lang): Promise<CodeChallenge>;
  /**
   * Checks a typed code. Each code allows 3 tries, then it is dead. Throws `challenge_expired`
   * (expired or already used), `challenge_locked` (no tries left) or `not_found` (unknown challenge).
   * Never retried by the client: a retry could spend a try.
   */
  verifyCode(challengeId: string, code: string): Promise<CodeCheck>;
  /**
   * Moves the parcel to another locker, authorized by a sender proof for that parcel (a bad,
   * expired or foreign proof is `not_verified`). Throws `wrong_status` when the parcel can no longer
   * be moved, `invalid` for an unknown, inactive or unchanged locker.
   */
  readdressWithProof(trackingNumber: string, proofToken: string, newLockerId: string, opts?: ChangeOptions): Promise<ChangeOutcome>;
  /**
   * Corrects the `role` phone of the parcel (and re-sends the pickup SMS when relevant), authorized
   * by a sender proof for that parcel. Throws `wrong_status` once the parcel is closed.
   */
  changePhoneWithProof(trackingNumber: string, proofToken: string, role: PhoneRole, newPhoneE164: string, opts?: ChangeOptions): Promise<ChangeOutcome>;
  /**
   * Tracking numbers of parcels sent from the phone proven by `proofToken` (a `requestPhoneCode`
   * proof) to `recipientPhoneE164` at `lockerId` (empty when none). Any other proof is `not_verified`.
   */
  findParcelsWithProof(proofToken: string, recipientPhoneE164: string, lockerId: string): Promise<string[]>;
  /**
   * Sends the pickup SMS (with the pickup code) again to the recipient phone on file. Only for a
   * parcel `in_locker` (else `wrong_status`); rate-limited by the carrier (`sent: false`).
   */
  resendPickupSms(trackingNumber: string, opts?: ChangeOptions): Promise<PickupSmsResend>;
}

/** Error codes the client maps every failure onto; dialogs turn them into customer messages. */
export type CarrierErrorCode =
  | 'not_found' // unknown parcel / locker
  | 'wrong_status' // action not allowed in the parcel's status
  | 'not_verified' // the proof token is invalid, expired or for something else
  | 'invalid' // the carrier rejected the input (400/422)
  | 'challenge_expired' // the one-time code expired or was already used (410)
  | 'challenge_locked' // the one-time code has no tries left (423)
  | 'rate_limited' // the carrier's own limit on codes for this parcel or phone (429 with this code)
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
