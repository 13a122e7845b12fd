/**
 * Any LUIS v3-compatible prediction endpoint behind the project's `Recognizer` port, through the
 * official `@azure/cognitiveservices-luis-runtime` client. Microsoft's LUIS is retired; this is for
 * LUIS-compatible servers (including the project's own, see `services/nlu/luisEndpoint`).
 */
import type { LUISRuntimeClient, LUISRuntimeModels } from '@azure/cognitiveservices-luis-runtime';
import type { Entities, Intent, LockerMention, RecognizeOptions, Recognizer, RecognizerResult } from '../types';
import { emptyEntities, mergeEntities, phoneFromText, trackingFromText } from './cloudEntities';
import { CLOUD_ENTITY, LUIS_PREBUILT_PHONE, rankCloudIntents } from './cloudSchema';
import type { EntityExtractor, LanguageDetector } from './ports';

type Credentials = ConstructorParameters<typeof LUISRuntimeClient>[0];
type SignableRequest = Parameters<Credentials['signRequest']>[0];

/** Puts the prediction key in the `Ocp-Apim-Subscription-Key` header, as LUIS expects. */
class SubscriptionKeyCredentials implements Credentials {
  constructor(private readonly key: string) {}
  signRequest(request: SignableRequest): Promise<SignableRequest> {
    request.headers.set('Ocp-Apim-Subscription-Key', this.key);
    return Promise.resolve(request);
  }
}

type SignalLike = NonNullable<LUISRuntimeModels.PredictionGetSlotPredictionOptionalParams['abortSignal']>;
type AbortListener = Parameters<SignalLike['addEventListener']>[1];

/**
 * Aborts the client's request after `ms`. The client's own `timeout` option leaves its timer
 * running after the response, and Node's AbortSignal does not type-check as the client's
 * `AbortSignalLike`, hence this small one.
 */
class TimeoutSignal implements SignalLike {
  aborted = false;
  onabort: SignalLike['onabort'] = null;
  private readonly listeners = new Set<AbortListener>();
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.dispatchEvent(new Event('abort'));
    }, ms);
  }
  addEventListener(_type: 'abort', listener: AbortListener): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'abort', listener: AbortListener): void {
    this.listeners.delete(listener);
  }
  dispatchEvent(event: Event): boolean {
    this.onabort?.call(this, event);
    for (const l of this.listeners) l.call(this, event);
    return true;
  }
  cancel(): void {
    clearTimeout(this.timer);
  }
}

export interface LuisRecognizerOptions {
  /** Protocol and host of the prediction resource, e.g. `https://westeurope.api.cognitive.microsoft.com`. */
  endpoint: string;
  /** The LUIS app id (a UUID; the client refuses anything else). */
  appId: string;
  key: string;
  slot?: 'production' | 'staging';
  extractEntities: EntityExtractor;
  detectLanguage: LanguageDetector;
  /** Per-request timeout. Default 5000. */
  timeoutMs?: number;
  /** Queries are cut to this many characters (LUIS accepts 500). Default 500. */
  maxChars?: number;
  /** Extra LUIS intent names -> ours, for legacy apps whose intents are named differently. */
  intentAliases?: Readonly<Record<string, Intent>>;
}

interface InstanceEntry {
  text?: unknown;
  score?: unknown;
  candidates?: unknown;
}

function instances(entities: Record<string, unknown>, name: string): InstanceEntry[] {
  const inst = entities.$instance;
  if (!inst || typeof inst !== 'object') return [];
  const list = (inst as Record<string, unknown>)[name];
  return Array.isArray(list) ? list.filter((x): x is InstanceEntry => !!x && typeof x === 'object') : [];
}

function values(entities: Record<string, unknown>, name: string): unknown[] {
  const v = entities[name];
  return Array.isArray(v) ? v : [];
}

function texts(entities: Record<string, unknown>, name: string): string[] {
  const fromInstances = instances(entities, name)
    .map((i) => i.text)
    .filter((t): t is string => typeof t === 'string' && t.length > 0);
  if (fromInstances.length) return fromInstances;
  return values(entities, name).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/**
 * Locker mentions: LUIS list-entity values (`[["LT-VNO-0042", ...]]`, canonical forms = locker ids,
 * best first), scored from `$instance[i].candidates` when the server sends them (ours does), else
 * from `$instance[i].score`.
 */
function lockers(entities: Record<string, unknown>): LockerMention[] {
  const vals = values(entities, CLOUD_ENTITY.locker);
  const inst = instances(entities, CLOUD_ENTITY.locker);
  const out: LockerMention[] = [];
  vals.forEach((v, i) => {
    const ids = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x.length > 0);
    const meta = inst[i] ?? {};
    const text = typeof meta.text === 'string' ? meta.text : (ids[0] ?? '');
    const scored = Array.isArray(meta.candidates)
      ? meta.candidates.filter(
          (c): c is { lockerId: string; score: number } =>
            !!c && typeof c === 'object' && typeof c.lockerId === 'string' && typeof c.score === 'number',
        )
      : [];
    const fallbackScore = typeof meta.score === 'number' ? meta.score : 1;
    const candidates = scored.length
      ? scored.map((c) => ({ lockerId: c.lockerId, score: c.score }))
      : ids.map((lockerId) => ({ lockerId, score: fallbackScore }));
    if (candidates.length) out.push({ text, candidates });
  });
  return out;
}

