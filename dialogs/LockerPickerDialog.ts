/**
 * Lets the customer choose a locker by free text (city, street, mall or locker name, typos and
 * missing Lithuanian letters welcome): the best matches are offered as buttons; another query or
 * "none of these" searches again, a bounded number of times.
 */
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { LANGS } from '../services/i18n/langs';
import { describeLocker } from '../services/i18n/lockerText';
import { matchChoice } from '../services/i18n/choices';
import type { DialogDeps } from './deps';
import { LOCKER_PICKER_DIALOG } from './ids';
import { SlotPrompt, type SlotAnswer, type SlotParser, type SlotPromptOptions } from './prompts/SlotPrompt';
import { lockerCarousel, supportsCards } from './cards';
import { langOf } from './turn';

const QUERY_PROMPT = 'slot.lockerQuery';
const PICK_PROMPT = 'slot.lockerPick';
const NONE = 'none';
const MAX_CANDIDATES = 5;

export interface LockerPickerOptions {
  /** A locker mention the customer already wrote (skips the question). */
  query?: string;
  /** Message key of the question, e.g. `ask.newLocker`. */
  questionKey: string;
  /** Searches done so far (bounded by maxPromptAttempts). */
  rounds?: number;
}

export type LockerPickerResult = { ok: true; lockerId: string } | { ok: false; gaveUp: boolean };

/**
 * The pick question: on channels with cards, the candidates as a carousel (address and hours on
 * each card) under a short question; elsewhere a numbered text list. Buttons work on both.
 */
class LockerPickPrompt extends SlotPrompt<Pick> {
  protected override async ask(context: TurnContext, options: SlotPromptOptions): Promise<void> {
    if (!supportsCards(context.activity.channelId)) return super.ask(context, options);
    const lang = langOf(context);
    const lockers = (options.choices ?? []).map((c) => this.deps.lockers.get(c.value)).filter((l): l is NonNullable<typeof l> => !!l);
    await context.sendActivity(lockerCarousel(this.deps.messages, lang, this.deps.messages.t(lang, 'lockers.pickCards'), lockers, this.buttons(context, options)));
  }
}

/** A pick answer: a chosen locker id, "none of these", or a new query to search for. */
type Pick = { lockerId: string } | { query: string } | { none: true };

interface Values {
  candidates: string[];
}

export class LockerPickerDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(LOCKER_PICKER_DIALOG);
    this.addDialog(new SlotPrompt(QUERY_PROMPT, deps, this.queryParser(), 'invalid.locker'));
    this.addDialog(new LockerPickPrompt(PICK_PROMPT, deps, this.pickParser(), 'invalid.locker'));
    this.addDialog(
      new WaterfallDialog<LockerPickerOptions>(`${LOCKER_PICKER_DIALOG}.steps`, [
        this.askQuery.bind(this),
        this.offerCandidates.bind(this),
        this.afterPick.bind(this),
      ]),
    );
    this.initialDialogId = `${LOCKER_PICKER_DIALOG}.steps`;
  }

  private search(query: string): string[] {
    return this.deps.lockers.search(query, MAX_CANDIDATES).map((m) => m.locker.id);
  }

  private queryParser(): SlotParser<string> {
    return async (text) => {
      if (!text.trim()) return { ok: false, reason: 'empty' };
      return this.search(text).length ? { ok: true, value: text } : { ok: false, reason: 'no_match', params: { query: text.slice(0, 60) } };
    };
  }

  private pickParser(): SlotParser<Pick> {
    return async (text, context, options) => {
      if (!text.trim()) return { ok: false, reason: 'empty' };
      const candidates = (options.choices ?? []).filter((c) => c.value !== NONE);
      const lang = langOf(context);
      const labels = candidates.map((c) => ({ value: c.value, labels: [c.value, c.title ?? ''] }));
      labels.push({ value: NONE, labels: LANGS.map((l) => this.deps.messages.t(l, 'buttons.noneOfThese')).concat(this.deps.messages.t(lang, 'buttons.noneOfThese')) });
      const chosen = matchChoice(text, labels);
      if (chosen === NONE) return { ok: true, value: { none: true } };
      if (chosen) return { ok: true, value: { lockerId: chosen } };
      if (this.search(text).length) return { ok: true, value: { query: text } };
      return { ok: false, reason: 'no_match', params: { query: text.slice(0, 60) } };
    };
  }

  private async askQuery(step: WaterfallStepContext<LockerPickerOptions>): Promise<DialogTurnResult> {
    const query = step.options.query;
    if (query && this.search(query).length) return step.next({ ok: true, value: query } satisfies SlotAnswer<string>);
    return step.beginDialog(QUERY_PROMPT, { questionKey: step.options.questionKey });
  }

  private async offerCandidates(step: WaterfallStepContext<LockerPickerOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<string>;
    if (!answer.ok) return step.endDialog({ ok: false, gaveUp: true } satisfies LockerPickerResult);
    const ids = this.search(answer.value!);
    (step.values as Values).candidates = ids;
    return step.beginDialog(PICK_PROMPT, this.pickOptions(step.context, ids));
  }

  private pickOptions(context: TurnContext, ids: string[]) {
    const lang = langOf(context);
    const lockers = ids.map((id) => this.deps.lockers.get(id)!).filter(Boolean);
    const list = lockers.map((l, i) => `${i + 1}. ${describeLocker(this.deps.messages, lang, l)}`).join('\n');
    return {
      questionKey: 'lockers.pick',
      params: { list },
      choices: [...lockers.map((l) => ({ value: l.id, title: l.name })), { value: NONE, titleKey: 'buttons.noneOfThese' }],
    };
  }

  private async afterPick(step: WaterfallStepContext<LockerPickerOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<Pick>;
    if (!answer.ok) return step.endDialog({ ok: false, gaveUp: true } satisfies LockerPickerResult);
    const pick = answer.value!;
    if ('lockerId' in pick) return step.endDialog({ ok: true, lockerId: pick.lockerId } satisfies LockerPickerResult);
    const rounds = (step.options.rounds ?? 0) + 1;
    if (rounds >= this.deps.settings.maxPromptAttempts) return step.endDialog({ ok: false, gaveUp: true } satisfies LockerPickerResult);
    return step.replaceDialog(this.initialDialogId!, {
      ...step.options,
      rounds,
      query: 'query' in pick ? pick.query : undefined,
      questionKey: 'none' in pick ? 'ask.lockerAgain' : step.options.questionKey,
    } satisfies LockerPickerOptions);
  }
}
