/**
 * Prometheus metrics (prom-client) for operators: turns by channel and outcome, turn duration,
 * recognized intents by language, carrier API calls, plus Node's process metrics. Served at
 * `GET /metrics`: to loopback clients freely, to anyone else only with `METRICS_TOKEN`.
 *
 * Labels come from fixed sets (issue #8 finding 6): a client chooses its activity's `channelId`
 * and `type`, so a label taken from them verbatim let anyone grow `/metrics` (1 MB → 53 MB) and
 * the process. Anything outside a set is counted as `other`.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Middleware, TurnContext } from 'botbuilder';
import type { Server, Request, Response } from 'restify';
import { timingSafeEqual } from 'crypto';
import { ActivityTypes } from 'botbuilder';
import { INTENTS } from '../services/nlu/types';
import { LANGS } from '../services/i18n/langs';
import { isLoopbackRequest } from './http/loopback';

/** Channel ids worth a series of their own; any other value is `other`. */
export const METRIC_CHANNELS = ['emulator', 'webchat', 'directline', 'msteams', 'facebook', 'telegram', 'slack', 'test'] as const;
const ACTIVITY_TYPES: readonly string[] = Object.values(ActivityTypes);

/** `value` when it is one of `allowed`, else `other`: the only way a client-given value becomes a label. */
export function fixedLabel(value: unknown, allowed: readonly string[]): string {
  return typeof value === 'string' && allowed.includes(value) ? value : 'other';
}
import type { CarrierCallEvent } from '../services/carrier/CarrierClient';
import type { RecognizerResult } from '../services/nlu/types';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lockerdesk_' });
  }

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
