/**
 * The framework's own cost of a stateful dialog turn, for `npm run bench`: the SDK's stock
 * stateful-dialog pattern (BotBuilder-Samples' core-bot) and nothing of LockerDesk — conversation
 * and user state over the SDK's `MemoryStorage`, a `DialogSet` on a dialog-state accessor, a
 * `ComponentDialog` holding a `WaterfallDialog` and a `TextPrompt`, state saved after every turn
 * (the user state read every turn and changed only on the first, as LockerDesk's changes only with
 * the language). Each message answers with exactly one text activity (a prompt), as the echo bot
 * does; no recognizer, no middleware, no carrier calls. The SDK's `BotState` hashes each state
 * before and after saving it; LockerDesk's lean states do not (`bots/storage/leanState.ts`), so a
 * bot on botbuilder-dialogs can cost somewhat less per turn than this one, and LockerDesk's state
 * path does.
 *
 *   node dist/scripts/bench-dialog-bot.js <port> [<redis-url> <key-prefix>]
 *
 * With a Redis URL the states live in Redis through LockerDesk's own botbuilder `Storage` over
 * its Redis key-value store (`bots/storage/BotStorage.ts`, `services/state/RedisKeyValueStore.ts`),
 * under `key-prefix`: per turn one read of the two states and one conditional write of the changed
 * one, as LockerDesk's turns mostly have.
 *
 * Same server stack as the echo bot (`scripts/benchBotServer.ts`: CloudAdapter + restify, the
 * same body limit and JSON parser). Not part of the application.
 */
import { ActivityHandler, ConversationState, MemoryStorage, UserState, type StatePropertyAccessor, type Storage, type TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
import { DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog';
import { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
import { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt';
import { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
import { KeyValueBotStorage } from '../bots/storage/BotStorage';
import { RedisKeyValueStore } from '../services/state/RedisKeyValueStore';
import { connectRedis } from '../services/state/redisClient';
import { serveBenchBot } from './benchBotServer';

interface Profile {
  since: string;
}

/** Ask, note the answer, ask again, start over: one prompt (one activity) per turn, forever. */
class LoopDialog extends ComponentDialog {
  constructor() {
    super('loop');
    this.addDialog(new TextPrompt('text'));
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step) => step.prompt('text', { prompt: 'What can I do for you?' }),
        async (step) => step.prompt('text', { prompt: `Noted: ${String(step.result).slice(0, 40)}. Anything else?` }),
        async (step) => step.replaceDialog('steps'),
      ]),
    );
    this.initialDialogId = 'steps';
  }
}

class DialogBot extends ActivityHandler {
  private readonly dialogs: DialogSet;
  private readonly profile: StatePropertyAccessor<Profile>;

  constructor(
    private readonly conversationState: ConversationState,
    private readonly userState: UserState,
  ) {
    super();
    const dialogState = conversationState.createProperty<DialogState>('DialogState');
    this.profile = userState.createProperty<Profile>('Profile');
    this.dialogs = new DialogSet(dialogState);
    this.dialogs.add(new LoopDialog());
    this.onMessage(async (context, next) => {
      // Read every turn, written once (the default is stored on the first turn only).
      await this.profile.get(context, { since: new Date().toISOString().slice(0, 10) });
      const dc = await this.dialogs.createContext(context);
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog('loop');
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
    await this.userState.saveChanges(context, false);
  }
}

async function storageFor(argv: readonly string[]): Promise<Storage> {
  const [url, prefix] = [argv[1], argv[2]];
  if (!url) return new MemoryStorage();
  if (!prefix) throw new Error('bench-dialog-bot: a Redis URL needs a key prefix');
  const redis = await connectRedis(url, {});
  return new KeyValueBotStorage(new RedisKeyValueStore(redis, { prefix, ttlMs: 3_600_000 }));
}

const argv = process.argv.slice(2);
storageFor(argv)
  .then((storage) => serveBenchBot('dialog bot', argv, new DialogBot(new ConversationState(storage), new UserState(storage))))
  .catch((err: unknown) => {
    process.stderr.write(`bench-dialog-bot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
