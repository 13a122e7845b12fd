/**
 * The root dialog: a router. A new request is routed to a case dialog by the turn's recognition
 * (with slots pre-filled from the entities in the message), or to one clarifying question when two
 * intents are close. Every case ends with a `CaseResult`, and one switch (`follow`) decides what
 * comes next: the menu, a person offered or handed the case, or another request. While a case runs,
 * whole-message commands work at any step in any language: cancel, start over, help, a language
 * switch. ("I want a person" is the prompts' business: see `PromptInterceptor`.)
 */
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { ComponentDialog, DialogTurnStatus } from './dialogsLib';
import { storyOf } from '../services/nlu/escalationFacts';
import { phonePartyOf, phoneRoles, type PhoneParty } from '../services/nlu/entities/roles';
import { wantedLocker } from '../services/nlu/entities/lockerRoles';
import type { Intent } from '../services/nlu/types';
import { beginChild } from './childRef';
import { CLARIFY, ClarifyDialog } from './ClarifyDialog';
import type { DialogDeps } from './deps';
import { ESCALATE, EscalateDialog } from './EscalateDialog';
import { FIND_TRACKING, FindTrackingDialog } from './FindTrackingDialog';
import { FIX_PHONE, FixPhoneDialog } from './FixPhoneDialog';
import { FIND_TRACKING_DIALOG, FIX_PHONE_DIALOG, MAIN_DIALOG, READDRESS_DIALOG, TRACK_DIALOG } from './ids';
import { NO_SMS, NoSmsDialog } from './NoSmsDialog';
import { intentTitleKey, menuIntent, sayWithMenu } from './menu';
import { OFFER_PERSON, OfferPersonDialog } from './OfferPersonDialog';
import { READDRESS, ReaddressDialog } from './ReaddressDialog';
import { isCaseResult, type CaseResult } from './results';
import type { CollectedFields } from './state';
import { RATING, RatingDialog, parseScore } from './RatingDialog';
import { isFlowType, storedText, type FlowOutcome, type FlowType } from '../services/reports/events';
import { TRACK, TrackDialog } from './TrackDialog';
import { say, turnOf, type Turn } from './turn';

/** Intents that can be confused with each other in a way worth a clarifying question. */
const ACTIONABLE: Intent[] = ['readdress', 'fix_phone', 'no_sms', 'find_tracking', 'track', 'locker_fault', 'agent'];

/** The self-service flow each case dialog is (for report events). */
const FLOW_OF_DIALOG: Readonly<Record<string, FlowType>> = {
  [READDRESS_DIALOG]: 'readdress',
  [FIX_PHONE_DIALOG]: 'fix_phone',
  [FIND_TRACKING_DIALOG]: 'find_tracking',
  [TRACK_DIALOG]: 'track',
};

/** How a flow's `CaseResult` counts in the reports. */
const OUTCOME: Readonly<Record<CaseResult['status'], FlowOutcome>> = {
  done: 'completed',
  offer_person: 'escalated',
  escalate: 'escalated',
  handed_off: 'escalated',
  start: 'abandoned',
  unclear: 'abandoned',
};

/** Nothing more to do this turn; the next message is a new request. */
const END: DialogTurnResult = { status: DialogTurnStatus.complete };

