/**
 * Readdress: the sender picked the wrong locker. Parcel number and a fresh proof → is it still
 * movable → new locker by free text → confirm → carrier (with an idempotency key) → outcome, with
 * the carrier's time frame when staff do the change. A proof that expired while the customer was
 * deciding is asked for again before the change.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { CarrierError, type ChangeOutcome, type ParcelStatus } from '../services/carrier/types';
import { describeLocker } from '../services/i18n/lockerText';
import { formatDate } from '../services/i18n/format';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps, WorkOrderRequest } from './deps';
import { READDRESS_DIALOG } from './ids';
import { LOCKER_PICKER, LockerPickerDialog } from './LockerPickerDialog';
import { PARCEL_ACCESS, ParcelAccessDialog, sayNotPossible, type ParcelAccess } from './ParcelAccessDialog';
import { changeIdempotencyKey } from './parcelChange';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { YES_NO_PROMPT, type YesNo } from './prompts/slots';
import type { CaseResult } from './results';

/** Statuses in which the carrier can still send the parcel elsewhere. */
export const READDRESSABLE: ParcelStatus[] = ['registered', 'accepted', 'in_transit', 'at_terminal'];

export interface ReaddressOptions {
  trackingNumber?: string;
  /** A locker mention from the customer's first message. */
  lockerQuery?: string;
  /** Lockers the customer said they want to leave ("from Akropolis Vilnius to …"): never offered. */
  leaveLockerIds?: string[];
}

/** The readdress case as the main dialog sees it. */
export const READDRESS = caseRef<ReaddressOptions>(READDRESS_DIALOG);

interface Values extends CaseValues {
  access?: ParcelAccess;
  newLockerId?: string;
}

type S = Step<ReaddressOptions, Values, CaseResult>;

export class ReaddressDialog extends CaseDialog<ReaddressOptions, Values> {
  constructor(deps: DialogDeps) {
    super(READDRESS_DIALOG, deps, [new ParcelAccessDialog(deps), new LockerPickerDialog(deps)]);
  }

  protected start(): Values {
    return { fields: {} };
  }

  protected steps() {
    return [
      this.first(this.access),
      this.after(PARCEL_ACCESS, this.chooseLocker),
      this.after(LOCKER_PICKER, this.confirm),
      this.after(YES_NO_PROMPT, this.execute),
      this.after(PARCEL_ACCESS, this.executeWithFreshProof),
    ];
  }

  private async access(s: S): Promise<DialogTurnResult> {
    return s.ask(PARCEL_ACCESS, { trackingNumber: s.options.trackingNumber, allowed: READDRESSABLE, purpose: 'readdress' });
  }

  private async chooseLocker(s: S, access: ParcelAccess): Promise<DialogTurnResult> {
    s.values.access = access;
    s.values.fields = { trackingNumber: access.parcel.trackingNumber, senderPhone: access.proof.e164, lockerId: access.parcel.destinationLockerId };
    const current = this.deps.lockers.get(access.parcel.destinationLockerId);
    if (current) await s.say('readdress.current', { locker: describeLocker(this.deps.messages, s.turn.lang, current) });
    // A locker named at another prompt of this case ("Mega Kaunas" at the parcel-number question) counts too.
    const said = s.turn.conversation.given({ from: s.since }).locker;
    const leave = [...(s.options.leaveLockerIds ?? []), ...(said?.leave ?? [])];
    return s.ask(LOCKER_PICKER, {
      query: s.options.lockerQuery ?? said?.query,
      questionKey: 'ask.newLocker',
      exclude: [access.parcel.destinationLockerId],
      leave: [...new Set(leave)].filter((id) => id !== access.parcel.destinationLockerId),
      parentConfirms: true,
    });
  }

  private async confirm(s: S, lockerId: string): Promise<DialogTurnResult> {
    const parcel = this.accessOf(s).parcel;
    if (lockerId === parcel.destinationLockerId) {
      await s.say('readdress.sameLocker');
      return s.end({ status: 'done' });
    }
    const locker = this.deps.lockers.get(lockerId);
    if (!locker) throw new Error(`ReaddressDialog.confirm(): unknown locker ${lockerId}`);
    s.values.newLockerId = lockerId;
    s.values.fields.newLockerId = lockerId;
    return s.ask(YES_NO_PROMPT, {
      questionKey: 'readdress.confirm',
      params: { trackingNumber: parcel.trackingNumber, locker: describeLocker(this.deps.messages, s.turn.lang, locker) },
    });
  }

  private async execute(s: S, answer: SlotAnswer<YesNo>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    if (answer.value !== 'yes') {
      await s.say('readdress.notChanged');
      return s.end({ status: 'done' });
    }
    const access = this.accessOf(s);
    if (!s.turn.conversation.holds(access.proof)) {
      await s.say('proof.expired');
      return s.ask(PARCEL_ACCESS, { trackingNumber: access.parcel.trackingNumber, allowed: READDRESSABLE, purpose: 'readdress' });
    }
    return this.apply(s, access);
  }

  private async executeWithFreshProof(s: S, access: ParcelAccess): Promise<DialogTurnResult> {
    s.values.access = access;
    s.values.fields.senderPhone = access.proof.e164;
    return this.apply(s, access);
  }

  private async apply(s: S, access: ParcelAccess): Promise<DialogTurnResult> {
    const newLockerId = s.values.newLockerId;
    const locker = newLockerId ? this.deps.lockers.get(newLockerId) : undefined;
    if (!newLockerId || !locker) throw new Error('ReaddressDialog.apply(): no new locker chosen');
    const trackingNumber = access.parcel.trackingNumber;
    const idempotencyKey = changeIdempotencyKey(s.turn.conversationId, { action: 'readdress', trackingNumber, newLockerId }, access.proof);
    const lang = s.turn.lang;
    await s.typing();
    let outcome: ChangeOutcome;
    try {
      outcome = await this.deps.carrier.readdressWithProof(trackingNumber, access.proofToken, newLockerId, { idempotencyKey });
    } catch (err) {
      this.deps.logger.warn({ err, conversationId: s.turn.conversationId }, 'ReaddressDialog.apply(): carrier refused');
      if (err instanceof CarrierError && err.code === 'wrong_status') {
        await sayNotPossible(s.turn, this.deps, 'readdress', trackingNumber, err.status ?? 'in_transit');
        return s.end({ status: 'done' });
      }
      return s.end({ status: 'offer_person', reason: 'carrier_unavailable', fields: s.values.fields });
    }
    const lockerText = describeLocker(this.deps.messages, lang, locker);
    if (outcome.outcome === 'done') {
      await s.say('readdress.done', { locker: lockerText, reference: outcome.reference });
    } else {
      const by = this.deps.calendar.addWorkingDays(this.deps.now(), outcome.workingDays);
      await s.say('readdress.scheduled', {
        locker: lockerText,
        reference: outcome.reference,
        count: outcome.workingDays,
        date: formatDate(lang, by, this.deps.calendar.timeZone),
      });
      const order: WorkOrderRequest = { action: 'readdress', lang, fields: s.values.fields, carrierReference: outcome.reference, workingDays: outcome.workingDays };
      await this.deps.handoff.createWorkOrder?.(order, s.turn.customerRef());
    }
    return s.end({ status: 'done' });
  }

  private accessOf(s: S): ParcelAccess {
    if (!s.values.access) throw new Error('ReaddressDialog: no parcel access in the values');
    return s.values.access;
  }
}
