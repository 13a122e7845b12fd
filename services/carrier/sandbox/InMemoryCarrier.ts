/**
 * The sandbox carrier's business rules, in memory: a `CarrierApi` that the sandbox HTTP server
 * exposes, and that tests may also use directly when HTTP is beside the point.
 *
 * Rules (the same the contract documents):
 * - one-time codes (`requestParcelCode`, `requestPhoneCode`, `verifyCode`): see `CodeDesk`. Every
 *   SMS goes to the `outbox` instead of a phone. A phone code for a phone that is the sender of no
 *   parcel is answered the same way but sends nothing and can never be verified (no oracle, no
 *   SMS to arbitrary numbers);
 * - readdress: only with a sender proof for the parcel (knowing the sender phone is not enough);
 *   `registered` -> done now; `accepted`, `in_transit`, `at_terminal` -> scheduled within 5
 *   working days; any other status -> wrong_status. The new locker must exist, be active and
 *   differ from the current one (else `invalid`);
 * - phone change: only the sender; refused once `delivered`, `returned` or `cancelled`; a recipient
 *   change while `in_locker` re-sends the pickup SMS (to the new phone); `returning` -> scheduled
 *   within 2 working days. A changed sender phone invalidates earlier sender proofs;
 * - lookup: parcels of the proven sender phone (a `requestPhoneCode` proof) with exactly that
 *   recipient phone and destination locker;
 * - pickup SMS re-send: only `in_locker`, at most `pickupResendsPerDay` per parcel (then `sent: false`);
 * - a change (or re-send) with an `idempotencyKey` is applied once; a repeat gets the first outcome.
 * Changes persist for the life of the object.
 */
import { randomInt } from 'crypto';
import type { Lang } from '../../i18n/langs';
import type { Logger } from '../../logging/logger';
import {
  CarrierError,
  type CarrierApi,
  type ChangeOptions,
  type ChangeOutcome,
  type CodeChallenge,
  type CodeCheck,
  type Locker,
  type ParcelStatus,
  type ParcelView,
  type PhoneRole,
  type PickupSmsResend,
} from '../types';
import { normalizeS10 } from '../s10';
import { e164, oneTimeCode, proofToken as proofTokenSchema } from '../wire';
import { CodeDesk, type CodeSubject, type ProofGrant } from './codeDesk';
import { IdempotencyLedger } from './idempotency';
import { seedLockers } from './lockerSeed';
import { maskPhone } from './maskPhone';
import { seedParcels, type SandboxParcel } from './parcelSeed';
import { SmsOutbox } from './smsOutbox';
import { codeSms, pickupSms } from './smsTexts';

export const READDRESS_NOW: readonly ParcelStatus[] = ['registered'];
export const READDRESS_SCHEDULED: readonly ParcelStatus[] = ['accepted', 'in_transit', 'at_terminal'];
export const PHONE_CHANGE_CLOSED: readonly ParcelStatus[] = ['delivered', 'returned', 'cancelled'];
export const READDRESS_WORKING_DAYS = 5;
export const PHONE_CHANGE_WORKING_DAYS = 2;

export const PICKUP_RESENDS_PER_DAY = 3;

export interface InMemoryCarrierOptions {
  /** Clock for the seed, new events, code and proof expiry. Default: the real clock. */
  now?: () => Date;
  /** Life of a one-time code. Default 5 minutes. */
  codeTtlMs?: number;
  /** Life of a proof token. Default 15 minutes. */
  proofTtlMs?: number;
  /** The carrier's own limit of codes per parcel+role and per phone in 24 hours. Default 10. */
  codesPerSubjectPerDay?: number;
  /** Pickup SMS re-sends per parcel in 24 hours. Default 3. */
  pickupResendsPerDay?: number;
  /** Secret of `phoneKey`s; give two sandboxes the same one to get the same keys. Default: random. */
  phoneKeySecret?: string;
  /** Test seam: how one-time codes are drawn. Default: random digits (crypto). */
  newCode?: () => string;
  /** Where every SMS is also logged (phone masked). */
  logger?: Logger;
}

/** Tracking numbers as people type them: spaces and hyphens dropped, upper case (S10 or 14 digits alike). */
export const normalizeTrackingNumber = normalizeS10;

export class InMemoryCarrier implements CarrierApi {
  readonly lockers: ReadonlyMap<string, Locker>;
  /** Keyed by normalized tracking number; mutable so tests can inspect state changes. */
  readonly parcels: Map<string, SandboxParcel>;
  /** Every SMS the sandbox sent, by phone. */
  readonly outbox: SmsOutbox;
  private readonly now: () => Date;
  private readonly codes: CodeDesk;
  private readonly ledger: IdempotencyLedger;
  private readonly pickupResendsPerDay: number;
  private readonly pickupCodes = new Map<string, string>();
  private readonly pickupResends = new Map<string, number[]>();
  private sequence = 0;

