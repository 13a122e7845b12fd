/**
 * A prompt for one slot of a case (a tracking number, a phone, a yes/no...). Unlike the stock
 * prompts it:
 * - builds its question from message keys at the time it is sent, so a customer who switches
 *   language mid-flow is re-asked in the new language;
 * - tells the customer *why* an answer was rejected (`<reasonPrefix>.<reason>` message) before
 *   asking again;
 * - stops after `maxPromptAttempts` failed answers and ends with `{ ok: false, fatal: false }`, so
 *   the case can offer a person instead of asking forever;
 * - lets an optional slot be skipped with a "skip" word in any language (`ref.optional`);
 * - lets interceptors look at every answer first (see `PromptInterceptor`): "I want a person"
 *   ends the case;
 * - takes a value said inside a sentence ("oh, found it! CE…, where is it now?"): the parsers find
 *   it anywhere in the text, so a message that holds a value is always taken first;
 * - lets rejection interceptors look at an answer that holds no value (issue #11): a new request
 *   ends the case with `{ status: 'start', … }` (what the case collected travels with it), a
 *   question about the prompt is answered and the question asked again; a value for another slot
 *   of the case (the new phone at the parcel-number question) is kept for it (`valueForAnotherSlot`);
 * - never says "that doesn't look like…" more than once for a message that is not an attempt at
 *   the value (`isAttempt`): later ones get a short "I still need …" instead.
 */
