/**
 * Small, purpose-named ports for the hand-off's shared facts besides cases, each with a memory
 * implementation here and a Redis one in `redisPorts.ts`, all passing one contract suite
 * (`test/services/handoff/ports.test.ts`) on both:
 *
 * - `Leases`: "this instance drains conversation X for the next N seconds";
 * - `OnceFlags`: "the alert for case X went out", "the last ack to conversation X was at T";
 * - `OutboxQueue`: the per-conversation FIFO of proactive messages, its retry schedule and the
 *   delivery state of each message;
 * - `SessionStore`: agent console sessions (hashed ids only).
 *
 * Login throttling uses rate-limiter-flexible directly (`LoginThrottle` in `agentAuth.ts`).
 * Shared by all bot instances (Redis), so a session made on instance A is valid on instance B and
 * a case alert is sent once, not once per instance. The memory versions expire and sweep entries
 * like Redis does, so a single process without Redis does not grow without bound.
 */
import { randomUUID } from 'crypto';
import type { DeliveryState } from './caseView';
import { ExpiringMap } from './expiringMap';

/** Exclusive, expiring right to do something (drain a conversation's outbox). */
export interface Leases {
  /** A token when the lease was free and is now ours for `ttlMs`; undefined when someone holds it. */
  acquire(name: string, ttlMs: number): Promise<string | undefined>;
  /** Gives the lease back, only if `token` still holds it. */
  release(name: string, token: string): Promise<void>;
}

/** Flags set once per period: the first caller wins, everyone sees the first value. */
export interface OnceFlags {
  /**
   * Sets `name` to `value` for `ttlMs` unless it is already set. `first` tells whether this call
   * set it; `value` is what the flag holds now (the first caller's value).
   */
  setOnce(name: string, ttlMs: number, value?: string): Promise<{ first: boolean; value: string }>;
  clear(name: string): Promise<void>;
}

/** The proactive-message queue of every conversation, its retry schedule and delivery states. */
export interface OutboxQueue {
  /** Appends a serialised job to the conversation's FIFO. */
  push(conversationId: string, job: string): Promise<void>;
  head(conversationId: string): Promise<string | undefined>;
  /** Replaces the head (after a failed attempt). No-op on an empty queue. */
  replaceHead(conversationId: string, job: string): Promise<void>;
  /** Removes the head. */
  shift(conversationId: string): Promise<void>;
  size(conversationId: string): Promise<number>;
  /** When the conversation's queue should be drained next (epoch ms). */
  schedule(conversationId: string, atMs: number): Promise<void>;
  unschedule(conversationId: string): Promise<void>;
  /** Conversations due at `nowMs`, earliest first, at most `limit`. */
  due(nowMs: number, limit: number): Promise<string[]>;
  /** Delivery state of the case transcript entry `seq`; kept `ttlMs`. */
  setState(caseId: string, seq: number, state: DeliveryState, ttlMs: number): Promise<void>;
  states(caseId: string): Promise<Record<number, DeliveryState>>;
}

/** Server-side agent sessions by (hashed) id. */
export interface SessionStore {
  put(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
}

/** Memory `Leases`. */
export class MemoryLeases implements Leases {
  private readonly held: ExpiringMap<string>;

  constructor(now: () => number = Date.now) {
    this.held = new ExpiringMap(now);
  }

  async acquire(name: string, ttlMs: number): Promise<string | undefined> {
    if (this.held.has(name)) return undefined;
    const token = randomUUID();
    this.held.set(name, token, ttlMs);
    return token;
  }

  async release(name: string, token: string): Promise<void> {
    if (this.held.get(name) === token) this.held.delete(name);
  }
}

/** Memory `OnceFlags`. */
export class MemoryOnceFlags implements OnceFlags {
  private readonly flags: ExpiringMap<string>;

  constructor(now: () => number = Date.now) {
    this.flags = new ExpiringMap(now);
  }

  async setOnce(name: string, ttlMs: number, value = '1'): Promise<{ first: boolean; value: string }> {
    const existing = this.flags.get(name);
    if (existing !== undefined) return { first: false, value: existing };
    this.flags.set(name, value, ttlMs);
    return { first: true, value };
  }

  async clear(name: string): Promise<void> {
    this.flags.delete(name);
  }

  /** Flags held (live or not yet swept). */
  get size(): number {
    return this.flags.size;
  }
}

/** Memory `OutboxQueue`. Delivery states expire like in Redis. */
export class MemoryOutboxQueue implements OutboxQueue {
  private readonly queues = new Map<string, string[]>();
  private readonly dueAt = new Map<string, number>();
  private readonly stateOf: ExpiringMap<Map<number, DeliveryState>>;

  constructor(now: () => number = Date.now) {
    this.stateOf = new ExpiringMap(now);
  }

  async push(conversationId: string, job: string): Promise<void> {
    const q = this.queues.get(conversationId) ?? [];
    q.push(job);
    this.queues.set(conversationId, q);
  }

  async head(conversationId: string): Promise<string | undefined> {
    return this.queues.get(conversationId)?.[0];
  }

  async replaceHead(conversationId: string, job: string): Promise<void> {
    const q = this.queues.get(conversationId);
    if (q?.length) q[0] = job;
  }

  async shift(conversationId: string): Promise<void> {
    const q = this.queues.get(conversationId);
    q?.shift();
    if (q && !q.length) this.queues.delete(conversationId);
  }

  async size(conversationId: string): Promise<number> {
    return this.queues.get(conversationId)?.length ?? 0;
  }

  async schedule(conversationId: string, atMs: number): Promise<void> {
    this.dueAt.set(conversationId, atMs);
  }

  async unschedule(conversationId: string): Promise<void> {
    this.dueAt.delete(conversationId);
  }

  async due(nowMs: number, limit: number): Promise<string[]> {
    return [...this.dueAt.entries()]
      .filter(([, at]) => at <= nowMs)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([id]) => id);
  }

  async setState(caseId: string, seq: number, state: DeliveryState, ttlMs: number): Promise<void> {
    const m = this.stateOf.get(caseId) ?? new Map<number, DeliveryState>();
    m.set(seq, state);
    this.stateOf.set(caseId, m, ttlMs);
  }

  async states(caseId: string): Promise<Record<number, DeliveryState>> {
    return Object.fromEntries(this.stateOf.get(caseId) ?? []);
  }
}

/** Memory `SessionStore`. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions: ExpiringMap<string>;

  constructor(now: () => number = Date.now) {
    this.sessions = new ExpiringMap(now);
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    this.sessions.set(key, value, ttlMs);
  }

  async get(key: string): Promise<string | undefined> {
    return this.sessions.get(key);
  }

  async delete(key: string): Promise<void> {
    this.sessions.delete(key);
  }

  /** Sessions held (live or not yet swept). */
  get size(): number {
    return this.sessions.size;
  }
}

/** The four ports together, as the hand-off runtime wires them. */
export interface HandoffPorts {
  leases: Leases;
  flags: OnceFlags;
  outbox: OutboxQueue;
  sessions: SessionStore;
}

export function memoryPorts(now: () => number = Date.now): HandoffPorts {
  return { leases: new MemoryLeases(now), flags: new MemoryOnceFlags(now), outbox: new MemoryOutboxQueue(now), sessions: new MemorySessionStore(now) };
}
