/**
 * Lets the customer choose a locker by free text (city, street, mall or locker name, typos and
 * missing Lithuanian letters welcome): the best matches are offered as buttons; another query or
 * "none of these" searches again, a bounded number of times. A part of a case: it ends with the
 * chosen locker id, or with an exit (gave up, a person asked for).
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { Locker } from '../services/carrier/types';
import { LANGS } from '../services/i18n/langs';
import { describeLocker } from '../services/i18n/lockerText';
import { matchChoice } from '../services/i18n/choices';
import { CasePart, type CaseValues, type Step } from './CaseDialog';
import { lockerCarousel, supportsCards } from './cards';
import { childRef } from './childRef';
import type { DialogDeps } from './deps';
import { LOCKER_PICKER_DIALOG } from './ids';
import { SlotPrompt, slotRef, type SlotAnswer, type SlotParser, type SlotPromptOptions } from './prompts/SlotPrompt';
import { isRecord, isString } from './results';
import type { Turn } from './turn';

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

/** The locker picker as its parents see it: it ends with the chosen locker id. */
export const LOCKER_PICKER = childRef<LockerPickerOptions, string>(LOCKER_PICKER_DIALOG, isString);

/** A pick answer: a chosen locker id, "none of these", or a new query to search for. */
type Pick = { lockerId: string } | { query: string } | { none: true };

const isPick = (v: unknown): v is Pick => isRecord(v) && (typeof v.lockerId === 'string' || typeof v.query === 'string' || v.none === true);

const QUERY_PROMPT = slotRef<string>('slot.lockerQuery', isString);
const PICK_PROMPT = slotRef<Pick>('slot.lockerPick', isPick);

type S = Step<LockerPickerOptions, CaseValues, string>;

function search(deps: DialogDeps, query: string): string[] {
  return deps.lockers.search(query, MAX_CANDIDATES).map((m) => m.locker.id);
}

function queryParser(deps: DialogDeps): SlotParser<string> {
  return async (text) => {
    if (!text.trim()) return { ok: false, reason: 'empty' };
    return search(deps, text).length ? { ok: true, value: text } : { ok: false, reason: 'no_match', params: { query: text.slice(0, 60) } };
  };
}

function pickParser(deps: DialogDeps): SlotParser<Pick> {
  return async (text, turn, options) => {
    if (!text.trim()) return { ok: false, reason: 'empty' };
    const candidates = (options.choices ?? []).filter((c) => c.value !== NONE);
    const labels = candidates.map((c) => ({ value: c.value, labels: [c.value, c.title ?? ''] }));
    labels.push({ value: NONE, labels: LANGS.map((l) => deps.messages.t(l, 'buttons.noneOfThese')).concat(deps.messages.t(turn.lang, 'buttons.noneOfThese')) });
    const chosen = matchChoice(text, labels);
    if (chosen === NONE) return { ok: true, value: { none: true } };
    if (chosen) return { ok: true, value: { lockerId: chosen } };
    if (search(deps, text).length) return { ok: true, value: { query: text } };
    return { ok: false, reason: 'no_match', params: { query: text.slice(0, 60) } };
  };
}

/**
 * The pick question: on channels with cards, the candidates as a carousel (address and hours on
 * each card) under a short question; elsewhere a numbered text list. Buttons work on both.
 */
class LockerPickPrompt extends SlotPrompt<Pick> {
  protected override async ask(turn: Turn, options: SlotPromptOptions): Promise<void> {
    if (!supportsCards(turn.context.activity.channelId)) return super.ask(turn, options);
    const m = this.deps.messages;
    const lockers = lockersOf(this.deps, (options.choices ?? []).map((c) => c.value));
    await turn.context.sendActivity(lockerCarousel(m, turn.lang, m.t(turn.lang, 'lockers.pickCards'), lockers, this.buttons(turn, options)));
  }
}

function lockersOf(deps: DialogDeps, ids: string[]): Locker[] {
  return ids.map((id) => deps.lockers.get(id)).filter((l): l is Locker => !!l);
}

export class LockerPickerDialog extends CasePart<LockerPickerOptions, CaseValues, string> {
  constructor(deps: DialogDeps) {
    super(LOCKER_PICKER_DIALOG, deps, [
      new SlotPrompt(QUERY_PROMPT, deps, queryParser(deps), 'invalid.locker'),
      new LockerPickPrompt(PICK_PROMPT, deps, pickParser(deps), 'invalid.locker'),
    ]);
  }

  protected start(): CaseValues {
    return { fields: {} };
  }

  protected steps() {
    return [this.first(this.askQuery), this.after(QUERY_PROMPT, this.offerCandidates), this.after(PICK_PROMPT, this.afterPick)];
  }

  private async askQuery(s: S): Promise<DialogTurnResult> {
    const query = s.options.query;
    if (query && search(this.deps, query).length) return s.skip(QUERY_PROMPT, { ok: true, value: query });
    return s.ask(QUERY_PROMPT, { questionKey: s.options.questionKey });
  }

  private async offerCandidates(s: S, answer: SlotAnswer<string>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    const lockers = lockersOf(this.deps, search(this.deps, answer.value));
    const list = lockers.map((l, i) => `${i + 1}. ${describeLocker(this.deps.messages, s.turn.lang, l)}`).join('\n');
    return s.ask(PICK_PROMPT, {
      questionKey: 'lockers.pick',
      params: { list },
      choices: [...lockers.map((l) => ({ value: l.id, title: l.name })), { value: NONE, titleKey: 'buttons.noneOfThese' }],
    });
  }

  private async afterPick(s: S, answer: SlotAnswer<Pick>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    const pick = answer.value;
    if ('lockerId' in pick) return s.end(pick.lockerId);
    const rounds = (s.options.rounds ?? 0) + 1;
    if (rounds >= this.deps.settings.maxPromptAttempts) return s.leave({ status: 'offer_person', reason: 'too_many_attempts', fields: {} });
    return s.restart({
      ...s.options,
      rounds,
      query: 'query' in pick ? pick.query : undefined,
      questionKey: 'none' in pick ? 'ask.lockerAgain' : s.options.questionKey,
    });
  }
}
