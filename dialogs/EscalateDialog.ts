/**
 * Hands a case to a person with what the agent needs already collected: parcel number, a phone,
 * the customer's description and any photo. Then it tells the customer honestly where they stand
 * (queue position, when agents are back), or, without a hand-off queue, gives a summary.
 */
import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { CaseDialog } from './CaseDialog';
import { EventFactory, type TurnContext } from 'botbuilder';
import { formatDateTime, maskPhone } from '../services/i18n/format';
import type { DialogDeps, EscalationReason, EscalationRequest } from './deps';
import { ESCALATE_DIALOG } from './ids';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { PHONE_PROMPT, TEXT_PROMPT, TRACKING_PROMPT } from './prompts/slots';
import type { CaseResult } from './results';
import type { CollectedFields } from './state';
import { customerRef, langOf, say, turnInfo } from './turn';

export interface EscalateOptions {
  reason: EscalationReason;
  fields: CollectedFields;
  /** The customer's own words, when the first message already described the problem. */
  description?: string;
  attachments?: EscalationRequest['attachments'];
}

interface Values {
  fields: CollectedFields;
  description?: string;
  /** The customer's description was itself recognized as a locker fault. */
  describesLockerFault?: boolean;
  attachments: EscalationRequest['attachments'];
}

/** Confidence above which a description counts as a locker fault (it moves the case to priority 1). */
const LOCKER_FAULT_DESCRIPTION_SCORE = 0.7;
/** Reasons that a described locker fault may turn into `locker_fault`. */
const GENERAL_REASONS: EscalationReason[] = ['agent_requested', 'out_of_scope', 'too_many_attempts'];

/** Reasons where a parcel number is likely relevant and worth asking for. */
const ASK_TRACKING: EscalationReason[] = ['agent_requested', 'locker_fault', 'out_of_scope', 'carrier_unavailable'];

export class EscalateDialog extends CaseDialog<EscalateOptions> {
  constructor(deps: DialogDeps) {
    super(ESCALATE_DIALOG, deps);
  }

  protected steps(): WaterfallStep<EscalateOptions>[] {
    return [this.askTracking, this.askDescription, this.askPhone, this.handOff];
  }

  private async askTracking(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const values = step.values as Values;
    values.fields = { ...step.options.fields };
    values.description = step.options.description;
    values.attachments = [...(step.options.attachments ?? [])];
    await say(step.context, this.deps.messages, `escalate.intro.${step.options.reason}`);
    if (values.fields.trackingNumber || !ASK_TRACKING.includes(step.options.reason)) return step.next({ ok: true, value: values.fields.trackingNumber });
    return step.beginDialog(TRACKING_PROMPT, { questionKey: 'escalate.askTracking', optional: true });
  }

  private async askDescription(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const values = step.values as Values;
    const answer = step.result as SlotAnswer<string>;
    if (answer.ok && answer.value) values.fields.trackingNumber = answer.value;
    if (values.description) return step.next({ ok: true, value: values.description });
    const key = step.options.reason === 'locker_fault' ? 'escalate.askFault' : 'escalate.askDescription';
    return step.beginDialog(TEXT_PROMPT, { questionKey: key });
  }

  private async askPhone(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const values = step.values as Values;
    const answer = step.result as SlotAnswer<string>;
    if (answer.ok && answer.value) {
      values.description = answer.value;
      const r = turnInfo(step.context).recognition;
      values.describesLockerFault = r?.intent === 'locker_fault' && r.score >= LOCKER_FAULT_DESCRIPTION_SCORE;
    }
    this.keepAttachments(step.context, values);
    if (values.fields.senderPhone || values.fields.recipientPhone) return step.next({ ok: true, value: undefined });
    return step.beginDialog(PHONE_PROMPT, { questionKey: 'escalate.askPhone', optional: true });
  }

  private async handOff(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const values = step.values as Values;
    const answer = step.result as SlotAnswer<string>;
    if (answer.ok && answer.value) values.fields.recipientPhone ??= answer.value;
    const lang = langOf(step.context);
    // "I want a person" followed by "the locker door won't open" is a locker fault: those come first.
    const reason = values.describesLockerFault && GENERAL_REASONS.includes(step.options.reason) ? 'locker_fault' : step.options.reason;
    const request: EscalationRequest = {
      reason,
      lang,
      fields: values.fields,
      description: values.description,
      attachments: values.attachments,
    };
    let outcome;
    try {
      outcome = await this.deps.handoff.escalate(request, customerRef(step.context, this.deps.now()));
    } catch (err) {
      this.deps.logger.error({ err, conversationId: step.context.activity.conversation?.id }, 'EscalateDialog.handOff(): hand-off failed');
      await this.sendQuietly(step.context, EventFactory.createHandoffStatus(step.context.activity.conversation, 'failed', 'queue unavailable'));
      outcome = { kind: 'unavailable' } as const;
    }
    const m = this.deps.messages;
    const tz = this.deps.calendar.timeZone;
    if (outcome.kind === 'queued') {
      // For an external agent hub on the channel: this case's id and place only, never its transcript or fields.
      await this.sendQuietly(step.context, EventFactory.createHandoffInitiation(step.context, outcome.hubContext, { activities: [] }));
      const key = outcome.joined ? 'escalate.joined' : outcome.open ? 'escalate.queuedOpen' : 'escalate.queuedClosed';
      await say(step.context, m, key, {
        caseId: outcome.caseId,
        position: outcome.position,
        back: outcome.nextOpening ? formatDateTime(lang, outcome.nextOpening, tz) : '',
        expected: outcome.expectedResponse ? formatDateTime(lang, outcome.expectedResponse, tz) : '',
      });
      return step.endDialog({ status: 'handed_off' } satisfies CaseResult);
    }
    await say(step.context, m, 'escalate.noHandoff', { summary: this.summary(lang, values) });
    return step.endDialog({ status: 'done' } satisfies CaseResult);
  }

  private async sendQuietly(context: TurnContext, activity: Parameters<TurnContext['sendActivity']>[0]): Promise<void> {
    try {
      await context.sendActivity(activity);
    } catch (err) {
      this.deps.logger.warn({ err }, 'EscalateDialog: hand-off event not sent');
    }
  }

  private keepAttachments(context: TurnContext, values: Values): void {
    for (const a of context.activity.attachments ?? []) {
      if (a.contentUrl) values.attachments.push({ url: a.contentUrl, contentType: a.contentType, name: a.name });
    }
  }

  private summary(lang: ReturnType<typeof langOf>, values: Values): string {
    const m = this.deps.messages;
    const f = values.fields;
    const lines: string[] = [];
    if (f.trackingNumber) lines.push(m.t(lang, 'summary.trackingNumber', { value: f.trackingNumber }));
    if (f.senderPhone) lines.push(m.t(lang, 'summary.senderPhone', { value: maskPhone(f.senderPhone) }));
    if (f.recipientPhone) lines.push(m.t(lang, 'summary.recipientPhone', { value: maskPhone(f.recipientPhone) }));
    if (f.lockerId) lines.push(m.t(lang, 'summary.locker', { value: this.deps.lockers.get(f.lockerId)?.name ?? f.lockerId }));
    if (f.newLockerId) lines.push(m.t(lang, 'summary.newLocker', { value: this.deps.lockers.get(f.newLockerId)?.name ?? f.newLockerId }));
    if (values.description) lines.push(m.t(lang, 'summary.description', { value: values.description.slice(0, 500) }));
    if (values.attachments.length) lines.push(m.t(lang, 'summary.attachments', { count: values.attachments.length }));
    return lines.join('\n') || m.t(lang, 'summary.nothing');
  }
}