/** LUIS v3 `prediction.entities` mapped to ours (`TrackingNumber`, `Phone` or prebuilt `phonenumber`, `Locker`; others ignored). */
export function luisEntities(entities: Record<string, unknown> | undefined): Entities {
  const out = emptyEntities();
  if (!entities) return out;
  for (const t of texts(entities, CLOUD_ENTITY.tracking)) {
    const e = trackingFromText(t);
    if (e) out.trackingNumbers.push(e);
  }
  for (const t of [...texts(entities, CLOUD_ENTITY.phone), ...texts(entities, LUIS_PREBUILT_PHONE)]) {
    const e = phoneFromText(t);
    if (e) out.phones.push(e);
  }
  out.lockers.push(...lockers(entities));
  return out;
}

/**
 * `Recognizer` backed by a LUIS v3 slot prediction (`verbose`, `show-all-intents`). `None` and
 * unknown intents map to `none`. The injected deterministic extractor always runs; LUIS entities
 * are added when they name something new. Rejects with the HTTP status on service errors.
 */
export class LuisRecognizer implements Recognizer {
  /**
   * Made at the first query: the LUIS runtime client and its ms-rest-js stack are loaded only by a
   * process configured for LUIS (~30 ms and ~2 MiB at every start otherwise).
   */
  private client?: Promise<LUISRuntimeClient>;

  constructor(private readonly opts: LuisRecognizerOptions) {}

  private clientOnce(): Promise<LUISRuntimeClient> {
    // No retries: a slow or failing service should fail fast so the FallbackRecognizer can answer.
    this.client ??= import('@azure/cognitiveservices-luis-runtime').then(
      ({ LUISRuntimeClient: Client }) => new Client(new SubscriptionKeyCredentials(this.opts.key), this.opts.endpoint.replace(/\/+$/, ''), { noRetryPolicy: true }),
    );
    return this.client;
  }

  async recognize(input: string, _options: RecognizeOptions = {}): Promise<RecognizerResult> {
    const text = input.slice(0, this.opts.maxChars ?? 500);
    // LUIS answers a blank query with 400 "The query is required": a blank message is simply `none`.
    if (!text.trim()) {
      const detected = this.opts.detectLanguage(text);
      return { text, lang: detected.lang, langScore: detected.score, intent: 'none', score: 1, intents: [{ intent: 'none', score: 1 }], entities: emptyEntities(), source: 'luis' };
    }
    const slot = this.opts.slot ?? 'production';
    let prediction: LUISRuntimeModels.Prediction | undefined;
    const timeoutMs = this.opts.timeoutMs ?? 5000;
    const signal = new TimeoutSignal(timeoutMs);
    try {
      const client = await this.clientOnce();
      const res = await client.prediction.getSlotPrediction(
        this.opts.appId,
        slot,
        { query: text },
        { verbose: true, showAllIntents: true, abortSignal: signal },
      );
      prediction = res.prediction;
    } catch (err) {
      const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describeRestError(err);
      throw new Error(`LuisRecognizer.recognize(): app ${this.opts.appId} slot ${slot}: ${reason}`, { cause: err });
    } finally {
      signal.cancel();
    }
    if (!prediction || !prediction.intents) {
      throw new Error(`LuisRecognizer.recognize(): app ${this.opts.appId} slot ${slot}: response has no prediction.intents`);
    }
    const ranked = rankCloudIntents(
      prediction.topIntent,
      Object.entries(prediction.intents).map(([name, v]) => ({ name, score: v?.score ?? 0 })),
      this.opts.intentAliases,
    );
    const detected = this.opts.detectLanguage(text);
    const entities = mergeEntities(this.opts.extractEntities(text), luisEntities(prediction.entities));
    return { text, lang: detected.lang, langScore: detected.score, ...ranked, entities, source: 'luis' };
  }
}

/** ms-rest-js errors carry `statusCode` and the parsed `{error:{code,message}}` body. */
function describeRestError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; body?: unknown };
    const status = typeof e.statusCode === 'number' ? `HTTP ${e.statusCode}` : String(e.code ?? 'error');
    let detail = typeof e.message === 'string' ? e.message : '';
    if (e.body && typeof e.body === 'object' && 'error' in e.body) {
      const b = (e.body as { error?: { code?: unknown; message?: unknown } }).error;
      if (b?.message) detail = `${String(b.code ?? '')} ${String(b.message)}`.trim();
    }
    return `${status}: ${detail}`;
  }
  return String(err);
}
