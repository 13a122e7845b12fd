/**
 * The sandbox carrier HTTP server: the contract in `services/carrier/openapi.yaml` over an
 * `InMemoryCarrier`, with restify. Started in-process by `index.ts` when no carrier URL is
 * configured (on its own 127.0.0.1 listener, `SANDBOX_PORT`, never on the bot's port), by tests on
 * port 0, or alone with `sandbox/main.ts`.
 *
 * Besides the contract it serves the SMS outbox, for testers: `GET /sandbox/sms?to=<E.164>` returns
 * the messages "sent" to that number, newest first, as `[{to, text, at}]`. It answers loopback
 * clients only (anyone else gets the same 404 as an unknown route), whatever address it listens on.
 *
 * Fault injection for tests: send `X-Sandbox-Fault: timeout|reset|500|502|503|504|malformed|wrong-shape`
 * on a request, or call `injectFault()` to make the next N requests fail that way.
 */
import { timingSafeEqual } from 'crypto';
import type { AddressInfo } from 'net';
import * as restify from 'restify';
import type { z } from 'zod';
import type { Logger } from '../../logging/logger';
import { CarrierError, type CarrierErrorCode } from '../types';
import {
  codeVerificationRequestSchema,
  e164,
  IDEMPOTENCY_HEADER,
  parcelCodeRequestSchema,
  parcelLookupRequestSchema,
  phoneChangeRequestSchema,
  phoneCodeRequestSchema,
  readdressRequestSchema,
  type ErrorBody,
} from '../wire';
import { IdempotencyConflictError } from './idempotency';
import { InMemoryCarrier, type InMemoryCarrierOptions } from './InMemoryCarrier';

export const SANDBOX_FAULTS = ['timeout', 'reset', '500', '502', '503', '504', 'malformed', 'wrong-shape'] as const;
export type SandboxFault = (typeof SANDBOX_FAULTS)[number];
export const FAULT_HEADER = 'X-Sandbox-Fault';

/**
 * Options of the server; the `InMemoryCarrierOptions` (clock, code and proof lifetimes, the
 * carrier's own limits, the SMS log) go to its carrier.
 */
export interface SandboxServerOptions extends InMemoryCarrierOptions {
  /** Where SMS and internal errors are logged (phones masked). */
  logger?: Logger;
  /** Delay before every answer, to look like a real network. Default 0. */
  latencyMs?: number;
  /** When set, every request must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Largest accepted request body. Default 16 KiB. */
  maxBodyBytes?: number;
  /** Honour the `X-Sandbox-Fault` header. Default true. */
  allowFaultHeader?: boolean;
}

export interface SandboxServer {
  /** The state behind the API (lockers, parcels with real phones, the SMS outbox). */
  readonly carrier: InMemoryCarrier;
  /** Requests received so far (including failed and faulted ones). */
  readonly requestCount: number;
  /** Starts listening; port 0 picks a free port. Resolves with the base URL, e.g. `http://127.0.0.1:41234`. */
  listen(port?: number, host?: string): Promise<{ url: string }>;
  /** Stops listening and drops open connections (including requests held by the `timeout` fault). */
  close(): Promise<void>;
  /** The next `times` requests (default 1) fail with `fault`. */
  injectFault(fault: SandboxFault, times?: number): void;
  clearFaults(): void;
  /** Changes the delay before every answer (`latencyMs`), e.g. to make a turn slow in a test. */
  setLatency(ms: number): void;
}

const HTTP_STATUS: Record<CarrierErrorCode, number> = {
  not_found: 404,
  wrong_status: 409,
  not_verified: 403,
  invalid: 422,
  challenge_expired: 410,
  challenge_locked: 423,
  rate_limited: 429,
  unavailable: 503,
  unexpected: 500,
};

const RESTIFY_CODES: Record<number, string> = {
  400: 'invalid',
  404: 'route_not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'invalid',
};

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** `?to=` as testers type it: `+370…` (a `+` may arrive as a space), `%2B370…` or `370…`. */
function outboxPhone(url: string | undefined): string | undefined {
  const raw = new URL(url ?? '/', 'http://sandbox').searchParams.get('to');
  if (raw === null) return undefined;
  const trimmed = raw.trim().replace(/[\s-]/g, '');
  const phone = trimmed.startsWith('+') ? trimmed : `+${trimmed}`;
  return e164.safeParse(phone).success ? phone : undefined;
}

