/**
 * Runs the real bot (MainDialog, LockerDeskBot, embedded recognizer, message resources) on a
 * botbuilder TestAdapter against the sandbox carrier over real HTTP. One recognizer (the model artifact) and
 * one sandbox are shared per test file; every `conversation()` is a fresh conversation and user.
 */
import { PickupSmsResender } from '../../services/carrier/PickupSmsResender';
import { MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { LeanConversationState, LeanUserState } from '../../bots/storage/leanState';
import type { RecognizerResult } from '../../services/nlu/types';
import { CarrierClient } from '../../services/carrier/CarrierClient';
import { createSandboxServer, type SandboxServer } from '../../services/carrier/sandbox/server';
import { InMemoryLockerDirectory } from '../../services/lockers/InMemoryLockerDirectory';
import { WorkingCalendar } from '../../services/calendar/workingCalendar';
import { EmbeddedRecognizer } from '../../services/nlu/embedded/EmbeddedRecognizer';
import { extractEntities } from '../../services/nlu/entities';
import { createMessages, type Messages } from '../../services/i18n/messages';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logging/logger';
import type { CarrierApi } from '../../services/carrier/types';
import type { Recognizer } from '../../services/nlu/types';
import { MainDialog } from '../../dialogs/MainDialog';
import { createProofService } from '../../services/proof/createProofService';
import type { ProofSettings } from '../../services/proof/ProofService';
import { createLimiterFactory } from '../../services/limits/limiter';
import { SUMMARY_ONLY_HANDOFF, type DialogDeps, type HandoffGateway } from '../../dialogs/deps';
import { LockerDeskBot } from '../../bots/LockerDeskBot';
import { createTurnErrorHandler } from '../../bots/turnErrorHandler';
import type { ReportSink } from '../../services/reports/ReportRecorder';
import { repliesOf, type Reply } from './messages';

export { hasMessage, messagePattern, type Reply } from './messages';

export interface World {
  sandbox: SandboxServer;
  carrierUrl: string;
  carrier: CarrierApi;
  lockers: InMemoryLockerDirectory;
  recognizer: Recognizer;
  messages: Messages;
  deps: DialogDeps;
  /** `PROOF_TTL_MINUTES` of the bots in this world. */
  proofTtlMinutes: number;
  /** The 6-digit code in the newest SMS the sandbox texted to `phone`, read from its outbox over HTTP. */
  lastCode(phone: string): Promise<string>;
  close(): Promise<void>;
}

let recognizer: EmbeddedRecognizer | undefined;

export async function createWorld(
  overrides: { carrier?: CarrierApi; handoff?: HandoffGateway; carrierTimeoutMs?: number; now?: () => Date; proof?: Partial<ProofSettings> } = {},
): Promise<World> {
  const sandbox = createSandboxServer();
  const { url } = await sandbox.listen(0, '127.0.0.1');
  const carrier = overrides.carrier ?? new CarrierClient({ baseUrl: url, timeoutMs: overrides.carrierTimeoutMs ?? 3000, retries: 1, retryBaseDelayMs: 20 });
  const lockers = new InMemoryLockerDirectory(await new CarrierClient({ baseUrl: url }).listLockers());
  // The model artifact built by globalSetup, loaded once per test file.
  recognizer ??= EmbeddedRecognizer.load().recognizer;
  const base = recognizer;
  // The locker resolver is per world; the trained model is shared.
  const worldRecognizer: Recognizer = {
    async recognize(text, options) {
      const r = await base.recognize(text, options);
      // As the app wires it: the entities with this world's lockers, the locker to leave included.
      return { ...r, entities: extractEntities(text, { resolveLockers: (t) => lockers.extractMentions(t) }) };
    },
  };
  const config = loadConfig({});
  const messages = createMessages();
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const deps: DialogDeps = {
    carrier,
    pickupSms: new PickupSmsResender({ carrier, limits: createLimiterFactory(), resendsPerDay: config.pickupSms.resendsPerDay, logger }),
    // One world serves a whole test file, whose tests reuse the same fixture parcels: the shared limits are
    // raised (the per-conversation one stays as configured); tests of the limits themselves pass `proof`.
    proof: createProofService({
      carrier,
      settings: { ...config.proof, codesPerParcelPerDay: 50, codesPerPhonePerDay: 50, codesPerClientPerDay: 1000, ...overrides.proof },
      logger,
      now: overrides.now,
    }),
    trackLookups: createLimiterFactory({}).create('parcel-lookups-per-client', { points: config.tracking.lookupsPerClientPerHour, windowSeconds: 3600 }),
    lockers,
    calendar: new WorkingCalendar(config.business),
    messages,
    handoff: overrides.handoff ?? SUMMARY_ONLY_HANDOFF,
    logger,
    settings: {
      maxPromptAttempts: config.dialogs.maxPromptAttempts,
      delayEscalateWorkingDays: config.business.delayEscalateWorkingDays,
      businessHours: config.business,
      minConfidence: config.nlu.minConfidence,
      ambiguityMargin: config.nlu.ambiguityMargin,
    },
    now: overrides.now ?? (() => new Date()),
  };
  const lastCode = async (phone: string): Promise<string> => {
    const res = await fetch(`${url}/sandbox/sms?to=${encodeURIComponent(phone)}`);
    const [newest] = (await res.json()) as { text: string }[];
    const code = newest?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error('lastCode(): no code in the newest SMS to that phone');
    return code;
  };
  return { sandbox, carrierUrl: url, carrier, lockers, recognizer: worldRecognizer, messages, deps, proofTtlMinutes: config.proof.proofTtlMinutes, lastCode, close: () => sandbox.close() };
}

export interface Conversation {
  /** Sends a message and returns the bot's replies (typing indicators dropped). */
  say(text: string, extra?: Partial<Activity>): Promise<Reply[]>;
  /** Sends the conversationUpdate a channel sends when the chat opens. */
  open(locale?: string): Promise<Reply[]>;
  adapter: TestAdapter;
  storage: Storage;
  conversationId: string;
  userId: string;
}

let counter = 0;

export function conversation(
  world: World,
  options: {
    storage?: Storage;
    /** The noted values' storage (default: a fresh one). */
    notedStorage?: Storage;
    locale?: string;
    channelId?: string;
    deps?: DialogDeps;
    recognizer?: Recognizer;
    /** The channel identity (default: a new one); the same id in two conversations is the same customer. */
    userId?: string;
    onRecognized?: (r: RecognizerResult) => void;
    /** Report events of the bot (first message, parcels); the dialogs' come through `deps.reports`. */
    reports?: ReportSink;
  } = {},
): Conversation {
  const storage = options.storage ?? new MemoryStorage();
  const conversationState = new LeanConversationState(storage);
  const userState = new LeanUserState(storage);
  const bot = new LockerDeskBot({
    conversationState,
    userState,
    // The noted values' own store (in production it expires items after an hour).
    notedState: new LeanConversationState(options.notedStorage ?? new MemoryStorage()),
    dialog: new MainDialog(options.deps ?? world.deps),
    recognizer: options.recognizer ?? world.recognizer,
    messages: world.messages,
    logger: (options.deps ?? world.deps).logger,
    proofTtlMinutes: world.proofTtlMinutes,
    now: (options.deps ?? world.deps).now,
    onRecognized: options.onRecognized,
    reports: options.reports ?? (options.deps ?? world.deps).reports,
  });
  counter += 1;
  const conversationId = `conv-${counter}`;
  const userId = options.userId ?? `user-${counter}`;
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: options.channelId ?? 'test',
    conversation: { id: conversationId, isGroup: false, name: 'test', conversationType: 'personal' },
    from: { id: userId, name: 'Customer' },
    recipient: { id: 'bot', name: 'LockerDesk' },
  });
  if (options.locale) adapter.template.locale = options.locale;
  adapter.onTurnError = createTurnErrorHandler({ messages: world.messages, logger: (options.deps ?? world.deps).logger, conversationState });

  const drain = (): Reply[] => repliesOf(adapter.activeQueue.splice(0));
  return {
    adapter,
    storage,
    conversationId,
    userId,
    async say(text, extra = {}) {
      await adapter.receiveActivity({ type: 'message', text, ...extra });
      return drain();
    },
    async open(locale) {
      if (locale) adapter.template.locale = locale;
      await adapter.receiveActivity({ type: 'conversationUpdate', membersAdded: [{ id: userId, name: 'Customer' }], locale });
      return drain();
    },
  };
}
