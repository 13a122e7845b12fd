/**
 * Wrong phone number: the recipient gets no SMS with the pickup code. Parcel number and sender
 * proof → which number was wrong → the right number → confirm → carrier updates it and re-sends
 * the pickup SMS to the new number. The pickup code itself never appears in the chat.
 */
import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { CaseDialog } from './CaseDialog';
import { CarrierError, type ChangeOutcome, type ParcelStatus, type ParcelView, type PhoneRole } from '../services/carrier/types';
import { formatDate, maskPhone } from '../services/i18n/format';
import type { DialogDeps } from './deps';
import { FIX_PHONE_DIALOG, PARCEL_ACCESS_DIALOG } from './ids';
import { ParcelAccessDialog, sayNotPossible, type ParcelAccessOptions, type ParcelAccessResult } from './ParcelAccessDialog';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { CHOICE_PROMPT, PHONE_PROMPT, YES_NO_CHOICES, YES_NO_PROMPT } from './prompts/slots';
import type { CaseResult } from './results';
import type { CollectedFields } from './state';
import { customerRef, langOf, say, turnInfo, typing } from './turn';

/** Statuses in which a phone number can still matter. */
export const PHONE_CHANGEABLE: ParcelStatus[] = ['registered', 'accepted', 'in_transit', 'at_terminal', 'out_for_delivery', 'in_locker', 'returning'];

export interface FixPhoneOptions {
  trackingNumber?: string;
}

interface Values {
  parcel: ParcelView;
  senderPhone: string;
  role: PhoneRole;
  newPhone: string;
  fields: CollectedFields;
}

export class FixPhoneDialog extends CaseDialog<FixPhoneOptions> {
  constructor(deps: DialogDeps) {
    super(FIX_PHONE_DIALOG, deps, [new ParcelAccessDialog(deps)]);
  }

  protected steps(): WaterfallStep<FixPhoneOptions>[] {
    return [this.access, this.askRole, this.askNewPhone, this.confirm, this.execute];
  }

  private async access(step: WaterfallStepContext<FixPhoneOptions>): Promise<DialogTurnResult> {
    (step.values as Values).fields = {};
    return step.beginDialog(PARCEL_ACCESS_DIALOG, {
      trackingNumber: step.options.trackingNumber,
      allowed: PHONE_CHANGEABLE,
      purpose: 'fixPhone',
    } satisfies ParcelAccessOptions);
  }

  private async askRole(step: WaterfallStepContext<FixPhoneOptions>): Promise<DialogTurnResult> {
    const access = step.result as ParcelAccessResult;
    if (!access.ok) return step.endDialog(access.result);
    const values = step.values as Values;
    values.parcel = access.parcel;
    values.senderPhone = access.senderPhone;
    values.fields = { trackingNumber: access.parcel.trackingNumber, senderPhone: access.senderPhone };
    return step.beginDialog(CHOICE_PROMPT, {
      questionKey: 'fixPhone.whichNumber',
      params: { recipient: access.parcel.recipientPhoneMasked, sender: access.parcel.senderPhoneMasked },
      choices: [
        { value: 'recipient', titleKey: 'buttons.recipientPhone', synonymsKey: 'words.recipient' },
        { value: 'sender', titleKey: 'buttons.senderPhone', synonymsKey: 'words.sender' },
      ],
    });
  }

  private async askNewPhone(step: WaterfallStepContext<FixPhoneOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<string>;
    const values = step.values as Values;
    if (!answer.ok) return step.endDialog({ status: 'escalate', reason: 'too_many_attempts', fields: values.fields } satisfies CaseResult);
    values.role = answer.value as PhoneRole;
    return step.beginDialog(PHONE_PROMPT, { questionKey: values.role === 'recipient' ? 'ask.newRecipientPhone' : 'ask.newSenderPhone' });
  }

  private async confirm(step: WaterfallStepContext<FixPhoneOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<string>;
    const values = step.values as Values;
    if (!answer.ok) return step.endDialog({ status: 'escalate', reason: 'too_many_attempts', fields: values.fields } satisfies CaseResult);
    values.newPhone = answer.value!;
    values.fields.newPhone = values.newPhone;
    if (values.role === 'recipient') values.fields.recipientPhone = values.newPhone;
    if (values.role === 'sender' && values.newPhone === values.senderPhone) {
      await say(step.context, this.deps.messages, 'fixPhone.sameNumber');
      return step.endDialog({ status: 'done' } satisfies CaseResult);
    }
    const lang = langOf(step.context);
    return step.beginDialog(YES_NO_PROMPT, {
      questionKey: 'fixPhone.confirm',
      params: {
        trackingNumber: values.parcel.trackingNumber,
        role: this.deps.messages.t(lang, `fixPhone.role.${values.role}`),
        phone: values.newPhone,
      },
      choices: YES_NO_CHOICES,
    });
  }

  private async execute(step: WaterfallStepContext<FixPhoneOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<string>;
    const values = step.values as Values;
    if (!answer.ok) return step.endDialog({ status: 'escalate', reason: 'too_many_attempts', fields: values.fields } satisfies CaseResult);
    if (answer.value !== 'yes') {
      await say(step.context, this.deps.messages, 'fixPhone.notChanged');
      return step.endDialog({ status: 'done' } satisfies CaseResult);
    }
    const lang = langOf(step.context);
    await typing(step.context);
    let outcome: ChangeOutcome;
    try {
      outcome = await this.deps.carrier.changePhone(values.parcel.trackingNumber, values.senderPhone, values.role, values.newPhone);
    } catch (err) {
      this.deps.logger.warn({ err, conversationId: step.context.activity.conversation?.id }, 'FixPhoneDialog.execute(): carrier refused');
      if (err instanceof CarrierError && err.code === 'wrong_status') {
        await sayNotPossible(step.context, this.deps, 'fixPhone', values.parcel.trackingNumber, err.status ?? 'delivered');
        return step.endDialog({ status: 'done' } satisfies CaseResult);
      }
      return step.endDialog({ status: 'escalate', reason: 'carrier_unavailable', fields: values.fields } satisfies CaseResult);
    }
    const phone = maskPhone(values.newPhone);
    if (outcome.outcome === 'done') {
      const key = outcome.smsResent ? 'fixPhone.doneSmsResent' : values.role === 'recipient' ? 'fixPhone.doneSmsLater' : 'fixPhone.doneSender';
      await say(step.context, this.deps.messages, key, { phone, reference: outcome.reference });
    } else {
      const by = this.deps.calendar.addWorkingDays(this.deps.now(), outcome.workingDays);
      await say(step.context, this.deps.messages, 'fixPhone.scheduled', {
        phone,
        reference: outcome.reference,
        count: outcome.workingDays,
        date: formatDate(lang, by, this.deps.calendar.timeZone),
      });
      const order = { action: 'change_phone', lang, fields: values.fields, carrierReference: outcome.reference, workingDays: outcome.workingDays, role: values.role } as const;
      await this.deps.handoff.createWorkOrder?.(order, customerRef(step.context, this.deps.now()));
    }
    if (values.role === 'sender') {
      const profile = turnInfo(step.context).profile;
      profile.verifiedPhones = [...new Set([...(profile.verifiedPhones ?? []).filter((p) => p !== values.senderPhone), values.newPhone])];
    }
    return step.endDialog({ status: 'done' } satisfies CaseResult);
  }
}