  constructor(options: InMemoryCarrierOptions = {}) {
    this.now = options.now ?? (() => new Date());
    const lockers = seedLockers();
    this.lockers = new Map(lockers.map((l) => [l.id, l]));
    this.parcels = new Map(seedParcels(lockers, this.now()).map((p) => [p.trackingNumber, p]));
    this.outbox = new SmsOutbox({ now: this.now, logger: options.logger });
    this.codes = new CodeDesk({
      now: this.now,
      codeTtlMs: options.codeTtlMs,
      proofTtlMs: options.proofTtlMs,
      codesPerSubjectPerDay: options.codesPerSubjectPerDay,
      phoneKeySecret: options.phoneKeySecret,
      newCode: options.newCode,
    });
    this.ledger = new IdempotencyLedger(this.now);
    this.pickupResendsPerDay = options.pickupResendsPerDay ?? PICKUP_RESENDS_PER_DAY;
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

  async requestParcelCode(trackingNumber: string, role: PhoneRole, lang: Lang): Promise<CodeChallenge> {
    const where = 'InMemoryCarrier.requestParcelCode()';
    const parcel = this.parcel('requestParcelCode', trackingNumber);
    const phone = role === 'sender' ? parcel.senderPhone : parcel.recipientPhone;
    return this.sendCode(where, { kind: 'parcel', trackingNumber: parcel.trackingNumber, role }, phone, lang, false);
  }

  async requestPhoneCode(phoneE164: string, lang: Lang): Promise<CodeChallenge> {
    const where = 'InMemoryCarrier.requestPhoneCode()';
    if (!e164.safeParse(phoneE164).success) throw new CarrierError('invalid', `${where}: the phone is not E.164`);
    const sendsParcels = [...this.parcels.values()].some((p) => p.senderPhone === phoneE164);
    return this.sendCode(where, { kind: 'phone' }, phoneE164, lang, !sendsParcels);
  }

  async verifyCode(challengeId: string, code: string): Promise<CodeCheck> {
    const where = 'InMemoryCarrier.verifyCode()';
    if (!oneTimeCode.safeParse(code).success) throw new CarrierError('invalid', `${where}: a code is 6 digits`);
    const result = this.codes.verify(where, challengeId, code);
    if (!result.verified) return { verified: false, attemptsLeft: result.attemptsLeft };
    return { verified: true, proofToken: result.token, expiresAt: new Date(result.grant.expiresAt).toISOString(), phoneE164: result.grant.phone };
  }

  async readdressWithProof(trackingNumber: string, proofToken: string, newLockerId: string, opts: ChangeOptions = {}): Promise<ChangeOutcome> {
    const where = 'InMemoryCarrier.readdressWithProof()';
    this.requireTokenShape(where, proofToken);
    const parcel = this.parcel('readdressWithProof', trackingNumber);
    const fingerprint = JSON.stringify([parcel.trackingNumber, this.proofSubject(proofToken), newLockerId]);
    return this.ledger.once(where, 'readdress', opts.idempotencyKey, fingerprint, () => {
      this.requireSenderProof(where, parcel, proofToken);
      return this.applyReaddress(where, parcel, newLockerId);
    });
  }

  async changePhoneWithProof(
    trackingNumber: string,
    proofToken: string,
    role: PhoneRole,
    newPhoneE164: string,
    opts: ChangeOptions = {},
  ): Promise<ChangeOutcome> {
    const where = 'InMemoryCarrier.changePhoneWithProof()';
    this.requireTokenShape(where, proofToken);
    if (!e164.safeParse(newPhoneE164).success) throw new CarrierError('invalid', `${where}: the new phone is not E.164`);
    const parcel = this.parcel('changePhoneWithProof', trackingNumber);
    const fingerprint = JSON.stringify([parcel.trackingNumber, this.proofSubject(proofToken), role, newPhoneE164]);
    return this.ledger.once(where, 'changePhone', opts.idempotencyKey, fingerprint, () => {
      this.requireSenderProof(where, parcel, proofToken);
      return this.applyPhoneChange(where, parcel, role, newPhoneE164);
    });
  }

  async findParcelsWithProof(proofToken: string, recipientPhoneE164: string, lockerId: string): Promise<string[]> {
    this.requireTokenShape('InMemoryCarrier.findParcelsWithProof()', proofToken);
    const grant = this.codes.liveGrant(proofToken);
    if (!grant || grant.subject.kind !== 'phone') {
      throw new CarrierError('not_verified', 'InMemoryCarrier.findParcelsWithProof(): no valid proof of a sender phone');
    }
    return this.match(grant.phone, recipientPhoneE164, lockerId);
  }

  async resendPickupSms(trackingNumber: string, opts: ChangeOptions = {}): Promise<PickupSmsResend> {
    const where = 'InMemoryCarrier.resendPickupSms()';
    const parcel = this.parcel('resendPickupSms', trackingNumber);
    return this.ledger.once(where, 'resendPickupSms', opts.idempotencyKey, parcel.trackingNumber, () => {
      if (parcel.status !== 'in_locker') {
        throw new CarrierError('wrong_status', `${where}: the parcel is not in the locker (status ${parcel.status})`, parcel.status);
      }
      const now = this.now().getTime();
      const recent = (this.pickupResends.get(parcel.trackingNumber) ?? []).filter((t) => now - t < 86_400_000);
      const phoneMasked = maskPhone(parcel.recipientPhone);
      if (recent.length >= this.pickupResendsPerDay) return { sent: false, phoneMasked };
      recent.push(now);
      this.pickupResends.set(parcel.trackingNumber, recent);
      this.sendPickupSms(parcel);
      return { sent: true, phoneMasked };
    });
  }

  private sendCode(where: string, subject: CodeSubject, phone: string, lang: Lang, silent: boolean): CodeChallenge {
    const { challengeId, code, expiresAt } = this.codes.open(where, subject, phone, silent);
    if (!silent) this.outbox.send(phone, codeSms(lang, code, Math.round(this.codes.codeTtlMs / 60_000)), 'code');
    return { challengeId, phoneMasked: maskPhone(phone), phoneKey: this.codes.phoneKey(phone), expiresAt: new Date(expiresAt).toISOString() };
  }

  /** What a token stands for, for idempotency fingerprints (an expired token still names its subject). */
  private proofSubject(token: string): string {
    const grant: ProofGrant | undefined = this.codes.grant(token);
    if (!grant) return 'unknown';
    const s = grant.subject;
    return s.kind === 'parcel' ? `proof:${s.trackingNumber}:${s.role}:${this.codes.phoneKey(grant.phone)}` : `proof:phone:${this.codes.phoneKey(grant.phone)}`;
  }

  /** The HTTP contract refuses a malformed token as a malformed request (400), before anything else. */
  private requireTokenShape(where: string, token: string): void {
    if (!proofTokenSchema.safeParse(token).success) throw new CarrierError('invalid', `${where}: malformed proof token`);
  }

  private requireSenderProof(where: string, parcel: SandboxParcel, token: string): void {
    const grant = this.codes.liveGrant(token);
    const ok =
      grant !== undefined &&
      grant.subject.kind === 'parcel' &&
      grant.subject.trackingNumber === parcel.trackingNumber &&
      grant.subject.role === 'sender' &&
      grant.phone === parcel.senderPhone;
    if (!ok) throw new CarrierError('not_verified', `${where}: no valid sender proof for this parcel`);
  }

  private applyReaddress(where: string, parcel: SandboxParcel, newLockerId: string): ChangeOutcome {
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

  private applyPhoneChange(where: string, parcel: SandboxParcel, role: PhoneRole, newPhone: string): ChangeOutcome {
    if (PHONE_CHANGE_CLOSED.includes(parcel.status)) {
      throw new CarrierError('wrong_status', `${where}: not possible in status ${parcel.status}`, parcel.status);
    }
    if (role === 'recipient') parcel.recipientPhone = newPhone;
    else parcel.senderPhone = newPhone;
    const reference = this.reference('PH');
    if (parcel.status === 'returning') return { outcome: 'scheduled', workingDays: PHONE_CHANGE_WORKING_DAYS, reference };
    const smsResent = role === 'recipient' && parcel.status === 'in_locker';
    if (smsResent) this.sendPickupSms(parcel);
    return { outcome: 'done', smsResent, reference };
  }

  private sendPickupSms(parcel: SandboxParcel): void {
    let code = this.pickupCodes.get(parcel.trackingNumber);
    if (!code) {
      code = String(randomInt(100000, 1_000_000));
      this.pickupCodes.set(parcel.trackingNumber, code);
    }
    const locker = this.lockers.get(parcel.destinationLockerId);
    this.outbox.send(parcel.recipientPhone, pickupSms(parcel.trackingNumber, locker?.name ?? parcel.destinationLockerId, code, parcel.pickupDeadline), 'pickup');
  }

  private match(senderPhone: string, recipientPhone: string, lockerId: string): string[] {
    return [...this.parcels.values()]
      .filter((p) => p.senderPhone === senderPhone && p.recipientPhone === recipientPhone && p.destinationLockerId === lockerId)
      .map((p) => p.trackingNumber)
      .sort();
  }

  private parcel(method: string, trackingNumber: string): SandboxParcel {
    const parcel = this.parcels.get(normalizeTrackingNumber(trackingNumber));
    if (!parcel) throw new CarrierError('not_found', `InMemoryCarrier.${method}(): unknown tracking number`);
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
