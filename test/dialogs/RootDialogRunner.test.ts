/**
 * RootDialogRunner: continue-or-begin of the root dialog, and the dialog state manager's
 * configuration built on the first turn only and handed to every later turn (and to the inner
 * dialog contexts of a component dialog) — with the memory scopes still answering per turn.
 */
import { ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import type { DialogState, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
import { ComponentDialog } from '../../dialogs/dialogsLib';
import { DIALOG_STATE_MANAGER_CONFIGURATION, RootDialogRunner } from '../../dialogs/RootDialogRunner';

test('the root dialog continues across turns; later turns reuse the first turn’s state manager configuration', async () => {
  const configurations: unknown[] = [];
  const seen: unknown[] = [];
  const note = (step: WaterfallStepContext) => {
    configurations.push(step.state.configuration, step.context.turnState.get(DIALOG_STATE_MANAGER_CONFIGURATION));
    seen.push(step.state.getValue('turn.activity.text'));
  };
  class Root extends ComponentDialog {
    constructor() {
      super('root');
      this.addDialog(
        new WaterfallDialog('steps', [
          async (step) => {
            note(step);
            await step.context.sendActivity('first?');
            return { status: 'waiting' } as never;
          },
          async (step) => {
            note(step);
            await step.context.sendActivity('second?');
            return { status: 'waiting' } as never;
          },
          async (step) => {
            note(step);
            await step.context.sendActivity('done');
            return step.endDialog();
          },
        ]),
      );
    }
  }
  const state = new ConversationState(new MemoryStorage());
  const runner = new RootDialogRunner(new Root(), state.createProperty<DialogState>('dialogState'));
  const adapter = new TestAdapter(async (context: TurnContext) => {
    await runner.run(context);
    await state.saveChanges(context);
  });
  await adapter.send('a').assertReply('first?').send('b').assertReply('second?').send('c').assertReply('done').send('d').assertReply('first?');

  expect(seen).toEqual(['a', 'b', 'c', 'd']);
  expect(configurations).toHaveLength(8);
  const first = configurations[0] as { memoryScopes: unknown[]; pathResolvers: unknown[] };
  expect(first.memoryScopes.length).toBeGreaterThan(5);
  expect(first.pathResolvers.length).toBeGreaterThan(2);
  for (const c of configurations) expect(c).toBe(first);
});
