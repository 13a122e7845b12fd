/**
 * Prometheus metrics (prom-client) for operators: turns by channel and outcome, turn duration,
 * recognized intents by language, carrier API calls, plus Node's process metrics; and what the bot
 * saves (README "What the bot saves"): conversations, flows per case type and outcome, hand-offs
 * by reason, queue depth, waiting, first-response and resolution times in working hours,
 * response-target breaches, ratings, not-understood messages and the containment ratio. Served
 * at `GET /metrics`: to loopback clients freely, to anyone else only with `METRICS_TOKEN`.
 *
 * Every label has a fixed set of values (issue #8 finding 6: a client chooses its activity's
 * `channelId` and `type`, and labels taken from them verbatim let anyone grow `/metrics` from 1 MB
 * to 53 MB); channels, intents, reasons, languages outside the known lists count as `other`.
 * Counters count what this instance saw (Prometheus sums instances); the two gauges read shared
 * state, so every instance reports the same value.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Middleware, TurnContext } from 'botbuilder';
import type { Server, Request, Response } from 'restify';
import { timingSafeEqual } from 'crypto';
import { ActivityTypes } from 'botbuilder';
import { isLoopbackRequest } from './loopback';

import type { CarrierCallEvent } from '../../services/carrier/CarrierClient';
import { INTENTS, type RecognizerResult } from '../../services/nlu/types';
import { LANGS } from '../../services/i18n/langs';
import { ESCALATION_REASONS } from '../../services/handoff/vocabulary';
import type { ReportEvent } from '../../services/reports/events';

/** Channel ids worth a series of their own; any other value is `other`. */
export const METRIC_CHANNELS = ['emulator', 'webchat', 'directline', 'msteams', 'facebook', 'telegram', 'slack', 'test'] as const;
const ACTIVITY_TYPES: readonly string[] = Object.values(ActivityTypes);

/** `value` when it is one of `allowed`, else `other`: the only way a client-given value becomes a label. */
export function fixedLabel(value: unknown, allowed: readonly string[]): string {
  return typeof value === 'string' && allowed.includes(value) ? value : 'other';
}

const priorityLabel = (p: number): string => (p === 1 || p === 2 || p === 3 ? String(p) : 'other');
/** Working-time buckets: 1 min … 2 working days. */
const WORKING_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 57_600, 79_200];
/** Wall-clock wait buckets: 10 s … 1 day. */
const WAIT_BUCKETS = [10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 86_400];

