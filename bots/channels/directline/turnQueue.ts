/**
 * One bot turn at a time per conversation, in arrival order, as on Azure: a customer's second
 * message never overtakes the first, and two turns never race on the same conversation state.
 * A queue is bounded (a client cannot pile up turns in memory) and every turn is awaited with a
 * timeout (the HTTP answer does not wait forever; the turn itself still runs to its end). Across
 * instances (Redis), `TurnGuardMiddleware` on the adapter keeps one conversation's turns apart.
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

export interface TurnQueueOptions {
  /** How long `run` waits for a turn before rejecting with {@link TurnTimeout}. */
  timeoutMs: number;
  /** Turns waiting or running per conversation; beyond it `run` rejects with {@link TurnQueueFull}. */
  maxPending: number;
}

export class TurnQueue {
  private readonly tails = new Map<string, { tail: Promise<void>; pending: number }>();

  constructor(private readonly o: TurnQueueOptions) {}

  /** Runs `turn` after the conversation's earlier turns; resolves when it is done (or rejects on timeout). */
  run(conversationId: string, turn: () => Promise<void>): Promise<void> {
    const queue = this.tails.get(conversationId) ?? { tail: Promise.resolve(), pending: 0 };
    if (queue.pending >= this.o.maxPending) return Promise.reject(new TurnQueueFull());
    queue.pending += 1;
    const run = queue.tail.then(turn);
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
