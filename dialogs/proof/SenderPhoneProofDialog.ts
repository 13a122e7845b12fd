/**
 * Proof by the sender's phone: the customer types the sender phone registered on the parcel and
 * the carrier confirms it matches. The fact is recorded in this conversation only, with an expiry,
 * and returned to the change that asked for it.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { ProvenPhone } from '../../services/proof/types';
import { parsePhone } from '../../services/nlu/entities';
import { CasePart, type CaseValues, type Step } from '../CaseDialog';
import type { DialogDeps } from '../deps';
import { PROOF_DIALOG } from '../ids';
import { SlotPrompt, slotRef, type SlotAnswer, type SlotParser } from '../prompts/SlotPrompt';
import { carrierFailure } from '../prompts/slots';
import { isString } from '../results';
import { typing } from '../turn';
import type { ProofOptions } from './proofStep';

const SENDER_PHONE_PROMPT = slotRef<string>('slot.senderPhone', isString);

type S = Step<ProofOptions, CaseValues, ProvenPhone>;

function senderPhoneParser(deps: DialogDeps): SlotParser<string> {
  return async (text, turn, options) => {
    const phone = parsePhone(text, 'LT');
    if (!phone.ok) return { ok: false, reason: phone.reason };
    const trackingNumber = options.params?.trackingNumber;
    if (typeof trackingNumber !== 'string') throw new Error('senderPhoneParser(): the question has no trackingNumber');
    await typing(turn);
    try {
      return (await deps.carrier.verifySender(trackingNumber, phone.e164)) ? { ok: true, value: phone.e164 } : { ok: false, reason: 'not_sender' };
    } catch (err) {
      deps.logger.warn({ err, conversationId: turn.conversationId }, 'SenderPhoneProofDialog: verification failed');
      return carrierFailure(err);
    }
  };
}

export class SenderPhoneProofDialog extends CasePart<ProofOptions, CaseValues, ProvenPhone> {
  constructor(deps: DialogDeps) {
    super(PROOF_DIALOG, deps, [new SlotPrompt(SENDER_PHONE_PROMPT, deps, senderPhoneParser(deps), 'invalid.senderPhone')]);
  }

  protected start(options: ProofOptions): CaseValues {
    return { fields: { trackingNumber: options.trackingNumber } };
  }

  protected steps() {
    return [this.first(this.askPhone), this.after(SENDER_PHONE_PROMPT, this.proven)];
  }

  private async askPhone(s: S): Promise<DialogTurnResult> {
    if (s.options.role !== 'sender') throw new Error(`SenderPhoneProofDialog: cannot prove a ${s.options.role} phone`);
    return s.ask(SENDER_PHONE_PROMPT, { questionKey: 'ask.senderPhoneProof', params: { trackingNumber: s.options.trackingNumber } });
  }

  private async proven(s: S, answer: SlotAnswer<string>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    return s.end(s.turn.conversation.rememberProof({ kind: 'phone', e164: answer.value, role: s.options.role, trackingNumber: s.options.trackingNumber }));
  }
}
