/**
 * Lets the customer choose a locker by free text (city, street, mall or locker name, typos and
 * missing Lithuanian letters welcome). Only the clear leaders of a search are offered ("akropolis
 * klaipėdoje" names one locker, not every Akropolis), never the locker the parcel already goes to;
 * one match is confirmed directly (or left to the parent's own confirmation). From a list the
 * customer picks by button, number, ordinal word ("antrą", "the second one", "второй") or a part of
 * a shown name, even misspelled; a refinement ("in Kaunas", "near Ozo street") is read together
 * with the earlier query, another place starts a new search, a bounded number of times. A part of
 * a case: it ends with the chosen locker id, or with an exit (gave up, a person asked for).
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { Locker } from '../services/carrier/types';
import { LANGS } from '../services/i18n/langs';
import { describeLocker } from '../services/i18n/lockerText';
import { matchChoice } from '../services/i18n/choices';
import { ordinalChoice } from '../services/nlu/entities/ordinal';
import { lockersLeft } from '../services/nlu/entities/lockerRoles';
import { CasePart, type CaseValues, type Step } from './CaseDialog';
import { lockerCarousel, supportsCards } from './cards';
import { childRef } from './childRef';
import type { DialogDeps } from './deps';
import { LOCKER_PICKER_DIALOG } from './ids';
import { SlotPrompt, choiceLabels, slotRef, type SlotAnswer, type SlotParser, type SlotPromptOptions } from './prompts/SlotPrompt';
import { isRecord, isString } from './results';
import type { Turn } from './turn';

const NONE = 'none';
const MAX_CANDIDATES = 5;
/** Candidates this far below the best are dropped, so a query that names one locker gets one. */
const CLEAR_LEAD = 0.2;

export interface LockerPickerOptions {
  /** A locker mention the customer already wrote (skips the question). */
  query?: string;
  /** Message key of the question, e.g. `ask.newLocker`. */
  questionKey: string;
  /** Searches done so far (bounded by maxPromptAttempts). */
  rounds?: number;
  /** Lockers never offered (the one the parcel already goes to). */
  exclude?: string[];
  /**
   * Lockers the customer said they want to leave ("not to Ozas but to Akropolis"): not offered for
   * a search that names others too, but offered when the customer asks for one of them by name.
   */
  leave?: string[];
  /**
   * True when the parent confirms the choice itself (readdress asks "send it to X?"): a single
   * match then ends the picker at once. Otherwise a single match is confirmed here.
   */
  parentConfirms?: boolean;
}

/** The locker picker as its parents see it: it ends with the chosen locker id. */
export const LOCKER_PICKER = childRef<LockerPickerOptions, string>(LOCKER_PICKER_DIALOG, isString);

/** A pick answer: a chosen locker id, "none of these", or a query to search for (a refinement or a new place). */
type Pick = { lockerId: string } | { query: string } | { none: true };

const isPick = (v: unknown): v is Pick => isRecord(v) && (typeof v.lockerId === 'string' || typeof v.query === 'string' || v.none === true);

const QUERY_PROMPT = slotRef<string>('slot.lockerQuery', isString);
const PICK_PROMPT = slotRef<Pick>('slot.lockerPick', isPick);

interface Values extends CaseValues {
  /** The query the candidates came from: a refinement ("in Kaunas") is read together with it. */
  query?: string;
}

/** The question of a single match. */
const CONFIRM_ONE = 'lockers.confirmOne';

type S = Step<LockerPickerOptions, Values, string>;

/**
 * The lockers a query names, best first: the clear leaders only, never an excluded locker. So
 * "Akropolis Vilnius" for a parcel already going there names nothing (the caller says so), while
 * "Akropolis" offers the other Akropolis lockers.
 */
