/**
 * Composition root: validated config → services → dialogs → bot → adapter → HTTP server.
 * With no configuration at all it runs on embedded defaults: the sandbox carrier API (started
 * in-process, spoken to over real HTTP), the embedded recognizer, in-memory state.
 */
import { AddressInfo } from 'net';
import {
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type * as restify from 'restify';
import { LeanConversationState, LeanUserState } from './bots/storage/leanState';
import { loadConfig, ConfigError, type Config } from './services/config';
import { createLogger, type Logger } from './services/logging/logger';
import { createLimiterFactory } from './services/limits/limiter';
import { CarrierClient } from './services/carrier/CarrierClient';
import { createProofService } from './services/proof/createProofService';
import type { ProofService } from './services/proof/ProofService';
import { createSandboxServer, type SandboxServer } from './services/carrier/sandbox/server';
import { InMemoryLockerDirectory } from './services/lockers/InMemoryLockerDirectory';
import { WorkingCalendar } from './services/calendar/workingCalendar';
import { EmbeddedRecognizer } from './services/nlu/embedded/EmbeddedRecognizer';
import { createRecognizer } from './services/nlu/createRecognizer';
import { registerLuisEndpoint } from './bots/http/luisEndpoint';
import { createMessages } from './services/i18n/messages';
import { MainDialog } from './dialogs/MainDialog';
import type { DialogDeps } from './dialogs/deps';
import { PickupSmsResender } from './services/carrier/PickupSmsResender';
import { LockerDeskBot } from './bots/LockerDeskBot';
import { CachingBotFrameworkAuthentication } from './bots/connectorClients';
import { createTurnErrorHandler } from './bots/turnErrorHandler';
import { createServer } from './bots/http/server';
import { clientAddressResolver } from './bots/http/clientAddress';
import {
  ConversationQuota,
  DirectLineCloudAdapter,
  DirectLineKeys,
  RedisDirectLineStore,
  VisitorIds,
  registerDirectLine,
  registerTokenExchange,
  serverOrigins,
  type DirectLineEndpoint,
} from './bots/channels/directline';
import { MessengerAdapter, registerMessengerWebhook, FacebookRenderingMiddleware, RedisSeenEventStore } from './bots/channels/messenger';
import { assertAgentsConfigured, createHandoffRuntime, openHandoffInfrastructure, stateKeyEraser, turnOwnership, type HandoffRuntime } from './bots/handoff';
import type { StoredAttachmentLookup } from './services/handoff/attachments';
import { registerWebPages } from './bots/http/webPages';
import { Metrics } from './bots/http/metrics';
import { registerReadiness } from './bots/http/readiness';
import { createFairUse, type FairUse } from './services/fairuse';
import { createReports, type Reports } from './services/reports';
import { FairUseMiddleware } from './bots/FairUseMiddleware';
import { TurnGuardMiddleware } from './bots/TurnGuardMiddleware';
import { MemoryTurnCoordinator, RedisTurnCoordinator, type TurnCoordinator } from './services/state/TurnCoordinator';
import { localeLang } from './services/i18n/languagePolicy';
import { DEFAULT_LANG, LANGS } from './services/i18n/langs';
import { formatBusinessHours } from './services/i18n/businessHours';
import type { UserData } from './dialogs/state';
import { USER_PROPERTY } from './bots/stateKeys';
import { Eraser } from './services/privacy/Eraser';

export interface App {
  server: restify.Server;
  config: Config;
  /** Base URL once listening. */
  url: string;
  /** The sandbox carrier, when running on embedded defaults. */
  sandbox?: SandboxServer;
  /** Base URL of the carrier API in use (the sandbox's own 127.0.0.1 listener when embedded; its `/sandbox/sms` is the SMS outbox). */
  carrierUrl: string;
  handoff: HandoffRuntime;
  /** The embedded Direct Line, when running without app credentials (its `attachmentByUrl` serves uploads to the console). */
  directLine?: DirectLineEndpoint;
  /** Fair-use policy, block list and abuse flags (the supervisor side reads the last two). */
  fairUse: FairUse;
  /** One-time codes: the locks supervisors list and clear (`listLocks`, `clearLock`). */
  proof: ProofService;
  /** Report events, rating state and the supervisors' queries. */
  reports: Reports;
  /** Data-subject erasure (the supervisor console's action; `npm run erase` builds its own). */
  eraser: Eraser;
  /**
   * Graceful shutdown, step one (SIGTERM): `/readyz` answers 503 at once, the server stops
   * accepting connections, turns in flight finish, the hand-off delivery outbox is flushed (agent
   * replies already submitted go out). Bounded by `timeoutMs` (default 20 s). Then call `close()`.
   */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface BuildOptions {
  logger?: Logger;
  /** Clock for dialogs (tests). */
  now?: () => Date;
  /**
   * Uploads the embedded Direct Line stored itself, by URL (in-process). The hand-off keeps and
   * serves only such attachments (and the channel's own CDN's); default none.
   */
  storedAttachments?: StoredAttachmentLookup;
}

/**
 * Builds and starts the whole application on `config.port` (0 = any free port). When start-up
 * fails half-way, whatever was already started is closed again before the error is rethrown.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    return await startApp(config, options, cleanups);
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw err;
  }
}

async function startApp(config: Config, options: BuildOptions, cleanups: (() => Promise<unknown>)[]): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  assertAgentsConfigured(config);
  const startedAt = Date.now();
  const metrics = new Metrics();
  const infra = await openHandoffInfrastructure(config, logger);
  cleanups.push(() => infra.close());

  let sandbox: SandboxServer | undefined;
  let carrierUrl = config.carrier.url;
  if (!carrierUrl) {
    const started = createSandboxServer({ now: options.now, codeTtlMs: config.proof.codeTtlMinutes * 60_000, logger: logger.child({ component: 'carrier-sandbox' }) });
    sandbox = started;
    cleanups.push(() => started.close());
    carrierUrl = (await sandbox.listen(config.carrier.sandboxPort, '127.0.0.1')).url;
    logger.info({ carrierUrl, smsOutbox: `${carrierUrl}/sandbox/sms?to=<E.164>` }, 'CARRIER_API_URL not set: started the sandbox carrier API (SMS go to its outbox)');
  }
  const carrier = new CarrierClient({
    baseUrl: carrierUrl,
    apiKey: config.carrier.apiKey,
    timeoutMs: config.carrier.timeoutMs,
    retries: config.carrier.retries,
    onCall: (e) => {
      metrics.carrierCall(e);
      if (e.outcome !== 'ok') logger.warn({ carrierCall: e }, 'carrier API call failed');
    },
  });
  cleanups.push(async () => carrier.close());
  const lockers = new InMemoryLockerDirectory(await carrier.listLockers());
  const calendar = new WorkingCalendar(config.business);
  const messages = createMessages();
  const resolveLockers = (text: string) => lockers.extractMentions(text);
  const { recognizer: embedded, model } = EmbeddedRecognizer.load({
    maxChars: config.nlu.maxChars,
    resolveLockers,
    onError: (err) => logger.warn({ err }, 'recognizer: recoverable error'),
  });
  const modelLog = { nluModel: { from: model.from, ms: Math.round(model.ms), key: model.key.slice(0, 12), bytes: model.bytes, path: model.path } };
  if (model.from === 'cache') logger.info(modelLog, 'NLU model loaded from the build artifact');
  else logger.warn({ ...modelLog, reason: model.reason, err: model.writeError }, 'NLU training data or trainer changed since the last build: trained the model at start-up');
  const recognizer = createRecognizer(config.nlu, embedded, resolveLockers, logger.child({ component: 'nlu' }));
  const reports = createReports({
    settings: config.reports,
    redis: infra.redis && config.redis ? { client: infra.redis, prefix: config.redis.prefix } : undefined,
    logger: logger.child({ component: 'reports' }),
    timeZone: config.business.timeZone,
    now: options.now,
  });
  reports.recorder.observe(metrics.reportEvent);
  cleanups.push(() => reports.recorder.idle());

  let directLine: DirectLineEndpoint | undefined;
  const handoff = await createHandoffRuntime({
    config,
    infra,
    messages,
    calendar,
    logger,
    lockerName: (id) => lockers.get(id)?.name,
    // The embedded Direct Line registers later; its stored uploads are looked up when the console asks.
    storedAttachments: options.storedAttachments ?? (async (url) => {
      const file = await directLine?.attachmentByUrl(url);
      return file && { contentType: file.contentType, name: file.name, data: file.bytes };
    }),
    reports,
    now: options.now,
  });
  cleanups.push(() => handoff.close());
  const storage = infra.botStorage;
  const conversationState = new LeanConversationState(storage);
  const userState = new LeanUserState(storage);
  // What the customer wrote (parcel numbers, phones): the same keys, a store whose items expire in an hour.
  const notedState = new LeanConversationState(infra.noteStorage);

  const proof = createProofService({ carrier, settings: config.proof, logger: logger.child({ component: 'proof' }), redis: infra.redis, prefix: config.redis?.prefix, now: options.now });
  const dialogLimits = createLimiterFactory({ redis: infra.redis, prefix: config.redis?.prefix });
  const deps: DialogDeps = {
    carrier,
    proof,
    trackLookups: dialogLimits.create('parcel-lookups-per-client', { points: config.tracking.lookupsPerClientPerHour, windowSeconds: 3600 }),
    pickupSms: new PickupSmsResender({
      carrier,
      limits: dialogLimits,
      resendsPerDay: config.pickupSms.resendsPerDay,
      logger: logger.child({ component: 'pickup-sms' }),
    }),
    lockers,
    calendar,
    messages,
    handoff: handoff.gateway,
    logger,
    settings: {
      maxPromptAttempts: config.dialogs.maxPromptAttempts,
      delayEscalateWorkingDays: config.business.delayEscalateWorkingDays,
      businessHours: config.business,
      minConfidence: config.nlu.minConfidence,
      ambiguityMargin: config.nlu.ambiguityMargin,
    },
    now: options.now ?? (() => new Date()),
    reports: reports.recorder,
    ratings: reports.ratings,
  };
  const bot = new LockerDeskBot({
    conversationState,
    userState,
    notedState,
    dialog: new MainDialog(deps),
    recognizer,
    messages,
    logger,
    proofTtlMinutes: config.proof.proofTtlMinutes,
    now: deps.now,
    onRecognized: metrics.intentRecognized,
    reports: reports.recorder,
  });
  metrics.watch({
    queue: async () => (await handoff.service.supervision.openCases()).filter((c) => c.status === 'queued').map((c) => c.priority),
    containment: () => reports.queries.recentContainment(7),
  });

  // ---- fair use: floods, repeats, insults, blocked customers; before the hand-off middleware ----
  // The customer's language for its notices, read from the same user state the bot keeps.
  const customerPreferences = userState.createProperty<UserData>(USER_PROPERTY);
  const fairUse = createFairUse({
    settings: config.fairUse,
    redis: infra.redis && config.redis ? { client: infra.redis, prefix: config.redis.prefix } : undefined,
    logger: logger.child({ component: 'fairuse' }),
  });
  // The web visitor's address: the TCP peer, or behind a trusted proxy (TRUSTED_PROXIES) its forwarded one.
  const clientAddress = clientAddressResolver(config.trustedProxies);
  // The SDK's authentication; the connector and token clients it makes are kept across turns.
  const auth = new CachingBotFrameworkAuthentication(config.botAuth as ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new DirectLineCloudAdapter(auth);
  const fairUseMiddleware = new FairUseMiddleware({
    policy: fairUse.policy,
    messages,
    logger: logger.child({ component: 'fairuse' }),
    record: ({ conversationId, channel, entry }) => handoff.service.customers.record(conversationId, channel, entry),
    humanOwned: async (conversationId, context) => ['queued', 'agent'].includes((await turnOwnership(context, handoff.service.customers, conversationId)).state),
    languageOf: async (context) => (await customerPreferences.get(context))?.lang ?? localeLang(context.activity.locale) ?? DEFAULT_LANG,
    // Only the embedded Direct Line saw the visitor's HTTP request; other channels' turns have no address.
    ipOf: (context) => adapter.clientAddressOf(context),
  });
  // ---- end of fair use ----

  const onTurnError = createTurnErrorHandler({ messages, logger, conversationState });
  adapter.onTurnError = onTurnError;
  // Redis when configured (several instances), else this process only.
  const turns: TurnCoordinator = infra.redis && config.redis ? new RedisTurnCoordinator(infra.redis, { prefix: `${config.redis.prefix}turn:` }) : new MemoryTurnCoordinator();
  const turnGuard = new TurnGuardMiddleware(turns, logger.child({ component: 'turn-guard' }));
  adapter.use(turnGuard);
  adapter.use(metrics.middleware());
  adapter.use(new FacebookRenderingMiddleware());
  adapter.use(fairUseMiddleware);
  adapter.use(handoff.middleware);

  const anonymous = config.botAuth.MicrosoftAppId ? 'none' : config.insecureAnonymousActivities ? 'any' : 'loopback';
  if (anonymous === 'any') {
    logger.warn('INSECURE_ANONYMOUS_ACTIVITIES is on: /api/messages accepts anonymous activities from anyone and replies to any serviceUrl they name; for test environments only');
  } else if (config.insecureAnonymousActivities) {
    logger.warn('INSECURE_ANONYMOUS_ACTIVITIES is ignored: MicrosoftAppId is set, so every activity needs a channel token');
  }
  const server = createServer({ adapter, bot, logger, anonymous });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const runBot = (context: TurnContext) => bot.run(context);
  metrics.register(server, config.metricsToken);
  let draining = false;
  registerReadiness(server, {
    draining: () => draining,
    checks: {
      ...(infra.redis ? { redis: () => infra.redis!.ping() } : {}),
      carrier: () => carrier.health(),
    },
  });

  const dlKeys = new DirectLineKeys(config.channels.directLineTokenKey);
  const dlOrigins = serverOrigins(server, { allowedOrigins: config.channels.allowedOrigins, publicUrl: config.publicUrl });
  const dlLimits = config.channels.directLineLimits;
  let dlStore: RedisDirectLineStore | undefined;
  if (!config.botAuth.MicrosoftAppId) {
    // With Redis, conversations, logs, uploads and live events are shared by every instance (no sticky routing).
    if (infra.redis && config.redis) {
      const dlLogger = logger.child({ component: 'directline-store' });
      const opened = await RedisDirectLineStore.open(infra.redis, { prefix: config.redis.prefix, onError: (err) => dlLogger.warn({ err }, 'DirectLine store: background failure') });
      dlStore = opened;
      cleanups.push(() => opened.close());
    }
    directLine = registerDirectLine(server, {
      store: dlStore,
      adapter,
      logic: runBot,
      keys: dlKeys,
      origins: dlOrigins,
      tokenMaxLifetimeSeconds: dlLimits.tokenMaxHours * 3600,
      clientAddress,
      messages,
      logger: logger.child({ component: 'directline' }),
    });
  }
  registerTokenExchange(server, {
    origins: dlOrigins,
    visitors: new VisitorIds(dlKeys.visitor),
    quota: new ConversationQuota({
      perClient: { points: dlLimits.conversationsPerClientPer10Minutes, seconds: 600 },
      global: { points: dlLimits.conversationsPerMinute, seconds: 60 },
      limits: createLimiterFactory({ redis: infra.redis, prefix: config.redis?.prefix }),
      logger: logger.child({ component: 'directline-quota' }),
    }),
    directLineSecret: config.channels.directLineSecret,
    directLineUrl: config.channels.directLineUrl,
    embedded: directLine,
    clientAddress,
    logger: logger.child({ component: 'directline-token' }),
  });
  registerWebPages(server, {
    directLineUrl: config.channels.directLineUrl,
    businessHours: Object.fromEntries(LANGS.map((l) => [l, formatBusinessHours(messages, l, config.business)])),
    logger: logger.child({ component: 'web-pages' }),
  });

  if (config.nlu.luisCompatAppIds.length) {
    registerLuisEndpoint(server, { recognizer: embedded, appIds: config.nlu.luisCompatAppIds, keys: config.nlu.luisCompatKeys, logger: logger.child({ component: 'luis-endpoint' }) });
  }

  let messenger: MessengerAdapter | undefined;
  if (config.channels.messenger) {
    messenger = new MessengerAdapter({
      ...config.channels.messenger,
      // Replay protection shared by every instance behind the webhook URL, and kept across restarts.
      seenEvents: infra.redis && config.redis ? new RedisSeenEventStore(infra.redis, 24 * 3600_000, `${config.redis.prefix}messenger:seen:`) : undefined,
      logger: logger.child({ component: 'messenger' }),
    });
    messenger.onTurnError = onTurnError;
    messenger.use(turnGuard);
    messenger.use(metrics.middleware());
    messenger.use(fairUseMiddleware);
    messenger.use(handoff.middleware);
    registerMessengerWebhook(server, messenger, runBot);
  }

  // ---- supervisor tools: blocks, proof locks (of the dialogs' proof service), erasure ----
  const eraser = new Eraser({ personalData: handoff.service.personalData, state: stateKeyEraser(infra), flags: fairUse.flags, logger: logger.child({ component: 'privacy' }) });
  handoff.attach({ server, cloud: adapter, messenger, botAppId: config.botAuth.MicrosoftAppId, supervisorTools: { blockList: fairUse.blockList, proofLocks: proof, eraser } });

  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ url, lockers: lockers.size(), startupMs: Date.now() - startedAt, recognizer: config.nlu.recognizer }, 'LockerDesk is listening');

  return {
    server,
    config,
    url,
    sandbox,
    carrierUrl,
    handoff,
    directLine,
    fairUse,
    proof,
    reports,
    eraser,
    async drain(timeoutMs = 20_000) {
      draining = true;
      const deadline = Date.now() + timeoutMs;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeIdleConnections();
      const bounded = (work: Promise<unknown>) => Promise.race([work, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
      await bounded(turnGuard.idle());
      // Agent replies already submitted: deliver now rather than leave them to another instance's sweep.
      while (Date.now() < deadline && (await handoff.outbox.sweep(100).catch(() => 0)) > 0);
      await bounded(closed);
      logger.info({ turnsInFlight: turnGuard.running }, 'drained');
    },
    async close() {
      await handoff.close();
      await directLine?.close();
      await dlStore?.close();
      await messenger?.idle();
      await reports.recorder.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sandbox?.close();
      await infra.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const app = await buildApp(config, { logger });
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await app.drain();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err) => {
    console.error('LockerDesk failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
