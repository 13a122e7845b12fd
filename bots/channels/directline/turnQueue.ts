/**
 * One bot turn at a time per conversation, in arrival order, as on Azure: a customer's second
 * message never overtakes the first, and two turns never race on the same conversation state.
 * A queue is bounded (a client cannot pile up turns in memory) and every turn is awaited with a
 * timeout (the HTTP answer does not wait forever; the turn itself still runs to its end). With a
 * {@link TurnLock} (Redis), the same holds across instances.
 */

/** The bot did not finish within the timeout (the turn goes on; its replies arrive later). */
export class TurnTimeout extends Error {
  constructor(ms: number) {
    super(`bot turn exceeded ${ms} ms`);
    this.name = 'TurnTimeout';
  }
}

/** Too many turns already wait for this conversation. */
export class TurnQueueFull extends Error {
  constructor() {
    super('too many turns waiting');
    this.name = 'TurnQueueFull';
  }
}

/**
 * Serializes a conversation's turns across instances (several bot processes behind one load
 * balancer, no sticky routing): the queue takes the conversation's lock around every turn.
 */
export interface TurnLock {
  /** Resolves with the release function once this instance holds the conversation's lock. */
  acquire(conversationId: string): Promise<() => Promise<void>>;
}

/** Something with leases, e.g. the hand-off's `RedisLeases` under the Direct Line's key prefix. */
export interface LeaseSource {
  acquire(name: string, ttlMs: number): Promise<string | undefined>;
  release(name: string, token: string): Promise<void>;
}

export interface LeaseTurnLockOptions {
  /** How long one turn may hold the lock before it lapses (a crashed instance never blocks a conversation for longer). Default 30 s. */
  ttlMs?: number;
  /** How long to wait for the lock; then the turn runs anyway (a customer's message is never dropped for a lock). Default 20 s. */
  waitMs?: number;
  /** Polling interval while another instance holds it. Default 25 ms. */
  pollMs?: number;
  /** Told when a turn ran without the lock (waited too long, or the lease store failed). */
  onUnlocked?: (conversationId: string, err?: unknown) => void;
}

/**
 * A {@link TurnLock} on leases (`turn:<conversation id>`): fails open — when the lease store is
 * down or the lock is not free within `waitMs`, the turn runs unlocked (bot state's eTags still
 * catch a conflicting write) rather than the customer's message being lost.
 */
export function leaseTurnLock(leases: LeaseSource, o: LeaseTurnLockOptions = {}): TurnLock {
  const ttlMs = o.ttlMs ?? 30_000;
  const waitMs = o.waitMs ?? 20_000;
  const pollMs = o.pollMs ?? 25;
  const unlocked = async (): Promise<void> => undefined;
  return {
    async acquire(conversationId) {
      const name = `turn:${conversationId}`;
      const started = Date.now();
      try {
        for (;;) {
          const token = await leases.acquire(name, ttlMs);
          if (token) return () => leases.release(name, token).catch(() => undefined);
          if (Date.now() - started >= waitMs) {
            o.onUnlocked?.(conversationId);
            return unlocked;
          }
          await new Promise((r) => setTimeout(r, pollMs + Math.floor(Math.random() * pollMs)));
        }
      } catch (err) {
        o.onUnlocked?.(conversationId, err);
        return unlocked;
      }
    },
  };
}

export interface TurnQueueOptions {
  /** How long `run` waits for a turn before rejecting with {@link TurnTimeout}. */
  timeoutMs: number;
  /** Turns waiting or running per conversation; beyond it `run` rejects with {@link TurnQueueFull}. */
  maxPending: number;
  /** Serializes turns across instances too (Redis); default none (one process). */
  lock?: TurnLock;
}

export class TurnQueue {
  private readonly tails = new Map<string, { tail: Promise<void>; pending: number }>();

  constructor(private readonly o: TurnQueueOptions) {}

  /** Runs `turn` after the conversation's earlier turns; resolves when it is done (or rejects on timeout). */
  run(conversationId: string, turn: () => Promise<void>): Promise<void> {
    const queue = this.tails.get(conversationId) ?? { tail: Promise.resolve(), pending: 0 };
    if (queue.pending >= this.o.maxPending) return Promise.reject(new TurnQueueFull());
    queue.pending += 1;
    const lock = this.o.lock;
    const run = queue.tail.then(
      lock
        ? async () => {
            const release = await lock.acquire(conversationId);
            try {
              await turn();
            } finally {
              await release();
            }
          }
        : turn,
    );
    const tail = run
      .catch(() => undefined)
      .finally(() => {
        queue.pending -= 1;
        if (queue.pending === 0 && this.tails.get(conversationId) === queue) this.tails.delete(conversationId);
      });
    queue.tail = tail;
    this.tails.set(conversationId, queue);
    return withTimeout(run, this.o.timeoutMs);
  }

  /** False when the conversation's queue is full (check before accepting work meant for it). */
  hasRoom(conversationId: string): boolean {
    return (this.tails.get(conversationId)?.pending ?? 0) < this.o.maxPending;
  }

  /** Conversations with turns in flight (for tests: the map empties itself). */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves when every turn queued so far has finished. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()].map((q) => q.tail));
  }
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TurnTimeout(ms)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
