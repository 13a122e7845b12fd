/**
 * The sandbox carrier's business rules, in memory: a `CarrierApi` that the sandbox HTTP server
 * exposes, and that tests may also use directly when HTTP is beside the point.
 *
 * Rules (the same the contract documents):
 * - readdress: only the sender (by phone); `registered` -> done now; `accepted`, `in_transit`,
 *   `at_terminal` -> scheduled within 5 working days; any other status -> wrong_status. The new
 *   locker must exist, be active and differ from the current one (else `invalid`).
 * - phone change: only the sender; refused once `delivered`, `returned` or `cancelled`; a recipient
 *   change while `in_locker` re-sends the pickup SMS; `returning` -> scheduled within 2 working days.
 * - lookup: exact match of sender phone, recipient phone and destination locker.
 * Changes persist for the life of the object.
 */
import {
  CarrierError,
  type CarrierApi,
  type ChangeOutcome,
  type Locker,
  type ParcelStatus,
  type ParcelView,
  type PhoneRole,
} from '../types';
import { e164 } from '../wire';
import { seedLockers } from './lockerSeed';
import { maskPhone } from './maskPhone';
import { seedParcels, type SandboxParcel } from './parcelSeed';

export const READDRESS_NOW: readonly ParcelStatus[] = ['registered'];
export const READDRESS_SCHEDULED: readonly ParcelStatus[] = ['accepted', 'in_transit', 'at_terminal'];
export const PHONE_CHANGE_CLOSED: readonly ParcelStatus[] = ['delivered', 'returned', 'cancelled'];
export const READDRESS_WORKING_DAYS = 5;
export const PHONE_CHANGE_WORKING_DAYS = 2;

export interface InMemoryCarrierOptions {
  /** Clock for the seed and for new events. Default: the real clock. */
  now?: () => Date;
}

/** Tracking numbers as people type them: spaces and hyphens dropped, upper case. */
export function normalizeTrackingNumber(raw: string): string {
  return raw.replace(/[\s-]+/g, '').toUpperCase();
}

export class InMemoryCarrier implements CarrierApi {
  readonly lockers: ReadonlyMap<string, Locker>;
  /** Keyed by normalized tracking number; mutable so tests can inspect state changes. */
  readonly parcels: Map<string, SandboxParcel>;
  private readonly now: () => Date;
  private sequence = 0;

  constructor(options: InMemoryCarrierOptions = {}) {
    this.now = options.now ?? (() => new Date());
    const lockers = seedLockers();
    this.lockers = new Map(lockers.map((l) => [l.id, l]));
    this.parcels = new Map(seedParcels(lockers, this.now()).map((p) => [p.trackingNumber, p]));
  }

  async listLockers(): Promise<Locker[]> {
    return [...this.lockers.values()].filter((l) => l.active);
  }

  async getLocker(id: string): Promise<Locker> {
    const locker = this.lockers.get(id);
    if (!locker) throw new CarrierError('not_found', `InMemoryCarrier.getLocker(): no locker ${id}`);
    return locker;
  }

  async getParcel(trackingNumber: string): Promise<ParcelView> {
    return this.view(this.parcel('getParcel', trackingNumber));
  }

  async verifySender(trackingNumber: string, phoneE164: string): Promise<boolean> {
    return this.parcel('verifySender', trackingNumber).senderPhone === phoneE164;
  }

  async readdress(trackingNumber: string, senderPhoneE164: string, newLockerId: string): Promise<ChangeOutcome> {
    const where = 'InMemoryCarrier.readdress()';
    const parcel = this.verified('readdress', trackingNumber, senderPhoneE164);
    const immediate = READDRESS_NOW.includes(parcel.status);
    if (!immediate && !READDRESS_SCHEDULED.includes(parcel.status)) {
      throw new CarrierError('wrong_status', `${where}: not possible in status ${parcel.status}`, parcel.status);
    }
    const locker = this.lockers.get(newLockerId);
    if (!locker || !locker.active) throw new CarrierError('invalid', `${where}: unknown or inactive locker ${newLockerId}`);
    if (locker.id === parcel.destinationLockerId) {
      throw new CarrierError('invalid', `${where}: the parcel already goes to ${newLockerId}`);
    }
    parcel.destinationLockerId = locker.id;
    parcel.events.push({ at: this.now().toISOString(), status: parcel.status, location: locker.id });
    const reference = this.reference('RD');
    return immediate ? { outcome: 'done', reference } : { outcome: 'scheduled', workingDays: READDRESS_WORKING_DAYS, reference };
  }

  async changePhone(trackingNumber: string, senderPhoneE164: string, role: PhoneRole, newPhoneE164: string): Promise<ChangeOutcome> {
    const where = 'InMemoryCarrier.changePhone()';
    if (!e164.safeParse(newPhoneE164).success) throw new CarrierError('invalid', `${where}: the new phone is not E.164`);
    const parcel = this.verified('changePhone', trackingNumber, senderPhoneE164);
    if (PHONE_CHANGE_CLOSED.includes(parcel.status)) {
      throw new CarrierError('wrong_status', `${where}: not possible in status ${parcel.status}`, parcel.status);
    }
    if (role === 'recipient') parcel.recipientPhone = newPhoneE164;
    else parcel.senderPhone = newPhoneE164;
    const reference = this.reference('PH');
    if (parcel.status === 'returning') return { outcome: 'scheduled', workingDays: PHONE_CHANGE_WORKING_DAYS, reference };
    return { outcome: 'done', smsResent: role === 'recipient' && parcel.status === 'in_locker', reference };
  }

  async findParcels(senderPhoneE164: string, recipientPhoneE164: string, lockerId: string): Promise<string[]> {
    return [...this.parcels.values()]
      .filter((p) => p.senderPhone === senderPhoneE164 && p.recipientPhone === recipientPhoneE164 && p.destinationLockerId === lockerId)
      .map((p) => p.trackingNumber)
      .sort();
  }

  private parcel(method: string, trackingNumber: string): SandboxParcel {
    const parcel = this.parcels.get(normalizeTrackingNumber(trackingNumber));
    if (!parcel) throw new CarrierError('not_found', `InMemoryCarrier.${method}(): unknown tracking number`);
    return parcel;
  }

  private verified(method: string, trackingNumber: string, senderPhone: string): SandboxParcel {
    const parcel = this.parcel(method, trackingNumber);
    if (parcel.senderPhone !== senderPhone) {
      throw new CarrierError('not_verified', `InMemoryCarrier.${method}(): the phone is not the sender's`);
    }
    return parcel;
  }

  private reference(prefix: string): string {
    this.sequence += 1;
    return `${prefix}-${String(this.sequence).padStart(6, '0')}`;
  }

  private view(p: SandboxParcel): ParcelView {
    const view: ParcelView = {
      trackingNumber: p.trackingNumber,
      status: p.status,
      destinationLockerId: p.destinationLockerId,
      expectedDelivery: p.expectedDelivery,
      events: p.events.map((e) => ({ ...e })),
      recipientPhoneMasked: maskPhone(p.recipientPhone),
      senderPhoneMasked: maskPhone(p.senderPhone),
    };
    if (p.status === 'in_locker' && p.pickupDeadline) view.pickupDeadline = p.pickupDeadline;
    return view;
  }
}
