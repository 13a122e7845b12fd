/**
 * A LUIS v3-compatible prediction endpoint served by the bot's own restify server and backed by
 * any `Recognizer`, so code that used to call Microsoft LUIS (retired) can be pointed at us by
 * changing only its endpoint host, app id and key.
 */
import { createHash, timingSafeEqual } from 'crypto';
import type { Request, Response, Server } from 'restify';
import type { NluLogger } from '../cloud/ports';
import type { Recognizer } from '../types';
import { toLuisV3Response } from './luisV3Response';

/** The route, as LUIS v3 has it. */
export const LUIS_PREDICT_PATH = '/luis/prediction/v3.0/apps/:appId/slots/:slotName/predict';

const SLOTS = ['production', 'staging'];

export interface LuisEndpointOptions {
  recognizer: Recognizer;
  /** App ids this endpoint answers for (compared case-insensitively); others get 404. */
  appIds: readonly string[];
  /**
   * Accepted prediction keys, from the `Ocp-Apim-Subscription-Key` header or the `subscription-key`
   * query parameter. Empty or absent = no key check (only for loopback or private networks).
   */
  keys?: readonly string[];
  /** Longer queries get 400, as LUIS did. Default 500. */
  maxQueryChars?: number;
  /** POST bodies above this size get 413. Default 16 KiB. */
  maxBodyBytes?: number;
  logger?: NluLogger & { error?(obj: object, msg: string): void };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function keyMatches(given: string, accepted: readonly string[]): boolean {
  const g = digest(given);
  let ok = false;
  for (const k of accepted) ok = timingSafeEqual(g, digest(k)) || ok;
  return ok;
}

function flag(value: string | null): boolean {
  return value !== null && /^(true|1)$/i.test(value);
}

/** The POST body as JSON, whether or not a body parser ran before us. */
async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const pre: unknown = req.body;
  let raw: string;
  if (pre !== undefined && pre !== null && !(typeof pre === 'string') && !Buffer.isBuffer(pre)) return pre;
  if (typeof pre === 'string') raw = pre;
  else if (Buffer.isBuffer(pre)) raw = pre.toString('utf8');
  else {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buf.length;
      if (size > maxBytes) throw new HttpError(413, 'BadArgument', `Request body is larger than ${maxBytes} bytes.`);
      chunks.push(buf);
    }
    raw = Buffer.concat(chunks).toString('utf8');
  }
  if (!raw.trim()) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'BadArgument', 'Request body is not valid JSON.');
  }
}

/**
 * Registers `GET` and `POST` `/luis/prediction/v3.0/apps/:appId/slots/:slotName/predict`.
 * GET takes `query=`; POST takes `{"query": "..."}`. Both honour `verbose` and `show-all-intents`.
 * Errors use LUIS's `{ error: { code, message } }` body: 401 for a missing/wrong key (checked
 * first), 404 for an unknown app or slot, 400 for a missing, empty or over-long query, 500 when the
 * recognizer fails. The handler reads the query string and body itself, so it needs neither
 * `queryParser` nor `bodyParser` (and works with them).
 */
export function registerLuisEndpoint(server: Server, opts: LuisEndpointOptions): void {
  const apps = new Set(opts.appIds.map((a) => a.toLowerCase()));
  const keys = opts.keys?.filter((k) => k.length > 0) ?? [];
  const maxChars = opts.maxQueryChars ?? 500;
  const maxBody = opts.maxBodyBytes ?? 16 * 1024;

  async function predict(req: Request, res: Response): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const params = url.searchParams;
    try {
      if (keys.length) {
        const header = req.headers['ocp-apim-subscription-key'];
        const given = (Array.isArray(header) ? header[0] : header) ?? params.get('subscription-key') ?? '';
        if (!given || !keyMatches(given, keys)) {
          throw new HttpError(401, '401', 'Access denied due to invalid subscription key or wrong API endpoint.');
        }
      }
      const appId = String(req.params.appId ?? '');
      const slot = String(req.params.slotName ?? '').toLowerCase();
      if (!apps.has(appId.toLowerCase())) throw new HttpError(404, 'NotFound', `The application ${appId} was not found.`);
      if (!SLOTS.includes(slot)) throw new HttpError(404, 'NotFound', `The slot ${slot} was not found; use production or staging.`);

      let query: unknown;
      if (req.method === 'POST') {
        const body = await readJsonBody(req, maxBody);
        query = body && typeof body === 'object' && 'query' in body ? (body as { query: unknown }).query : undefined;
      } else {
        query = params.get('query') ?? undefined;
      }
      if (typeof query !== 'string' || !query.trim()) throw new HttpError(400, 'BadArgument', 'The query is required.');
      if (query.length > maxChars) {
        throw new HttpError(400, 'BadArgument', `The query is ${query.length} characters long; at most ${maxChars} are accepted.`);
      }

      const result = await opts.recognizer.recognize(query);
      res.send(
        200,
        toLuisV3Response(query, result, { verbose: flag(params.get('verbose')), showAllIntents: flag(params.get('show-all-intents')) }),
      );
    } catch (err) {
      if (err instanceof HttpError) {
        res.send(err.status, { error: { code: err.code, message: err.message } });
        return;
      }
      const logObj = { err: err instanceof Error ? err.message : String(err), path: url.pathname };
      if (opts.logger?.error) opts.logger.error(logObj, 'LUIS endpoint: recognizer failed');
      else opts.logger?.warn(logObj, 'LUIS endpoint: recognizer failed');
      res.send(500, { error: { code: 'InternalServerError', message: 'The prediction failed.' } });
    }
  }

  const handler = (req: Request, res: Response, next: (err?: unknown) => void): void => {
    predict(req, res).then(
      () => next(),
      (err: unknown) => next(err),
    );
  };
  server.get(LUIS_PREDICT_PATH, handler);
  server.post(LUIS_PREDICT_PATH, handler);
}
