/**
 * The real bot on TestAdapters (test/support/botHarness) with the hand-off wired in: the
 * `BotHandoffGateway` in the dialogs' deps and the `HandoffMiddleware` on every conversation's
 * adapter, over a memory or Redis-backed store. The hand-off clock runs from a fixed Monday 10:00
 * Vilnius time (business hours) at real speed, so queue order follows real order.
 */
import { createLogger } from '../../../services/logging/logger';
import { loadConfig } from '../../../services/config';
import { MemoryEventBus } from '../../../services/handoff/EventBus';
import { MemoryCaseStore } from '../../../services/handoff/MemoryCaseStore';
import { memoryPorts } from '../../../services/handoff/ports';
import { RedisCaseStore } from '../../../services/handoff/RedisCaseStore';
import { redisPorts } from '../../../services/handoff/redisPorts';
import { RedisEventBus } from '../../../services/handoff/RedisEventBus';
import { MemoryKeyValueStore } from '../../../services/state/MemoryKeyValueStore';
import type { RedisClient } from '../../../services/state/redisClient';
import { KeyValueBotStorage } from '../../../bots/storage/BotStorage';
import { createHandoffRuntime, type HandoffInfrastructure, type HandoffRuntime } from '../../../bots/handoff';
import { conversation, createWorld, type Conversation, type World } from '../../support/botHarness';

/** Monday 2024-01-15 10:00 Europe/Vilnius. */
export const BUSINESS_MONDAY = Date.parse('2024-01-15T08:00:00Z');

export function businessClock(base = BUSINESS_MONDAY): () => Date {
  const started = Date.now();
  return () => new Date(base + (Date.now() - started));
}

export function memoryInfrastructure(): HandoffInfrastructure {
  const bus = new MemoryEventBus();
  return {
    botStorage: new KeyValueBotStorage(new MemoryKeyValueStore()),
    noteStorage: new KeyValueBotStorage(new MemoryKeyValueStore()),
    store: new MemoryCaseStore(),
    bus,
    ports: memoryPorts(),
    close: () => bus.close(),
  };
}

export function redisInfrastructure(client: RedisClient, prefix: string): HandoffInfrastructure {
  const bus = new RedisEventBus(client, { prefix });
  return {
    botStorage: new KeyValueBotStorage(new MemoryKeyValueStore()),
    noteStorage: new KeyValueBotStorage(new MemoryKeyValueStore()),
    store: new RedisCaseStore(client, { prefix }),
    bus,
    ports: redisPorts(client, prefix),
    redis: client,
    redisPrefix: prefix,
    close: () => bus.close(),
  };
}

let customers = 0;

export interface HandoffWorld {
  world: World;
  runtime: HandoffRuntime;
  infra: HandoffInfrastructure;
  now: () => Date;
  /** A new customer conversation through the middleware. */
  talk(): Conversation;
  close(): Promise<void>;
}

export async function handoffWorld(infra: HandoffInfrastructure, opts: { now?: () => Date; ackIntervalMs?: number } = {}): Promise<HandoffWorld> {
  const world = await createWorld();
  const now = opts.now ?? businessClock();
  const config = loadConfig({});
  const runtime = await createHandoffRuntime({
    config,
    infra,
    messages: world.messages,
    calendar: world.deps.calendar,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    lockerName: (id) => world.lockers.get(id)?.name,
    ackIntervalMs: opts.ackIntervalMs,
    now,
  });
  world.deps.handoff = runtime.gateway;
  return {
    world,
    runtime,
    infra,
    now,
    talk() {
      const c = conversation(world);
      // botHarness's template has no `from`: give every conversation its own customer.
      customers += 1;
      c.adapter.template.from = { id: `customer-${customers}-${Date.now()}`, name: 'Customer' };
      c.adapter.use(runtime.middleware);
      return c;
    },
    async close() {
      await runtime.close();
      await infra.close();
      await world.close();
    },
  };
}

/** The case id in a reply (`C-240115-0001`). */
export function caseIdIn(text: string): string | undefined {
  return /C-\d{6}-\d{4}/.exec(text)?.[0];
}
