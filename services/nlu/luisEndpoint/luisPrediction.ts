/**
 * The logic of a LUIS v3-compatible prediction endpoint backed by any `Recognizer`, so code that
 * used to call Microsoft LUIS (retired) can be pointed at us by changing only its endpoint host,
 * app id and key. No HTTP server here: `bots/http/luisEndpoint.ts` registers the route and decides
 * whether a key is required for a request (always when keys are configured; without keys only
 * loopback clients are answered).
 */
import { createHash, timingSafeEqual } from 'crypto';
import type { NluLogger } from '../cloud/ports';
import type { Recognizer } from '../types';
import { toLuisV3Response } from './luisV3Response';

const SLOTS = ['production', 'staging'];

export interface LuisPredictionOptions {
  recognizer: Recognizer;
  /** App ids answered (compared case-insensitively); others get 404. */
  appIds: readonly string[];
  /** Accepted prediction keys; empty = none configured. */
  keys?: readonly string[];
  /** Longer queries get 400, as LUIS did. Default 500. */
  maxQueryChars?: number;
  logger?: NluLogger & { error?(obj: object, msg: string): void };
}

/** One prediction request, as read from HTTP. */
export interface LuisPredictionRequest {
  appId: string;
  slot: string;
  /** `query=` (GET) or the body's `query` (POST); anything but a string is a 400. */
  query: unknown;
  /** `Ocp-Apim-Subscription-Key` header or `subscription-key` parameter. */
  key: string | undefined;
  /** False only for a loopback client when no keys are configured. */
  keyRequired: boolean;
  verbose: boolean;
  showAllIntents: boolean;
}

export interface LuisPredictionAnswer {
  status: number;
  body: unknown;
}

const error = (status: number, code: string, message: string): LuisPredictionAnswer => ({ status, body: { error: { code, message } } });
const ACCESS_DENIED = error(401, '401', 'Access denied due to invalid subscription key or wrong API endpoint.');

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function keyMatches(given: string, accepted: readonly string[]): boolean {
  const g = digest(given);
  let ok = false;
  for (const k of accepted) ok = timingSafeEqual(g, digest(k)) || ok;
  return ok;
}

/**
 * The predictor: 401 for a missing/wrong key where one is required (checked first, so app ids
 * cannot be enumerated), 404 for an unknown app or slot, 400 for a missing, empty or over-long
 * query, 500 with a generic body when the recognizer fails (logged).
 */
export function createLuisPredictor(opts: LuisPredictionOptions): (request: LuisPredictionRequest) => Promise<LuisPredictionAnswer> {
  const apps = new Set(opts.appIds.map((a) => a.toLowerCase()));
  const keys = opts.keys?.filter((k) => k.length > 0) ?? [];
  const maxChars = opts.maxQueryChars ?? 500;
  return async (r) => {
    if (r.keyRequired && (!keys.length || !r.key || !keyMatches(r.key, keys))) return ACCESS_DENIED;
    const slot = r.slot.toLowerCase();
    if (!apps.has(r.appId.toLowerCase())) return error(404, 'NotFound', `The application ${r.appId} was not found.`);
    if (!SLOTS.includes(slot)) return error(404, 'NotFound', `The slot ${slot} was not found; use production or staging.`);
    const query = r.query;
    if (typeof query !== 'string' || !query.trim()) return error(400, 'BadArgument', 'The query is required.');
    if (query.length > maxChars) return error(400, 'BadArgument', `The query is ${query.length} characters long; at most ${maxChars} are accepted.`);
    try {
      const result = await opts.recognizer.recognize(query);
      return { status: 200, body: toLuisV3Response(query, result, { verbose: r.verbose, showAllIntents: r.showAllIntents }) };
    } catch (err) {
      const logObj = { err: err instanceof Error ? err.message : String(err), appId: r.appId };
      if (opts.logger?.error) opts.logger.error(logObj, 'LUIS endpoint: recognizer failed');
      else opts.logger?.warn(logObj, 'LUIS endpoint: recognizer failed');
      return error(500, 'InternalServerError', 'The prediction failed.');
    }
  };
}
