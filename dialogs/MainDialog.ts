/**
 * The root dialog. It routes each new request to a case dialog using the turn's recognition
 * (with slots pre-filled from the entities in the first message), asks one clarifying question
 * when two intents are close, and handles interruptions at any step in any language: cancel,
 * start over, help, a language switch, or asking for a person.
 */
import {
  ComponentDialog,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Intent, RecognizerResult } from '../services/nlu/types';
import type { DialogDeps } from './deps';
import { EscalateDialog, type EscalateOptions } from './EscalateDialog';
import { FindTrackingDialog, type FindTrackingOptions } from './FindTrackingDialog';
import { FixPhoneDialog, type FixPhoneOptions } from './FixPhoneDialog';
import { ESCALATE_DIALOG, FIND_TRACKING_DIALOG, FIX_PHONE_DIALOG, MAIN_DIALOG, READDRESS_DIALOG, TRACK_DIALOG } from './ids';
import { intentTitleKey, menuIntent, sayWithMenu } from './menu';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { CHOICE_PROMPT, YES_NO_CHOICES, YES_NO_PROMPT, slotPrompts } from './prompts/slots';
import { ReaddressDialog, type ReaddressOptions } from './ReaddressDialog';
import { isCaseResult, type CaseResult } from './results';
import type { CollectedFields } from './state';
import { TrackDialog, type TrackOptions } from './TrackDialog';
import { say, turnInfo } from './turn';

const STEPS = `${MAIN_DIALOG}.steps`;

/** Intents that can be confused with each other in a way worth a clarifying question. */
const ACTIONABLE: Intent[] = ['readdress', 'fix_phone', 'find_tracking', 'track', 'locker_fault', 'agent'];

/** Confidence above which "I want a person" interrupts a running flow. */
const AGENT_INTERRUPT_SCORE = 0.8;

export interface MainOptions {
  /** Start directly with a hand-off (used when a person is asked for mid-flow). */
  escalate?: EscalateOptions;
}

type Dispatch = { dispatch: Intent };

