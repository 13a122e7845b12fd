/**
 * One clarifying question when two intents are too close to call: both as buttons, and the answer
 * starts that request. No usable answer leaves the request unclear (the router shows the menu).
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { Intent } from '../services/nlu/types';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps } from './deps';
import { CLARIFY_DIALOG } from './ids';
import type { SlotAnswer, SlotChoice } from './prompts/SlotPrompt';
import { INTENT_PROMPT } from './prompts/slots';
import type { CaseResult } from './results';

export interface ClarifyOptions {
  /** The candidate intents as buttons (value = the intent). */
  choices: SlotChoice[];
}

export const CLARIFY = caseRef<ClarifyOptions>(CLARIFY_DIALOG);

type S = Step<ClarifyOptions, CaseValues, CaseResult>;

export class ClarifyDialog extends CaseDialog<ClarifyOptions, CaseValues> {
  constructor(deps: DialogDeps) {
    super(CLARIFY_DIALOG, deps);
  }

  protected start(): CaseValues {
    return { fields: {} };
  }

  protected steps() {
    return [this.first(this.ask), this.after(INTENT_PROMPT, this.chosen)];
  }

  private async ask(s: S): Promise<DialogTurnResult> {
    return s.ask(INTENT_PROMPT, { questionKey: 'main.clarify', choices: s.options.choices });
  }

  private async chosen(s: S, answer: SlotAnswer<Intent>): Promise<DialogTurnResult> {
    return s.end(answer.ok ? { status: 'start', intent: answer.value } : { status: 'unclear' });
  }
}
