/**
 * Hand-off events between bot instances and agent consoles: a customer message arriving at
 * instance A reaches the agent connected to instance B. Every subscriber receives every event,
 * including its own instance's, in publish order; an async handler finishes before the next event
 * is handed to it, so order holds end to end.
 *
 * Events are notifications, not the record: messages are first appended to the case transcript
 * (`CaseStore.appendTranscript`), whose `seq` travels in the event, so a console that was
 * disconnected (or sees `bus.resync`) reloads with `transcript(..., { fromSeq })` and loses nothing.
 */
import { randomUUID } from 'crypto';
import type { TranscriptEntry } from './types';

interface EventBase {
  /** ISO time of publishing. */
  at: string;
  /** Instance that published (set by the bus when omitted). */
  origin?: string;
}

export type CaseEventType = 'case.created' | 'case.updated' | 'case.claimed' | 'case.released' | 'case.transferred' | 'case.closed';

export type HandoffEvent =
  | (EventBase & { type: CaseEventType; caseId: string; conversationId?: string; agentId?: string })
  | (EventBase & { type: 'message'; caseId?: string; conversationId: string; entry: TranscriptEntry; seq?: number })
  | (EventBase & { type: 'presence'; agentId: string; online: boolean })
  /** Local only: the bus was disconnected and may have missed events; reload state from the store. */
  | (EventBase & { type: 'bus.resync' });

export type EventHandler = (event: HandoffEvent) => void | Promise<void>;
export type Unsubscribe = () => Promise<void>;

export interface EventBus {
  /** Resolves once the event is handed to the transport (not when handlers ran). */
  publish(event: HandoffEvent): Promise<void>;
  /** Resolves once the subscription is active: events published afterwards will be delivered. */
  subscribe(handler: EventHandler): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export interface EventBusOptions {
  /** Stamped as `origin` on published events. Default: a random id. */
  instanceId?: string;
  /** Receives handler errors (a failing handler never stops delivery). */
  onError?: (err: unknown, event: HandoffEvent) => void;
}

/** Delivers to a set of handlers, each through its own ordered queue. */
export class Fanout {
  private readonly subs = new Map<symbol, { handler: EventHandler; tail: Promise<void> }>();

  constructor(private readonly onError: (err: unknown, event: HandoffEvent) => void) {}

  get size(): number {
    return this.subs.size;
  }

  add(handler: EventHandler): () => void {
    const id = Symbol('subscription');
    this.subs.set(id, { handler, tail: Promise.resolve() });
    return () => {
      this.subs.delete(id);
    };
  }

  deliver(event: HandoffEvent): void {
    for (const sub of this.subs.values()) {
      sub.tail = sub.tail.then(async () => {
        try {
          await sub.handler(event);
        } catch (err) {
          this.onError(err, event);
        }
      });
    }
  }
}

/** In-process bus: one instance shared by everything in the process. */
export class MemoryEventBus implements EventBus {
  private readonly fanout: Fanout;
  private readonly instanceId: string;

  constructor(opts: EventBusOptions = {}) {
    this.instanceId = opts.instanceId ?? randomUUID();
    this.fanout = new Fanout(opts.onError ?? (() => undefined));
  }

  async publish(event: HandoffEvent): Promise<void> {
    this.fanout.deliver(JSON.parse(JSON.stringify({ ...event, origin: event.origin ?? this.instanceId })) as HandoffEvent);
  }

  async subscribe(handler: EventHandler): Promise<Unsubscribe> {
    const remove = this.fanout.add(handler);
    return async () => remove();
  }

  async close(): Promise<void> {}
}
