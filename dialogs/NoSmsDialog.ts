/**
 * "The SMS with the pickup code never came" / "I deleted the SMS": the parcel first. Not in the
 * locker yet → when to expect the SMS. Already collected or gone → nothing to send. In the locker →
 * re-send the pickup SMS to the recipient phone on the parcel (shown masked; safe self-service,
 * rate-limited by `PickupSmsResender`), or, when that number is wrong, the wrong-phone case with
 * its proof (the recipient's number, not asked again). The pickup code never appears in the chat.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { ParcelStatus, ParcelView } from '../services/carrier/types';
import { formatDate } from '../services/i18n/format';
import { describeLocker } from '../services/i18n/lockerText';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps } from './deps';
import { FIX_PHONE, FixPhoneDialog } from './FixPhoneDialog';
import { NO_SMS_DIALOG } from './ids';
import { pickupSmsIdempotencyKey } from './parcelChange';
import { SlotPrompt, choiceParser, slotRef, type SlotAnswer } from './prompts/SlotPrompt';
import { PARCEL_PROMPT } from './prompts/slots';
import type { CaseResult } from './results';
import { askParcel } from './askParcel';

export interface NoSmsOptions {
  trackingNumber?: string;
}

/** The no-SMS case as the main dialog sees it. */
export const NO_SMS = caseRef<NoSmsOptions>(NO_SMS_DIALOG);

/** Statuses before the locker: the SMS is still to come. */
const ON_THE_WAY: ReadonlySet<ParcelStatus> = new Set(['registered', 'accepted', 'in_transit', 'at_terminal', 'out_for_delivery']);

type Remedy = 'resend' | 'fix';
const isRemedy = (v: unknown): v is Remedy => v === 'resend' || v === 'fix';
const REMEDY_PROMPT = slotRef<Remedy>('slot.noSmsRemedy', isRemedy, {
  choices: [
    { value: 'resend', titleKey: 'buttons.resendSms', synonymsKey: 'words.resend' },
    { value: 'fix', titleKey: 'buttons.wrongNumber', synonymsKey: 'words.wrongNumber' },
  ],
});

interface Values extends CaseValues {
  trackingNumber?: string;
}

type S = Step<NoSmsOptions, Values, CaseResult>;

export class NoSmsDialog extends CaseDialog<NoSmsOptions, Values> {
  constructor(deps: DialogDeps) {
    super(NO_SMS_DIALOG, deps, [new SlotPrompt(REMEDY_PROMPT, deps, choiceParser(deps, isRemedy), 'invalid.choice'), new FixPhoneDialog(deps)]);
  }

  protected start(): Values {
    return { fields: {} };
  }

  protected steps() {
    return [
      this.first(this.askParcel),
      this.after(PARCEL_PROMPT, this.check),
      this.after(REMEDY_PROMPT, this.remedy),
      this.after(FIX_PHONE, this.fixed),
    ];
  }

  private async askParcel(s: S): Promise<DialogTurnResult> {
    return askParcel(this.deps, s, s.options.trackingNumber, 'ask.trackingNumberNoSms');
  }

  private async check(s: S, answer: SlotAnswer<ParcelView>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    const parcel = answer.value;
    s.values.trackingNumber = parcel.trackingNumber;
    s.values.fields.trackingNumber = parcel.trackingNumber;
    if (parcel.status !== 'in_locker') return this.notInLocker(s, parcel.trackingNumber, parcel.status, parcel.expectedDelivery);
    const m = this.deps.messages;
    const lang = s.turn.lang;
    const locker = this.deps.lockers.get(parcel.destinationLockerId);
    return s.ask(REMEDY_PROMPT, {
      questionKey: 'noSms.offer',
      params: { trackingNumber: parcel.trackingNumber, locker: locker ? describeLocker(m, lang, locker) : parcel.destinationLockerId, phone: parcel.recipientPhoneMasked },
    });
  }

  private async notInLocker(s: S, trackingNumber: string, status: ParcelStatus, expectedDelivery?: string): Promise<DialogTurnResult> {
    const lang = s.turn.lang;
    const params = { trackingNumber, status: this.deps.messages.t(lang, `status.${status}`) };
    if (ON_THE_WAY.has(status)) {
      const expected = expectedDelivery ? formatDate(lang, new Date(`${expectedDelivery}T12:00:00Z`), this.deps.calendar.timeZone) : '';
      await s.say('noSms.notYet', { ...params, expected });
    } else {
      await s.say('noSms.finished', params);
    }
    return s.end({ status: 'done' });
  }

  private async remedy(s: S, answer: SlotAnswer<Remedy>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    const trackingNumber = s.values.trackingNumber;
    if (!trackingNumber) throw new Error('NoSmsDialog.remedy(): no parcel in the values');
    if (answer.value === 'fix') return s.ask(FIX_PHONE, { trackingNumber, role: 'recipient' });
    await s.typing();
    const conversationId = s.turn.conversationId;
    const requestId = s.context.activity.id ?? `turn-${s.turn.now().toISOString()}`;
    const outcome = await this.deps.pickupSms.resend({ conversationId, trackingNumber, idempotencyKey: pickupSmsIdempotencyKey(conversationId, trackingNumber, requestId) });
    switch (outcome.outcome) {
      case 'sent':
        await s.say('noSms.sent', { phone: outcome.phoneMasked });
        return s.end({ status: 'done' });
      case 'limited':
        await s.say('noSms.limited');
        return s.end({ status: 'offer_person', reason: 'too_many_attempts', fields: s.values.fields });
      case 'not_in_locker':
        return this.notInLocker(s, trackingNumber, outcome.status);
      case 'not_found':
      case 'unavailable':
        return s.end({ status: 'offer_person', reason: 'carrier_unavailable', fields: s.values.fields });
    }
  }

  private async fixed(s: S, result: CaseResult): Promise<DialogTurnResult> {
    return s.end(result);
  }
}
