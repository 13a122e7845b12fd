/**
 * Readdress: the sender picked the wrong locker. Parcel number and sender proof → is it still
 * movable → new locker by free text → confirm → carrier → outcome, with the carrier's time frame
 * when staff do the change.
 */
import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { CaseDialog } from './CaseDialog';
import { CarrierError, type ChangeOutcome, type ParcelStatus, type ParcelView } from '../services/carrier/types';
import { describeLocker } from '../services/i18n/lockerText';
import { formatDate } from '../services/i18n/format';
import type { DialogDeps } from './deps';
import { LOCKER_PICKER_DIALOG, PARCEL_ACCESS_DIALOG, READDRESS_DIALOG } from './ids';
import { LockerPickerDialog, type LockerPickerOptions, type LockerPickerResult } from './LockerPickerDialog';
import { ParcelAccessDialog, sayNotPossible, type ParcelAccessOptions, type ParcelAccessResult } from './ParcelAccessDialog';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { YES_NO_CHOICES, YES_NO_PROMPT } from './prompts/slots';
import type { CaseResult } from './results';
import type { CollectedFields } from './state';
import { customerRef, langOf, say, typing } from './turn';

/** Statuses in which the carrier can still send the parcel elsewhere. */
export const READDRESSABLE: ParcelStatus[] = ['registered', 'accepted', 'in_transit', 'at_terminal'];

export interface ReaddressOptions {
  trackingNumber?: string;
  /** A locker mention from the customer's first message. */
  lockerQuery?: string;
}

interface Values {
  parcel: ParcelView;
  senderPhone: string;
  newLockerId: string;
  fields: CollectedFields;
}

export class ReaddressDialog extends CaseDialog<ReaddressOptions> {
  constructor(deps: DialogDeps) {
    super(READDRESS_DIALOG, deps, [new ParcelAccessDialog(deps), new LockerPickerDialog(deps)]);
  }

  protected steps(): WaterfallStep<ReaddressOptions>[] {
    return [this.access, this.chooseLocker, this.confirm, this.execute];
  }

  private async access(step: WaterfallStepContext<ReaddressOptions>): Promise<DialogTurnResult> {
    (step.values as Values).fields = {};
    return step.beginDialog(PARCEL_ACCESS_DIALOG, {
      trackingNumber: step.options.trackingNumber,
      allowed: READDRESSABLE,
      purpose: 'readdress',
    } satisfies ParcelAccessOptions);
  }

  private async chooseLocker(step: WaterfallStepContext<ReaddressOptions>): Promise<DialogTurnResult> {
    const access = step.result as ParcelAccessResult;
    if (!access.ok) return step.endDialog(access.result);
    const values = step.values as Values;
    values.parcel = access.parcel;
    values.senderPhone = access.senderPhone;
    values.fields = { trackingNumber: access.parcel.trackingNumber, senderPhone: access.senderPhone, lockerId: access.parcel.destinationLockerId };
    const current = this.deps.lockers.get(access.parcel.destinationLockerId);
    if (current) await say(step.context, this.deps.messages, 'readdress.current', { locker: describeLocker(this.deps.messages, langOf(step.context), current) });
    return step.beginDialog(LOCKER_PICKER_DIALOG, { query: step.options.lockerQuery, questionKey: 'ask.newLocker' } satisfies LockerPickerOptions);
  }

  private async confirm(step: WaterfallStepContext<ReaddressOptions>): Promise<DialogTurnResult> {
    const picked = step.result as LockerPickerResult;
    const values = step.values as Values;
    if (!picked.ok) return step.endDialog({ status: 'escalate', reason: 'too_many_attempts', fields: values.fields } satisfies CaseResult);
    if (picked.lockerId === values.parcel.destinationLockerId) {
      await say(step.context, this.deps.messages, 'readdress.sameLocker');
      return step.endDialog({ status: 'done' } satisfies CaseResult);
    }
    values.newLockerId = picked.lockerId;
    values.fields.newLockerId = picked.lockerId;
    const locker = this.deps.lockers.get(picked.lockerId)!;
    return step.beginDialog(YES_NO_PROMPT, {
      questionKey: 'readdress.confirm',
      params: { trackingNumber: values.parcel.trackingNumber, locker: describeLocker(this.deps.messages, langOf(step.context), locker) },
      choices: YES_NO_CHOICES,
    });
  }

  private async execute(step: WaterfallStepContext<ReaddressOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<string>;
    const values = step.values as Values;
    if (!answer.ok) return step.endDialog({ status: 'escalate', reason: 'too_many_attempts', fields: values.fields } satisfies CaseResult);
    if (answer.value !== 'yes') {
      await say(step.context, this.deps.messages, 'readdress.notChanged');
      return step.endDialog({ status: 'done' } satisfies CaseResult);
    }
    const lang = langOf(step.context);
    const locker = this.deps.lockers.get(values.newLockerId)!;
    await typing(step.context);
    let outcome: ChangeOutcome;
    try {
      outcome = await this.deps.carrier.readdress(values.parcel.trackingNumber, values.senderPhone, values.newLockerId);
    } catch (err) {
      return step.endDialog(await this.carrierError(step, err, values.fields));
    }
    const lockerText = describeLocker(this.deps.messages, lang, locker);
    if (outcome.outcome === 'done') {
      await say(step.context, this.deps.messages, 'readdress.done', { locker: lockerText, reference: outcome.reference });
    } else {
      const by = this.deps.calendar.addWorkingDays(this.deps.now(), outcome.workingDays);
      await say(step.context, this.deps.messages, 'readdress.scheduled', {
        locker: lockerText,
        reference: outcome.reference,
        count: outcome.workingDays,
        date: formatDate(lang, by, this.deps.calendar.timeZone),
      });
      const order = { action: 'readdress', lang, fields: values.fields, carrierReference: outcome.reference, workingDays: outcome.workingDays } as const;
      await this.deps.handoff.createWorkOrder?.(order, customerRef(step.context, this.deps.now()));
    }
    return step.endDialog({ status: 'done' } satisfies CaseResult);
  }

  private async carrierError(step: WaterfallStepContext<ReaddressOptions>, err: unknown, fields: CollectedFields): Promise<CaseResult> {
    this.deps.logger.warn({ err, conversationId: step.context.activity.conversation?.id }, 'ReaddressDialog.execute(): carrier refused');
    if (err instanceof CarrierError && err.code === 'wrong_status') {
      await sayNotPossible(step.context, this.deps, 'readdress', fields.trackingNumber, err.status ?? 'in_transit');
      return { status: 'done' };
    }
    return { status: 'escalate', reason: 'carrier_unavailable', fields };
  }
}
