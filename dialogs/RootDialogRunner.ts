/**
 * Runs the root dialog for one turn: continue the active dialog, or begin the root one when none
 * is active. This is what botbuilder-dialogs' `runDialog` does for a bot that is not a skill,
 * without what it adds to every turn and LockerDesk does not use: a `DialogStateManager` that
 * loads and saves every memory scope (the adaptive-dialog memory; these dialogs keep their values
 * in typed dialog state), and a memory-snapshot trace built on every turn although only the
 * Emulator is shown it. The profile of issue 13 counted both among a turn's larger costs. Turns
 * from the Emulator still go through `runDialog`, so its state inspector keeps working.
 *
 * LockerDesk is never called as a skill (no skill manifest, no allowed callers), so the skill
 * branches of `runDialog` (end-of-conversation and reprompt from a parent bot) do not apply.
 *
 * Every `DialogContext` has a `DialogStateManager`, and the first one of each turn builds its
 * configuration (all memory scopes and path resolvers, through a fresh service collection) and
 * keeps it in the turn state for the turn's other contexts. The configuration holds no turn's
 * data (the scopes read the turn state and the dialog context they are given), so the runner
 * keeps the first turn's and hands it to every later turn under the key the manager looks for.
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Dialog, DialogState, DialogTurnResult } from 'botbuilder-dialogs';
import { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
import { runDialog } from 'botbuilder-dialogs/lib/dialogHelper';
import type { DialogStateManagerConfiguration } from 'botbuilder-dialogs/lib/memory/dialogStateManager';
import { DialogTurnStatus } from './dialogsLib';

/** The turn-state key `DialogStateManager` reads its configuration from (not exported by botbuilder-dialogs). */
export const DIALOG_STATE_MANAGER_CONFIGURATION = 'DialogStateManagerConfiguration';

export class RootDialogRunner {
  private readonly dialogs: DialogSet;
  private stateConfiguration?: DialogStateManagerConfiguration;

  constructor(
    private readonly root: Dialog,
    private readonly accessor: StatePropertyAccessor<DialogState>,
  ) {
    this.dialogs = new DialogSet(accessor);
    this.dialogs.add(root);
  }

  async run(context: TurnContext): Promise<DialogTurnResult | undefined> {
    if (context.activity.channelId === 'emulator') return void (await runDialog(this.root, context, this.accessor));
    if (this.stateConfiguration) context.turnState.set(DIALOG_STATE_MANAGER_CONFIGURATION, this.stateConfiguration);
    const dc = await this.dialogs.createContext(context);
    this.stateConfiguration ??= dc.state.configuration;
    const result = await dc.continueDialog();
    return result.status === DialogTurnStatus.empty ? dc.beginDialog(this.root.id) : result;
  }
}
