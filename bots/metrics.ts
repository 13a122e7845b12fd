/**
 * Prometheus metrics (prom-client) for operators: turns by channel and outcome, turn duration,
 * recognized intents by language, carrier API calls, plus Node's process metrics. Served at
 * `GET /metrics`, optionally behind a bearer token.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Middleware, TurnContext } from 'botbuilder';
import type { Server, Request, Response } from 'restify';
import { timingSafeEqual } from 'crypto';
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
        const channel = context.activity.channelId ?? 'unknown';
        const stop = this.turnSeconds.startTimer({ channel });
        let outcome = 'ok';
        try {
          await next();
        } catch (err) {
          outcome = 'error';
          throw err;
        } finally {
          stop();
          this.turns.inc({ channel, type: context.activity.type ?? 'unknown', outcome });
        }
      },
    };
  }

  /** Pass as `LockerDeskBot`'s `onRecognized`: counts recognized intents by language. */
  readonly intentRecognized = (r: RecognizerResult): void => {
    this.intents.inc({ intent: r.intent, lang: r.lang ?? 'unknown' });
  };

  /** Pass as `CarrierClient`'s `onCall`. */
  readonly carrierCall = (e: CarrierCallEvent): void => {
    this.carrierCalls.inc({ method: e.method, outcome: e.outcome });
    this.carrierSeconds.observe({ method: e.method }, e.durationMs / 1000);
  };

  /** `GET /metrics`; with a token, requests must carry `Authorization: Bearer <token>`. */
  register(server: Server, token?: string): void {
    server.get('/metrics', async (req: Request, res: Response) => {
      if (token) {
        const given = Buffer.from(String(req.headers.authorization ?? ''));
        const wanted = Buffer.from(`Bearer ${token}`);
        if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
          res.send(401, { error: 'unauthorized' });
          return;
        }
      }
      res.setHeader('content-type', this.registry.contentType);
      res.sendRaw(200, await this.registry.metrics());
    });
  }
}
