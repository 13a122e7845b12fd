/**
 * Composition of the hand-off for the composition root: shared state (Redis when REDIS_URL is
 * set, in-process memory otherwise), agents, the service, the dialogs' gateway, the ownership
 * middleware, the relay, the agent API and the background sweepers (outbox retries, unclaimed
 * priority-1 alerts). `index.ts` calls `openHandoffInfrastructure`, `createHandoffRuntime`,
 * then `attach` once the adapters and the server exist.
 *
 * Without `AGENTS`, demo console accounts exist in this process only (no password, one single-use
 * setup link each, sessions in memory even with Redis); with an https `PUBLIC_URL` that is refused
 * at start-up, because a public deployment must have real accounts.
 */
import type { BotAdapter, Storage } from 'botbuilder';
import type * as restify from 'restify';
import type { Config } from '../../services/config';
import type { BusinessCalendar } from '../../services/calendar/types';
import { AgentDirectory, AgentSessions, createDemoAgents, LoginThrottle, type AgentAccount, type SetupTokens } from '../../services/handoff/agentAuth';
import type { StoredAttachmentLookup } from '../../services/handoff/attachments';
import type { CaseStore } from '../../services/handoff/CaseStore';
import { DeliveryOutbox } from '../../services/handoff/DeliveryOutbox';
import { MemoryEventBus, type EventBus } from '../../services/handoff/EventBus';
import { HandoffService } from '../../services/handoff/HandoffService';
import { MemoryCaseStore } from '../../services/handoff/MemoryCaseStore';
import { WebhookNotifier, type AlertSink } from '../../services/handoff/Notifier';
import { memoryPorts, MemorySessionStore, type HandoffPorts } from '../../services/handoff/ports';
import { RedisCaseStore } from '../../services/handoff/RedisCaseStore';
import { redisPorts } from '../../services/handoff/redisPorts';
import { RedisEventBus } from '../../services/handoff/RedisEventBus';
import type { Messages } from '../../services/i18n/messages';
import { createLimiterFactory } from '../../services/limits/limiter';
import type { Reports } from '../../services/reports';
import type { Logger } from '../../services/logging/logger';
import { MemoryKeyValueStore } from '../../services/state/MemoryKeyValueStore';
import { RedisKeyValueStore } from '../../services/state/RedisKeyValueStore';
import { connectRedis, type RedisClient } from '../../services/state/redisClient';
import type { MessengerAdapter } from '../channels/messenger';
import { GIVEN_TTL_MS } from '../../dialogs/turn';
import { KeyValueBotStorage } from '../storage/BotStorage';
import { registerAgentApi, type AgentApi, type SupervisorTools } from '../http/agentApi';
import { clientAddressResolver } from '../http/clientAddress';
import { BotHandoffGateway } from './BotHandoffGateway';
import { CustomerRelay, type ProactiveAdapter } from './CustomerRelay';
import { HandoffMiddleware } from './HandoffMiddleware';

export interface HandoffInfrastructure {
  /** Bot state (ConversationState/UserState) storage. */
  botStorage: Storage;
  /** The noted values' storage: the same keys as the conversation state, each expiring `GIVEN_TTL_MS` after its last write. */
  noteStorage: Storage;
  store: CaseStore;
  bus: EventBus;
  ports: HandoffPorts;
  redis?: RedisClient;
  /** Key prefix on `redis` (REDIS_PREFIX). */
  redisPrefix?: string;
  close(): Promise<void>;
}

/** Deletes bot-state keys (`npm run erase`, the console's erase) from the state and the noted values' storage alike. */
export function stateKeyEraser(infra: Pick<HandoffInfrastructure, 'botStorage' | 'noteStorage'>): { delete(keys: string[]): Promise<void> } {
  return { delete: async (keys) => void (await Promise.all([infra.botStorage.delete(keys), infra.noteStorage.delete(keys)])) };
}

/**
 * Redis when configured (rejects with an error naming REDIS_URL when it is unreachable), else
 * memory, which only works for a single instance.
 */
