/**
 * The sandbox carrier HTTP server: the contract in `services/carrier/openapi.yaml` over an
 * `InMemoryCarrier`, with restify. Started in-process by `index.ts` when no carrier URL is
 * configured, by tests on port 0, or alone with `sandbox/main.ts`.
 *
 * Fault injection for tests: send `X-Sandbox-Fault: timeout|reset|500|502|503|504|malformed|wrong-shape`
 * on a request, or call `injectFault()` to make the next N requests fail that way.
 */
import { timingSafeEqual } from 'crypto';
import type { AddressInfo } from 'net';
import * as restify from 'restify';
import type { z } from 'zod';
import { CarrierError, type CarrierErrorCode } from '../types';
import {
  IDEMPOTENCY_HEADER,
  parcelLookupRequestSchema,
  phoneChangeRequestSchema,
  readdressRequestSchema,
  verifySenderRequestSchema,
  type ErrorBody,
} from '../wire';
import { InMemoryCarrier } from './InMemoryCarrier';

export const SANDBOX_FAULTS = ['timeout', 'reset', '500', '502', '503', '504', 'malformed', 'wrong-shape'] as const;
export type SandboxFault = (typeof SANDBOX_FAULTS)[number];
export const FAULT_HEADER = 'X-Sandbox-Fault';

export interface SandboxServerOptions {
  /** Clock for the seed and new events. Default: the real clock. */
  now?: () => Date;
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
  /** The state behind the API (lockers, parcels with real phones). */
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
}

const HTTP_STATUS: Record<CarrierErrorCode, number> = {
  not_found: 404,
  wrong_status: 409,
  not_verified: 403,
  invalid: 422,
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

interface StoredReply {
  fingerprint: string;
  status: number;
  body: unknown;
}

const MAX_IDEMPOTENCY_KEYS = 10_000;

const isFault = (v: string): v is SandboxFault => (SANDBOX_FAULTS as readonly string[]).includes(v);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Creates (does not start) a sandbox server with freshly seeded data. */
export function createSandboxServer(options: SandboxServerOptions = {}): SandboxServer {
  const carrier = new InMemoryCarrier({ now: options.now });
  const latencyMs = options.latencyMs ?? 0;
  const allowFaultHeader = options.allowFaultHeader ?? true;
  const faults: SandboxFault[] = [];
  const idempotent = new Map<string, StoredReply>();
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
    if (err instanceof CarrierError) {
      const body: ErrorBody = { code: err.code, message: err.message };
      if (err.status) body.status = err.status;
      return error(res, next, HTTP_STATUS[err.code], body);
    }
    return error(res, next, 500, { code: 'internal', message: err instanceof Error ? err.message : String(err) });
  };

  function parseBody<T>(schema: z.ZodType<T>, req: restify.Request, res: restify.Response, next: restify.Next): T | undefined {
    const parsed = schema.safeParse(req.body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    error(res, next, 400, { code: 'invalid', message: issues });
    return undefined;
  }

  function remember(scope: string, stored: StoredReply): void {
    if (idempotent.size >= MAX_IDEMPOTENCY_KEYS) {
      const oldest = idempotent.keys().next();
      if (!oldest.done) idempotent.delete(oldest.value);
    }
    idempotent.set(scope, stored);
  }

  /** Runs `action` once per Idempotency-Key; a repeat with the same body gets the same answer. */
  function withIdempotency(req: restify.Request, res: restify.Response, next: restify.Next, action: () => Promise<unknown>): void {
    const key = req.header(IDEMPOTENCY_HEADER);
    if (!key || key.length > 200) {
      return error(res, next, 400, { code: 'invalid', message: `${IDEMPOTENCY_HEADER} header (1-200 characters) is required` });
    }
    const scope = `${req.getPath()}\n${key}`;
    const fingerprint = JSON.stringify(req.body);
    const stored = idempotent.get(scope);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        return error(res, next, 422, { code: 'idempotency_conflict', message: `${IDEMPOTENCY_HEADER} reused with a different body` });
      }
      return reply(res, next, stored.status, stored.body);
    }
    action().then(
      (body) => {
        remember(scope, { fingerprint, status: 200, body });
        reply(res, next, 200, body);
      },
      (err: unknown) => {
        if (err instanceof CarrierError && err.code !== 'unavailable' && err.code !== 'unexpected') {
          const body: ErrorBody = { code: err.code, message: err.message };
          if (err.status) body.status = err.status;
          remember(scope, { fingerprint, status: HTTP_STATUS[err.code], body });
        }
        fromCarrierError(res, next, err);
      },
    );
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

  server.post('/v1/parcels/:trackingNumber/verify-sender', (req, res, next) => {
    const body = parseBody(verifySenderRequestSchema, req, res, next);
    if (!body) return;
    carrier
      .verifySender(String(req.params.trackingNumber), body.phone)
      .then((match) => reply(res, next, 200, { match }), (err: unknown) => fromCarrierError(res, next, err));
  });

  server.post('/v1/parcels/:trackingNumber/readdress', (req, res, next) => {
    const body = parseBody(readdressRequestSchema, req, res, next);
    if (!body) return;
    withIdempotency(req, res, next, () => carrier.readdress(String(req.params.trackingNumber), body.senderPhone, body.newLockerId));
  });

  server.post('/v1/parcels/:trackingNumber/phone', (req, res, next) => {
    const body = parseBody(phoneChangeRequestSchema, req, res, next);
    if (!body) return;
    withIdempotency(req, res, next, () =>
      carrier.changePhone(String(req.params.trackingNumber), body.senderPhone, body.role, body.newPhone),
    );
  });

  server.post('/v1/parcel-lookups', (req, res, next) => {
    const body = parseBody(parcelLookupRequestSchema, req, res, next);
    if (!body) return;
    carrier
      .findParcels(body.senderPhone, body.recipientPhone, body.lockerId)
      .then((trackingNumbers) => reply(res, next, 200, { trackingNumbers }), (err: unknown) => fromCarrierError(res, next, err));
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
  };
}
