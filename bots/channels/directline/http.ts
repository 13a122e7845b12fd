import type { IncomingMessage } from 'http';
import type { Request, Response } from 'restify';
import { DirectLineStoreUnavailable } from './store';

/**
 * An error that maps to a Direct Line `ErrorResponse` (`{ error: { code, message } }`) with an HTTP
 * status. Codes follow Direct Line's (`BadArgument`, `TokenExpired`, `BotError`, …). The message is
 * sent to the client as it is: write it for a stranger, never put internal details in it.
 */
export class DirectLineHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For 429 and 503: sent as `Retry-After` (whole seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DirectLineHttpError';
  }
}

/** Bodies past this many bytes are not even drained: the connection is cut. */
const DRAIN_CAP = 16 * 1024 * 1024;

/**
 * Reads the raw request body, refusing more than `limit` bytes with a 413. A body already consumed
 * by a global body parser is re-serialised (JSON) so the limit still applies.
 */
export async function readRawBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<Buffer> {
  if (req.body !== undefined) {
    const buf = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    if (buf.length > limit) throw tooLarge(limit);
    return buf;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > DRAIN_CAP) {
    req.destroy();
    throw tooLarge(limit);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_CAP) {
        req.destroy();
        reject(tooLarge(limit));
        return;
      }
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => (over ? reject(tooLarge(limit)) : resolve(Buffer.concat(chunks))));
    req.on('error', () => reject(new DirectLineHttpError(400, 'BadArgument', 'request body could not be read')));
  });
}

/** Reads a JSON body: empty → `undefined`, malformed → 400, too large → 413. */
export async function readJson(req: IncomingMessage & { body?: unknown }, limit: number): Promise<unknown> {
  if (req.body !== undefined && !Buffer.isBuffer(req.body) && typeof req.body !== 'string') {
    await readRawBody(req, limit);
    return req.body;
  }
  const raw = await readRawBody(req, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new DirectLineHttpError(400, 'BadArgument', 'request body is not valid JSON');
  }
}

function tooLarge(limit: number): DirectLineHttpError {
  return new DirectLineHttpError(413, 'MessageSizeTooBig', `request body exceeds ${limit} bytes`);
}

/**
 * The bearer credential of a request: `undefined` when there is no Authorization header, `null`
 * when it is not of the form `Bearer <credential>`.
 */
export function bearerOf(req: IncomingMessage): string | undefined | null {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/** Sends a Direct Line `ErrorResponse`. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  res.send(status, { error: { code, message } });
}

/**
 * Turns any thrown value into an `ErrorResponse`; a store outage becomes a 503 with `Retry-After`,
 * other unexpected errors a 500; neither says anything of the cause.
 */
export function sendThrown(res: Response, err: unknown, onUnexpected: (err: unknown) => void): void {
  if (err instanceof DirectLineHttpError) {
    if (err.status === 413) res.header('Connection', 'close');
    if (err.retryAfterSeconds !== undefined && !res.headersSent) res.header('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    sendError(res, err.status, err.code, err.message);
    return;
  }
  onUnexpected(err);
  if (err instanceof DirectLineStoreUnavailable) {
    if (!res.headersSent) res.header('Retry-After', '5');
    sendError(res, 503, 'ServiceUnavailable', 'the service is busy, please try again shortly');
    return;
  }
  sendError(res, 500, 'ServiceError', 'internal error');
}

/** Query parameters of a request, parsed without restify's queryParser plugin. */
export function queryOf(req: Request): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

