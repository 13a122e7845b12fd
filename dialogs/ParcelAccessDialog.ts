/**
 * Finds the customer's parcel and proves they are its sender: the tracking number (validated and
 * looked up), the parcel's status (must allow the action), and the sender's phone, which must
 * match the one on the parcel. Used by every dialog that changes a parcel.
 */
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import type { ParcelStatus, ParcelView } from '../services/carrier/types';
import { parsePhone } from '../services/nlu/entities';
import type { DialogDeps } from './deps';
import { PARCEL_ACCESS_DIALOG } from './ids';
import { SlotPrompt, type SlotAnswer, type SlotParser } from './prompts/SlotPrompt';
import { PARCEL_PROMPT, carrierFailure, loadParcel, slotPrompts } from './prompts/slots';
import type { CaseResult } from './results';
import type { CollectedFields } from './state';
import { langOf, say, turnInfo, typing } from './turn';

const SENDER_PHONE_PROMPT = 'slot.senderPhone';

export interface ParcelAccessOptions {
  trackingNumber?: string;
  /** Statuses in which the action is possible. */
  allowed: ParcelStatus[];
  /** Message-key group explaining why the action is not possible, e.g. `readdress`. */
  purpose: 'readdress' | 'fixPhone';
}

export type ParcelAccessResult = { ok: true; parcel: ParcelView; senderPhone: string } | { ok: false; result: CaseResult };

interface Values {
  parcel?: ParcelView;
  /** What is known so far, read by the main dialog if the customer asks for a person mid-flow. */
  fields?: CollectedFields;
}

export class ParcelAccessDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(PARCEL_ACCESS_DIALOG);
    for (const p of slotPrompts(deps)) this.addDialog(p);
    this.addDialog(new SlotPrompt(SENDER_PHONE_PROMPT, deps, this.senderPhoneParser(), 'invalid.senderPhone'));
    this.addDialog(
      new WaterfallDialog<ParcelAccessOptions>(`${PARCEL_ACCESS_DIALOG}.steps`, [
        this.askParcel.bind(this),
        this.checkStatus.bind(this),
        this.proveSender.bind(this),
      ]),
    );
    this.initialDialogId = `${PARCEL_ACCESS_DIALOG}.steps`;
  }

  private senderPhoneParser(): SlotParser<string> {
    return async (text, context, options) => {
      const phone = parsePhone(text, 'LT');
      if (!phone.ok) return { ok: false, reason: phone.reason };
      const trackingNumber = String(options.params?.trackingNumber ?? '');
      await typing(context);
      try {
        return (await this.deps.carrier.verifySender(trackingNumber, phone.e164)) ? { ok: true, value: phone.e164 } : { ok: false, reason: 'not_sender' };
      } catch (err) {
        this.deps.logger.warn({ err }, 'ParcelAccessDialog.senderPhoneParser(): verification failed');
        return carrierFailure(err);
      }
    };
  }

  private async askParcel(step: WaterfallStepContext<ParcelAccessOptions>): Promise<DialogTurnResult> {
    const known = step.options.trackingNumber;
    if (known) {
      const outcome = await loadParcel(this.deps, step.context, known);
      if (outcome.ok || outcome.fatal) return step.next(outcome.ok ? { ok: true, value: outcome.value } : { ok: false, reason: outcome.reason, fatal: true });
      await say(step.context, this.deps.messages, `invalid.tracking.${outcome.reason}`, { trackingNumber: known });
    }
    return step.beginDialog(PARCEL_PROMPT, { questionKey: 'ask.trackingNumber' });
  }

  private async checkStatus(step: WaterfallStepContext<ParcelAccessOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<ParcelView>;
    if (!answer.ok) return step.endDialog(failed(answer, {}));
    const parcel = answer.value!;
    (step.values as Values).parcel = parcel;
    (step.values as Values).fields = { trackingNumber: parcel.trackingNumber };
    if (!step.options.allowed.includes(parcel.status)) {
      await sayNotPossible(step.context, this.deps, step.options.purpose, parcel.trackingNumber, parcel.status);
      return step.endDialog({ ok: false, result: { status: 'done' } } satisfies ParcelAccessResult);
    }
    for (const phone of turnInfo(step.context).profile.verifiedPhones ?? []) {
      try {
        if (await this.deps.carrier.verifySender(parcel.trackingNumber, phone)) return step.next({ ok: true, value: phone });
      } catch {
        break; // fall back to asking
      }
    }
    return step.beginDialog(SENDER_PHONE_PROMPT, { questionKey: 'ask.senderPhoneProof', params: { trackingNumber: parcel.trackingNumber } });
  }

  private async proveSender(step: WaterfallStepContext<ParcelAccessOptions>): Promise<DialogTurnResult> {
    const parcel = (step.values as Values).parcel!;
    const answer = step.result as SlotAnswer<string>;
    if (!answer.ok) return step.endDialog(failed(answer, { trackingNumber: parcel.trackingNumber }));
    const senderPhone = answer.value!;
    const profile = turnInfo(step.context).profile;
    const known = new Set(profile.verifiedPhones ?? []);
    known.add(senderPhone);
    profile.verifiedPhones = [...known].slice(-3);
    return step.endDialog({ ok: true, parcel, senderPhone } satisfies ParcelAccessResult);
  }
}

/** Tells the customer the action is not possible for a parcel in `status` (the purpose's `notPossible` message). */
export async function sayNotPossible(
  context: TurnContext,
  deps: DialogDeps,
  purpose: ParcelAccessOptions['purpose'],
  trackingNumber: string | undefined,
  status: ParcelStatus,
): Promise<void> {
  await say(context, deps.messages, `${purpose}.notPossible`, { trackingNumber, status: deps.messages.t(langOf(context), `status.${status}`) });
}

/** A prompt that gave up or hit a carrier failure becomes an escalation with what we know. */
function failed(answer: Extract<SlotAnswer<unknown>, { ok: false }>, fields: { trackingNumber?: string }): ParcelAccessResult {
  return {
    ok: false,
    result: { status: 'escalate', reason: answer.fatal ? 'carrier_unavailable' : 'too_many_attempts', fields },
  };
}
