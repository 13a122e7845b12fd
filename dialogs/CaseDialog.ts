/**
 * The base of every case dialog and every part of a case: typed options, one typed values bag,
 * typed step inputs and a typed ending, with the shared slot prompts registered.
 *
 * - `CaseDialog<Options, Values>` (readdress, wrong phone, …) ends with a `CaseResult`, which the
 *   main dialog routes on.
 * - `CasePart<Options, Values, T>` (parcel access, locker picker, a proof step) ends with its value
 *   `T`, or with a `CaseExit` when the whole case must end.
 *
 * Steps are listed with the child whose result they read: `this.after(PHONE_PROMPT, this.confirm)`
 * gives `confirm(s, answer: SlotAnswer<string>)`. The runner checks that the result came from that
 * child (the previous step asked it, or skipped it with a known answer) and that it has the right
 * shape, so a step's input never depends on the path taken, and no step casts `result`.
 *
 * Exits: when a child ends with a `CaseExit` ("I want a person" at a prompt, a part that gave up),
 * the step is not run; the case ends with the exit, this dialog's `values.fields` added under the
 * child's (`onExit`, overridable). That is the whole "I want a person" interruption: it carries what
 * every level collected, and nothing reads another dialog's state.
 *
 * @example
 * protected steps() {
 *   return [this.first(this.askPhone), this.after(PHONE_PROMPT, this.lookup)];
 * }
 * private async lookup(s: Step<Options, Values, CaseResult>, answer: SlotAnswer<string>) {
 *   if (!answer.ok) return s.giveUp(answer);
 *   …
 *   return s.end({ status: 'done' });
 * }
 */
import type { DialogContext, DialogReason, DialogTurnResult } from 'botbuilder-dialogs';
import { ComponentDialog, Dialog } from './dialogsLib';
import type { TurnContext } from 'botbuilder';
import type { MessageParams } from '../services/i18n/messages';
import type { ChildRef } from './childRef';
import type { DialogDeps } from './deps';
import type { SlotFailure } from './prompts/SlotPrompt';
import { slotPrompts } from './prompts/slots';
import { isCaseExit, withFields, type CaseExit, type CaseResult } from './results';
import type { CollectedFields } from './state';
import { say, turnOf, typing, type Button, type Turn } from './turn';

/** What every values bag holds: the fields an agent would need if the case goes to a person. */
export interface CaseValues {
  fields: CollectedFields;
}

/** What a step sees and can do. `Out` is what `end` accepts (a `CaseResult`, or a part's value). */
export interface Step<O, V, Out> {
  readonly options: O;
  /** The typed values bag of this dialog (saved with the dialog state between turns). */
  readonly values: V;
  readonly turn: Turn;
  readonly context: TurnContext;
  /** The number of the message this dialog began with: what the customer wrote from it on belongs to it (`turn.conversation.given`). */
  readonly since: number;
  /** Sends the message `key` in the turn's language. */
  say(key: string, params?: MessageParams, buttons?: Button[]): Promise<void>;
  typing(): Promise<void>;
  /** Begins `child`; the next step reads its result. */
  ask<CO extends object, R>(child: ChildRef<CO, R>, options: NoInfer<CO>): Promise<DialogTurnResult>;
  /** Goes to the next step as if `child` had ended with `result` (a value the customer already gave). */
  skip<R>(child: ChildRef<never, R>, result: NoInfer<R>): Promise<DialogTurnResult>;
  /** Ends this dialog with its result. */
  end(result: Out): Promise<DialogTurnResult>;
  /** Ends the whole case with `result`, adding this dialog's fields (a part ends with it as an exit). */
  leave(result: CaseResult): Promise<DialogTurnResult>;
  /** A prompt gave up or the carrier failed: end the case and offer a person. */
  giveUp(failure: SlotFailure): Promise<DialogTurnResult>;
  /** Starts this dialog again with new options (a fresh values bag). */
  restart(options: O): Promise<DialogTurnResult>;
}

/** One step, with the id of the child whose result it reads (none for the first step). */
export interface StepDef<O, V, Out> {
  readonly after?: string;
  run(s: Step<O, V, Out>, result: unknown): Promise<DialogTurnResult>;
}

/** What the runner keeps in the dialog state. */
interface RunnerState<O, V> {
  options: O;
  values: V;
  /** The step that ran last. */
  index: number;
  /** The child the next step reads the result of. */
  awaiting?: string;
  /** The message the dialog began with. */
  since: number;
}

export abstract class StepDialog<O extends object, V extends CaseValues, Out> extends ComponentDialog {
  private stepList?: StepDef<O, V, Out>[];

  protected constructor(
    id: string,
    protected readonly deps: DialogDeps,
    children: Dialog[] = [],
  ) {
    super(id);
    for (const p of slotPrompts(deps)) this.addDialog(p);
    for (const c of children) this.addDialog(c);
    this.addDialog(
      new StepRunner<O, V, Out>(`${id}.steps`, deps, {
        steps: () => (this.stepList ??= this.steps()),
        start: (options, turn) => this.start(options, turn),
        onExit: (s, exit) => this.onExit(s, exit),
        exitWith: (result) => this.exitWith(result),
      }),
    );
    this.initialDialogId = `${id}.steps`;
  }

  /** The values bag at the start, from the options the dialog was begun with. */
  protected abstract start(options: O, turn: Turn): V;