export function candidates(deps: DialogDeps, query: string, exclude: readonly string[] = []): string[] {
  const found = deps.lockers.search(query, MAX_CANDIDATES + exclude.length);
  const top = found[0]?.score ?? 0;
  return found
    .filter((m) => m.score >= top - CLEAR_LEAD + 1e-9 && !exclude.includes(m.locker.id))
    .slice(0, MAX_CANDIDATES)
    .map((m) => m.locker.id);
}

/** Top score of a query's matches (0 when none), to tell a refinement from a new place. */
function bestScore(deps: DialogDeps, query: string): number {
  return deps.lockers.search(query, 1)[0]?.score ?? 0;
}

/**
 * What to search for when the customer writes `text` after seeing the matches of `earlier`: the
 * two together when that names the lockers at least as well ("Akropolis" after "Kaunas", "near Ozo
 * street" after "Vilnius"), else `text` alone (a new place).
 */
export function refine(deps: DialogDeps, earlier: string | undefined, text: string, exclude: readonly string[] = []): string {
  if (!earlier) return text;
  const together = `${earlier} ${text}`;
  const both = candidates(deps, together, exclude);
  if (!both.length) return text;
  return bestScore(deps, together) >= bestScore(deps, text) ? together : text;
}

function queryParser(deps: DialogDeps): SlotParser<string> {
  return async (text) => {
    if (!text.trim()) return { ok: false, reason: 'empty' };
    return deps.lockers.search(text, 1).length ? { ok: true, value: text } : { ok: false, reason: 'no_match', params: { query: text.slice(0, 60) } };
  };
}

/**
 * A pick: a button, a number or an ordinal word ("antrą", "the second one", "второй"), a name
 * (whole, part of it, misspelled) that names one of the shown lockers, "none of these"; anything
 * else that names lockers is a query (a refinement or a new place).
 */
function pickParser(deps: DialogDeps): SlotParser<Pick> {
  return async (text, turn, options) => {
    if (!text.trim()) return { ok: false, reason: 'empty' };
    const shown = (options.choices ?? []).filter((c) => c.value !== NONE);
    const position = ordinalChoice(text, shown.length);
    if (position !== undefined) return { ok: true, value: { lockerId: shown[position - 1].value } };
    const labels = choiceLabels(deps, turn.lang, options.choices).map((c) =>
      c.value === NONE ? { ...c, labels: [...c.labels.filter((l) => l !== NONE), ...LANGS.map((l) => deps.messages.t(l, 'buttons.noneOfThese'))] } : c,
    );
    if (!labels.some((c) => c.value === NONE)) labels.push({ value: NONE, labels: LANGS.map((l) => deps.messages.t(l, 'buttons.noneOfThese')) });
    const chosen = matchChoice(text, labels);
    if (chosen === NONE) return { ok: true, value: { none: true } };
    if (chosen) return { ok: true, value: { lockerId: chosen } };
    // A part of a shown name, or a detail that singles one shown locker out ("Kaune" among the
    // Akropolis lockers), when the text's own best match is that shown locker.
    const own = candidates(deps, text);
    const named = own.filter((id) => shown.some((c) => c.value === id));
    if (named.length === 1 && own[0] === named[0]) return { ok: true, value: { lockerId: named[0] } };
    if (deps.lockers.search(text, 1).length) return { ok: true, value: { query: text } };
    return { ok: false, reason: 'no_match', params: { query: text.slice(0, 60) } };
  };
}

/**
 * The pick question: on channels with cards, the candidates as a carousel (address and hours on
 * each card) under a short question; elsewhere a numbered text list. Buttons work on both.
 */
class LockerPickPrompt extends SlotPrompt<Pick> {
  protected override async ask(turn: Turn, options: SlotPromptOptions): Promise<void> {
    if (options.questionKey === CONFIRM_ONE || !supportsCards(turn.context.activity.channelId)) return super.ask(turn, options);
    const m = this.deps.messages;
    const lockers = lockersOf(this.deps, (options.choices ?? []).map((c) => c.value));
    await turn.context.sendActivity(lockerCarousel(m, turn.lang, m.t(turn.lang, 'lockers.pickCards'), lockers, this.buttons(turn, options)));
  }
}