export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_DIALOG);
    for (const p of slotPrompts(deps)) this.addDialog(p);
    this.addDialog(new ReaddressDialog(deps));
    this.addDialog(new FixPhoneDialog(deps));
    this.addDialog(new FindTrackingDialog(deps));
    this.addDialog(new TrackDialog(deps));
    this.addDialog(new EscalateDialog(deps));
    this.addDialog(
      new WaterfallDialog<MainOptions>(STEPS, [
        this.route.bind(this),
        this.dispatch.bind(this),
        this.afterCase.bind(this),
        this.afterOffer.bind(this),
        this.afterEscalation.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /** Interruptions while a flow is running. */
  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const info = turnInfo(inner.context);
    const command = info.command;
    const m = this.deps.messages;
    if (command === 'cancel' || command === 'bot') {
      await inner.cancelAllDialogs();
      await sayWithMenu(inner.context, m, 'main.cancelled');
      return { status: DialogTurnStatus.complete };
    }
    if (command === 'restart') {
      await inner.cancelAllDialogs();
      await sayWithMenu(inner.context, m, 'main.restarted');
      return { status: DialogTurnStatus.complete };
    }
    if (command === 'help') {
      await say(inner.context, m, 'main.helpInFlow');
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    if (command && typeof command === 'object') {
      await say(inner.context, m, 'main.languageSwitched');
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    const r = info.recognition;
    if (r && r.intent === 'agent' && r.score >= AGENT_INTERRUPT_SCORE) {
      const fields = collectedFields(inner);
      await inner.cancelAllDialogs();
      return inner.beginDialog(STEPS, { escalate: { reason: 'agent_requested', fields } } satisfies MainOptions);
    }
    return super.onContinueDialog(inner);
  }

  private async route(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    if (step.options?.escalate) return step.beginDialog(ESCALATE_DIALOG, step.options.escalate);
    const m = this.deps.messages;
    const info = turnInfo(step.context);
    const activity = step.context.activity;
    const command = info.command;
    if (command === 'cancel' || command === 'bot' || command === 'restart') {
      await sayWithMenu(step.context, m, 'main.nothingToCancel');
      return step.endDialog();
    }
    if (command === 'help') {
      await sayWithMenu(step.context, m, 'main.help');
      return step.endDialog();
    }
    if (command && typeof command === 'object') {
      await sayWithMenu(step.context, m, 'main.languageSwitchedMenu');
      return step.endDialog();
    }
    const text = (activity.text ?? '').trim();
    if (!text) {
      await sayWithMenu(step.context, m, (activity.attachments ?? []).length ? 'main.attachmentOnly' : 'main.empty');
      return step.endDialog();
    }
    const fromMenu = menuIntent(m, text);
    if (fromMenu) return step.next({ dispatch: fromMenu } satisfies Dispatch);
    const r = info.recognition;
    if (!r) {
      await sayWithMenu(step.context, m, 'main.notUnderstood');
      return step.endDialog();
    }
    if (r.score < this.deps.settings.minConfidence) {
      if (r.entities.trackingNumbers.some((t) => t.valid)) return step.next({ dispatch: 'track' } satisfies Dispatch);
      await sayWithMenu(step.context, m, 'main.notUnderstood');
      return step.endDialog();
    }
    const second = r.intents[1];
    if (
      second &&
      r.score - second.score < this.deps.settings.ambiguityMargin &&
      ACTIONABLE.includes(r.intent) &&
      ACTIONABLE.includes(second.intent) &&
      intentTitleKey(r.intent) &&
      intentTitleKey(second.intent)
    ) {
      return step.beginDialog(CHOICE_PROMPT, {
        questionKey: 'main.clarify',
        choices: [r.intent, second.intent].map((i) => ({ value: i, titleKey: intentTitleKey(i)! })),
      });
    }
    return step.next({ dispatch: r.intent } satisfies Dispatch);
  }

  private async dispatch(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    if (isCaseResult(step.result)) return step.next(step.result); // came back from an escalation started by route()
    const result = step.result as Dispatch | SlotAnswer<string>;
    let intent: Intent | undefined;
    if ('dispatch' in result) intent = result.dispatch;
    else if (result.ok) intent = result.value as Intent;
    if (!intent) {
      await sayWithMenu(step.context, this.deps.messages, 'main.notUnderstood');
      return step.endDialog();
    }
    return this.startCase(step, intent);
  }

  private async startCase(step: WaterfallStepContext<MainOptions>, intent: Intent): Promise<DialogTurnResult> {
    const m = this.deps.messages;
    const info = turnInfo(step.context);
    const r: RecognizerResult | undefined = info.recognition;
    const text = (step.context.activity.text ?? '').trim();
    const tracking = r?.entities.trackingNumbers.find((t) => t.valid)?.value;
    const phones = r?.entities.phones.map((p) => p.e164) ?? [];
    const lockerQuery = r?.entities.lockers[0]?.text;
    const attachments = (step.context.activity.attachments ?? [])
      .filter((a) => a.contentUrl)
      .map((a) => ({ url: a.contentUrl!, contentType: a.contentType, name: a.name }));
    const descriptive = text.split(/\s+/).length >= 5 && !menuIntent(m, text) ? text : undefined;
    switch (intent) {
      case 'readdress':
        return step.beginDialog(READDRESS_DIALOG, { trackingNumber: tracking, lockerQuery } satisfies ReaddressOptions);
      case 'fix_phone':
        return step.beginDialog(FIX_PHONE_DIALOG, { trackingNumber: tracking } satisfies FixPhoneOptions);
      case 'find_tracking':
        return step.beginDialog(FIND_TRACKING_DIALOG, {
          senderPhone: phones.length >= 2 ? phones[0] : undefined,
          recipientPhone: phones.length >= 2 ? phones[1] : undefined,
          lockerQuery,
        } satisfies FindTrackingOptions);
      case 'track':
        return step.beginDialog(TRACK_DIALOG, { trackingNumber: tracking } satisfies TrackOptions);
      case 'locker_fault':
        return step.beginDialog(ESCALATE_DIALOG, {
          reason: 'locker_fault',
          fields: { trackingNumber: tracking, lockerId: r?.entities.lockers[0]?.candidates[0]?.lockerId },
          description: descriptive,
          attachments,
        } satisfies EscalateOptions);
      case 'agent':
        return step.beginDialog(ESCALATE_DIALOG, {
          reason: 'agent_requested',
          fields: { trackingNumber: tracking },
          description: text.split(/\s+/).length >= 8 ? text : undefined,
          attachments,
        } satisfies EscalateOptions);
      case 'greet':
        await sayWithMenu(step.context, m, 'welcome.again');
        return step.endDialog();
      case 'thanks':
        await say(step.context, m, 'main.thanks');
        return step.endDialog();
      case 'none':
      default:
        await sayWithMenu(step.context, m, 'main.outOfScope');
        return step.endDialog();
    }
  }

  private async afterCase(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    const result = step.result as CaseResult | undefined;
    if (!result || result.status === 'done') return this.finish(step);
    if (result.status === 'handed_off') return step.endDialog();
    if (result.reason === 'too_many_attempts' || result.reason === 'carrier_unavailable') {
      (step.values as { fields?: CollectedFields; reason?: string }).fields = result.fields;
      (step.values as { fields?: CollectedFields; reason?: string }).reason = result.reason;
      return step.beginDialog(YES_NO_PROMPT, { questionKey: `main.offerHuman.${result.reason}`, choices: YES_NO_CHOICES });
    }
    return step.beginDialog(ESCALATE_DIALOG, { reason: result.reason, fields: result.fields } satisfies EscalateOptions);
  }

  private async afterOffer(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    if (isCaseResult(step.result)) return step.next(step.result);
    const answer = step.result as SlotAnswer<string>;
    const values = step.values as { fields?: CollectedFields; reason?: EscalateOptions['reason'] };
    if (answer.ok && answer.value === 'yes') {
      return step.beginDialog(ESCALATE_DIALOG, { reason: values.reason ?? 'agent_requested', fields: values.fields ?? {} } satisfies EscalateOptions);
    }
    return this.finish(step);
  }

  private async afterEscalation(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    const result = step.result as CaseResult | undefined;
    if (result?.status === 'handed_off') return step.endDialog();
    return this.finish(step);
  }

  private async finish(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    await sayWithMenu(step.context, this.deps.messages, 'main.anythingElse');
    return step.endDialog();
  }
}

/** What the running case dialogs have collected, read from the dialog stack (innermost wins). */
export function collectedFields(dc: DialogContext): CollectedFields {
  const fields: CollectedFields = {};
  for (let d: DialogContext | undefined = dc; d; d = d.child) {
    for (const instance of d.stack) {
      const values = (instance.state as { values?: { fields?: CollectedFields } }).values;
      if (values?.fields) Object.assign(fields, values.fields);
    }
  }
  return fields;
}
