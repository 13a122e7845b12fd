/**
 * Composition of the hand-off for the composition root: shared state (Redis when REDIS_URL is
 * set, in-process memory otherwise), agents, the service, the dialogs' gateway, the ownership
 * middleware, the relay, the agent API and the background sweepers (outbox retries, unclaimed
 * priority-1 alerts). `index.ts` calls `openHandoffInfrastructure`, `createHandoffRuntime`,
 * then `attach` once the adapters and the server exist.
 */
import type { BotAdapter, Storage } from 'botbuilder';
import type * as restify from 'restify';
import type { Config } from '../../services/config';
import type { BusinessCalendar } from '../../services/calendar/types';
import { AgentDirectory, AgentSessions, ensureDemoAgents, LoginLimiter } from '../../services/handoff/agentAuth';
import { MemoryAuxStore, type AuxStore } from '../../services/handoff/AuxStore';
import type { CaseStore } from '../../services/handoff/CaseStore';
import { DeliveryOutbox } from '../../services/handoff/DeliveryOutbox';
import { MemoryEventBus, type EventBus } from '../../services/handoff/EventBus';
import { HandoffService } from '../../services/handoff/HandoffService';
import { MemoryCaseStore } from '../../services/handoff/MemoryCaseStore';
import { WebhookNotifier, type AlertSink } from '../../services/handoff/Notifier';
import { RedisAuxStore } from '../../services/handoff/RedisAuxStore';
import { RedisCaseStore } from '../../services/handoff/RedisCaseStore';
import { RedisEventBus } from '../../services/handoff/RedisEventBus';
import type { Messages } from '../../services/i18n/messages';
import type { Logger } from '../../services/logging/logger';
import { MemoryKeyValueStore } from '../../services/state/MemoryKeyValueStore';
import { RedisKeyValueStore } from '../../services/state/RedisKeyValueStore';
import { connectRedis, type RedisClient } from '../../services/state/redisClient';
import type { MessengerAdapter } from '../channels/messenger';
import { KeyValueBotStorage } from '../storage/BotStorage';
import { registerAgentApi, type AgentApi } from './agentApi';
import { BotHandoffGateway } from './BotHandoffGateway';
import { CustomerRelay, type ProactiveAdapter } from './CustomerRelay';
import { HandoffMiddleware } from './HandoffMiddleware';

export interface HandoffInfrastructure {
  /** Bot state (ConversationState/UserState) storage. */
  botStorage: Storage;
  store: CaseStore;
  bus: EventBus;
  aux: AuxStore;
  redis?: RedisClient;
  close(): Promise<void>;
}

/**
 * Redis when configured (rejects with an error naming REDIS_URL when it is unreachable), else
 * memory, which only works for a single instance.
 */
export async function openHandoffInfrastructure(config: Pick<Config, 'redis' | 'business'>, logger: Logger): Promise<HandoffInfrastructure> {
  if (!config.redis) {
    const bus = new MemoryEventBus({ onError: (err) => logger.error({ err }, 'hand-off event handler failed') });
    return {
      botStorage: new KeyValueBotStorage(new MemoryKeyValueStore()),
      store: new MemoryCaseStore({ timeZone: config.business.timeZone }),
      bus,
      aux: new MemoryAuxStore(),
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
    store: new RedisCaseStore(redis, { prefix, timeZone: config.business.timeZone }),
    bus,
    aux: new RedisAuxStore(redis, { prefix }),
    redis,
    async close() {
      await bus.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export interface HandoffRuntimeOptions {
  config: Pick<Config, 'handoff' | 'publicUrl'>;
  infra: HandoffInfrastructure;
  messages: Messages;
  calendar: BusinessCalendar;
  logger: Logger;
  lockerName?: (lockerId: string) => string | undefined;
  alerts?: AlertSink;
  /** Outbox sweep interval. Default 1 s. */
  sweepMs?: number;
  /** Unclaimed-case check interval. Default 30 s. */
  alertCheckMs?: number;
  heartbeatMs?: number;
  ackIntervalMs?: number;
  outboxBackoffMs?: number[];
  outboxMaxAttempts?: number;
  webDir?: string;
  now?: () => Date;
}

export interface HandoffRuntime {
  service: HandoffService;
  gateway: BotHandoffGateway;
  middleware: HandoffMiddleware;
  relay: CustomerRelay;
  outbox: DeliveryOutbox;
  /** Adapters for proactive messages, the agent API routes, the sweepers. */
  attach(opts: { server: restify.Server; cloud: ProactiveAdapter | BotAdapter; messenger?: MessengerAdapter; botAppId?: string }): AgentApi;
  close(): Promise<void>;
}

export async function createHandoffRuntime(o: HandoffRuntimeOptions): Promise<HandoffRuntime> {
  const { infra, logger, config } = o;
  const log = logger.child({ component: 'handoff' });
  let accounts = config.handoff.agents;
  if (!accounts) {
    const demo = await ensureDemoAgents(infra.aux);
    accounts = demo.accounts;
    if (demo.created) {
      const lines = demo.created.map((c) => `${c.role} login "${c.username}" password "${c.password}"`).join('; ');
      log.warn(`No AGENTS configured: created demo console accounts (shown once, set AGENTS for real ones): ${lines}`);
    } else log.warn('No AGENTS configured: using the demo console accounts created earlier (their passwords were logged once at creation)');
  }
  const directory = new AgentDirectory(accounts);
  const sessions = new AgentSessions(infra.aux, { ttlMs: config.handoff.sessionTtlMinutes * 60_000 });
  const limiter = new LoginLimiter(infra.aux);
  const relay = new CustomerRelay({ store: infra.store, logger: log, now: o.now });
  const outbox = new DeliveryOutbox(infra.aux, relay.deliver, {
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
    aux: infra.aux,
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
    now: o.now,
  });
  const gateway = new BotHandoffGateway(svc, log);
  const middleware = new HandoffMiddleware({ service: svc, messages: o.messages, logger: log, now: o.now });
  const timers: NodeJS.Timeout[] = [];
  let api: AgentApi | undefined;
  const busy = { sweep: false, alerts: false };
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
    attach({ server, cloud, messenger, botAppId }) {
      relay.attach({ cloud, messenger, botAppId });
      api = registerAgentApi(server, {
        service: svc,
        directory,
        sessions,
        limiter,
        messages: o.messages,
        logger: log,
        secureCookie: config.publicUrl?.startsWith('https:') ?? false,
        heartbeatMs: o.heartbeatMs,
        webDir: o.webDir,
      });
      every(o.sweepMs ?? 1000, 'sweep', () => outbox.sweep());
      every(o.alertCheckMs ?? 30_000, 'alerts', async () => {
        await svc.alertUnclaimed();
        await svc.releaseFromOfflineAgents();
      });
      return api;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      await api?.close();
    },
  };
}