import type { DialogContext, DialogInstance, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from '../dialogsLib';
import type { TurnContext } from 'botbuilder';
import { LANGS, type Lang } from '../../services/i18n/langs';
import type { MessageParams } from '../../services/i18n/messages';
import { foldAnswer, matchChoice, type ChoiceLabels } from '../../services/i18n/choices';
import { childRef, type ChildRef } from '../childRef';
import { menuIntent } from '../menu';
import { FIND_TRACKING_DIALOG, FIX_PHONE_DIALOG, NO_SMS_DIALOG, PARCEL_ACCESS_DIALOG, READDRESS_DIALOG, TRACK_DIALOG } from '../ids';
import type { Intent } from '../../services/nlu/types';
import { wantedLocker } from '../../services/nlu/entities/lockerRoles';
import { isOwnPhone, type RoledPhone } from '../../services/nlu/entities/roles';
import type { DialogDeps } from '../deps';
import { isRecord, type CaseExit, type CaseResult } from '../results';
import { message, turnOf, type Button, type Turn } from '../turn';

/** A button of a slot prompt: a literal title (locker names) or a message key (localized). */
export interface SlotChoice {
  value: string;
  title?: string;
  titleKey?: string;
  /** Message key of a list of extra words that select this choice. */
  synonymsKey?: string;
}

/** How a prompt is asked. `optional` is set by `ref.optional`, never by callers. */
export interface SlotPromptOptions {
  /** Message key of the question. */
  questionKey: string;
  params?: MessageParams;
  /** Buttons offered with the question; parsers may use them. */
  choices?: SlotChoice[];
  /**
   * A value the customer gave earlier in the conversation: asked as "Is it …?" first (`questionKey`
   * with `{{value}}` = `shown`). "Yes" answers with `value` (parsed like a typed answer, so a parcel
   * is still looked up and a phone still proven), "no" asks the question itself, anything else is
   * read as the answer. It only saves typing: it is never a proof.
   */
  recall?: { value: string; shown: string; questionKey: string };
}

/** The yes/no buttons of confirmation prompts. */
export const YES_NO_CHOICES: SlotChoice[] = [
  { value: 'yes', titleKey: 'buttons.yes', synonymsKey: 'words.yes' },
  { value: 'no', titleKey: 'buttons.no', synonymsKey: 'words.no' },
];

interface BegunOptions extends SlotPromptOptions {
  /** A "skip" word ends the prompt with `{ ok: true, value: undefined }`. */
  optional?: boolean;
}

export type ParseOutcome<T> =
  | { ok: true; value: T }
  /** `fatal`: asking again cannot help (e.g. the carrier system is down). */
  | { ok: false; reason: string; params?: MessageParams; fatal?: boolean };

/** A prompt that got no usable answer: it gave up after the allowed attempts, or (`fatal`) asking again cannot help. */
export interface SlotFailure {
  ok: false;
  reason: string;
  fatal: boolean;
}

/** What a slot prompt ends with (besides a `CaseExit`). An optional prompt's value is `T | undefined`. */
export type SlotAnswer<T> = { ok: true; value: T } | SlotFailure;

export type SlotParser<T> = (text: string, turn: Turn, options: SlotPromptOptions) => Promise<ParseOutcome<T>>;

/** A ref to a slot prompt; `optional` is the same prompt with a "skip" answer. */
export interface SlotRef<T> extends ChildRef<SlotPromptOptions, SlotAnswer<T>> {
  readonly optional: ChildRef<SlotPromptOptions, SlotAnswer<T | undefined>>;
}

function answerGuard<T>(isValue: (value: unknown) => value is T) {
  return (value: unknown): value is SlotAnswer<T> => {
    if (!isRecord(value)) return false;
    if (value.ok === true) return isValue(value.value);
    return value.ok === false && typeof value.reason === 'string' && typeof value.fatal === 'boolean';
  };
}

/**
 * A ref to the slot prompt registered under `id`, whose answers are `T`; `defaults` are merged
 * into every question (e.g. the yes/no buttons).
 */
export function slotRef<T>(id: string, isValue: (value: unknown) => value is T, defaults: Partial<SlotPromptOptions> = {}): SlotRef<T> {
  const required = childRef<SlotPromptOptions, SlotAnswer<T>>(id, answerGuard(isValue), (o) => ({ ...defaults, ...o }));
  const optional = childRef<SlotPromptOptions, SlotAnswer<T | undefined>>(
    id,
    answerGuard((v: unknown): v is T | undefined => v === undefined || isValue(v)),
    (o): BegunOptions => ({ ...defaults, ...o, optional: true }),
  );
  return { ...required, optional };
}

/** What an interceptor decided about an answer. */
export type PromptVerdict =
  /** The case ends (a person was asked for; later: a new request). */
  | { kind: 'exit'; result: CaseResult }
  /** The interceptor answered the message itself (later: a question about the prompt); ask again, no failure counted. */
  | { kind: 'answered' };

/**
 * Looks at an answer before the prompt parses it; `undefined` lets the prompt parse it. The
 * extension point for issue #11: recognise a new request (exit with `{ status: 'start', … }`), a
 * question about the prompt (answer it, then `answered`), or a value for another slot (kept, `answered`).
 */
export type PromptInterceptor = (turn: Turn, prompt: PromptSeen) => Promise<PromptVerdict | undefined>;

/** What an interceptor knows about the prompt that got the answer. */
export interface PromptSeen {
  id: string;
  options: SlotPromptOptions;
  /** Ids of the active dialogs, this prompt's parent first, up to the main dialog's case (slot prompts give it). */
  stack?: readonly string[];
  /** The prompt's deps (slot prompts give them; interceptors that need them pass otherwise). */
  deps?: DialogDeps;
  /** Rejection interceptors only: the answer looked like an attempt at the value (a mistyped number). */
  attempt?: boolean;
  /**
   * Values already kept for another slot at this prompt (`valueForAnotherSlot` adds to it): the
   * same value again is no answer, and counts as a failure like any other.
   */
  kept?: string[];
}

/** Confidence above which "I want a person" at a prompt ends the case and goes to a person. */
export const AGENT_INTERRUPT_SCORE = 0.8;

/** "I want a person" (a confident `agent` intent, not a command) ends the case with what it collected. */
export const personRequested: PromptInterceptor = async (turn) => {
  const r = turn.temp.recognition;
  if (turn.temp.command || !r || r.intent !== 'agent' || r.score < AGENT_INTERRUPT_SCORE) return undefined;
  return { kind: 'exit', result: { status: 'escalate', reason: 'agent_requested', fields: {} } };
};

/** The interceptors of every prompt that waits for a value (free-text prompts take the text as it is). */
export const PROMPT_INTERCEPTORS: readonly PromptInterceptor[] = [personRequested];

/** Confidence above which another self-service request at a prompt switches to it. */
export const NEW_REQUEST_SCORE = 0.8;

/** The self-service requests a prompt may switch to, with the dialog that serves each. */
const SELF_SERVICE: Partial<Record<Intent, string>> = {
  readdress: READDRESS_DIALOG,
  fix_phone: FIX_PHONE_DIALOG,
  find_tracking: FIND_TRACKING_DIALOG,
  track: TRACK_DIALOG,
  no_sms: NO_SMS_DIALOG,
};

/**
 * A new request at a prompt ("actually just tell me where it is"): a menu button, or a confident
 * self-service intent other than the running case. The case ends with `start`; what it collected
 * (the parcel number) is added on the way up, and the router starts the new case with it.
 */
export const newRequest: PromptInterceptor = async (turn, prompt) => {
  if (turn.temp.command || !prompt.deps) return undefined;
  const r = turn.temp.recognition;
  const fromMenu = menuIntent(prompt.deps.messages, turn.temp.text);
  const intent = fromMenu ?? (r && r.score >= NEW_REQUEST_SCORE ? r.intent : undefined);
  const dialog = intent && SELF_SERVICE[intent];
  if (!intent || !dialog || (!fromMenu && (prompt.stack ?? []).includes(dialog))) return undefined;
  // A mistyped value is told why it was rejected; a parcel number for the new request still switches.
  if (!fromMenu && prompt.attempt && !r?.entities.trackingNumbers.some((t) => t.valid)) return undefined;
  return { kind: 'exit', result: { status: 'start', intent, fields: {} } };
};

/** Kinds of questions about a prompt, checked in this order (word lists `words.promptQuestion.<kind>`). */
const QUESTION_KINDS = ['missing', 'where', 'why'] as const;

/** Choice prompts whose questions get the generic help text. */
const GENERIC_HELP: ReadonlySet<string> = new Set(['slot.yesNo', 'slot.intent', 'slot.phoneRole']);

/**
 * The help-text slot of a prompt id (`promptHelp.<slot>.<kind>`); undefined for prompts whose
 * answers are free queries (a locker search: "kur rasti paštomatą Kaune" is an answer, not a question).
 */
function helpSlot(promptId: string): string | undefined {
  if (promptId === 'slot.tracking' || promptId === 'slot.parcel') return 'tracking';
  if (promptId === 'slot.phone') return 'phone';
  return GENERIC_HELP.has(promptId) ? 'generic' : undefined;
}

/**
 * A question about the prompt ("why do you need my phone?", "where do I find the number? I don't
 * have it"): answered from the per-slot help texts, then the question is asked again. A missing
 * parcel number gets the "find my parcel number" button.
 */
export const questionAboutPrompt: PromptInterceptor = async (turn, prompt) => {
  const slot = helpSlot(prompt.id);
  if (!prompt.deps || !slot) return undefined;
  const m = prompt.deps.messages;
  const folded = ` ${foldAnswer(turn.temp.text)} `;
  if (!folded.trim()) return undefined;
  const kind = QUESTION_KINDS.find((k) => LANGS.some((l) => m.list(l, `words.promptQuestion.${k}`).some((w) => folded.includes(` ${foldAnswer(w)}`))));
  if (!kind) return undefined;
  const key = m.has(turn.lang, `promptHelp.${slot}.${kind}`) ? `promptHelp.${slot}.${kind}` : 'promptHelp.generic';
  const buttons: Button[] = slot === 'tracking' && kind !== 'why' ? [{ title: m.t(turn.lang, 'menu.findTracking') }] : [];
  await turn.context.sendActivity(message(m.t(turn.lang, key), buttons));
  return { kind: 'answered' };
};

/** Kinds of values a case takes at a later step, from what the customer wrote (`turn.conversation.given`). */
type LaterValue = 'phone' | 'locker';

/** Whether a case takes a phone of this message later, given the dialogs active at the prompt. */
type TakesPhone = (phone: RoledPhone, stack: readonly string[]) => boolean;

/**
 * What each case reads from earlier messages: the wrong-phone case its new number (one said to be
 * new before the proof, any but a sender's or contact phone at its own prompts after it), readdress
 * the new locker and, before the proof only, the customer's own phone, …
 */
const LATER_VALUES: Readonly<Record<string, { locker?: true; phone?: TakesPhone }>> = {
  [FIX_PHONE_DIALOG]: {
    phone: (p, stack) => p.party !== 'sender' && p.party !== 'contact' && (p.age === 'new' || (!p.age && !stack.includes(PARCEL_ACCESS_DIALOG))),
  },
  [READDRESS_DIALOG]: { locker: true, phone: (p, stack) => isOwnPhone(p) && stack.includes(PARCEL_ACCESS_DIALOG) },
  [FIND_TRACKING_DIALOG]: { locker: true },
};

/** The prompts that ask for each kind (a value of that kind is their own answer, never "another slot"). */
const PROMPTS_OF: Readonly<Record<LaterValue, readonly string[]>> = {
  phone: ['slot.phone'],
  locker: ['slot.lockerQuery', 'slot.lockerPick'],
};

/** Prompts at which a value for another slot is kept (confirmations are not: "no, 8 612 …" is no answer to keep). */
const KEEPING_PROMPTS: ReadonlySet<string> = new Set(['slot.tracking', 'slot.parcel', 'slot.phone', 'slot.phoneRole', 'slot.lockerQuery', 'slot.lockerPick']);

/**
 * A value for another slot of the running case ("the new number is 8 612 34000" at the
 * parcel-number question, "Mega Kaunas" at a phone question): the turn has already noted it
 * (`Turn.understood`), and the case takes it when it comes to that slot; here the customer is told
 * so, and the question is asked again without counting a failure. Only a value the case will take,
 * and only the first time at this prompt (`PromptSeen.kept`): the same value again counts as a
 * failure, so the prompt still ends after `maxPromptAttempts`.
 */
export const valueForAnotherSlot: PromptInterceptor = async (turn, prompt) => {
  const r = turn.temp.recognition;
  if (!prompt.deps || !r || !KEEPING_PROMPTS.has(prompt.id)) return undefined;
  const stack = prompt.stack ?? [];
  const cases = stack.map((id) => LATER_VALUES[id]).filter((c) => c !== undefined);
  const values: string[] = [];
  if (r.entities.phones.length && !PROMPTS_OF.phone.includes(prompt.id)) {
    const phones = turn.conversation.given({ from: turn.conversation.messageNumber }).phones;
    for (const p of phones) if (cases.some((c) => c.phone?.(p, stack))) values.push(`phone:${p.e164}`);
  }
  const locker = wantedLocker(r.entities);
  if (locker && !PROMPTS_OF.locker.includes(prompt.id) && cases.some((c) => c.locker)) values.push(`locker:${locker.query ?? ''}:${locker.leave.join(',')}`);
  const kept = (prompt.kept ??= []);
  const fresh = values.filter((v) => !kept.includes(v));
  if (!fresh.length) return undefined;
  kept.push(...fresh);
  await turn.context.sendActivity(prompt.deps.messages.t(turn.lang, 'promptHelp.kept'));
  return { kind: 'answered' };
};

/**
 * What every value prompt does with an answer that holds no value, before rejecting it. A question
 * about the prompt comes before a value kept for another slot: "I don't have the parcel number,
 * where do I find it? my phone is …" gets the help.
 */
export const REJECTION_INTERCEPTORS: readonly PromptInterceptor[] = [newRequest, questionAboutPrompt, valueForAnotherSlot];

/** An answer with a digit in it is an attempt at a number (tracking numbers and phones). */
export const hasDigit = (text: string): boolean => /\d/.test(text);

/** Resolves a prompt's choices into labels in the customer's language (plus every language for keys). */
export function choiceLabels(deps: DialogDeps, lang: Lang, choices: SlotChoice[] = []): ChoiceLabels[] {
  return choices.map((c) => {
    const labels = [c.value];
    if (c.title) labels.push(c.title);
    for (const l of LANGS) {
      if (c.titleKey) labels.push(deps.messages.t(l, c.titleKey));
      if (c.synonymsKey) labels.push(...deps.messages.list(l, c.synonymsKey));
    }
    if (c.titleKey) labels.push(deps.messages.t(lang, c.titleKey));
    return { value: c.value, labels };
  });
}

/** A parser that accepts exactly one of the prompt's choices whose value passes `is`. */
export function choiceParser<T extends string>(deps: DialogDeps, is: (value: string) => value is T): SlotParser<T> {
  return async (text, turn, options) => {
    if (!text.trim()) return { ok: false, reason: 'empty' };
    const value = matchChoice(text, choiceLabels(deps, turn.lang, options.choices));
    return value !== undefined && is(value) ? { ok: true, value } : { ok: false, reason: 'not_a_choice' };
  };
}

interface PromptState {
  options: BegunOptions;
  failures: number;
  /** Answers rejected that were not an attempt at the value. */
  notAttempts?: number;
  /** The "Is it …?" question of `options.recall` awaits its answer. */
  recalling?: boolean;
  /** Values kept for another slot at this prompt (see `PromptSeen.kept`). */
  kept?: string[];
}

export class SlotPrompt<T> extends Dialog<BegunOptions> {
  constructor(
    ref: SlotRef<T>,
    protected readonly deps: DialogDeps,
    private readonly parse: SlotParser<T>,
    /** Message-key prefix for rejection reasons, e.g. `invalid.tracking`. */
    private readonly reasonPrefix: string,
    private readonly interceptors: readonly PromptInterceptor[] = PROMPT_INTERCEPTORS,
    /** Whether a rejected answer was an attempt at the value (default: every answer is). */
    private readonly isAttempt: (text: string) => boolean = () => true,
    private readonly onRejection: readonly PromptInterceptor[] = interceptors.length ? REJECTION_INTERCEPTORS : [],
  ) {
    super(ref.id);
  }

  override async beginDialog(dc: DialogContext, options?: BegunOptions): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (!instance || !options?.questionKey) throw new Error(`SlotPrompt(${this.id}).beginDialog(): questionKey is required`);
    const state: PromptState = { options, failures: 0, recalling: !!options.recall };
    instance.state = state;
    await this.askFirst(turnOf(dc.context), state);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== 'message') return Dialog.EndOfTurn;
    const turn = turnOf(dc.context);
    const state = this.state(dc.activeDialog);
    const options = state.options;
    const text = turn.temp.text;

    const stack: string[] = [];
    for (let d: DialogContext | undefined = dc.parent; d; d = d.parent) if (d.activeDialog) stack.push(d.activeDialog.id);
    const seen: PromptSeen = { id: this.id, options, stack, deps: this.deps, kept: (state.kept ??= []) };
    const intercepted = async (list: readonly PromptInterceptor[]): Promise<DialogTurnResult | undefined> => {
      for (const intercept of list) {
        const verdict = await intercept(turn, seen);
        if (verdict?.kind === 'exit') return dc.endDialog({ exit: verdict.result } satisfies CaseExit);
        if (verdict?.kind === 'answered') {
          await this.ask(turn, options);
          return Dialog.EndOfTurn;
        }
      }
      return undefined;
    };

    const before = await intercepted(this.interceptors);
    if (before) return before;

    // "Is it CE…?": yes takes the earlier value, no asks the question itself ("no, CE…" is an answer).
    let answer = text;
    let declined = false;
    let own: ParseOutcome<T> | undefined;
    if (state.recalling && options.recall) {
      state.recalling = false;
      const labels = choiceLabels(this.deps, turn.lang, YES_NO_CHOICES);
      const said = matchChoice(text, labels);
      const bare = labels.some((c) => c.value === said && c.labels.some((l) => foldAnswer(l) === foldAnswer(text)));
      if (said === 'yes') {
        // "yes, it is CE517…": a value of its own is the answer (also when it is wrong: then it is
        // a failed answer, never silently the earlier one); the earlier one when it has none.
        own = bare ? undefined : await this.parse(text, turn, options);
        if (!own || (!own.ok && !own.fatal && !this.isAttempt(text))) {
          own = undefined;
          answer = options.recall.value;
        }
      }
      declined = said === 'no';
      // A bare "no" is no answer to the question itself (an optional one would take it as "nothing").
      if (declined && bare) {
        await this.ask(turn, options);
        return Dialog.EndOfTurn;
      }
    }

    if (options.optional && this.isSkip(text)) return dc.endDialog({ ok: true, value: undefined } satisfies SlotAnswer<T | undefined>);

    const outcome = own ?? (await this.parse(answer, turn, options));
    if (outcome.ok) return dc.endDialog({ ok: true, value: outcome.value } satisfies SlotAnswer<T>);
    if (outcome.fatal) return dc.endDialog({ ok: false, reason: outcome.reason, fatal: true } satisfies SlotAnswer<T>);
    if (declined) {
      await this.ask(turn, options);
      return Dialog.EndOfTurn;
    }

    // No value in it: a new request or a question about the prompt, before it counts as a failure.
    const attempt = this.isAttempt(text);
    seen.attempt = attempt;
    const after = await intercepted(this.onRejection);
    if (after) return after;

    state.failures += 1;
    if (!attempt) state.notAttempts = (state.notAttempts ?? 0) + 1;
    // "That doesn't look like…" once at most for something that is not an attempt at the value.
    const reasonKey = !attempt && (state.notAttempts ?? 0) > 1 ? 'promptHelp.stillNeeded' : `${this.reasonPrefix}.${outcome.reason}`;
    await dc.context.sendActivity(this.deps.messages.t(turn.lang, reasonKey, outcome.params));
    if (state.failures >= this.deps.settings.maxPromptAttempts) return dc.endDialog({ ok: false, reason: outcome.reason, fatal: false } satisfies SlotAnswer<T>);
    await this.ask(turn, options);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.askFirst(turnOf(context), this.state(instance));
  }

  /** The "Is it …?" question while it awaits its answer, else the question itself. */
  private async askFirst(turn: Turn, state: PromptState): Promise<void> {
    const recall = state.recalling ? state.options.recall : undefined;
    if (!recall) return this.ask(turn, state.options);
    const question = { questionKey: recall.questionKey, params: { value: recall.shown }, choices: YES_NO_CHOICES };
    await turn.context.sendActivity(message(this.deps.messages.t(turn.lang, question.questionKey, question.params), this.buttons(turn, question)));
  }

  /** The prompt's own state, written by `beginDialog` (botbuilder stores it as `any`). */
  private state(instance: DialogInstance | undefined): PromptState {
    const state: PromptState | undefined = instance?.state;
    if (!state?.options?.questionKey) throw new Error(`SlotPrompt(${this.id}): no prompt state`);
    return state;
  }

  private isSkip(text: string): boolean {
    const folded = foldAnswer(text);
    if (!folded) return false;
    return LANGS.some((l) => this.deps.messages.list(l, 'words.skip').some((w) => foldAnswer(w) === folded));
  }

  /** The buttons of a prompt in the customer's language. */
  protected buttons(turn: Turn, options: BegunOptions): Button[] {
    const buttons: Button[] = (options.choices ?? []).map((c) => ({
      title: c.title ?? this.deps.messages.t(turn.lang, c.titleKey ?? ''),
    }));
    if (options.optional) buttons.push({ title: this.deps.messages.t(turn.lang, 'buttons.skip') });
    return buttons;
  }

  /** Sends the question; subclasses may render it richer (cards). */
  protected async ask(turn: Turn, options: BegunOptions): Promise<void> {
    await turn.context.sendActivity(message(this.deps.messages.t(turn.lang, options.questionKey, options.params), this.buttons(turn, options)));
  }
}
