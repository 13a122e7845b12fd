/**
 * Records report events for the parts that produce them (the bot, the dialogs, the hand-off):
 * `record` returns at once and never throws, so a slow or failing event store never slows or
 * breaks a customer's turn. Observers (the Prometheus counters) see each event synchronously,
 * before it is stored; a store failure is logged at most once a minute.
 */
import type { Logger } from '../logging/logger';
import type { EventStore } from './EventStore';
import type { ReportEvent } from './events';
import type { RatingState } from './RatingState';

/** What producers of events depend on. */
export interface ReportSink {
  record(event: ReportEvent): void;
}

/** The sink used where reports are not wired (tests of other parts). */
export const NO_REPORTS: ReportSink = { record: () => undefined };

export type ReportObserver = (event: ReportEvent) => void;

export class ReportRecorder implements ReportSink {
  private readonly pending = new Set<Promise<void>>();
  private readonly observers: ReportObserver[] = [];
  private lastWarn = 0;

  constructor(
    readonly store: EventStore,
    readonly ratings: RatingState,
    private readonly logger: Logger,
  ) {}

  /** Adds an observer (metrics); it must not throw, and is isolated if it does. */
  observe(observer: ReportObserver): void {
    this.observers.push(observer);
  }

  record(event: ReportEvent): void {
    for (const o of this.observers) {
      try {
        o(event);
      } catch (err) {
        this.logger.warn({ err, type: event.type }, 'ReportRecorder: observer failed');
      }
    }
    const p = this.store.append(event).catch((err: unknown) => {
      if (Date.now() - this.lastWarn < 60_000) return;
      this.lastWarn = Date.now();
      this.logger.warn({ err, type: event.type }, 'ReportRecorder: report event not stored (logged once a minute)');
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves once every event recorded so far is stored (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
