/**
 * Reports on what the bot saves (issue #12): the event store (memory or Redis), the recorder the
 * bot, dialogs and hand-off write to, the rating state, and the supervisors' queries.
 */
import type { Lang } from '../i18n/langs';
import type { Logger } from '../logging/logger';
import type { RedisClient } from '../state/redisClient';
import { MemoryEventStore, RedisEventStore, type EventStore } from './EventStore';
import { storedText, type ReportEvent } from './events';
import { MemoryRatingState, RedisRatingState, type RatingState } from './RatingState';
import { buildReport, type Period, type Report } from './report';
import { ReportRecorder } from './ReportRecorder';
import { REPEAT_WINDOW_MS, containmentRate, conversationOutcomes } from './containment';
import { unrecognizedLines, type UnrecognizedLine } from './unrecognized';

export { ReportRecorder, NO_REPORTS, type ReportSink } from './ReportRecorder';
export type { ReportEvent } from './events';

export interface ReportsSettings {
  retentionDays: number;
  maxEvents: number;
}

export interface Reports {
  recorder: ReportRecorder;
  ratings: RatingState;
  store: EventStore;
  queries: ReportQueries;
}

export function createReports(o: { settings: ReportsSettings; redis?: { client: RedisClient; prefix: string }; logger: Logger; timeZone: string; now?: () => Date }): Reports {
  const clock = o.now;
  const now = clock ? () => clock().getTime() : Date.now;
  const retention = { retentionMs: o.settings.retentionDays * 86_400_000, maxEvents: o.settings.maxEvents, now };
  const store: EventStore = o.redis ? new RedisEventStore(o.redis.client, { ...retention, prefix: o.redis.prefix }) : new MemoryEventStore(retention);
  const ratings: RatingState = o.redis ? new RedisRatingState(o.redis.client, o.redis.prefix) : new MemoryRatingState(now);
  const recorder = new ReportRecorder(store, ratings, o.logger);
  return { recorder, ratings, store, queries: new ReportQueries(store, recorder, o.timeZone, now) };
}

/** What the reports page (and the containment gauge) asks. */
export class ReportQueries {
  private containment?: { at: number; value: Promise<number> };

  constructor(
    private readonly store: EventStore,
    private readonly recorder: ReportRecorder,
    readonly timeZone: string,
    private readonly clock: () => number,
  ) {}

  /** The clock reports are measured by (the application's). */
  now(): Date {
    return new Date(this.clock());
  }

  async report(fromMs: number, toMs: number, period: Period): Promise<Report> {
    await this.recorder.idle();
    // A day before for the intent a hand-off came from; 72 h after for repeat contacts.
    const events = await this.store.range(fromMs - 86_400_000, toMs + REPEAT_WINDOW_MS);
    return buildReport(events, { fromMs, toMs, timeZone: this.timeZone, period });
  }

  /**
   * The containment ratio of the conversations of the last `days` days, computed at most once a
   * minute (a Prometheus scrape must stay cheap).
   */
  recentContainment(days = 7): Promise<number> {
    const nowMs = this.clock();
    if (this.containment && Date.now() - this.containment.at < 60_000) return this.containment.value;
    const from = nowMs - days * 86_400_000;
    const value = this.store.range(from, nowMs + REPEAT_WINDOW_MS).then((events) => containmentRate(conversationOutcomes(events).filter((c) => c.startedAtMs >= from)));
    this.containment = { at: Date.now(), value };
    value.catch(() => {
      this.containment = undefined;
    });
    return value;
  }

  /** Not-understood messages of the retention period, with labels. */
  async unrecognized(lang?: Lang): Promise<UnrecognizedLine[]> {
    await this.recorder.idle();
    return unrecognizedLines(await this.store.range(0, this.clock() + 60_000), lang);
  }

  /** A supervisor's label for a not-understood line. */
  async label(lang: Lang, text: string, intent: string, by: string): Promise<void> {
    const event: ReportEvent = { type: 'label', at: new Date(this.clock()).toISOString(), lang, text: storedText(text), intent, by };
    this.recorder.record(event);
    await this.recorder.idle();
  }
}
