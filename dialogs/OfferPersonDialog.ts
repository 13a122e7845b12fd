/**
 * The bot could not finish a case (three failed answers, the carrier not answering): it says so and
 * offers a person. Yes → a hand-off with what the case collected; no → the case is done.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps } from './deps';
import { OFFER_PERSON_DIALOG } from './ids';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { YES_NO_PROMPT, type YesNo } from './prompts/slots';
import type { CaseResult, GiveUpReason } from './results';
import type { CollectedFields } from './state';

export interface OfferPersonOptions {
  reason: GiveUpReason;
  fields: CollectedFields;
}

export const OFFER_PERSON = caseRef<OfferPersonOptions>(OFFER_PERSON_DIALOG);

type S = Step<OfferPersonOptions, CaseValues, CaseResult>;

export class OfferPersonDialog extends CaseDialog<OfferPersonOptions, CaseValues> {
  constructor(deps: DialogDeps) {
    super(OFFER_PERSON_DIALOG, deps);
  }

  protected start(options: OfferPersonOptions): CaseValues {
    return { fields: { ...options.fields } };
  }

  protected steps() {
    return [this.first(this.offer), this.after(YES_NO_PROMPT, this.decided)];
  }

  private async offer(s: S): Promise<DialogTurnResult> {
    return s.ask(YES_NO_PROMPT, { questionKey: `main.offerHuman.${s.options.reason}` });
  }

  private async decided(s: S, answer: SlotAnswer<YesNo>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value === 'yes') return s.end({ status: 'escalate', reason: s.options.reason, fields: s.values.fields });
    return s.end({ status: 'done' });
  }
}
