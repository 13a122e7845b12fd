/**
 * Hands a case to a person with what the agent needs already collected: parcel number, a phone,
 * the customer's description and any photo. Then it tells the customer honestly where they stand
 * (queue position, when agents are back), or, without a hand-off queue, gives a summary.
 * "I want a person" at one of its questions skips the remaining questions.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { EventFactory, type TurnContext } from 'botbuilder';
import { formatDateTime, maskPhone } from '../services/i18n/format';
import type { Lang } from '../services/i18n/langs';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps, EscalationOutcome, EscalationReason, EscalationRequest } from './deps';
import { ESCALATE_DIALOG } from './ids';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { PHONE_PROMPT, TEXT_PROMPT, TRACKING_PROMPT } from './prompts/slots';
import type { CaseResult } from './results';
import type { CollectedFields } from './state';

export interface EscalateOptions {
  reason: EscalationReason;
  fields: CollectedFields;
  /** The customer's own words, when the first message already described the problem. */
  description?: string;
  attachments?: EscalationRequest['attachments'];
}

/** The hand-off as the main dialog sees it: it ends `handed_off`, or `done` after a summary. */
export const ESCALATE = caseRef<EscalateOptions>(ESCALATE_DIALOG);

interface Values extends CaseValues {
  description?: string;
  /** The customer's description was itself recognized as a locker fault. */
  describesLockerFault?: boolean;
  attachments: EscalationRequest['attachments'];
}

type S = Step<EscalateOptions, Values, CaseResult>;

/** Confidence above which a description counts as a locker fault (it moves the case to priority 1). */
const LOCKER_FAULT_DESCRIPTION_SCORE = 0.7;
/** Reasons that a described locker fault may turn into `locker_fault`. */
const GENERAL_REASONS: EscalationReason[] = ['agent_requested', 'out_of_scope', 'too_many_attempts'];

/** Reasons where a parcel number is likely relevant and worth asking for. */
const ASK_TRACKING: EscalationReason[] = ['agent_requested', 'locker_fault', 'out_of_scope', 'carrier_unavailable'];

export class EscalateDialog extends CaseDialog<EscalateOptions, Values> {
  constructor(deps: DialogDeps) {
    super(ESCALATE_DIALOG, deps);
  }

  protected start(options: EscalateOptions): Values {
    return { fields: { ...options.fields }, description: options.description, attachments: [...(options.attachments ?? [])] };
  }

  protected steps() {
    return [
      this.first(this.askTracking),
      this.after(TRACKING_PROMPT.optional, this.askDescription),
      this.after(TEXT_PROMPT, this.askPhone),
      this.after(PHONE_PROMPT.optional, this.afterPhone),
    ];
  }

  /** Asked for a person while already on the way to one: hand off now with what we have. */
  protected override onExit(s: S, exit: CaseResult): Promise<DialogTurnResult> {
    if (exit.status === 'escalate' && exit.reason === 'agent_requested') return this.handOff(s);
    return super.onExit(s, exit);
  }

  private async askTracking(s: S): Promise<DialogTurnResult> {
    await s.say(`escalate.intro.${s.options.reason}`);
    const known = s.values.fields.trackingNumber;
    if (known || !ASK_TRACKING.includes(s.options.reason)) return s.skip(TRACKING_PROMPT.optional, { ok: true, value: known });
    return s.ask(TRACKING_PROMPT.optional, { questionKey: 'escalate.askTracking' });
  }

  private async askDescription(s: S, answer: SlotAnswer<string | undefined>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value) s.values.fields.trackingNumber = answer.value;
    if (s.values.description) return s.skip(TEXT_PROMPT, { ok: true, value: s.values.description });
    return s.ask(TEXT_PROMPT, { questionKey: s.options.reason === 'locker_fault' ? 'escalate.askFault' : 'escalate.askDescription' });
  }

  private async askPhone(s: S, answer: SlotAnswer<string>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value) {
      s.values.description = answer.value;
      const r = s.turn.temp.recognition;
      s.values.describesLockerFault = r?.intent === 'locker_fault' && r.score >= LOCKER_FAULT_DESCRIPTION_SCORE;
    }
    this.keepAttachments(s.context, s.values);
    if (s.values.fields.senderPhone || s.values.fields.recipientPhone) return s.skip(PHONE_PROMPT.optional, { ok: true, value: undefined });
    return s.ask(PHONE_PROMPT.optional, { questionKey: 'escalate.askPhone' });
  }

  private async afterPhone(s: S, answer: SlotAnswer<string | undefined>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value) s.values.fields.recipientPhone ??= answer.value;
    return this.handOff(s);
  }

  private async handOff(s: S): Promise<DialogTurnResult> {
    const values = s.values;
    const lang = s.turn.lang;
    // "I want a person" followed by "the locker door won't open" is a locker fault: those come first.
    const reason = values.describesLockerFault && GENERAL_REASONS.includes(s.options.reason) ? 'locker_fault' : s.options.reason;
    const request: EscalationRequest = { reason, lang, fields: values.fields, description: values.description, attachments: values.attachments };
    let outcome: EscalationOutcome;
    try {
      outcome = await this.deps.handoff.escalate(request, s.turn.customerRef());
    } catch (err) {
      this.deps.logger.error({ err, conversationId: s.turn.conversationId }, 'EscalateDialog.handOff(): hand-off failed');
      await this.sendQuietly(s.context, EventFactory.createHandoffStatus(s.context.activity.conversation, 'failed', 'queue unavailable'));
      outcome = { kind: 'unavailable' };
    }
    const tz = this.deps.calendar.timeZone;
    if (outcome.kind === 'queued') {
      // For an external agent hub on the channel: this case's id and place only, never its transcript or fields.
      await this.sendQuietly(s.context, EventFactory.createHandoffInitiation(s.context, outcome.hubContext, { activities: [] }));
      const key = outcome.joined ? 'escalate.joined' : outcome.open ? 'escalate.queuedOpen' : 'escalate.queuedClosed';
      await s.say(key, {
        caseId: outcome.caseId,
        position: outcome.position,
        back: outcome.nextOpening ? formatDateTime(lang, outcome.nextOpening, tz) : '',
        expected: outcome.expectedResponse ? formatDateTime(lang, outcome.expectedResponse, tz) : '',
      });
      return s.end({ status: 'handed_off' });
    }
    if (outcome.kind === 'limited') {
      await s.say('escalate.limited', { time: formatDateTime(lang, outcome.retryAt, tz) });
      return s.end({ status: 'done' });
    }
    await s.say('escalate.noHandoff', { summary: this.summary(lang, values) });
    return s.end({ status: 'done' });
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

  private summary(lang: Lang, values: Values): string {
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
