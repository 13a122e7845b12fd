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
 * - lets interceptors look at every answer first (see `PromptInterceptor`): today "I want a person"
 *   ends the case; issue #11 plugs a new request, a question about the prompt and a value for
 *   another slot in here.
 */
import type { DialogContext, DialogInstance, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from '../dialogsLib';
import type { TurnContext } from 'botbuilder';
import { LANGS, type Lang } from '../../services/i18n/langs';
import type { MessageParams } from '../../services/i18n/messages';
import { foldAnswer, matchChoice, type ChoiceLabels } from '../../services/i18n/choices';
import { childRef, type ChildRef } from '../childRef';
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
}

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
 * question about the prompt (answer it, then `answered`), or a value for another slot.
 */
export type PromptInterceptor = (turn: Turn, prompt: { id: string; options: SlotPromptOptions }) => Promise<PromptVerdict | undefined>;

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
}

export class SlotPrompt<T> extends Dialog<BegunOptions> {
  constructor(
    ref: SlotRef<T>,
    protected readonly deps: DialogDeps,
    private readonly parse: SlotParser<T>,
    /** Message-key prefix for rejection reasons, e.g. `invalid.tracking`. */
    private readonly reasonPrefix: string,
    private readonly interceptors: readonly PromptInterceptor[] = PROMPT_INTERCEPTORS,
  ) {
    super(ref.id);
  }

  override async beginDialog(dc: DialogContext, options?: BegunOptions): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (!instance || !options?.questionKey) throw new Error(`SlotPrompt(${this.id}).beginDialog(): questionKey is required`);
    const state: PromptState = { options, failures: 0 };
    instance.state = state;
    await this.ask(turnOf(dc.context), options);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== 'message') return Dialog.EndOfTurn;
    const turn = turnOf(dc.context);
    const state = this.state(dc.activeDialog);
    const options = state.options;
    const text = turn.temp.text;

    for (const intercept of this.interceptors) {
      const verdict = await intercept(turn, { id: this.id, options });
      if (verdict?.kind === 'exit') return dc.endDialog({ exit: verdict.result } satisfies CaseExit);
      if (verdict?.kind === 'answered') {
        await this.ask(turn, options);
        return Dialog.EndOfTurn;
      }
    }

    if (options.optional && this.isSkip(text)) return dc.endDialog({ ok: true, value: undefined } satisfies SlotAnswer<T | undefined>);

    const outcome = await this.parse(text, turn, options);
    if (outcome.ok) return dc.endDialog({ ok: true, value: outcome.value } satisfies SlotAnswer<T>);
    if (outcome.fatal) return dc.endDialog({ ok: false, reason: outcome.reason, fatal: true } satisfies SlotAnswer<T>);

    state.failures += 1;
    await dc.context.sendActivity(this.deps.messages.t(turn.lang, `${this.reasonPrefix}.${outcome.reason}`, outcome.params));
    if (state.failures >= this.deps.settings.maxPromptAttempts) return dc.endDialog({ ok: false, reason: outcome.reason, fatal: false } satisfies SlotAnswer<T>);
    await this.ask(turn, options);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(turnOf(context), this.state(instance).options);
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
