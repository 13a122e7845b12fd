/**
 * A prompt for one slot of a case (a tracking number, a phone, a yes/no...). Unlike the stock
 * prompts it:
 * - builds its question from message keys at the time it is sent, so a customer who switches
 *   language mid-flow is re-asked in the new language;
 * - tells the customer *why* an answer was rejected (`<reasonPrefix>.<reason>` message) before
 *   asking again;
 * - stops after `maxPromptAttempts` failed answers and returns `{ ok: false, gaveUp: true }`, so the
 *   calling dialog can offer a person instead of asking forever;
 * - lets an optional slot be skipped with a "skip" word in any language.
 */
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { LANGS } from '../../services/i18n/langs';
import type { MessageParams } from '../../services/i18n/messages';
import { foldAnswer, matchChoice, type ChoiceLabels } from '../../services/i18n/choices';
import type { DialogDeps } from '../deps';
import { langOf, message, type Button } from '../turn';

/** A button of a slot prompt: a literal title (locker names) or a message key (localized). */
export interface SlotChoice {
  value: string;
  title?: string;
  titleKey?: string;
  /** Message key of a list of extra words that select this choice. */
  synonymsKey?: string;
}

export interface SlotPromptOptions {
  /** Message key of the question. */
  questionKey: string;
  params?: MessageParams;
  /** Buttons offered with the question; parsers may use them. */
  choices?: SlotChoice[];
  /** When true, a "skip" word ends the prompt with `{ ok: true, value: undefined }`. */
  optional?: boolean;
}

export type ParseOutcome<T> =
  | { ok: true; value: T }
  /** `fatal`: asking again cannot help (e.g. the carrier system is down). */
  | { ok: false; reason: string; params?: MessageParams; fatal?: boolean };

export type SlotAnswer<T> =
  | { ok: true; value: T | undefined }
  | { ok: false; reason: string; gaveUp?: boolean; fatal?: boolean };

export type SlotParser<T> = (text: string, context: TurnContext, options: SlotPromptOptions) => Promise<ParseOutcome<T>>;

interface SlotPromptState {
  failures: number;
}

/** Resolves a prompt's choices into labels in the customer's language (plus every language for keys). */
export function choiceLabels(deps: DialogDeps, context: TurnContext, choices: SlotChoice[] = []): ChoiceLabels[] {
  const lang = langOf(context);
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

/** A parser that accepts exactly one of the prompt's choices. */
export function choiceParser(deps: DialogDeps): SlotParser<string> {
  return async (text, context, options) => {
    if (!text.trim()) return { ok: false, reason: 'empty' };
    const value = matchChoice(text, choiceLabels(deps, context, options.choices));
    return value === undefined ? { ok: false, reason: 'not_a_choice' } : { ok: true, value };
  };
}

export class SlotPrompt<T> extends Dialog<SlotPromptOptions> {
  constructor(
    dialogId: string,
    protected readonly deps: DialogDeps,
    private readonly parse: SlotParser<T>,
    /** Message-key prefix for rejection reasons, e.g. `invalid.tracking`. */
    private readonly reasonPrefix: string,
  ) {
    super(dialogId);
  }

  override async beginDialog(dc: DialogContext, options?: SlotPromptOptions): Promise<DialogTurnResult> {
    if (!options?.questionKey) throw new Error(`SlotPrompt(${this.id}).beginDialog(): questionKey is required`);
    const state: SlotPromptState = { failures: 0 };
    Object.assign(dc.activeDialog!.state, { slot: state, options });
    await this.ask(dc.context, options);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const instance = dc.activeDialog!;
    const options = instance.state.options as SlotPromptOptions;
    const state = instance.state.slot as SlotPromptState;
    const text = (activity.text ?? '').trim();

    if (options.optional && this.isSkip(text)) return dc.endDialog({ ok: true, value: undefined } satisfies SlotAnswer<T>);

    const outcome = await this.parse(text, dc.context, options);
    if (outcome.ok) return dc.endDialog({ ok: true, value: outcome.value } satisfies SlotAnswer<T>);
    if (outcome.fatal) return dc.endDialog({ ok: false, reason: outcome.reason, fatal: true } satisfies SlotAnswer<T>);

    state.failures += 1;
    const lang = langOf(dc.context);
    const reasonText = this.deps.messages.t(lang, `${this.reasonPrefix}.${outcome.reason}`, outcome.params);
    if (state.failures >= this.deps.settings.maxPromptAttempts) {
      await dc.context.sendActivity(reasonText);
      return dc.endDialog({ ok: false, reason: outcome.reason, gaveUp: true } satisfies SlotAnswer<T>);
    }
    await dc.context.sendActivity(reasonText);
    await this.ask(dc.context, options);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, instance.state.options as SlotPromptOptions);
  }

  private isSkip(text: string): boolean {
    const folded = foldAnswer(text);
    if (!folded) return false;
    return LANGS.some((l) => this.deps.messages.list(l, 'words.skip').some((w) => foldAnswer(w) === folded));
  }

  /** The buttons of a prompt in the customer's language. */
  protected buttons(context: TurnContext, options: SlotPromptOptions): Button[] {
    const lang = langOf(context);
    const buttons: Button[] = (options.choices ?? []).map((c) => ({
      title: c.title ?? this.deps.messages.t(lang, c.titleKey ?? ''),
    }));
    if (options.optional) buttons.push({ title: this.deps.messages.t(lang, 'buttons.skip') });
    return buttons;
  }

  /** Sends the question; subclasses may render it richer (cards). */
  protected async ask(context: TurnContext, options: SlotPromptOptions): Promise<void> {
    await context.sendActivity(message(this.deps.messages.t(langOf(context), options.questionKey, options.params), this.buttons(context, options)));
  }
}