/** Shared state the gauges read at scrape time. */
export interface MetricsSources {
  /** Priorities of the cases waiting in the queue now. */
  queue(): Promise<number[]>;
  /** Containment ratio of the last 7 days of conversations (0–1). */
  containment(): Promise<number>;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly turns = new Counter({ name: 'lockerdesk_turns_total', help: 'Turns processed', labelNames: ['channel', 'type', 'outcome'], registers: [this.registry] });
  private readonly turnSeconds = new Histogram({
    name: 'lockerdesk_turn_duration_seconds',
    help: 'Time to process one turn',
    labelNames: ['channel'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly intents = new Counter({ name: 'lockerdesk_intents_total', help: 'Recognized intents', labelNames: ['intent', 'lang'], registers: [this.registry] });
  private readonly carrierCalls = new Counter({ name: 'lockerdesk_carrier_calls_total', help: 'Carrier API attempts', labelNames: ['method', 'outcome'], registers: [this.registry] });
  private readonly carrierSeconds = new Histogram({
    name: 'lockerdesk_carrier_call_duration_seconds',
    help: 'Carrier API attempt duration',
    labelNames: ['method'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  private readonly conversations = new Counter({ name: 'lockerdesk_conversations_total', help: 'Conversations (a first customer message)', labelNames: ['channel'], registers: [this.registry] });
  private readonly requests = new Counter({ name: 'lockerdesk_requests_total', help: 'Requests routed, by intent', labelNames: ['intent'], registers: [this.registry] });
  private readonly flowsStarted = new Counter({ name: 'lockerdesk_flows_started_total', help: 'Self-service flows started, by case type', labelNames: ['case_type'], registers: [this.registry] });
  private readonly flowsEnded = new Counter({
    name: 'lockerdesk_flows_ended_total',
    help: 'Self-service flows ended, by case type and outcome (completed, escalated, abandoned)',
    labelNames: ['case_type', 'outcome'],
    registers: [this.registry],
  });
  private readonly handoffs = new Counter({ name: 'lockerdesk_handoffs_total', help: 'Conversations handed to the queue, by reason', labelNames: ['reason'], registers: [this.registry] });
  private readonly waitSeconds = new Histogram({
    name: 'lockerdesk_queue_wait_seconds',
    help: 'Time a case waited in the queue until an agent claimed it (wall clock)',
    labelNames: ['priority'],
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly firstResponse = new Histogram({
    name: 'lockerdesk_first_response_working_seconds',
    help: "Time from a case entering the queue to the agent's first reply, in working hours",
    labelNames: ['priority'],
    buckets: WORKING_BUCKETS,
    registers: [this.registry],
  });
  private readonly resolution = new Histogram({
    name: 'lockerdesk_resolution_working_seconds',
    help: 'Time from a case being opened to its close, in working hours',
    labelNames: ['priority'],
    buckets: WORKING_BUCKETS,
    registers: [this.registry],
  });
  private readonly breaches = new Counter({
    name: 'lockerdesk_response_target_breaches_total',
    help: 'First replies later than the response target',
    labelNames: ['priority'],
    registers: [this.registry],
  });
  private readonly ratings = new Counter({ name: 'lockerdesk_ratings_total', help: 'Ratings given, by source (bot, agent) and score', labelNames: ['source', 'score'], registers: [this.registry] });
  private readonly unrecognized = new Counter({ name: 'lockerdesk_unrecognized_messages_total', help: 'Messages the bot did not understand, by language', labelNames: ['lang'], registers: [this.registry] });
  private sources?: MetricsSources;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lockerdesk_' });
    const metrics = this;
    new Gauge({
      name: 'lockerdesk_queue_depth',
      help: 'Cases waiting in the queue, by priority (shared state: the same on every instance)',
      labelNames: ['priority'],
      registers: [this.registry],
      async collect() {
        if (!metrics.sources) return;
        const counts: Record<string, number> = { 1: 0, 2: 0, 3: 0 };
        for (const p of await metrics.sources.queue()) counts[priorityLabel(p)] = (counts[priorityLabel(p)] ?? 0) + 1;
        for (const [priority, n] of Object.entries(counts)) this.set({ priority }, n);
      },
    });
    new Gauge({
      name: 'lockerdesk_containment_ratio',
      help: 'Conversations of the last 7 days that needed no person and had no repeat contact about the same parcel within 72 h, over all conversations',
      registers: [this.registry],
      async collect() {
        if (metrics.sources) this.set(await metrics.sources.containment());
      },
    });
    for (const channel of [...METRIC_CHANNELS, 'other']) this.conversations.inc({ channel }, 0);
  }

  /** Where the gauges read shared state (queue, stored events). */
  watch(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** Pass to `ReportRecorder.observe`: counts each report event as it is recorded. */
  readonly reportEvent = (e: ReportEvent): void => {
    switch (e.type) {
      case 'conversation_started':
        this.conversations.inc({ channel: fixedLabel(e.channel, METRIC_CHANNELS) });
        break;
      case 'request':
        this.requests.inc({ intent: fixedLabel(e.intent, INTENTS) });
        if (e.intent === 'readdress' || e.intent === 'fix_phone' || e.intent === 'find_tracking' || e.intent === 'track') this.flowsStarted.inc({ case_type: e.intent });
        break;
      case 'flow_ended':
        this.flowsEnded.inc({ case_type: e.flow, outcome: e.outcome });
        break;
      case 'handoff':
        this.handoffs.inc({ reason: fixedLabel(e.reason, ESCALATION_REASONS) });
        break;
      case 'case_claimed':
        this.waitSeconds.observe({ priority: priorityLabel(e.priority) }, e.waitSeconds);
        break;
      case 'first_reply':
        this.firstResponse.observe({ priority: priorityLabel(e.priority) }, e.workingSeconds);
        if (e.breached) this.breaches.inc({ priority: priorityLabel(e.priority) });
        break;
      case 'case_closed':
        this.resolution.observe({ priority: priorityLabel(e.priority) }, e.workingSeconds);
        break;
      case 'rating':
        this.ratings.inc({ source: e.source, score: String(e.score) });
        break;
      case 'unrecognized':
        this.unrecognized.inc({ lang: fixedLabel(e.lang, LANGS) });
        break;
      default:
        break;
    }
  };

  /** Counts every turn and its duration; a turn whose logic throws is counted as `error`. */
  middleware(): Middleware {
    return {
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        const channel = fixedLabel(context.activity.channelId, METRIC_CHANNELS);
        const stop = this.turnSeconds.startTimer({ channel });
        let outcome = 'ok';
        try {
          await next();
        } catch (err) {
          outcome = 'error';
          throw err;
        } finally {
          stop();
          this.turns.inc({ channel, type: fixedLabel(context.activity.type, ACTIVITY_TYPES), outcome });
        }
      },
    };
  }

  /** Pass as `LockerDeskBot`'s `onRecognized`: counts recognized intents by language. */
  readonly intentRecognized = (r: RecognizerResult): void => {
    this.intents.inc({ intent: fixedLabel(r.intent, INTENTS), lang: fixedLabel(r.lang, LANGS) });
  };

  /** Pass as `CarrierClient`'s `onCall`. */
  readonly carrierCall = (e: CarrierCallEvent): void => {
    this.carrierCalls.inc({ method: e.method, outcome: e.outcome });
    this.carrierSeconds.observe({ method: e.method }, e.durationMs / 1000);
  };

  /**
   * `GET /metrics`. A request straight from this machine (loopback peer, no proxy header; see
   * `bots/http/loopback.ts`) is served as is; any other needs `Authorization: Bearer <token>`,
   * and without a configured token it is refused (401, generic body).
   */
  register(server: Server, token?: string): void {
    const wanted = token ? Buffer.from(`Bearer ${token}`) : undefined;
    server.get('/metrics', async (req: Request, res: Response) => {
      if (!isLoopbackRequest(req)) {
        const given = Buffer.from(String(req.headers.authorization ?? ''));
        if (!wanted || given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
          res.send(401, { error: 'unauthorized' });
          return;
        }
      }
      res.setHeader('content-type', this.registry.contentType);
      res.sendRaw(200, await this.registry.metrics());
    });
  }
}
