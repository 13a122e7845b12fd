/**
 * Proof by possession: `ProofService` has the carrier text a 6-digit code to the phone on the
 * parcel (the sender's phone for the sender's changes), or to the phone the customer typed (a lost
 * tracking number); the chat shows only the masked phone, and the dialog ends with the proof only
 * when the customer types the code back (read tolerantly: `123 456`, digits in words).
 *
 * Every other answer is calm and never says which detail was wrong: a wrong code says how many
 * tries are left, an expired or foreign code (typed in another conversation) is "no longer valid",
 * and "Send a new code" sends another. When a limit is reached the customer is told a person can
 * help and the case goes to one (`proof_locked`); "I can't get the code" (the sender's phone on the
 * parcel is wrong, a shared business phone) goes to a person too (`cannot_receive_code`). Both exits
 * carry what every level collected (the `CaseExit` chain adds it).
 */
import type { DialogContext, DialogInstance, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from '../dialogsLib';
import type { TurnContext } from 'botbuilder';
import type { ProofTarget, StartOutcome } from '../../services/proof/ProofService';
import type { MessageParams } from '../../services/i18n/messages';
import { parseCode } from '../../services/proof/parseCode';
import { maskPhone } from '../../services/i18n/format';
import { matchChoice } from '../../services/i18n/choices';
import type { DialogDeps } from '../deps';
import { PROOF_DIALOG } from '../ids';
import { PROMPT_INTERCEPTORS, choiceLabels, type SlotChoice } from '../prompts/SlotPrompt';
import { isRecord, type CaseExit, type CaseResult } from '../results';
import type { CollectedFields } from '../state';
import { message, turnOf, typing, type Turn } from '../turn';
import type { ProofGrant, ProofOptions } from './proofStep';

/** The two ways out of waiting for a code besides typing it. */
const CHOICES: SlotChoice[] = [
  { value: 'new_code', titleKey: 'buttons.newCode', synonymsKey: 'words.newCode' },
  { value: 'cannot_receive', titleKey: 'buttons.cannotReceiveCode', synonymsKey: 'words.cannotReceiveCode' },
];

/** What the dialog keeps between turns (never the code, never the proof token). */
interface CodeState {
  target: ProofTarget;
  /** Where the last code went, masked (`+370 6** **567`). */
  phoneMasked: string;
  /** Answers in a row that were neither a code nor a choice. */
  strays: number;
}

const isCodeState = (v: unknown): v is CodeState => isRecord(v) && isRecord(v.target) && typeof v.phoneMasked === 'string' && typeof v.strays === 'number';

export class CodeProofDialog extends Dialog<ProofOptions> {
  constructor(private readonly deps: DialogDeps) {
    super(PROOF_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: ProofOptions): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (!instance || !options?.target) throw new Error('CodeProofDialog.beginDialog(): options.target is required');
    const turn = turnOf(dc.context);
    const sent = await this.send(turn, options.target);
    if (sent.outcome !== 'sent') return this.stop(dc, turn, options.target, sent);
    const state: CodeState = { target: options.target, phoneMasked: sent.phoneMasked, strays: 0 };
    instance.state = state;
    // Only the masked forms are compared: the answer says no more than the masked phone it shows.
    const elsewhere = options.target.kind === 'parcel' && options.claimed !== undefined && maskPhone(options.claimed) !== sent.phoneMasked;
    const key = options.target.kind === 'parcel' ? (elsewhere ? 'proof.code.sentNotGiven' : 'proof.code.sent') : 'proof.code.sentPhone';
    await this.say(turn, key, { phone: sent.phoneMasked, minutes: this.minutesUntil(sent.expiresAt) });
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== 'message') return Dialog.EndOfTurn;
    const turn = turnOf(dc.context);
    const state = this.state(dc.activeDialog);

    for (const intercept of PROMPT_INTERCEPTORS) {
      const verdict = await intercept(turn, { id: this.id, options: { questionKey: 'proof.code.ask' } });
      if (verdict?.kind === 'exit') return this.exit(dc, state.target, verdict.result);
      if (verdict?.kind === 'answered') return this.reprompt(turn, state);
    }

    const text = turn.temp.text;
    const choice = parseCode(text) ? undefined : matchChoice(text, choiceLabels(this.deps, turn.lang, CHOICES));
    if (choice === 'cannot_receive') {
      await this.say(turn, 'proof.code.cannotReceive', undefined, false);
      return this.exit(dc, state.target, { status: 'escalate', reason: 'cannot_receive_code', fields: {} });
    }
    if (choice === 'new_code') {
      const sent = await this.send(turn, state.target);
      if (sent.outcome !== 'sent') return this.stop(dc, turn, state.target, sent);
      state.phoneMasked = sent.phoneMasked;
      state.strays = 0;
      await this.say(turn, 'proof.code.resent', { phone: sent.phoneMasked });
      return Dialog.EndOfTurn;
    }

    await typing(turn);
    const checked = await this.deps.proof.verify({ conversationId: turn.conversationId, text });
    switch (checked.outcome) {
      case 'proven': {
        const { fact, proofToken } = checked;
        const remembered = turn.conversation.rememberProof({ kind: 'phone', e164: fact.e164, role: fact.role, trackingNumber: fact.trackingNumber }, fact.expiresAt);
        await this.say(turn, 'proof.code.proven', undefined, false);
        return dc.endDialog({ fact: remembered, proofToken } satisfies ProofGrant);
      }
      case 'wrong':
        state.strays = 0;
        await this.say(turn, 'proof.code.wrong', { count: checked.attemptsLeft });
        return Dialog.EndOfTurn;
      case 'not_a_code':
        state.strays += 1;
        // "My phone is 8 612 34567" at the code question: said so plainly (it still counts as no code).
        await turn.context.sendActivity(this.deps.messages.t(turn.lang, turn.temp.recognition?.entities.phones.length ? 'proof.code.phoneNotCode' : 'proof.code.notACode'));
        if (state.strays >= this.deps.settings.maxPromptAttempts) {
          return this.exit(dc, state.target, { status: 'offer_person', reason: 'too_many_attempts', fields: {} });
        }
        return this.reprompt(turn, state);
      case 'expired':
        await this.say(turn, 'proof.code.expired');
        return Dialog.EndOfTurn;
      case 'exhausted':
        await this.say(turn, 'proof.code.exhausted');
        return Dialog.EndOfTurn;
      case 'locked':
        return this.stop(dc, turn, state.target, checked);
      case 'unavailable':
        return this.stop(dc, turn, state.target, checked);
    }
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.reprompt(turnOf(context), this.state(instance));
  }

  private async send(turn: Turn, target: ProofTarget): Promise<StartOutcome> {
    await typing(turn);
    const customer = turn.customerRef();
    return this.deps.proof.start({ conversationId: turn.conversationId, target, lang: turn.lang, clientKey: `${customer.channel}:${customer.customerKey}` });
  }

  /** No code can be sent or checked: a reached limit goes to a person, anything else offers one. */
  private async stop(dc: DialogContext, turn: Turn, target: ProofTarget, outcome: { outcome: 'locked' | 'not_found' | 'unavailable' }): Promise<DialogTurnResult> {
    if (outcome.outcome === 'locked') {
      await this.say(turn, 'proof.code.locked', undefined, false);
      return this.exit(dc, target, { status: 'escalate', reason: 'proof_locked', fields: {} });
    }
    this.deps.logger.warn({ conversationId: turn.conversationId, proof: { outcome: outcome.outcome, target: target.kind } }, 'CodeProofDialog: no code could be sent or checked');
    return this.exit(dc, target, { status: 'offer_person', reason: 'carrier_unavailable', fields: {} });
  }

  /** Ends the proof step with a `CaseExit`, adding the parcel it was for (the parents add the rest). */
  private exit(dc: DialogContext, target: ProofTarget, result: CaseResult): Promise<DialogTurnResult> {
    const fields: CollectedFields = target.kind === 'parcel' ? { trackingNumber: target.trackingNumber } : {};
    const withOwn: CaseResult = result.status === 'escalate' || result.status === 'offer_person' ? { ...result, fields: { ...fields, ...result.fields } } : result;
    return dc.endDialog({ exit: withOwn } satisfies CaseExit);
  }

  private async reprompt(turn: Turn, state: CodeState): Promise<DialogTurnResult> {
    await this.say(turn, 'proof.code.ask', { phone: state.phoneMasked });
    return Dialog.EndOfTurn;
  }

  /** The message `key`, with the "Send a new code" and "I can't get the code" buttons while a code is awaited. */
  private async say(turn: Turn, key: string, params?: MessageParams, awaitingCode = true): Promise<void> {
    const m = this.deps.messages;
    const buttons = awaitingCode ? CHOICES.map((c) => ({ title: m.t(turn.lang, c.titleKey ?? '') })) : [];
    await turn.context.sendActivity(message(m.t(turn.lang, key, params), buttons));
  }

  private minutesUntil(iso: string): number {
    return Math.max(1, Math.round((Date.parse(iso) - this.deps.now().getTime()) / 60_000));
  }

  private state(instance: DialogInstance | undefined): CodeState {
    const state: unknown = instance?.state;
    if (!isCodeState(state)) throw new Error('CodeProofDialog: no proof state');
    return state;
  }
}
