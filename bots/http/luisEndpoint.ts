/**
 * The HTTP side of the LUIS v3-compatible prediction endpoint (the logic is
 * `services/nlu/luisEndpoint/luisPrediction.ts`), on the bot's own restify server.
 *
 * Who is answered (issue #8 finding 15): with `LUIS_COMPAT_KEYS`, every request needs one of the
 * keys; without keys, only loopback clients (no proxy header, see `loopback.ts`) — anyone else
 * gets 401 — and registering says so in the log at start-up.
 */
import type { Request, Response, Server } from 'restify';
import { createLuisPredictor, type LuisPredictionOptions } from '../../services/nlu/luisEndpoint/luisPrediction';
import { isLoopbackRequest } from './loopback';

/** The route, as LUIS v3 has it. */
export const LUIS_PREDICT_PATH = '/luis/prediction/v3.0/apps/:appId/slots/:slotName/predict';

export interface LuisEndpointOptions extends LuisPredictionOptions {
  /** POST bodies above this size get 413. Default 16 KiB. */
  maxBodyBytes?: number;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
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
      if (size > maxBytes) throw new BodyError(413, `Request body is larger than ${maxBytes} bytes.`);
      chunks.push(buf);
    }
    raw = Buffer.concat(chunks).toString('utf8');
  }
  if (!raw.trim()) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new BodyError(400, 'Request body is not valid JSON.');
  }
}

/**
 * Registers `GET` and `POST` `/luis/prediction/v3.0/apps/:appId/slots/:slotName/predict`.
 * GET takes `query=`; POST takes `{"query": "..."}`. Both honour `verbose` and `show-all-intents`.
 * Errors use LUIS's `{ error: { code, message } }` body. The handler reads the query string and
 * body itself, so it needs neither `queryParser` nor `bodyParser` (and works with them).
 */
export function registerLuisEndpoint(server: Server, opts: LuisEndpointOptions): void {
  const predict = createLuisPredictor(opts);
  const keyed = (opts.keys ?? []).some((k) => k.length > 0);
  const maxBody = opts.maxBodyBytes ?? 16 * 1024;
  if (!keyed) {
    opts.logger?.warn({ appIds: opts.appIds.length }, 'LUIS-compatible endpoint without LUIS_COMPAT_KEYS: answering loopback clients only (set keys to serve other hosts)');
  }

  async function handle(req: Request, res: Response): Promise<void> {
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const header = req.headers['ocp-apim-subscription-key'];
    const key = (Array.isArray(header) ? header[0] : header) ?? params.get('subscription-key') ?? undefined;
    const keyRequired = keyed || !isLoopbackRequest(req);
    let query: unknown = params.get('query') ?? undefined;
    if (req.method === 'POST') {
      // The key is checked before the body is read: no work for a caller without one.
      if (keyRequired && !key) query = undefined;
      else {
        try {
          const body = await readJsonBody(req, maxBody);
          query = body && typeof body === 'object' && 'query' in body ? body.query : undefined;
        } catch (err) {
          if (!(err instanceof BodyError)) throw err;
          res.send(err.status, { error: { code: 'BadArgument', message: err.message } });
          return;
        }
      }
    }
    const answer = await predict({
      appId: String(req.params.appId ?? ''),
      slot: String(req.params.slotName ?? ''),
      query,
      key,
      keyRequired,
      verbose: flag(params.get('verbose')),
      showAllIntents: flag(params.get('show-all-intents')),
    });
    res.send(answer.status, answer.body);
  }

  const handler = (req: Request, res: Response, next: (err?: unknown) => void): void => {
    handle(req, res).then(
      () => next(),
      (err: unknown) => next(err),
    );
  };
  server.get(LUIS_PREDICT_PATH, handler);
  server.post(LUIS_PREDICT_PATH, handler);
}
