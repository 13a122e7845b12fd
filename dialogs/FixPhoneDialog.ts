/**
 * Wrong phone number: the recipient gets no SMS with the pickup code. Parcel number and a fresh
 * proof → which number was wrong → the right number → confirm → carrier updates it (with an
 * idempotency key) and re-sends the pickup SMS to the new number. The pickup code itself never
 * appears in the chat.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { CarrierError, type ChangeOutcome, type ParcelStatus, type PhoneRole } from '../services/carrier/types';
import { formatDate, maskPhone } from '../services/i18n/format';
import { phoneCorrection, type PhoneCorrection } from '../services/nlu/entities/roles';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps, WorkOrderRequest } from './deps';
import { FIX_PHONE_DIALOG } from './ids';
import { PARCEL_ACCESS, ParcelAccessDialog, sayNotPossible, type ParcelAccess } from './ParcelAccessDialog';
import { changeIdempotencyKey } from './parcelChange';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { PHONE_PROMPT, PHONE_ROLE_PROMPT, YES_NO_PROMPT, type YesNo } from './prompts/slots';
import type { CaseResult } from './results';

/** Statuses in which a phone number can still matter. */
export const PHONE_CHANGEABLE: ParcelStatus[] = ['registered', 'accepted', 'in_transit', 'at_terminal', 'out_for_delivery', 'in_locker', 'returning'];

export interface FixPhoneOptions {
  trackingNumber?: string;
  /** Whose number is wrong, when the customer already said it ("the recipient's SMS never came"): not asked again. */
  role?: PhoneRole;
}

/** The wrong-phone case as the main dialog sees it. */
export const FIX_PHONE = caseRef<FixPhoneOptions>(FIX_PHONE_DIALOG);

interface Values extends CaseValues {
  access?: ParcelAccess;
  /** The message the proof was given in: later messages answer this case's own prompts. */
  provenAt?: number;
  role?: PhoneRole;
  newPhone?: string;
}

type S = Step<FixPhoneOptions, Values, CaseResult>;

export class FixPhoneDialog extends CaseDialog<FixPhoneOptions, Values> {
  constructor(deps: DialogDeps) {
    super(FIX_PHONE_DIALOG, deps, [new ParcelAccessDialog(deps)]);
  }

  protected start(): Values {
    return { fields: {} };
  }

  protected steps() {
    return [
      this.first(this.access),
      this.after(PARCEL_ACCESS, this.askRole),
      this.after(PHONE_ROLE_PROMPT, this.askNewPhone),
      this.after(PHONE_PROMPT, this.confirm),
      this.after(YES_NO_PROMPT, this.execute),
      this.after(PARCEL_ACCESS, this.executeWithFreshProof),
    ];
  }

  private async access(s: S): Promise<DialogTurnResult> {
    return s.ask(PARCEL_ACCESS, { trackingNumber: s.options.trackingNumber, allowed: PHONE_CHANGEABLE, purpose: 'fixPhone' });
  }

  private async askRole(s: S, access: ParcelAccess): Promise<DialogTurnResult> {
    s.values.access = access;
    s.values.provenAt = s.turn.conversation.messageNumber;
    s.values.fields = { trackingNumber: access.parcel.trackingNumber, senderPhone: access.proof.e164 };
    const role = s.options.role ?? this.said(s, access).party;
    if (role) return s.skip(PHONE_ROLE_PROMPT, { ok: true, value: role });
    return s.ask(PHONE_ROLE_PROMPT, {
      questionKey: 'fixPhone.whichNumber',
      params: { recipient: access.parcel.recipientPhoneMasked, sender: access.parcel.senderPhoneMasked },
      choices: [
        { value: 'recipient', titleKey: 'buttons.recipientPhone', synonymsKey: 'words.recipient' },
        { value: 'sender', titleKey: 'buttons.senderPhone', synonymsKey: 'words.sender' },
      ],
    });
  }

  private async askNewPhone(s: S, answer: SlotAnswer<PhoneRole>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    s.values.role = answer.value;
    const known = this.said(s, this.pending(s).access).newPhone;
    if (known) return s.skip(PHONE_PROMPT, { ok: true, value: known });
    return s.ask(PHONE_PROMPT, { questionKey: answer.value === 'recipient' ? 'ask.newRecipientPhone' : 'ask.newSenderPhone' });
  }

  private async confirm(s: S, answer: SlotAnswer<string>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    const { access, role } = this.pending(s);
    const newPhone = answer.value;
    s.values.newPhone = newPhone;
    s.values.fields.newPhone = newPhone;
    if (role === 'recipient') s.values.fields.recipientPhone = newPhone;
    if (role === 'sender' && newPhone === access.proof.e164) {
      await s.say('fixPhone.sameNumber');
      return s.end({ status: 'done' });
    }
    return s.ask(YES_NO_PROMPT, {
      questionKey: 'fixPhone.confirm',
      params: { trackingNumber: access.parcel.trackingNumber, role: this.deps.messages.t(s.turn.lang, `fixPhone.role.${role}`), phone: newPhone },
    });
  }