export async function openHandoffInfrastructure(config: Pick<Config, 'redis' | 'business'>, logger: Logger): Promise<HandoffInfrastructure> {
  if (!config.redis) {
    const bus = new MemoryEventBus({ onError: (err) => logger.error({ err }, 'hand-off event handler failed') });
    return {
      // Conversation and user state expire like Redis's (30 days) and are bounded (a conversation keeps two items).
      botStorage: new KeyValueBotStorage(new MemoryKeyValueStore({ ttlMs: 30 * 86_400_000, maxItems: 200_000 })),
      noteStorage: new KeyValueBotStorage(new MemoryKeyValueStore({ ttlMs: GIVEN_TTL_MS, maxItems: 100_000 })),
      store: new MemoryCaseStore({ timeZone: config.business.timeZone }),
      bus,
      ports: memoryPorts(),
      close: () => bus.close(),
    };
  }
  const { url, cluster, prefix } = config.redis;
  let lastWarn = 0;
  const redis = await connectRedis(url, {
    cluster,
    connectionName: 'lockerdesk',
    onError: (err) => {
      if (Date.now() - lastWarn < 10_000) return;
      lastWarn = Date.now();
      logger.warn({ err: err.message }, 'Redis connection problem (reconnecting)');
    },
  });
  const bus = new RedisEventBus(redis, { prefix, onError: (err) => logger.error({ err }, 'hand-off event handler failed') });
  return {
    botStorage: new KeyValueBotStorage(new RedisKeyValueStore(redis, { prefix: `${prefix}state:`, ttlMs: 30 * 86_400_000 })),
    noteStorage: new KeyValueBotStorage(new RedisKeyValueStore(redis, { prefix: `${prefix}noted:`, ttlMs: GIVEN_TTL_MS })),
    store: new RedisCaseStore(redis, { prefix, timeZone: config.business.timeZone }),
    bus,
    ports: redisPorts(redis, prefix),
    redis,
    redisPrefix: prefix,
    async close() {
      await bus.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export interface HandoffRuntimeOptions {
  config: Pick<Config, 'handoff' | 'publicUrl' | 'port' | 'privacy'> & Partial<Pick<Config, 'trustedProxies'>>;
  infra: HandoffInfrastructure;
  messages: Messages;
  calendar: BusinessCalendar;
  logger: Logger;
  lockerName?: (lockerId: string) => string | undefined;
  alerts?: AlertSink;
  /** Outbox sweep interval. Default 1 s. */
  sweepMs?: number;
  /** How often each instance looks whether the retention job is due. Default 1 min. */
  retentionCheckMs?: number;
  /** The retention job runs once per this period across all instances. Default 1 h. */
  retentionPeriodMs?: number;
  /** Unclaimed-case check interval. Default 30 s. */
  alertCheckMs?: number;
  heartbeatMs?: number;
  ackIntervalMs?: number;
  outboxBackoffMs?: number[];
  outboxMaxAttempts?: number;
  webDir?: string;
  /** The embedded Direct Line's stored uploads (in-process); without it no upload is kept as stored. */
  storedAttachments?: StoredAttachmentLookup;
  /** Reports: hand-off events, the rating after an agent's close, the supervisors' report routes. */
  reports?: Reports;
  now?: () => Date;
}

export interface HandoffRuntime {
  service: HandoffService;
  gateway: BotHandoffGateway;
  middleware: HandoffMiddleware;
  relay: CustomerRelay;
  outbox: DeliveryOutbox;
  /** Demo sign-in links (relative to the server's base URL), only without configured agents. */
  demoLinks?: { username: string; role: string; path: string }[];
  /** Adapters for proactive messages, the agent API routes, the sweepers. */
  attach(opts: { server: restify.Server; cloud: ProactiveAdapter | BotAdapter; messenger?: MessengerAdapter; botAppId?: string; supervisorTools?: SupervisorTools }): AgentApi;
  close(): Promise<void>;
}

/** Thrown at start-up when a public deployment has no configured agents. */
export class DemoAgentsRefused extends Error {
  constructor() {
    super(
      'AGENTS (or AGENTS_FILE) must be set when PUBLIC_URL is https: demo console accounts are for local use only. Create accounts with `npm run agent:hash -- <password>` and set AGENTS.',
    );
    this.name = 'DemoAgentsRefused';
  }
}

/**
 * Refuses, before anything starts, a public deployment (https `PUBLIC_URL`) without configured
 * agents. Called first by the composition root and again by `createHandoffRuntime`.
 */
export function assertAgentsConfigured(config: Pick<Config, 'handoff' | 'publicUrl'>): void {
  if (!config.handoff.agents && config.publicUrl?.startsWith('https:')) throw new DemoAgentsRefused();
}

export async function createHandoffRuntime(o: HandoffRuntimeOptions): Promise<HandoffRuntime> {
  const { infra, logger, config } = o;
  const log = logger.child({ component: 'handoff' });
  let accounts: AgentAccount[];
  let setupTokens: SetupTokens | undefined;
  let demoLinks: HandoffRuntime['demoLinks'];
  let sessionStore = infra.ports.sessions;
  if (config.handoff.agents) accounts = config.handoff.agents;
  else {
    assertAgentsConfigured(config);
    const demo = createDemoAgents();
    accounts = demo.accounts;
    setupTokens = demo.tokens;
    // Demo sessions never outlive the process, whatever the shared store is.
    sessionStore = new MemorySessionStore();
    demoLinks = demo.links.map((l) => ({ username: l.username, role: l.role, path: `/agent#setup=${l.token}` }));
    const base = config.publicUrl?.replace(/\/+$/, '') ?? (config.port ? `http://localhost:${config.port}` : '');
    const lines = demoLinks.map((l) => `${l.role} "${l.username}": ${base}${l.path}`).join('  ');
    log.warn(`No AGENTS configured: demo console accounts for this process only. Sign in once with each link (single use; set AGENTS for real accounts): ${lines}`);
  }
  const directory = new AgentDirectory(accounts);
  const sessions = new AgentSessions(sessionStore, { ttlMs: config.handoff.sessionTtlMinutes * 60_000 });
  const throttle = new LoginThrottle(infra.redis && config.handoff.agents ? { kind: 'redis', client: infra.redis, prefix: infra.redisPrefix ?? 'ld:' } : { kind: 'memory' });
  const relay = new CustomerRelay({ conversations: infra.store, logger: log, now: o.now });
  const outbox = new DeliveryOutbox({ queue: infra.ports.outbox, leases: infra.ports.leases }, relay.deliver, {
    maxAttempts: o.outboxMaxAttempts,
    backoffMs: o.outboxBackoffMs,
    onError: (err, job) => log.warn({ err: err instanceof Error ? err.message : String(err), caseId: job?.caseId, attempts: job?.attempts }, 'delivery to the customer failed'),
    onState: async (job, state) => {
      if (state === 'sent' && job.attempts === 0) return;
      if (state !== 'sent') log.warn({ caseId: job.caseId, seq: job.seq, state }, 'message to the customer not delivered');
      await infra.bus.publish({ type: 'case.updated', caseId: job.caseId, at: new Date().toISOString() });
    },
  });
  const svc = new HandoffService({
    store: infra.store,
    bus: infra.bus,
    flags: infra.ports.flags,
    calendar: o.calendar,
    messages: o.messages,
    agents: directory,
    alerts: o.alerts ?? new WebhookNotifier({ url: config.handoff.webhookUrl, logger: log }),
    outbox,
    logger: log,
    targetHours: config.handoff.targetHours,
    unclaimedAlertMinutes: config.handoff.unclaimedAlertMinutes,
    publicUrl: config.publicUrl,
    ackIntervalMs: o.ackIntervalMs,
    lockerName: o.lockerName,
    signal: relay.signal,
    storedAttachments: o.storedAttachments,
    limits: createLimiterFactory({ redis: infra.redis, prefix: infra.redisPrefix }),
    casesPerCustomerPerHour: config.handoff.casesPerCustomerPerHour,
    offHoursAlertsPerHour: config.handoff.offHoursAlertsPerHour,
    reports: o.reports?.recorder,
    ratings: o.reports?.ratings,
    now: o.now,
  });
  const gateway = new BotHandoffGateway(svc.customers, log, o.now);
  const middleware = new HandoffMiddleware({ customers: svc.customers, messages: o.messages, logger: log, now: o.now });
  const timers: NodeJS.Timeout[] = [];
  let api: AgentApi | undefined;
  const busy = { sweep: false, alerts: false, retention: false };
  const every = (ms: number, name: keyof typeof busy, task: () => Promise<unknown>): void => {
    const t = setInterval(() => {
      if (busy[name]) return;
      busy[name] = true;
      task()
        .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, `hand-off ${name} failed`))
        .finally(() => {
          busy[name] = false;
        });
    }, ms);
    t.unref();
    timers.push(t);
  };

  return {
    service: svc,
    gateway,
    middleware,
    relay,
    outbox,
    demoLinks,
    attach({ server, cloud, messenger, botAppId, supervisorTools }) {
      relay.attach({ cloud, messenger, botAppId });
      api = registerAgentApi(server, {
        service: svc,
        directory,
        sessions,
        throttle,
        setupTokens,
        messages: o.messages,
        logger: log,
        secureCookie: config.publicUrl?.startsWith('https:') ?? false,
        heartbeatMs: o.heartbeatMs,
        webDir: o.webDir,
        reports: o.reports?.queries,
        supervisorTools,
        clientAddress: clientAddressResolver(config.trustedProxies ?? []),
      });
      every(o.sweepMs ?? 1000, 'sweep', () => outbox.sweep());
      // Retention: every instance checks; a once-per-period flag on the shared ports lets one run it.
      const retentionPeriodMs = o.retentionPeriodMs ?? 3_600_000;
      every(o.retentionCheckMs ?? 60_000, 'retention', () => svc.personalData.runRetentionOnce(config.privacy.retentionDays, retentionPeriodMs));
      every(o.alertCheckMs ?? 30_000, 'alerts', async () => {
        await svc.supervision.alertUnclaimed();
        await svc.supervision.releaseFromOfflineAgents();
      });
      return api;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      await api?.close();
    },
  };
}
