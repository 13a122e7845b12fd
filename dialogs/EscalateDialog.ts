/**
 * Hands a case to a person with what the agent needs already collected: parcel number, the facts
 * of the reason (what is damaged; amount and date charged; what happened, when and where), a
 * contact phone and any photo. Then it tells the customer honestly where they stand (queue
 * position, when agents are back), or, without a hand-off queue, gives a summary.
 *
 * What the customer already said is not asked again: a description in the first message, free
 * text written at the optional parcel-number question (taken as the description), a phone the case
 * already has. A bare "yes" or "ok" is never taken as a description. "I want a person" at one of
 * its questions skips the remaining questions.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { EventFactory, type TurnContext } from 'botbuilder';
import { formatBusinessHours } from '../services/i18n/businessHours';
import { formatDateTime, maskPhone } from '../services/i18n/format';
import type { Lang } from '../services/i18n/langs';
import { describeEscalationAnswer, mentionsAmount, type EscalationAnswer } from '../services/nlu/escalationFacts';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps, EscalationOutcome, EscalationReason, EscalationRequest } from './deps';
import { ESCALATE_DIALOG } from './ids';
import { SlotPrompt, slotRef, type SlotAnswer, type SlotParser } from './prompts/SlotPrompt';
import { PHONE_PROMPT, TEXT_PROMPT } from './prompts/slots';
import { recallOwnPhone, recallTracking } from './recall';
import { isRecord, type CaseResult } from './results';
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
const GENERAL_REASONS: EscalationReason[] = ['agent_requested', 'out_of_scope', 'too_many_attempts', 'other_problem'];

/** Reasons where a parcel number is likely relevant and worth asking for. */
const ASK_TRACKING: EscalationReason[] = ['agent_requested', 'locker_fault', 'out_of_scope', 'carrier_unavailable', 'damaged_parcel', 'billing', 'complaint', 'other_problem'];

/** The description question per reason: each asks for the facts an agent needs for that kind of case. */
const DESCRIPTION_QUESTION: Partial<Record<EscalationReason, string>> = {
  locker_fault: 'escalate.askFault',
  damaged_parcel: 'escalate.askDamage',
  billing: 'escalate.askBilling',
  complaint: 'escalate.askComplaint',
};

const isEscalationAnswer = (v: unknown): v is EscalationAnswer =>
  isRecord(v) && (v.trackingNumber === undefined || typeof v.trackingNumber === 'string') && (v.description === undefined || typeof v.description === 'string');

/** The optional parcel-number question of a hand-off: a number, a description instead, or both. */
const TRACKING_OR_STORY_PROMPT = slotRef<EscalationAnswer>('slot.escalateTracking', isEscalationAnswer);

const trackingOrStory: SlotParser<EscalationAnswer> = async (text) => {
  const r = describeEscalationAnswer(text);
  return r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.reason };
};

export class EscalateDialog extends CaseDialog<EscalateOptions, Values> {
  constructor(deps: DialogDeps) {
    super(ESCALATE_DIALOG, deps, [new SlotPrompt(TRACKING_OR_STORY_PROMPT, deps, trackingOrStory, 'invalid.tracking')]);
  }

  protected start(options: EscalateOptions): Values {
    const { description, ...fields } = options.fields;
    return { fields, description: options.description ?? description, attachments: [...(options.attachments ?? [])] };
  }