function lockersOf(deps: DialogDeps, ids: string[]): Locker[] {
  return ids.map((id) => deps.lockers.get(id)).filter((l): l is Locker => !!l);
}

export class LockerPickerDialog extends CasePart<LockerPickerOptions, Values, string> {
  constructor(deps: DialogDeps) {
    super(LOCKER_PICKER_DIALOG, deps, [
      new SlotPrompt(QUERY_PROMPT, deps, queryParser(deps), 'invalid.locker'),
      new LockerPickPrompt(PICK_PROMPT, deps, pickParser(deps), 'invalid.locker'),
    ]);
  }

  protected start(): Values {
    return { fields: {} };
  }

  protected steps() {
    return [
      this.first(this.askQuery),
      this.after(QUERY_PROMPT, this.offerCandidates),
      this.after(PICK_PROMPT, this.afterPick),
    ];
  }

  private async askQuery(s: S): Promise<DialogTurnResult> {
    const query = s.options.query;
    if (query && this.deps.lockers.search(query, 1).length) return s.skip(QUERY_PROMPT, { ok: true, value: query });
    return s.ask(QUERY_PROMPT, { questionKey: s.options.questionKey });
  }

  private async offerCandidates(s: S, answer: SlotAnswer<string>): Promise<DialogTurnResult> {
    if (!answer.ok) return s.giveUp(answer);
    // "ne į Ozą, o į Akropolį": the locker to leave is not offered; only the wanted one is searched.
    // The change was read when the answer was recognized (this turn's text, cut to the NLU's length).
    const typed = answer.value === s.turn.temp.text;
    const change = typed ? s.turn.temp.recognition?.entities.lockerChange : undefined;
    if (change) {
      const leave = [...new Set([...(s.options.leave ?? []), ...lockersLeft(change.from)])];
      return s.restart({ ...s.options, leave, query: change.to?.text });
    }
    const exclude = s.options.exclude ?? [];
    const leave = s.options.leave ?? [];
    let ids = candidates(this.deps, answer.value, [...exclude, ...leave]);
    // A locker to leave asked for by name again ("Ozas" after "not to Ozas"): the customer wants it after all.
    if (!ids.length && leave.length) ids = candidates(this.deps, answer.value, exclude);
    s.values.query = answer.value;
    if (!ids.length) {
      // Only the locker the parcel already goes to matched.
      await s.say('lockers.onlyCurrent');
      return this.searchAgain(s, { none: true });
    }
    const lockers = lockersOf(this.deps, ids);
    if (lockers.length === 1) {
      if (s.options.parentConfirms) return s.end(lockers[0].id);
      // "Do you mean X?": yes picks it, no is "none of these", another place searches again.
      return s.ask(PICK_PROMPT, {
        questionKey: CONFIRM_ONE,
        params: { locker: describeLocker(this.deps.messages, s.turn.lang, lockers[0]) },
        choices: [
          { value: lockers[0].id, titleKey: 'buttons.yes', synonymsKey: 'words.yes' },
          { value: NONE, titleKey: 'buttons.no', synonymsKey: 'words.no' },
        ],
      });
    }
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
    return this.searchAgain(s, pick);
  }

  /** Another round: a refinement read with the earlier query, a new place, or the question again. */
  private async searchAgain(s: S, pick: { query: string } | { none: true }): Promise<DialogTurnResult> {
    const rounds = (s.options.rounds ?? 0) + 1;
    if (rounds >= this.deps.settings.maxPromptAttempts) return s.leave({ status: 'offer_person', reason: 'too_many_attempts', fields: {} });
    return s.restart({
      ...s.options,
      rounds,
      query: 'query' in pick ? refine(this.deps, s.values.query, pick.query, [...(s.options.exclude ?? []), ...(s.options.leave ?? [])]) : undefined,
      questionKey: 'none' in pick ? 'ask.lockerAgain' : s.options.questionKey,
    });
  }
}
