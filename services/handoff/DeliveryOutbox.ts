/**
 * The way every proactive message to a customer (agent replies, closing notes, work-order news)
 * leaves: through a per-conversation FIFO in the shared store, drained by whichever instance holds
 * the conversation's lease. So a message is never lost when the channel fails (it stays at the
 * head and is retried with backoff, bounded), messages of one conversation keep their order even
 * across instances, and a killed instance's pending messages are picked up by the sweeper of any
 * other (or of its successor).
 *
 * The delivery state of each message is kept per case transcript entry (`states`), so the agent
 * sees `sent`, `pending`, `failed` (gave up after `maxAttempts`) or `undelivered` (outside the
 * channel's reply window: kept in the transcript, not sent).
 */
import { randomUUID } from 'crypto';
import type { DeliveryState } from './caseView';
import type { Leases, OutboxQueue } from './ports';

export interface DeliveryJob {
  id: string;
  /** Where to send: a conversation with a stored reference. */
  conversationId: string;
  caseId: string;
  /** The transcript entry this delivers (its 1-based seq in the case transcript). */
  seq: number;
  /** `agent` messages are human-written (Messenger HUMAN_AGENT tag); `bot` ones never are. */
  from: 'agent' | 'bot';
  text: string;
  /** Answer buttons under a bot message (the rating question): the title is shown, the value sent back. */
  buttons?: { title: string; value: string }[];
  attempts: number;
  createdAt: string;
  lastError?: string;
}

/** `sent`; `undelivered` = must not be sent (reply window closed, no reference). Throw to retry. */
export type DeliverFn = (job: DeliveryJob) => Promise<'sent' | 'undelivered'>;

export interface DeliveryOutboxOptions {
  /** Attempts before a message is marked `failed`. Default 8. */
  maxAttempts?: number;
  /** Wait before attempt n+1 (last value repeats). Default 1 s, 5 s, 15 s, 30 s, 1 min, 2 min, 5 min. */
  backoffMs?: number[];
  /** How long one instance may hold a conversation's queue. Default 60 s. */
  leaseMs?: number;
  /** Called after a job's state changed (for console events). Errors are ignored. */
  onState?: (job: DeliveryJob, state: DeliveryState) => void | Promise<void>;
  onError?: (err: unknown, job?: DeliveryJob) => void;
  now?: () => number;
}

const STATE_TTL_MS = 30 * 86_400_000;
/** Messages one drain may send before yielding (keeps one loop bounded). */
const MAX_PER_DRAIN = 200;

export class DeliveryOutbox {
  private readonly maxAttempts: number;
  private readonly backoffMs: number[];
  private readonly leaseMs: number;
  private readonly now: () => number;

  constructor(
    private readonly ports: { queue: OutboxQueue; leases: Leases },
    private readonly deliver: DeliverFn,
    private readonly opts: DeliveryOutboxOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.backoffMs = opts.backoffMs ?? [1000, 5000, 15000, 30000, 60000, 120000, 300000];
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Queues a message behind any pending ones of its conversation and tries to send right away.
   * Resolves with the message's state afterwards (`pending` when it waits for a retry or for
   * another instance draining the conversation).
   */
  async submit(input: Omit<DeliveryJob, 'id' | 'attempts' | 'createdAt'>): Promise<DeliveryState> {
    const job: DeliveryJob = { ...input, id: randomUUID(), attempts: 0, createdAt: new Date(this.now()).toISOString() };
    const { queue } = this.ports;
    await queue.setState(job.caseId, job.seq, 'pending', STATE_TTL_MS);
    await queue.push(job.conversationId, JSON.stringify(job));
    await queue.schedule(job.conversationId, this.now());
    await this.drain(job.conversationId);
    return (await this.states(job.caseId))[job.seq] ?? 'pending';
  }

  /** Delivery states of a case's transcript entries by seq. */
  async states(caseId: string): Promise<Record<number, DeliveryState>> {
    return this.ports.queue.states(caseId);
  }

  /** Drains conversations whose next attempt is due; returns how many it looked at. */
  async sweep(limit = 20): Promise<number> {
    const due = await this.ports.queue.due(this.now(), limit);
    for (const conversationId of due) await this.drain(conversationId);
    return due.length;
  }

  /** Sends the conversation's queue in order while this instance holds its lease. */
  async drain(conversationId: string): Promise<void> {
    const lease = `ob:${conversationId}`;
    const token = await this.ports.leases.acquire(lease, this.leaseMs);
    if (!token) return;
    const { queue } = this.ports;
    try {
      for (let i = 0; i < MAX_PER_DRAIN; i++) {
        const raw = await queue.head(conversationId);
        if (!raw) {
          await queue.unschedule(conversationId);
          // A job pushed between the read and the removal would otherwise wait for nobody.
          if ((await queue.size(conversationId)) === 0) return;
          continue;
        }
        const job = JSON.parse(raw) as DeliveryJob;
        let state: DeliveryState;
        try {
          state = await this.deliver(job);
        } catch (err) {
          job.attempts += 1;
          job.lastError = err instanceof Error ? err.message : String(err);
          this.opts.onError?.(err, job);
          if (job.attempts < this.maxAttempts) {
            await queue.replaceHead(conversationId, JSON.stringify(job));
            const wait = this.backoffMs[Math.min(job.attempts - 1, this.backoffMs.length - 1)];
            await queue.schedule(conversationId, this.now() + wait);
            return;
          }
          state = 'failed';
        }
        await queue.shift(conversationId);
        await this.setState(job, state);
      }
      await queue.schedule(conversationId, this.now());
    } finally {
      await this.ports.leases.release(lease, token);
    }
  }

  private async setState(job: DeliveryJob, state: DeliveryState): Promise<void> {
    await this.ports.queue.setState(job.caseId, job.seq, state, STATE_TTL_MS);
    try {
      await this.opts.onState?.(job, state);
    } catch (err) {
      this.opts.onError?.(err, job);
    }
  }
}
