/**
 * One dialog on a TestAdapter, the way botbuilder-testing's `DialogTestClient` runs it (that
 * package is not installed here): each `send` is a turn that binds a typed turn (in the test's
 * language, with a scripted recognition), continues the dialog or begins it with the given options,
 * and keeps the last `DialogTurnResult`. Plus a dialog world: the in-memory carrier (no HTTP), its
 * locker directory, the real messages and calendar, so one dialog's tests run in about a second.
 */
import { MemoryStorage, TestAdapter, type Activity, type ConversationState, type UserState } from 'botbuilder';
import { LeanConversationState, LeanUserState } from '../../bots/storage/leanState';
import { DialogSet, DialogTurnStatus, type Dialog, type DialogState, type DialogTurnResult } from 'botbuilder-dialogs';
import { InMemoryCarrier } from '../../services/carrier/sandbox/InMemoryCarrier';
import { PickupSmsResender } from '../../services/carrier/PickupSmsResender';
import { InMemoryLockerDirectory } from '../../services/lockers/InMemoryLockerDirectory';
import { WorkingCalendar } from '../../services/calendar/workingCalendar';
import { createMessages, type Messages } from '../../services/i18n/messages';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logging/logger';
import { detectCommand } from '../../services/nlu/commands';
import type { Lang } from '../../services/i18n/langs';
import type { CarrierApi } from '../../services/carrier/types';
import { createProofService } from '../../services/proof/createProofService';
import type { ProofService, ProofSettings } from '../../services/proof/ProofService';
import { createLimiterFactory } from '../../services/limits/limiter';
import { SUMMARY_ONLY_HANDOFF, type DialogDeps, type HandoffGateway } from '../../dialogs/deps';
import type { ConversationData, NotedData, UserData } from '../../dialogs/state';
import { bindTurn, loadTurn, type Turn } from '../../dialogs/turn';
import { repliesOf, type Reply } from './messages';
import { ScriptedRecognizer, type ScriptLine } from './scriptedRecognizer';

let messagesOnce: Messages | undefined;

export interface DialogWorld {
  carrier: InMemoryCarrier;
  /** The proof service of deps (memory limits), over `carrier` as the dialogs see it. */
  proof: ProofService;
  /** The 6-digit code in the newest SMS the sandbox sent to `phone` (E.164). */
  lastCode(phone: string): string;
  lockers: InMemoryLockerDirectory;
  messages: Messages;
  deps: DialogDeps;
  /** The clock of deps and turns; tests move it with `advance`. */
  now: () => Date;
  advance(ms: number): void;
}

/** Fresh carrier data per world; messages loaded once per test file. */
export interface WorldOverrides {
  handoff?: HandoffGateway;
  carrier?: (inner: InMemoryCarrier) => CarrierApi;
  /** `config.proof` changes (fewer codes per conversation…). */
  proof?: Partial<ProofSettings>;
  /** `PARCEL_LOOKUPS_PER_CLIENT_PER_HOUR` (default 30). */
  lookupsPerClientPerHour?: number;
}

export async function dialogWorld(overrides: WorldOverrides = {}): Promise<DialogWorld> {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const carrier = new InMemoryCarrier({ now });
  const lockers = new InMemoryLockerDirectory(await carrier.listLockers());
  const config = loadConfig({});
  messagesOnce ??= createMessages();
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const api = overrides.carrier ? overrides.carrier(carrier) : carrier;
  const proof = createProofService({ carrier: api, settings: { ...config.proof, ...overrides.proof }, logger, now });
  const lastCode = (phone: string): string => {
    const code = carrier.outbox.latest(phone)?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error('lastCode(): no code in the newest SMS to that phone');
    return code;
  };
  const deps: DialogDeps = {
    carrier: api,
    proof,
    pickupSms: new PickupSmsResender({ carrier: api, limits: createLimiterFactory(), resendsPerDay: config.pickupSms.resendsPerDay, logger }),
    trackLookups: createLimiterFactory({}).create('parcel-lookups-per-client', { points: overrides.lookupsPerClientPerHour ?? config.tracking.lookupsPerClientPerHour, windowSeconds: 3600 }),
    lockers,
    calendar: new WorkingCalendar(config.business),
    messages: messagesOnce,
    handoff: overrides.handoff ?? SUMMARY_ONLY_HANDOFF,
    logger,
    settings: {
      maxPromptAttempts: config.dialogs.maxPromptAttempts,
      delayEscalateWorkingDays: config.business.delayEscalateWorkingDays,
      businessHours: config.business,
      minConfidence: config.nlu.minConfidence,
      ambiguityMargin: config.nlu.ambiguityMargin,
    },
    now,
  };
  return { carrier, proof, lastCode, lockers, messages: messagesOnce, deps, now, advance: (ms) => void (offset += ms) };
}

