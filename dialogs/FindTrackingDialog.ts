/**
 * Lost tracking number: sender phone + recipient phone + destination locker → carrier lookup →
 * the number(s) only on an exact match of all three; otherwise one neutral answer that does not
 * reveal which fact was wrong.
 */
import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { CaseDialog } from './CaseDialog';
import type { DialogDeps } from './deps';
import { FIND_TRACKING_DIALOG, LOCKER_PICKER_DIALOG } from './ids';
import { LockerPickerDialog, type LockerPickerOptions, type LockerPickerResult } from './LockerPickerDialog';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { PHONE_PROMPT } from './prompts/slots';
import type { CaseResult } from './results';
import type { CollectedFields } from './state';
import { say, typing } from './turn';

export interface FindTrackingOptions {
  senderPhone?: string;
  recipientPhone?: string;
  lockerQuery?: string;
}

interface Values {
  fields: CollectedFields;
}

export class FindTrackingDialog extends CaseDialog<FindTrackingOptions> {
  constructor(deps: DialogDeps) {
    super(FIND_TRACKING_DIALOG, deps, [new LockerPickerDialog(deps)]);
  }

  protected steps(): WaterfallStep<FindTrackingOptions>[] {
    return [this.askSender, this.askRecipient, this.askLocker, this.lookup];
  }

  private async askSender(step: WaterfallStepContext<FindTrackingOptions>): Promise<DialogTurnResult> {
    (step.values as Values).fields = {};
    await say(step.context, this.deps.messages, 'findTracking.intro');
    if (step.options.senderPhone) return step.next({ ok: true, value: step.options.senderPhone } satisfies SlotAnswer<string>);
    return step.beginDialog(PHONE_PROMPT, { questionKey: 'ask.senderPhone' });
  }

  private async askRecipient(step: WaterfallStepContext<FindTrackingOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<string>;
    const fields = (step.values as Values).fields;
    if (!answer.ok) return step.endDialog({ status: 'escalate', reason: 'too_many_attempts', fields } satisfies CaseResult);
    fields.senderPhone = answer.value;
    if (step.options.recipientPhone) return step.next({ ok: true, value: step.options.recipientPhone } satisfies SlotAnswer<string>);
    return step.beginDialog(PHONE_PROMPT, { questionKey: 'ask.recipientPhone' });
  }

  private async askLocker(step: WaterfallStepContext<FindTrackingOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<string>;
    const fields = (step.values as Values).fields;
    if (!answer.ok) return step.endDialog({ status: 'escalate', reason: 'too_many_attempts', fields } satisfies CaseResult);
    fields.recipientPhone = answer.value;
    return step.beginDialog(LOCKER_PICKER_DIALOG, { query: step.options.lockerQuery, questionKey: 'ask.destinationLocker' } satisfies LockerPickerOptions);
  }

  private async lookup(step: WaterfallStepContext<FindTrackingOptions>): Promise<DialogTurnResult> {
    const picked = step.result as LockerPickerResult;
    const fields = (step.values as Values).fields;
    if (!picked.ok) return step.endDialog({ status: 'escalate', reason: 'too_many_attempts', fields } satisfies CaseResult);
    fields.lockerId = picked.lockerId;
    await typing(step.context);
    let numbers: string[];
    try {
      numbers = await this.deps.carrier.findParcels(fields.senderPhone!, fields.recipientPhone!, picked.lockerId);
    } catch (err) {
      this.deps.logger.warn({ err, conversationId: step.context.activity.conversation?.id }, 'FindTrackingDialog.lookup(): carrier failed');
      return step.endDialog({ status: 'escalate', reason: 'carrier_unavailable', fields } satisfies CaseResult);
    }
    if (!numbers.length) {
      await say(step.context, this.deps.messages, 'findTracking.noMatch');
      return step.endDialog({ status: 'done' } satisfies CaseResult);
    }
    await say(step.context, this.deps.messages, 'findTracking.found', { count: numbers.length, numbers: numbers.join(', ') });
    return step.endDialog({ status: 'done' } satisfies CaseResult);
  }
}
