/**
 * One question: "how did we do, 1–5?" with five buttons in the customer's language, then an
 * optional comment ("No, thanks" skips it). Asked after a completed self-service flow (`bot`) and,
 * when the hand-off asked in its closing message, read from the customer's next message (`agent`).
 * Whether to ask at all is the rating state's decision (never twice in a row), taken by the router.
 *
 * The score is recorded as soon as it is given, so a customer who leaves at the comment step
 * still counts. Anything that is not a score is not forced into one: a confident request starts
 * that request, anything else leaves the question unanswered. A comment step older than
 * `COMMENT_WINDOW_MS` is over: a message days later is a new request, not a comment.
 */
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from './dialogsLib';
import { foldAnswer } from '../services/i18n/choices';
import type { Intent } from '../services/nlu/types';
import { storedText, type RatingSource } from '../services/reports/events';
import { caseRef } from './childRef';
import type { DialogDeps } from './deps';
import { RATING_DIALOG } from './ids';
import { isRecord, type CaseResult } from './results';
import { say, turnOf, type Button, type Turn } from './turn';

export interface RatingOptions {
  source: RatingSource;
  /** The question was already asked (by the hand-off): this turn's message is the answer. */
  answering?: boolean;
}

export const RATING = caseRef<RatingOptions>(RATING_DIALOG);

/** At the comment step only a request for something the bot does ends it; "thanks, great" is a comment. */
const REQUESTS: readonly Intent[] = ['readdress', 'fix_phone', 'find_tracking', 'track', 'locker_fault', 'agent'];

export const COMMENT_WINDOW_MS = 15 * 60_000;
export const SCORES = [1, 2, 3, 4, 5] as const;

interface RatingState {
  source: RatingSource;
  step: 'score' | 'comment';
  askedAt: number;
}

function isRatingState(value: unknown): value is RatingState {
  return isRecord(value) && (value.source === 'bot' || value.source === 'agent') && (value.step === 'score' || value.step === 'comment') && typeof value.askedAt === 'number';
}

/** The score in a message: a leading 1–5 ("4", "4 – good", "5!"), else undefined. */
export function parseScore(text: string): number | undefined {
  const m = /^\s*([1-5])(?![\d.,])/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The five score buttons in `lang`: the title is shown, the value starts with the digit. */
export function scoreButtons(deps: Pick<DialogDeps, 'messages'>, lang: Parameters<DialogDeps['messages']['t']>[0]): Button[] {
  return SCORES.map((n) => ({ title: deps.messages.t(lang, `rating.score.${n}`), value: String(n) }));
}

export class RatingDialog extends Dialog<RatingOptions> {
  constructor(private readonly deps: DialogDeps) {
    super(RATING_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: RatingOptions): Promise<DialogTurnResult> {
    const turn = turnOf(dc.context);
    const source = options?.source ?? 'bot';
    const state: RatingState = { source, step: 'score', askedAt: this.deps.now().getTime() };
    dc.activeDialog!.state = state;
    if (options?.answering) return this.continueDialog(dc);
    await say(turn, this.deps.messages, source === 'agent' ? 'rating.askAgent' : 'rating.askBot', {}, scoreButtons(this.deps, turn.lang));
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const turn = turnOf(dc.context);
    const state: unknown = dc.activeDialog?.state;
    if (!isRatingState(state)) return dc.endDialog({ status: 'unclear' } satisfies CaseResult);
    const text = turn.temp.text;
    const m = this.deps.messages;
    if (state.step === 'score') {
      const score = parseScore(text);
      if (score === undefined) return dc.endDialog(this.otherwise(turn));
      this.deps.reports?.record({ type: 'rating', at: this.deps.now().toISOString(), conversationId: turn.conversationId, source: state.source, score, lang: turn.lang });
      state.step = 'comment';
      state.askedAt = this.deps.now().getTime();
      await say(turn, m, 'rating.askComment', {}, [{ title: m.t(turn.lang, 'rating.noComment') }]);
      return Dialog.EndOfTurn;
    }
    if (this.deps.now().getTime() - state.askedAt > COMMENT_WINDOW_MS) return dc.endDialog(this.otherwise(turn));
    const skip = !text || foldAnswer(text) === foldAnswer(m.t(turn.lang, 'rating.noComment')) || parseScore(text) !== undefined;
    if (skip) {
      await say(turn, m, 'rating.thanks');
      return dc.endDialog({ status: 'done' } satisfies CaseResult);
    }
    const request = this.confidentRequest(turn, REQUESTS);
    if (request) return dc.endDialog(request);
    this.deps.reports?.record({ type: 'rating_comment', at: this.deps.now().toISOString(), conversationId: turn.conversationId, source: state.source, lang: turn.lang, text: storedText(text) });
    await say(turn, m, 'rating.thanksComment');
    return dc.endDialog({ status: 'done' } satisfies CaseResult);
  }

  /** Not an answer: a confident request starts it, anything else is left unclear. */
  private otherwise(turn: Turn): CaseResult {
    return this.confidentRequest(turn) ?? { status: 'unclear' };
  }

  private confidentRequest(turn: Turn, among?: readonly Intent[]): CaseResult | undefined {
    const r = turn.temp.recognition;
    if (!r || r.score < this.deps.settings.minConfidence || r.intent === 'none') return undefined;
    if (among && !among.includes(r.intent)) return undefined;
    return { status: 'start', intent: r.intent };
  }
}
