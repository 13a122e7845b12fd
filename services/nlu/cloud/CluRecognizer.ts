/**
 * Azure AI Language conversational language understanding (CLU), the successor of LUIS, behind
 * the project's `Recognizer` port. CLU has no stable JavaScript client, so this speaks its REST
 * runtime API (`POST {endpoint}/language/:analyze-conversations`) directly.
 */
import axios, { type AxiosInstance } from 'axios';
import { randomUUID } from 'crypto';
import type { Entities, Intent, RecognizeOptions, Recognizer, RecognizerResult } from '../types';
import { emptyEntities, mergeEntities, phoneFromText, trackingFromText } from './cloudEntities';
import { CLOUD_ENTITY, rankCloudIntents } from './cloudSchema';
import type { EntityExtractor, LanguageDetector } from './ports';

/** The latest GA version of the analyze-conversations runtime API when this was written. */
export const CLU_DEFAULT_API_VERSION = '2024-11-01';

export interface CluRecognizerOptions {
  /** Language resource endpoint, e.g. `https://my-language.cognitiveservices.azure.com`. */
  endpoint: string;
  key: string;
  projectName: string;
  deploymentName: string;
  extractEntities: EntityExtractor;
  detectLanguage: LanguageDetector;
  /** HTTP timeout; the FallbackRecognizer usually bounds the wait more tightly. Default 5000. */
  timeoutMs?: number;
  /** Texts are cut to this many characters before sending (CLU accepts 500 per item). Default 500. */
  maxChars?: number;
  /** Default `CLU_DEFAULT_API_VERSION`. */
  apiVersion?: string;
  /** Extra cloud intent names -> ours, for projects whose intents are named differently. */
  intentAliases?: Readonly<Record<string, Intent>>;
  /** Detected languages below this score are not sent to CLU as the item's language. Default 0.5. */
  minLangScore?: number;
}

/** The subset of the CLU response this adapter reads; everything is optional because it comes off the wire. */
interface CluEntity {
  category?: string;
  text?: string;
  offset?: number;
  length?: number;
  confidenceScore?: number;
  extraInformation?: { extraInformationKind?: string; key?: string }[];
  resolutions?: { resolutionKind?: string; value?: unknown }[];
}
interface CluResponse {
  kind?: string;
  result?: {
    query?: string;
    detectedLanguage?: string;
    prediction?: {
      projectKind?: string;
      topIntent?: string;
      intents?: { category?: string; confidenceScore?: number }[];
      entities?: CluEntity[];
    };
  };
}

/** CLU entities with our category names mapped to typed entities; other categories are ignored. */
function cluEntities(entities: readonly CluEntity[]): Entities {
  const out = emptyEntities();
  for (const e of entities) {
    const text = e.text ?? '';
    if (!text) continue;
    const category = (e.category ?? '').toLowerCase();
    if (category === CLOUD_ENTITY.tracking.toLowerCase()) {
      const t = trackingFromText(text);
      if (t) out.trackingNumbers.push(t);
    } else if (category === CLOUD_ENTITY.phone.toLowerCase()) {
      const p = phoneFromText(text);
      if (p) out.phones.push(p);
    } else if (category === CLOUD_ENTITY.locker.toLowerCase()) {
      const score = e.confidenceScore ?? 1;
      const candidates = (e.extraInformation ?? [])
        .filter((x): x is { extraInformationKind: string; key: string } => x.extraInformationKind === 'ListKey' && !!x.key)
        .map((x) => ({ lockerId: x.key, score }));
      if (candidates.length) out.lockers.push({ text, candidates });
    }
  }
  return out;
}

/**
 * `Recognizer` backed by a deployed CLU project. Intents named like ours map one to one (`None` ->
 * `none`), unknown intents map to `none`. Entities: the injected deterministic extractor always
 * runs on the text; CLU's `TrackingNumber`/`Phone` entities are normalised and added when new, its
 * `Locker` entities only when a list component resolved them to locker ids (list keys).
 *
 * Rejects (with the HTTP status and CLU's error message) on any transport or service error, so a
 * `FallbackRecognizer` can answer instead.
 */
export class CluRecognizer implements Recognizer {
  private readonly http: AxiosInstance;
  private readonly url: string;

  constructor(private readonly opts: CluRecognizerOptions) {
    this.url = `${opts.endpoint.replace(/\/+$/, '')}/language/:analyze-conversations`;
    this.http = axios.create({
      timeout: opts.timeoutMs ?? 5000,
      headers: { 'Ocp-Apim-Subscription-Key': opts.key, 'Content-Type': 'application/json' },
    });
  }

  async recognize(input: string, options: RecognizeOptions = {}): Promise<RecognizerResult> {
    const text = input.slice(0, this.opts.maxChars ?? 500);
    const detected = this.opts.detectLanguage(text);
    const itemLang =
      detected.lang && detected.score >= (this.opts.minLangScore ?? 0.5) ? detected.lang : options.lang;
    const body = {
      kind: 'Conversation',
      analysisInput: {
        conversationItem: { id: randomUUID(), participantId: 'customer', text, ...(itemLang ? { language: itemLang } : {}) },
      },
      parameters: {
        projectName: this.opts.projectName,
        deploymentName: this.opts.deploymentName,
        stringIndexType: 'Utf16CodeUnit',
      },
    };

    let data: CluResponse;
    try {
      const res = await this.http.post<CluResponse>(this.url, body, {
        params: { 'api-version': this.opts.apiVersion ?? CLU_DEFAULT_API_VERSION },
      });
      data = res.data;
    } catch (err) {
      throw new Error(`CluRecognizer.recognize(): project "${this.opts.projectName}": ${describeAxiosError(err)}`, {
        cause: err,
      });
    }

    const prediction = data?.result?.prediction;
    if (!prediction || !Array.isArray(prediction.intents)) {
      throw new Error(
        `CluRecognizer.recognize(): project "${this.opts.projectName}": response has no result.prediction.intents (kind=${String(data?.kind)})`,
      );
    }
    const ranked = rankCloudIntents(
      prediction.topIntent,
      prediction.intents.map((i) => ({ name: i.category ?? '', score: i.confidenceScore ?? 0 })),
      this.opts.intentAliases,
    );
    const entities = mergeEntities(this.opts.extractEntities(text), cluEntities(prediction.entities ?? []));
    return { text, lang: detected.lang, langScore: detected.score, ...ranked, entities, source: 'clu' };
  }
}

/** HTTP status plus the service's own `{error:{code,message}}` when there is one; never the key. */
export function describeAxiosError(err: unknown): string {
  if (axios.isAxiosError(err)) {
    if (err.response) {
      const payload: unknown = err.response.data;
      let detail = '';
      if (payload && typeof payload === 'object' && 'error' in payload) {
        const e = (payload as { error?: { code?: unknown; message?: unknown } }).error;
        detail = `: ${String(e?.code ?? '')} ${String(e?.message ?? '')}`.trimEnd();
      }
      return `HTTP ${err.response.status}${detail}`;
    }
    return `${err.code ?? 'network error'}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
