/**
 * Lost tracking number: the sender's phone, proven by a one-time code the carrier texts to it
 * (before anything is looked up), then the recipient's phone and the destination locker → carrier
 * lookup authorized by that proof → the number(s) only on an exact match; otherwise one neutral
 * answer that does not reveal which fact was wrong. Knowing phones alone finds nothing.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps } from './deps';
import { FIND_TRACKING_DIALOG } from './ids';
import { LOCKER_PICKER, LockerPickerDialog } from './LockerPickerDialog';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { PHONE_PROMPT } from './prompts/slots';
import { PROOF, parcelProof, type ProofGrant } from './proof/proofStep';
import { recallOwnPhone } from './recall';
import type { CaseResult } from './results';

export interface FindTrackingOptions {
  senderPhone?: string;
  recipientPhone?: string;
  lockerQuery?: string;
}

/** The lost-tracking-number case as the main dialog sees it. */
export const FIND_TRACKING = caseRef<FindTrackingOptions>(FIND_TRACKING_DIALOG);

interface Values extends CaseValues {
  senderPhone?: string;
  recipientPhone?: string;
  /** The carrier's proof token for the lookup (dialog state only). */
  proofToken?: string;
}

type S = Step<FindTrackingOptions, Values, CaseResult>;

export class FindTrackingDialog extends CaseDialog<FindTrackingOptions, Values> {
  constructor(deps: DialogDeps) {
    super(FIND_TRACKING_DIALOG, deps, [new LockerPickerDialog(deps), parcelProof(deps)]);
  }

  protected start(): Values {
    return { fields: {} };
  }

  protected steps() {
    return [
      this.first(this.askSender),
      this.after(PHONE_PROMPT, this.proveSender),
      this.after(PROOF, this.askRecipient),
      this.after(PHONE_PROMPT, this.askLocker),
      this.after(LOCKER_PICKER, this.lookup),
    ];
  }

  private async askSender(s: S): Promise<DialogTurnResult> {
    await s.say('findTracking.intro');
    if (s.options.senderPhone) return s.skip(PHONE_PROMPT, { ok: true, value: s.options.senderPhone });
    return s.ask(PHONE_PROMPT, { questionKey: 'ask.senderPhone', recall: recallOwnPhone(s.turn, s.since, 'recall.senderPhone') });
  }

  private async proveSender(s: S, answer: SlotAnswer<string>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    s.values.senderPhone = answer.value;
    s.values.fields.senderPhone = answer.value;
    return s.ask(PROOF, { target: { kind: 'phone', phoneE164: answer.value } });
  }

  private async askRecipient(s: S, grant: ProofGrant): Promise<DialogTurnResult> {
    s.values.proofToken = grant.proofToken;
    if (s.options.recipientPhone) return s.skip(PHONE_PROMPT, { ok: true, value: s.options.recipientPhone });
    return s.ask(PHONE_PROMPT, { questionKey: 'ask.recipientPhone' });
  }

  private async askLocker(s: S, answer: SlotAnswer<string>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    s.values.recipientPhone = answer.value;
    s.values.fields.recipientPhone = answer.value;
    // A locker named at an earlier prompt of this case ("Panorama" at the phone question) is the answer.
    const said = s.turn.conversation.given({ from: s.since }).locker;
    return s.ask(LOCKER_PICKER, { query: s.options.lockerQuery ?? said?.query, questionKey: 'ask.destinationLocker' });
  }

  private async lookup(s: S, lockerId: string): Promise<DialogTurnResult> {
    const { proofToken, recipientPhone } = s.values;
    if (!proofToken || !recipientPhone) throw new Error('FindTrackingDialog.lookup(): proof or recipient phone missing from the values');
    s.values.fields.lockerId = lockerId;
    await s.typing();
    let numbers: string[];
    try {
      numbers = await this.deps.carrier.findParcelsWithProof(proofToken, recipientPhone, lockerId);
    } catch (err) {
      this.deps.logger.warn({ err, conversationId: s.turn.conversationId }, 'FindTrackingDialog.lookup(): carrier failed');
      return s.end({ status: 'offer_person', reason: 'carrier_unavailable', fields: s.values.fields });
    }
    if (!numbers.length) {
      await s.say('findTracking.noMatch');
      return s.end({ status: 'done' });
    }
    await s.say('findTracking.found', { count: numbers.length, numbers: numbers.join(', ') });
    return s.end({ status: 'done' });
  }
}