  protected steps() {
    return [
      this.first(this.askTracking),
      this.after(TRACKING_OR_STORY_PROMPT.optional, this.askDescription),
      this.after(TEXT_PROMPT, this.askDetail),
      this.after(TEXT_PROMPT.optional, this.askPhone),
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
    if (known || !ASK_TRACKING.includes(s.options.reason)) return s.skip(TRACKING_OR_STORY_PROMPT.optional, { ok: true, value: { trackingNumber: known } });
    return s.ask(TRACKING_OR_STORY_PROMPT.optional, { questionKey: 'escalate.askTracking', recall: recallTracking(s.turn, s.since) });
  }

  private async askDescription(s: S, answer: SlotAnswer<EscalationAnswer | undefined>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value?.trackingNumber) s.values.fields.trackingNumber = answer.value.trackingNumber;
    if (answer.ok && answer.value?.description) {
      s.values.description = answer.value.description;
      this.noteLockerFault(s);
    }
    if (s.values.description) return s.skip(TEXT_PROMPT, { ok: true, value: s.values.description });
    return s.ask(TEXT_PROMPT, { questionKey: DESCRIPTION_QUESTION[s.options.reason] ?? 'escalate.askDescription' });
  }

  /** A billing case without an amount: one optional follow-up for the amount and the date. */
  private async askDetail(s: S, answer: SlotAnswer<string>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value && answer.value !== s.values.description) {
      s.values.description = answer.value;
      this.noteLockerFault(s);
    }
    this.keepAttachments(s.context, s.values);
    if (s.options.reason === 'billing' && !mentionsAmount(s.values.description ?? '')) {
      return s.ask(TEXT_PROMPT.optional, { questionKey: 'escalate.askBillingAmount' });
    }
    return s.skip(TEXT_PROMPT.optional, { ok: true, value: undefined });
  }

  private async askPhone(s: S, answer: SlotAnswer<string | undefined>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value) s.values.description = [s.values.description, answer.value].filter(Boolean).join('\n');
    const f = s.values.fields;
    if (f.contactPhone || f.senderPhone || f.recipientPhone) return s.skip(PHONE_PROMPT.optional, { ok: true, value: undefined });
    return s.ask(PHONE_PROMPT.optional, { questionKey: 'escalate.askPhone', recall: recallOwnPhone(s.turn, s.since, 'recall.contactPhone') });
  }

  private async afterPhone(s: S, answer: SlotAnswer<string | undefined>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value) s.values.fields.contactPhone ??= answer.value;
    return this.handOff(s);
  }

  /** The description was just taken from this turn's message: was that message a locker fault? */
  private noteLockerFault(s: S): void {
    const r = s.turn.temp.recognition;
    s.values.describesLockerFault = r?.intent === 'locker_fault' && r.score >= LOCKER_FAULT_DESCRIPTION_SCORE;
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
        hours: formatBusinessHours(this.deps.messages, lang, this.deps.settings.businessHours),
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
      if (a.contentUrl && !values.attachments.some((k) => k.url === a.contentUrl)) values.attachments.push({ url: a.contentUrl, contentType: a.contentType, name: a.name });
    }
  }

  /** What the customer told, in the customer's language only (labels and values; their own words as written). */
  private summary(lang: Lang, values: Values): string {
    const m = this.deps.messages;
    const f = values.fields;
    const lines: string[] = [];
    if (f.trackingNumber) lines.push(m.t(lang, 'summary.trackingNumber', { value: f.trackingNumber }));
    if (f.senderPhone) lines.push(m.t(lang, 'summary.senderPhone', { value: maskPhone(f.senderPhone) }));
    if (f.recipientPhone) lines.push(m.t(lang, 'summary.recipientPhone', { value: maskPhone(f.recipientPhone) }));
    if (f.contactPhone) lines.push(m.t(lang, 'summary.contactPhone', { value: maskPhone(f.contactPhone) }));
    if (f.lockerId) lines.push(m.t(lang, 'summary.locker', { value: this.deps.lockers.get(f.lockerId)?.name ?? f.lockerId }));
    if (f.newLockerId) lines.push(m.t(lang, 'summary.newLocker', { value: this.deps.lockers.get(f.newLockerId)?.name ?? f.newLockerId }));
    if (values.description) lines.push(m.t(lang, 'summary.description', { value: values.description.slice(0, 500) }));
    if (values.attachments.length) lines.push(m.t(lang, 'summary.attachments', { count: values.attachments.length }));
    return lines.join('\n') || m.t(lang, 'summary.nothing');
  }
}