const isFault = (v: string): v is SandboxFault => (SANDBOX_FAULTS as readonly string[]).includes(v);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Creates (does not start) a sandbox server with freshly seeded data. */
export function createSandboxServer(options: SandboxServerOptions = {}): SandboxServer {
  const carrier = new InMemoryCarrier(options);
  let latencyMs = options.latencyMs ?? 0;
  const allowFaultHeader = options.allowFaultHeader ?? true;
  const faults: SandboxFault[] = [];
  let requestCount = 0;

  const server = restify.createServer({ name: 'lockerdesk-carrier-sandbox', handleUncaughtExceptions: false });

  const reply = (res: restify.Response, next: restify.Next, status: number, body: unknown): void => {
    const send = () => {
      if (!res.headersSent && !res.writableEnded) res.send(status, body);
      next();
    };
    if (latencyMs > 0) setTimeout(send, latencyMs);
    else send();
  };
  const error = (res: restify.Response, next: restify.Next, status: number, body: ErrorBody): void => reply(res, next, status, body);
  const fromCarrierError = (res: restify.Response, next: restify.Next, err: unknown): void => {
    if (err instanceof IdempotencyConflictError) {
      return error(res, next, 422, { code: 'idempotency_conflict', message: `${IDEMPOTENCY_HEADER} reused with a different body` });
    }
    if (err instanceof CarrierError) {
      const body: ErrorBody = { code: err.code, message: err.message };
      if (err.status) body.status = err.status;
      return error(res, next, HTTP_STATUS[err.code], body);
    }
    options.logger?.error({ err }, 'sandbox carrier: internal error');
    return error(res, next, 500, { code: 'internal', message: 'internal error' });
  };
  const answer = <T>(res: restify.Response, next: restify.Next, work: Promise<T>, shape: (value: T) => unknown = (v) => v): void => {
    work.then((value) => reply(res, next, 200, shape(value)), (err: unknown) => fromCarrierError(res, next, err));
  };

  function parseBody<T>(schema: z.ZodType<T>, req: restify.Request, res: restify.Response, next: restify.Next): T | undefined {
    const parsed = schema.safeParse(req.body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    error(res, next, 400, { code: 'invalid', message: issues });
    return undefined;
  }

  /** Change requests must carry an Idempotency-Key; returns it, or answers 400 and returns undefined. */
  function requiredKey(req: restify.Request, res: restify.Response, next: restify.Next): string | undefined {
    const key = req.header(IDEMPOTENCY_HEADER);
    if (key) return key;
    error(res, next, 400, { code: 'invalid', message: `${IDEMPOTENCY_HEADER} header (1-200 characters) is required` });
    return undefined;
  }

  server.pre((req, res, next) => {
    requestCount += 1;
    const headerFault = allowFaultHeader ? req.header(FAULT_HEADER) : undefined;
    const fault = faults.shift() ?? (headerFault && isFault(headerFault) ? headerFault : undefined);
    if (!fault) return next();
    switch (fault) {
      case 'timeout':
        return undefined;
      case 'reset':
        req.socket.destroy();
        return undefined;
      case 'malformed':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"trackingNumber": "CE4821');
        return undefined;
      case 'wrong-shape':
        res.send(200, { unexpected: true, lockers: 'none' });
        return next(false);
      default:
        res.send(Number(fault), { code: fault === '503' ? 'unavailable' : 'internal', message: `injected fault ${fault}` });
        return next(false);
    }
  });

  server.pre((req, res, next) => {
    if (!options.apiKey) return next();
    const auth = req.header('Authorization') ?? '';
    if (safeEqual(auth, `Bearer ${options.apiKey}`)) return next();
    res.send(401, { code: 'unauthorized', message: 'missing or wrong API key' });
    return next(false);
  });

  server.use(restify.plugins.bodyReader({ maxBodySize: options.maxBodyBytes ?? 16 * 1024 }));
  server.use(restify.plugins.jsonBodyParser({ mapParams: false, bodyReader: true }));

  server.on('restifyError', (_req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number; toJSON?: () => unknown }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    err.toJSON = () => ({ code: RESTIFY_CODES[status] ?? 'internal', message: err.message });
    return callback();
  });

  server.get('/v1/health', (_req, res, next) => reply(res, next, 200, { status: 'ok' }));

  server.get('/v1/lockers', (_req, res, next) => {
    carrier.listLockers().then((lockers) => reply(res, next, 200, { lockers }), (err: unknown) => fromCarrierError(res, next, err));
  });

  server.get('/v1/lockers/:id', (req, res, next) => {
    carrier.getLocker(String(req.params.id)).then((l) => reply(res, next, 200, l), (err: unknown) => fromCarrierError(res, next, err));
  });

  server.get('/v1/parcels/:trackingNumber', (req, res, next) => {
    carrier
      .getParcel(String(req.params.trackingNumber))
      .then((p) => reply(res, next, 200, p), (err: unknown) => fromCarrierError(res, next, err));
  });

  server.post('/v1/parcels/:trackingNumber/codes', (req, res, next) => {
    const body = parseBody(parcelCodeRequestSchema, req, res, next);
    if (!body) return;
    answer(res, next, carrier.requestParcelCode(String(req.params.trackingNumber), body.role, body.lang));
  });

  server.post('/v1/phone-codes', (req, res, next) => {
    const body = parseBody(phoneCodeRequestSchema, req, res, next);
    if (!body) return;
    answer(res, next, carrier.requestPhoneCode(body.phone, body.lang));
  });

  server.post('/v1/code-verifications', (req, res, next) => {
    const body = parseBody(codeVerificationRequestSchema, req, res, next);
    if (!body) return;
    answer(res, next, carrier.verifyCode(body.challengeId, body.code));
  });

  server.post('/v1/parcels/:trackingNumber/readdress', (req, res, next) => {
    const body = parseBody(readdressRequestSchema, req, res, next);
    if (!body) return;
    const idempotencyKey = requiredKey(req, res, next);
    if (!idempotencyKey) return;
    const trackingNumber = String(req.params.trackingNumber);
    answer(res, next, carrier.readdressWithProof(trackingNumber, body.proofToken, body.newLockerId, { idempotencyKey }));
  });

  server.post('/v1/parcels/:trackingNumber/phone', (req, res, next) => {
    const body = parseBody(phoneChangeRequestSchema, req, res, next);
    if (!body) return;
    const idempotencyKey = requiredKey(req, res, next);
    if (!idempotencyKey) return;
    const trackingNumber = String(req.params.trackingNumber);
    answer(res, next, carrier.changePhoneWithProof(trackingNumber, body.proofToken, body.role, body.newPhone, { idempotencyKey }));
  });

  server.post('/v1/parcels/:trackingNumber/pickup-sms', (req, res, next) => {
    const idempotencyKey = req.header(IDEMPOTENCY_HEADER) || undefined;
    answer(res, next, carrier.resendPickupSms(String(req.params.trackingNumber), { idempotencyKey }));
  });

  server.post('/v1/parcel-lookups', (req, res, next) => {
    const body = parseBody(parcelLookupRequestSchema, req, res, next);
    if (!body) return;
    answer(res, next, carrier.findParcelsWithProof(body.proofToken, body.recipientPhone, body.lockerId), (trackingNumbers) => ({ trackingNumbers }));
  });

  server.get('/sandbox/sms', (req, res, next) => {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return error(res, next, 404, { code: 'route_not_found', message: `${req.getPath()} does not exist` });
    const to = outboxPhone(req.url);
    if (!to) return error(res, next, 400, { code: 'invalid', message: 'to: expected an E.164 phone number, e.g. ?to=%2B37061234567' });
    return reply(res, next, 200, carrier.outbox.list(to));
  });

  return {
    carrier,
    get requestCount() {
      return requestCount;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          server.server.off('error', reject);
          const address = server.server.address() as AddressInfo;
          const shownHost = host.includes(':') ? `[${host}]` : host;
          resolve({ url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server.server.listening) return resolve();
        server.server.closeAllConnections();
        server.close(() => resolve());
      });
    },
    injectFault(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    clearFaults() {
      faults.length = 0;
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
  };
}