  /** The steps in order (methods of the subclass, listed with `first` and `after`). */
  protected abstract steps(): StepDef<O, V, Out>[];

  /** How an early end of the case leaves this dialog. */
  protected abstract exitWith(result: CaseResult): unknown;

  /** A child ended the case early (e.g. the customer asked for a person): by default the case ends. */
  protected onExit(s: Step<O, V, Out>, exit: CaseResult): Promise<DialogTurnResult> {
    return s.leave(exit);
  }

  /** The first step (it reads no child result). */
  protected first(run: (s: Step<O, V, Out>) => Promise<DialogTurnResult>): StepDef<O, V, Out> {
    return { run: (s) => run.call(this, s) };
  }

  /** A step that reads the result of `child`, typed. */
  protected after<R>(child: ChildRef<never, R>, run: (s: Step<O, V, Out>, result: R) => Promise<DialogTurnResult>): StepDef<O, V, Out> {
    return {
      after: child.id,
      run: (s, result) => {
        if (!child.accepts(result)) throw new Error(`${this.id}: the result of ${child.id} has an unexpected shape`);
        return run.call(this, s, result);
      },
    };
  }

}

/** A case: ends with a `CaseResult`. */
export abstract class CaseDialog<O extends object, V extends CaseValues> extends StepDialog<O, V, CaseResult> {
  protected exitWith(result: CaseResult): CaseResult {
    return result;
  }
}

/** A part of a case: ends with its value `T`, or with a `CaseExit` that its parent passes up. */
export abstract class CasePart<O extends object, V extends CaseValues, T> extends StepDialog<O, V, T> {
  protected exitWith(result: CaseResult): CaseExit {
    return { exit: result };
  }
}

/** What the runner needs from its StepDialog (closures, so the dialog's hooks stay protected). */
interface StepOwner<O, V, Out> {
  steps(): StepDef<O, V, Out>[];
  start(options: O, turn: Turn): V;
  onExit(s: Step<O, V, Out>, exit: CaseResult): Promise<DialogTurnResult>;
  exitWith(result: CaseResult): unknown;
}

/** Runs a StepDialog's steps, like botbuilder's WaterfallDialog but with typed state and inputs. */
class StepRunner<O extends object, V extends CaseValues, Out> extends Dialog<O> {
  constructor(
    id: string,
    private readonly deps: DialogDeps,
    private readonly owner: StepOwner<O, V, Out>,
  ) {
    super(id);
  }

  override async beginDialog(dc: DialogContext, options?: O): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (!instance || !options) throw new Error(`${this.id}.beginDialog(): options are required`);
    const turn = turnOf(dc.context);
    const state: RunnerState<O, V> = { options, values: this.owner.start(options, turn), index: -1, since: turn.conversation.messageNumber };
    instance.state = state;
    return this.run(dc, state, 0, undefined);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    // Every step waits on a child or ends, so a message never reaches the runner itself.
    throw new Error(`${this.id}.continueDialog(): no child is waiting (step ${this.state(dc).index})`);
  }

  override async resumeDialog(dc: DialogContext, _reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    const state = this.state(dc);
    return this.run(dc, state, state.index + 1, result);
  }

  /** The runner's own state, written by `beginDialog` (botbuilder stores it as `any`). */
  private state(dc: DialogContext): RunnerState<O, V> {
    const state: RunnerState<O, V> | undefined = dc.activeDialog?.state;
    if (!state || typeof state.index !== 'number' || !state.values) throw new Error(`${this.id}: no step state`);
    return state;
  }

  private async run(dc: DialogContext, state: RunnerState<O, V>, index: number, result: unknown): Promise<DialogTurnResult> {
    const steps = this.owner.steps();
    const def = steps[index];
    if (!def) throw new Error(`${this.id}: step ${index} does not exist (the previous step neither asked nor ended)`);
    if (def.after !== state.awaiting) throw new Error(`${this.id}: step ${index} reads ${def.after ?? 'nothing'} but ${state.awaiting ?? 'nothing'} answered`);
    state.index = index;
    state.awaiting = undefined;
    const s = this.step(dc, state);
    if (index > 0 && isCaseExit(result)) return this.owner.onExit(s, result.exit);
    return def.run(s, result);
  }

  private step(dc: DialogContext, state: RunnerState<O, V>): Step<O, V, Out> {
    const turn = turnOf(dc.context);
    const messages = this.deps.messages;
    const leave = (result: CaseResult) => dc.endDialog(this.owner.exitWith(withFields(result, state.values.fields)));
    return {
      options: state.options,
      values: state.values,
      turn,
      context: dc.context,
      since: state.since,
      say: (key, params, buttons) => say(turn, messages, key, params, buttons),
      typing: () => typing(turn),
      ask: (child, options) => {
        state.awaiting = child.id;
        return dc.beginDialog(child.id, child.prepare(options));
      },
      skip: (child, result) => {
        state.awaiting = child.id;
        return this.run(dc, state, state.index + 1, result);
      },
      end: (result) => dc.endDialog(result),
      leave,
      giveUp: (failure) => leave({ status: 'offer_person', reason: failure.fatal ? 'carrier_unavailable' : 'too_many_attempts', fields: {} }),
      restart: (options) => dc.replaceDialog(this.id, options),
    };
  }
}
