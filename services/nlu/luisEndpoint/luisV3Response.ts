/**
 * The project's `RecognizerResult` in the LUIS v3 prediction response shape, so code written for
 * LUIS (bots, `@azure/cognitiveservices-luis-runtime`, botbuilder-ai) can read our recognizer.
 */
import { CLOUD_ENTITY, intentToCloud } from '../cloud/cloudSchema';
import type { RecognizerResult } from '../types';

/** One `$instance` entry as LUIS v3 emits it with `verbose=true`. */
export interface LuisV3Instance {
  type: string;
  text: string;
  startIndex: number;
  length: number;
  score?: number;
  modelTypeId: number;
  modelType: string;
  recognitionSources: string[];
  /** Not in LUIS: every candidate locker with its score, best first (LUIS list entities carry no scores). */
  candidates?: { lockerId: string; score: number }[];
}

export interface LuisV3PredictionResponse {
  query: string;
  prediction: {
    topIntent: string;
    intents: Record<string, { score: number }>;
    entities: Record<string, unknown> & { $instance?: Record<string, LuisV3Instance[]> };
  };
}

export interface LuisV3Options {
  /** `verbose`: add `$instance` metadata. */
  verbose: boolean;
  /** `show-all-intents`: every intent with its score instead of only the top one. */
  showAllIntents: boolean;
}

/** Finds `needle` in `haystack` at or after `from`, exactly or else case-insensitively; -1 when absent. */
function locate(haystack: string, needle: string, from: number): number {
  if (!needle) return -1;
  const exact = haystack.indexOf(needle, from);
  if (exact >= 0) return exact;
  return haystack.toLowerCase().indexOf(needle.toLowerCase(), from);
}

/**
 * Maps entities to LUIS v3 names and shapes:
 * - `TrackingNumber`: regex entity, value = normalised number (`CE482139075LT`);
 * - `Phone`: prebuilt-style entity (`builtin.phonenumber`), value = E.164;
 * - `Locker`: list entity, value = locker ids best first (`[["LT-VNO-0042", …]]`).
 * `$instance` positions are UTF-16 indices of the text as the customer wrote it; an entity whose
 * text cannot be found in the query is left out rather than given a made-up position.
 */
export function toLuisV3Response(query: string, result: RecognizerResult, opts: LuisV3Options): LuisV3PredictionResponse {
  const topIntent = intentToCloud(result.intent);
  const intents: Record<string, { score: number }> = {};
  if (opts.showAllIntents) {
    for (const i of result.intents) intents[intentToCloud(i.intent)] = { score: i.score };
  }
  intents[topIntent] = { score: result.score };

  const values: Record<string, unknown[]> = {};
  const instance: Record<string, LuisV3Instance[]> = {};
  const add = (name: string, value: unknown, meta: Omit<LuisV3Instance, 'startIndex' | 'length'>, cursor: { at: number }) => {
    const start = locate(query, meta.text, cursor.at);
    if (start < 0) return;
    const length = meta.text.length;
    cursor.at = start + length;
    (values[name] ??= []).push(value);
    (instance[name] ??= []).push({ ...meta, text: query.slice(start, start + length), startIndex: start, length });
  };

  const trackingCursor = { at: 0 };
  for (const t of result.entities.trackingNumbers) {
    add(
      CLOUD_ENTITY.tracking,
      t.value,
      { type: CLOUD_ENTITY.tracking, text: t.text, modelTypeId: 8, modelType: 'Regex Entity Extractor', recognitionSources: ['model'] },
      trackingCursor,
    );
  }
  const phoneCursor = { at: 0 };
  for (const p of result.entities.phones) {
    add(
      CLOUD_ENTITY.phone,
      p.e164,
      { type: 'builtin.phonenumber', text: p.text, score: 1, modelTypeId: 2, modelType: 'Prebuilt Entity Extractor', recognitionSources: ['model'] },
      phoneCursor,
    );
  }
  const lockerCursor = { at: 0 };
  for (const l of result.entities.lockers) {
    if (!l.candidates.length) continue;
    add(
      CLOUD_ENTITY.locker,
      l.candidates.map((c) => c.lockerId),
      {
        type: CLOUD_ENTITY.locker,
        text: l.text,
        score: l.candidates[0].score,
        modelTypeId: 5,
        modelType: 'List Entity Extractor',
        recognitionSources: ['model'],
        candidates: l.candidates.map((c) => ({ lockerId: c.lockerId, score: c.score })),
      },
      lockerCursor,
    );
  }
  const entities: LuisV3PredictionResponse['prediction']['entities'] = { ...values };
  if (opts.verbose) entities.$instance = instance;

  return { query, prediction: { topIntent, intents, entities } };
}
