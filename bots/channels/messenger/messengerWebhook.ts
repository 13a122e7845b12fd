/**
 * The Messenger webhook on a restify server (direct mode).
 *
 * What it promises, in this order for a POST:
 * 1. body over 1 MB -> 413 (nothing parsed);
 * 2. `X-Hub-Signature-256` missing (or only the legacy SHA-1 `X-Hub-Signature`) -> 401,
 *    present but not the HMAC-SHA256 of the raw body with the app secret -> 403;
 *    the signature is checked on the raw bytes, before any JSON parsing;
 * 3. signed but not JSON / not a webhook body -> 400;
 * 4. `object` other than `page` -> 404;
 * 5. otherwise 200 `EVENT_RECEIVED` at once; the bot turns run afterwards (Meta retries slow
 *    answers), replayed events are dropped by `mid`.
 * GET is the subscription handshake: `hub.mode=subscribe` with the right `hub.verify_token`
 * echoes `hub.challenge` as text/plain 200, anything else is 403.
 *
 * The route reads its own raw body, so it must NOT sit behind a global
 * `server.use(restify.plugins.bodyParser())`: give `/api/messages` its own per-route parser.
 * If a global parser did run anyway, the handler falls back to the `rawBody` it kept; that is
 * still verified, but a malformed body then already got a 400 from the parser.
 */
import type { Request, Response, Next, Server } from 'restify';
import { MessengerAdapter, TurnLogic } from './MessengerAdapter';
import { webhookBodySchema } from './messengerEvents';

export const DEFAULT_MESSENGER_PATH = '/api/messenger';
/** Largest accepted webhook body. Messenger batches stay far below it. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** Past this many bytes an oversize upload is cut off instead of drained. */
const MAX_DRAIN_BYTES = 8 * 1024 * 1024;

type RawBody = { kind: 'ok'; body: Buffer } | { kind: 'too_large' } | { kind: 'consumed' } | { kind: 'aborted' };

function reply(res: Response, status: number, text: string, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    ...extraHeaders,
  });
  res.end(text);
}

/** The raw body a global restify body parser already read, if one did. */
function preReadBody(req: Request): Buffer | undefined {
  const candidates: unknown[] = [];
  if ('rawBody' in req) candidates.push(req.rawBody);
  candidates.push(req.body);
  for (const c of candidates) {
    if (Buffer.isBuffer(c)) return c;
    if (typeof c === 'string') return Buffer.from(c, 'utf8');
  }
  return undefined;
}

function readRawBody(req: Request, limit: number): Promise<RawBody> {
  if (req.readableEnded) {
    const pre = preReadBody(req);
    return Promise.resolve(pre ? (pre.length > limit ? { kind: 'too_large' } : { kind: 'ok', body: pre }) : { kind: 'consumed' });
  }
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    let settled = false;
    const settle = (r: RawBody): void => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    if (tooLarge) settle({ kind: 'too_large' });
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_DRAIN_BYTES) {
        req.destroy();
        return;
      }
      if (tooLarge) return;
      if (received > limit) {
        tooLarge = true;
        chunks.length = 0;
        settle({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => settle(tooLarge ? { kind: 'too_large' } : { kind: 'ok', body: Buffer.concat(chunks) }));
    req.once('aborted', () => settle({ kind: 'aborted' }));
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('close', () => settle(tooLarge ? { kind: 'too_large' } : { kind: 'aborted' }));
    req.resume();
  });
}

function handleVerify(adapter: MessengerAdapter, req: Request, res: Response): void {
  const q = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const challenge = adapter.verifySubscription(q.get('hub.mode'), q.get('hub.verify_token'), q.get('hub.challenge'));
  if (challenge === undefined) reply(res, 403, 'Forbidden');
  else reply(res, 200, challenge);
}

async function handleEvents(adapter: MessengerAdapter, logic: TurnLogic, req: Request, res: Response): Promise<void> {
  const raw = await readRawBody(req, MAX_WEBHOOK_BODY_BYTES);
  if (raw.kind === 'too_large') return reply(res, 413, 'Payload Too Large', { Connection: 'close' });
  if (raw.kind === 'aborted') return reply(res, 400, 'Bad Request');
  if (raw.kind === 'consumed') {
    req.log?.error('registerMessengerWebhook(): the request body was consumed before the Messenger route; remove the global body parser');
    return reply(res, 500, 'Internal Server Error');
  }
  const check = adapter.verifySignature(raw.body, req.headers['x-hub-signature-256']);
  if (check === 'missing') return reply(res, 401, 'Unauthorized');
  if (check === 'invalid') return reply(res, 403, 'Forbidden');

  let json: unknown;
  try {
    json = JSON.parse(raw.body.toString('utf8'));
  } catch {
    return reply(res, 400, 'Bad Request');
  }
  const parsed = webhookBodySchema.safeParse(json);
  if (!parsed.success) return reply(res, 400, 'Bad Request');
  if (parsed.data.object !== 'page') return reply(res, 404, 'Not Found');

  reply(res, 200, 'EVENT_RECEIVED');
  adapter.enqueueWebhook(parsed.data, logic);
}

/**
 * Registers `GET` and `POST` on `path` (default `/api/messenger`) for the Messenger webhook.
 * `logic` runs each turn, e.g. `(ctx) => bot.run(ctx)`.
 *
 * @example
 * const messenger = new MessengerAdapter({ pageAccessToken, appSecret, verifyToken });
 * messenger.onTurnError = onTurnError;
 * registerMessengerWebhook(server, messenger, (ctx) => bot.run(ctx));
 */
export function registerMessengerWebhook(
  server: Server,
  adapter: MessengerAdapter,
  logic: TurnLogic,
  path: string = DEFAULT_MESSENGER_PATH,
): void {
  server.get(path, (req: Request, res: Response, next: Next) => {
    handleVerify(adapter, req, res);
    next();
  });
  server.post(path, (req: Request, res: Response, next: Next) => {
    handleEvents(adapter, logic, req, res)
      .catch(() => reply(res, 500, 'Internal Server Error'))
      .finally(() => next());
  });
}