export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_DIALOG);
    this.addDialog(new ReaddressDialog(deps));
    this.addDialog(new FixPhoneDialog(deps));
    this.addDialog(new NoSmsDialog(deps));
    this.addDialog(new FindTrackingDialog(deps));
    this.addDialog(new TrackDialog(deps));
    this.addDialog(new EscalateDialog(deps));
    this.addDialog(new OfferPersonDialog(deps));
    this.addDialog(new ClarifyDialog(deps));
    this.addDialog(new RatingDialog(deps));
  }

  /** A new request. */
  protected override async onBeginDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return this.route(inner, turnOf(inner.context));
  }

  /** A message while a case runs: commands first, then the case. */
  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const turn = turnOf(inner.context);
    const command = turn.temp.command;
    const m = this.deps.messages;
    const flow = FLOW_OF_DIALOG[inner.activeDialog?.id ?? ''];
    if (flow && (command === 'cancel' || command === 'bot' || command === 'restart')) this.flowEnded(turn, flow, 'abandoned');
    if (command === 'cancel' || command === 'bot') {
      await inner.cancelAllDialogs();
      await sayWithMenu(turn, m, 'main.cancelled');
      return END;
    }
    if (command === 'restart') {
      await inner.cancelAllDialogs();
      await sayWithMenu(turn, m, 'main.restarted');
      return END;
    }
    if (command === 'help') {
      await say(turn, m, 'main.helpInFlow');
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    if (command && typeof command === 'object') {
      await say(turn, m, 'main.languageSwitched');
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    return this.follow(inner, turn, await inner.continueDialog(), flow);
  }

  /**
   * After a child dialog: the one switch on how the case ended. `flow` names the self-service
   * flow that ended, if the child was one: its outcome is recorded, and a completed flow may be
   * followed by the rating question.
   */
  private async follow(inner: DialogContext, turn: Turn, r: DialogTurnResult, flow?: FlowType): Promise<DialogTurnResult> {
    if (r.status !== DialogTurnStatus.complete) return r;
    const result: unknown = r.result;
    if (!isCaseResult(result)) throw new Error('MainDialog.follow(): a case dialog ended without a CaseResult');
    const m = this.deps.messages;
    if (flow) this.flowEnded(turn, flow, OUTCOME[result.status]);
    switch (result.status) {
      case 'done':
        if (flow && (await this.deps.ratings?.opportunity(turn.conversationId))) return this.follow(inner, turn, await beginChild(inner, RATING, { source: 'bot' }));
        await sayWithMenu(turn, m, 'main.anythingElse');
        return END;
      case 'unclear':
        await sayWithMenu(turn, m, 'main.notUnderstood');
        return END;
      case 'handed_off':
        return END;
      case 'start':
        return this.startCase(inner, turn, result.intent, result.fields);
      case 'offer_person':
        return this.follow(inner, turn, await beginChild(inner, OFFER_PERSON, { reason: result.reason, fields: result.fields }));
      case 'escalate':
        return this.follow(inner, turn, await beginChild(inner, ESCALATE, { reason: result.reason, fields: result.fields }));
    }
  }

  /** A new request: commands, empty messages, menu buttons, then the recognized intent. */
  private async route(inner: DialogContext, turn: Turn): Promise<DialogTurnResult> {
    const m = this.deps.messages;
    const { command, text, recognition: r } = turn.temp;
    if (command === 'cancel' || command === 'bot' || command === 'restart') {
      await sayWithMenu(turn, m, 'main.nothingToCancel');
      return END;
    }
    if (command === 'help') {
      await sayWithMenu(turn, m, 'main.help');
      return END;
    }
    if (command && typeof command === 'object') {
      await sayWithMenu(turn, m, 'main.languageSwitchedMenu');
      return END;
    }
    if (!text) {
      await sayWithMenu(turn, m, (turn.context.activity.attachments ?? []).length ? 'main.attachmentOnly' : 'main.empty');
      return END;
    }
    // The hand-off asked for a rating when the agent closed the case: this message may be the answer.
    const awaited = await this.deps.ratings?.take(turn.conversationId);
    if (awaited && parseScore(text) !== undefined) return this.follow(inner, turn, await beginChild(inner, RATING, { source: awaited, answering: true }));
    const fromMenu = menuIntent(m, text);
    if (fromMenu) return this.startCase(inner, turn, fromMenu);
    if (!r) {
      await sayWithMenu(turn, m, 'main.notUnderstood');
      return END;
    }
    if (r.score < this.deps.settings.minConfidence) {
      if (r.entities.trackingNumbers.some((t) => t.valid)) return this.startCase(inner, turn, 'track');
      this.notUnderstood(turn);
      await sayWithMenu(turn, m, 'main.notUnderstood');
      return END;
    }
    const second = r.intents[1];
    const firstTitle = intentTitleKey(r.intent);
    const secondTitle = second && intentTitleKey(second.intent);
    if (
      second &&
      firstTitle &&
      secondTitle &&
      r.score - second.score < this.deps.settings.ambiguityMargin &&
      ACTIONABLE.includes(r.intent) &&
      ACTIONABLE.includes(second.intent)
    ) {
      const choices = [
        { value: r.intent, titleKey: firstTitle },
        { value: second.intent, titleKey: secondTitle },
      ];
      return this.follow(inner, turn, await beginChild(inner, CLARIFY, { choices }));
    }
    return this.startCase(inner, turn, r.intent);
  }

  /** A message the bot could not act on (too unsure, or nothing it does): listed for supervisors to label. */
  private notUnderstood(turn: Turn): void {
    const text = storedText(turn.temp.text);
    if (text) this.deps.reports?.record({ type: 'unrecognized', at: turn.now().toISOString(), conversationId: turn.conversationId, lang: turn.lang, text });
  }

  private flowEnded(turn: Turn, flow: FlowType, outcome: FlowOutcome): void {
    this.deps.reports?.record({ type: 'flow_ended', at: turn.now().toISOString(), conversationId: turn.conversationId, flow, outcome });
  }

  /**
   * Starts the case for `intent`, pre-filled from what this turn's message already says, and from
   * `carried`: what an abandoned case collected (a change of mind at a prompt keeps the parcel number).
   */
  private async startCase(inner: DialogContext, turn: Turn, intent: Intent, carried: CollectedFields = {}): Promise<DialogTurnResult> {
    const m = this.deps.messages;
    const { text, recognition: r } = turn.temp;
    const tracking = r?.entities.trackingNumbers.find((t) => t.valid)?.value ?? carried.trackingNumber;
    const phones = r?.entities.phones.map((p) => p.e164) ?? [];
    // Whose number each is, from the words around it ("siuntėjo …, gavėjo …", "my phone …"); only
    // numbers the recognizer accepted (supported countries) count.
    const roled = phoneRoles(text).filter((p) => phones.includes(p.e164));
    const byParty = (party: PhoneParty) => roled.find((p) => p.party === party)?.e164;
    const unroled = roled.filter((p) => !p.party).map((p) => p.e164);
    const partiesNamed = roled.some((p) => p.party === 'sender' || p.party === 'recipient');
    const lockerQuery = r?.entities.lockers[0]?.text;
    // "from Akropolis Vilnius to Mega Kaunas": the one wanted, and the one to leave.
    const wanted = r && wantedLocker(r.entities);
    const attachments = (turn.context.activity.attachments ?? []).flatMap((a) => (a.contentUrl ? [{ url: a.contentUrl, contentType: a.contentType, name: a.name }] : []));
    const words = text.split(/\s+/).length;
    const descriptive = words >= 5 && !menuIntent(m, text) ? text : undefined;
    this.deps.reports?.record({ type: 'request', at: turn.now().toISOString(), conversationId: turn.conversationId, intent, lang: turn.lang });
    const flow = isFlowType(intent) ? intent : undefined;
    // The problems people are for: the first message may already tell the story ("CE… arrived crushed").
    const story = menuIntent(m, text) ? undefined : storyOf(text);
    const run = async (started: Promise<DialogTurnResult>) => this.follow(inner, turn, await started, flow);
    switch (intent) {
      case 'readdress':
        return run(beginChild(inner, READDRESS, { trackingNumber: tracking, lockerQuery: wanted?.query, leaveLockerIds: wanted?.leave }));
      case 'fix_phone':
        // "I typed his number wrong": whose number is known without a number in the message.
        return run(beginChild(inner, FIX_PHONE, { trackingNumber: tracking, role: phonePartyOf(text) }));
      case 'find_tracking':
        return run(
          beginChild(inner, FIND_TRACKING, {
            senderPhone: byParty('sender') ?? (phones.length >= 2 && !partiesNamed ? phones[0] : undefined),
            recipientPhone: byParty('recipient') ?? (phones.length >= 2 && !partiesNamed ? phones[1] : undefined),
            lockerQuery,
          }),
        );
      case 'track':
        return run(beginChild(inner, TRACK, { trackingNumber: tracking }));
      case 'locker_fault':
        return run(
          beginChild(inner, ESCALATE, {
            reason: 'locker_fault',
            fields: { trackingNumber: tracking, lockerId: r?.entities.lockers[0]?.candidates[0]?.lockerId },
            description: descriptive,
            attachments,
          }),
        );
      case 'damaged_parcel':
      case 'billing':
      case 'complaint':
      case 'other_problem':
        return run(
          beginChild(inner, ESCALATE, {
            reason: intent,
            fields: { trackingNumber: tracking, lockerId: r?.entities.lockers[0]?.candidates[0]?.lockerId, contactPhone: byParty('contact') ?? (phones.length === 1 && unroled.length === 1 ? phones[0] : undefined) },
            description: story,
            attachments,
          }),
        );
      case 'no_sms':
        return run(beginChild(inner, NO_SMS, { trackingNumber: tracking }));
      case 'agent':
        return run(
          beginChild(inner, ESCALATE, {
            reason: 'agent_requested',
            fields: { trackingNumber: tracking },
            description: words >= 8 ? text : undefined,
            attachments,
          }),
        );
      case 'greet':
        await sayWithMenu(turn, m, 'welcome.again');
        return END;
      case 'thanks':
        await say(turn, m, 'main.thanks');
        return END;
      case 'none':
        // Outside the carrier's business; a person may still help, so one is offered.
        this.notUnderstood(turn);
        await say(turn, m, 'main.outOfScope');
        return run(beginChild(inner, OFFER_PERSON, { reason: 'out_of_scope', fields: { description: descriptive ?? text } }));
    }
  }
}