export interface DialogTestOptions {
  lang: Lang;
  /** Intents per message; entities are extracted for real. */
  script?: ScriptLine[];
  channelId?: string;
  /** `PROOF_TTL_MINUTES` of the turns (default 15). */
  proofTtlMinutes?: number;
}

let conversations = 0;

export class DialogTestClient<O extends object> {
  readonly adapter: TestAdapter;
  /** The result of the last turn: `status` and, once the dialog ended, its `result`. */
  dialogTurnResult?: DialogTurnResult;
  private readonly conversationState: ConversationState;
  private readonly userState: UserState;
  private readonly dialogs: DialogSet;
  private readonly recognizer: ScriptedRecognizer;
  /** The turn of the last `send`, to look at its scopes (its TurnContext is revoked once the turn ended). */
  lastTurn?: Turn;
  readonly conversationId: string;

  constructor(
    private readonly dialog: Dialog,
    private readonly options: O,
    world: DialogWorld,
    test: DialogTestOptions,
  ) {
    const storage = new MemoryStorage();
    this.conversationState = new LeanConversationState(storage);
    this.userState = new LeanUserState(storage);
    const notedState = new LeanConversationState(new MemoryStorage());
    this.dialogs = new DialogSet(this.conversationState.createProperty<DialogState>('dialogState'));
    this.dialogs.add(dialog);
    this.recognizer = new ScriptedRecognizer(test.script ?? [], { lang: test.lang, lockers: world.lockers });
    const stores = {
      conversation: this.conversationState.createProperty<ConversationData>('conversation'),
      user: this.userState.createProperty<UserData>('user'),
      noted: notedState.createProperty<NotedData>('noted'),
    };
    conversations += 1;
    this.conversationId = `dialog-test-${conversations}`;
    const template: Partial<Activity> = {
      channelId: test.channelId ?? 'test',
      conversation: { id: this.conversationId, isGroup: false, name: 'test', conversationType: 'personal' },
      from: { id: `customer-${conversations}`, name: 'Customer' },
      recipient: { id: 'bot', name: 'LockerDesk' },
    };
    this.adapter = new TestAdapter(async (context) => {
      const turn = await loadTurn(context, stores, { now: world.now, proofTtlMs: (test.proofTtlMinutes ?? 15) * 60_000 });
      turn.user.useLanguage(test.lang, true);
      const text = (context.activity.text ?? '').trim();
      turn.understood({ text, recognition: text ? this.recognizer.recognizeSync(text, test.lang) : undefined, command: text ? detectCommand(text) : undefined });
      bindTurn(turn);
      this.lastTurn = turn;
      const dc = await this.dialogs.createContext(context);
      let result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) result = await dc.beginDialog(this.dialog.id, this.options);
      this.dialogTurnResult = result;
      await this.conversationState.saveChanges(context, false);
      await this.userState.saveChanges(context, false);
      await notedState.saveChanges(context, false);
    }, template);
  }

  /** One customer message; returns the bot's replies (typing indicators dropped). */
  async send(text: string, extra: Partial<Activity> = {}): Promise<Reply[]> {
    await this.adapter.receiveActivity({ type: 'message', text, ...extra });
    const out: Partial<Activity>[] = [];
    while (this.adapter.activeQueue.length) {
      const a = this.adapter.activeQueue.shift();
      if (a) out.push(a);
    }
    return repliesOf(out);
  }

  /** The dialog's result once it ended (undefined while it waits). */
  get result(): unknown {
    return this.dialogTurnResult?.status === DialogTurnStatus.complete ? this.dialogTurnResult.result : undefined;
  }

  get waiting(): boolean {
    return this.dialogTurnResult?.status === DialogTurnStatus.waiting;
  }
}
