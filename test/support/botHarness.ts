/**
 * Runs the real bot (MainDialog, LockerDeskBot, embedded recognizer, message resources) on a
 * botbuilder TestAdapter against the sandbox carrier over real HTTP. One trained recognizer and
 * one sandbox are shared per test file; every `conversation()` is a fresh conversation and user.
 */
import { ConversationState, MemoryStorage, TestAdapter, UserState, type Activity, type Storage } from 'botbuilder';
import { CarrierClient } from '../../services/carrier/CarrierClient';
import { createSandboxServer, type SandboxServer } from '../../services/carrier/sandbox/server';
import { InMemoryLockerDirectory } from '../../services/lockers/InMemoryLockerDirectory';
import { WorkingCalendar } from '../../services/calendar/workingCalendar';
import { EmbeddedRecognizer } from '../../services/nlu/embedded/EmbeddedRecognizer';
import { createMessages, type Messages } from '../../services/i18n/messages';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logging/logger';
import type { CarrierApi } from '../../services/carrier/types';
import type { Recognizer } from '../../services/nlu/types';
import type { Lang } from '../../services/i18n/langs';
import { MainDialog } from '../../dialogs/MainDialog';
import { SUMMARY_ONLY_HANDOFF, type DialogDeps, type HandoffGateway } from '../../dialogs/deps';
import { LockerDeskBot } from '../../bots/LockerDeskBot';
import { createTurnErrorHandler } from '../../bots/turnErrorHandler';

export interface World {
  sandbox: SandboxServer;
  carrierUrl: string;
  carrier: CarrierApi;
  lockers: InMemoryLockerDirectory;
  recognizer: Recognizer;
  messages: Messages;
  deps: DialogDeps;
  close(): Promise<void>;
}

let recognizerPromise: Promise<EmbeddedRecognizer> | undefined;

export async function createWorld(overrides: { carrier?: CarrierApi; handoff?: HandoffGateway; carrierTimeoutMs?: number } = {}): Promise<World> {
  const sandbox = createSandboxServer();
  const { url } = await sandbox.listen(0, '127.0.0.1');
  const carrier = overrides.carrier ?? new CarrierClient({ baseUrl: url, timeoutMs: overrides.carrierTimeoutMs ?? 3000, retries: 1, retryBaseDelayMs: 20 });
  const lockers = new InMemoryLockerDirectory(await new CarrierClient({ baseUrl: url }).listLockers());
  recognizerPromise ??= EmbeddedRecognizer.create();
  const base = await recognizerPromise;
  // The locker resolver is per world; the trained model is shared.
  const recognizer: Recognizer = {
    async recognize(text, options) {
      const r = await base.recognize(text, options);
      return { ...r, entities: { ...r.entities, lockers: lockers.extractMentions(text) } };
    },
  };
  const config = loadConfig({});
  const messages = createMessages();
  const deps: DialogDeps = {
    carrier,
    lockers,
    calendar: new WorkingCalendar(config.business),
    messages,
    handoff: overrides.handoff ?? SUMMARY_ONLY_HANDOFF,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    settings: {
      maxPromptAttempts: config.dialogs.maxPromptAttempts,
      delayEscalateWorkingDays: config.business.delayEscalateWorkingDays,
      minConfidence: config.nlu.minConfidence,
      ambiguityMargin: config.nlu.ambiguityMargin,
    },
    now: () => new Date(),
  };
  return { sandbox, carrierUrl: url, carrier, lockers, recognizer, messages, deps, close: () => sandbox.close() };
}

export interface Reply {
  text: string;
  buttons: string[];
  activity: Partial<Activity>;
}

export interface Conversation {
  /** Sends a message and returns the bot's replies (typing indicators dropped). */
  say(text: string, extra?: Partial<Activity>): Promise<Reply[]>;
  /** Sends the conversationUpdate a channel sends when the chat opens. */
  open(locale?: string): Promise<Reply[]>;
  adapter: TestAdapter;
  storage: Storage;
}

let counter = 0;

export function conversation(
  world: World,
  options: { storage?: Storage; locale?: string; channelId?: string; deps?: DialogDeps; recognizer?: Recognizer } = {},
): Conversation {
  const storage = options.storage ?? new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const bot = new LockerDeskBot({
    conversationState,
    userState,
    dialog: new MainDialog(options.deps ?? world.deps),
    recognizer: options.recognizer ?? world.recognizer,
    messages: world.messages,
    logger: world.deps.logger,
  });
  counter += 1;
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: options.channelId ?? 'test',
    conversation: { id: `conv-${counter}`, isGroup: false, name: 'test', conversationType: 'personal' },
    user: { id: `user-${counter}`, name: 'Customer' },
    bot: { id: 'bot', name: 'LockerDesk' },
  } as never);
  // TestAdapter copies its template over every incoming activity: keep only a real locale in it.
  delete (adapter.template as { locale?: string }).locale;
  if (options.locale) adapter.template.locale = options.locale;
  adapter.onTurnError = createTurnErrorHandler({ messages: world.messages, logger: (options.deps ?? world.deps).logger, conversationState });

  const drain = (): Reply[] => {
    const out: Reply[] = [];
    while (adapter.activeQueue.length) {
      const a = adapter.activeQueue.shift()!;
      if (a.type !== 'message') continue;
      if (!a.text && !(a.attachments ?? []).length) continue;
      out.push({ text: a.text ?? '', buttons: (a.suggestedActions?.actions ?? []).map((x) => String(x.title)), activity: a });
    }
    return out;
  };
  return {
    adapter,
    storage,
    async say(text, extra = {}) {
      await adapter.receiveActivity({ type: 'message', text, ...extra } as Partial<Activity>);
      return drain();
    },
    async open(locale) {
      if (locale) adapter.template.locale = locale;
      await adapter.receiveActivity({
        type: 'conversationUpdate',
        membersAdded: [{ id: `user-${counter}`, name: 'Customer' }],
        locale,
      } as Partial<Activity>);
      return drain();
    },
  };
}

/**
 * A matcher for a message resource: the template with every `{{param}}` as a wildcard, trying
 * every plural form of the key.
 */
export function messagePattern(messages: Messages, lang: Lang, key: string): RegExp {
  const variants: string[] = [];
  for (const suffix of ['', '_one', '_few', '_many', '_other']) {
    const k = `${key}${suffix}`;
    if (messages.has(lang, k)) variants.push(rawTemplate(lang, k));
  }
  if (!variants.length) throw new Error(`messagePattern(): no message ${key} in ${lang}`);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const alternatives = variants.map((v) => v.split(/\{\{[^}]+\}\}/).map(escape).join('[\\s\\S]*?'));
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

const raw = new Map<Lang, Record<string, unknown>>();
function rawTemplate(lang: Lang, key: string): string {
  if (!raw.has(lang)) raw.set(lang, JSON.parse(require('fs').readFileSync(require('path').join(__dirname, '../../language/messages', `${lang}.json`), 'utf8')));
  let node: unknown = raw.get(lang);
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  return String(node);
}

/** True when some reply is the message `key` in `lang`. */
export function hasMessage(messages: Messages, lang: Lang, replies: Reply[], key: string): boolean {
  const re = messagePattern(messages, lang, key);
  return replies.some((r) => re.test(r.text));
}