  private async execute(s: S, answer: SlotAnswer<YesNo>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    if (answer.value !== 'yes') {
      await s.say('fixPhone.notChanged');
      return s.end({ status: 'done' });
    }
    const { access } = this.pending(s);
    if (!s.turn.conversation.holds(access.proof)) {
      await s.say('proof.expired');
      return s.ask(PARCEL_ACCESS, { trackingNumber: access.parcel.trackingNumber, allowed: PHONE_CHANGEABLE, purpose: 'fixPhone' });
    }
    return this.apply(s, access);
  }

  private async executeWithFreshProof(s: S, access: ParcelAccess): Promise<DialogTurnResult> {
    s.values.access = access;
    s.values.fields.senderPhone = access.proof.e164;
    return this.apply(s, access);
  }

  private async apply(s: S, access: ParcelAccess): Promise<DialogTurnResult> {
    const { role, newPhone } = this.pending(s);
    if (!newPhone) throw new Error('FixPhoneDialog.apply(): no new phone');
    const trackingNumber = access.parcel.trackingNumber;
    const idempotencyKey = changeIdempotencyKey(s.turn.conversationId, { action: 'change_phone', trackingNumber, role, newPhone }, access.proof);
    const lang = s.turn.lang;
    await s.typing();
    let outcome: ChangeOutcome;
    try {
      outcome = await this.deps.carrier.changePhoneWithProof(trackingNumber, access.proofToken, role, newPhone, { idempotencyKey });
    } catch (err) {
      this.deps.logger.warn({ err, conversationId: s.turn.conversationId }, 'FixPhoneDialog.apply(): carrier refused');
      if (err instanceof CarrierError && err.code === 'wrong_status') {
        await sayNotPossible(s.turn, this.deps, 'fixPhone', trackingNumber, err.status ?? 'delivered');
        return s.end({ status: 'done' });
      }
      return s.end({ status: 'offer_person', reason: 'carrier_unavailable', fields: s.values.fields });
    }
    const phone = maskPhone(newPhone);
    if (outcome.outcome === 'done') {
      const key = outcome.smsResent ? 'fixPhone.doneSmsResent' : role === 'recipient' ? 'fixPhone.doneSmsLater' : 'fixPhone.doneSender';
      await s.say(key, { phone, reference: outcome.reference });
    } else {
      const by = this.deps.calendar.addWorkingDays(this.deps.now(), outcome.workingDays);
      await s.say('fixPhone.scheduled', {
        phone,
        reference: outcome.reference,
        count: outcome.workingDays,
        date: formatDate(lang, by, this.deps.calendar.timeZone),
      });
      const order: WorkOrderRequest = { action: 'change_phone', lang, fields: s.values.fields, carrierReference: outcome.reference, workingDays: outcome.workingDays, role };
      await this.deps.handoff.createWorkOrder?.(order, s.turn.customerRef());
    }
    return s.end({ status: 'done' });
  }

  /**
   * What the customer has written in this case ("the old number was 86…, the new one is 86…", or a
   * number given at another prompt): whose number is wrong and the new one, if it can be told.
   * Nothing typed while the code question was open counts ("I'm the sender, my number is …" there
   * is about the proof); a number typed after the proof, at this case's own prompts, may be the new
   * one without a "new" cue.
   */
  private said(s: S, access: ParcelAccess): PhoneCorrection {
    const onFile = { recipient: access.parcel.recipientPhoneMasked, sender: access.parcel.senderPhoneMasked };
    const given = (from: number) => s.turn.conversation.given({ from }).phones;
    const all = given(s.since);
    // `given` lists phones oldest first, so the phones of a later range are a suffix of an earlier one.
    const codeFrom = access.codeAskedAfter === undefined ? undefined : access.codeAskedAfter + 1;
    const afterProof = s.values.provenAt === undefined ? [] : given(s.values.provenAt + 1);
    const before = codeFrom === undefined ? [] : all.slice(0, all.length - given(codeFrom).length);
    const own = all.slice(all.length - afterProof.length);
    return phoneCorrection([...before, ...own], onFile, maskPhone, new Set(own));
  }

  /** The change being prepared: the parcel access and the phone chosen so far. */
  private pending(s: S): { access: ParcelAccess; role: PhoneRole; newPhone?: string } {
    const { access, role, newPhone } = s.values;
    if (!access || !role) throw new Error('FixPhoneDialog: no parcel access or phone role in the values');
    return { access, role, newPhone };
  }
}
