/**
 * `CarrierApi` over the carrier's HTTP API (`services/carrier/openapi.yaml`), with axios.
 *
 * Promises:
 * - every call is bounded by `timeoutMs` per attempt;
 * - only safe requests (GETs, parcel-lookups) are retried, and only after a network
 *   error, a timeout or a 502/503/504, with exponential backoff and jitter;
 * - everything else (code requests, code checks, changes, the pickup SMS re-send) is sent once, with
 *   an `Idempotency-Key`: the caller's `ChangeOptions.idempotencyKey` when given (derived from the
 *   conversation and the pending change, so a repeated confirmation is not applied twice), else a
 *   fresh UUID per call;
 * - one-time codes and proof tokens travel only in request bodies, never in URLs;
 * - every failure is a `CarrierError` whose message starts with `CarrierClient.<method>():`;
 * - every response body is validated; a body that does not match the contract is `unexpected`.
 */
import { randomUUID } from 'crypto';
import { Agent as HttpAgent } from 'http';
import { Agent as HttpsAgent } from 'https';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { Lang } from '../i18n/langs';
import {
  CarrierError,
  type CarrierApi,
  type CarrierErrorCode,
  type ChangeOptions,
  type ChangeOutcome,
  type CodeChallenge,
  type CodeCheck,
  type Locker,
  type ParcelView,
  type PhoneRole,
  type PickupSmsResend,
} from './types';
import {
  changeOutcomeSchema,
  codeChallengeSchema,
  codeCheckSchema,
  errorBodySchema,
  IDEMPOTENCY_HEADER,
  idempotencyKeySchema,
  lockerListSchema,
  lockerSchema,
  parcelLookupResponseSchema,
  parcelViewSchema,
  pickupSmsResendSchema,
} from './wire';

/** One attempt of one call, for logs and metrics. Carries no phone numbers. */
export interface CarrierCallEvent {
  method: keyof CarrierApi;
  attempt: number;
  durationMs: number;
  /** `ok`, `retry` (this attempt failed and another follows) or `error` (final failure). */
  outcome: 'ok' | 'retry' | 'error';
  httpStatus?: number;
  code?: CarrierErrorCode;
}

export interface CarrierClientOptions {
  /** e.g. `https://api.carrier.example` (a trailing slash is fine); routes start with `/v1/`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Per attempt. Default 5000. */
  timeoutMs?: number;
  /** Extra attempts for safe requests. Default 2. */
  retries?: number;
  /** First backoff delay; doubles per retry, plus up to the same amount of jitter. Default 150. */
  retryBaseDelayMs?: number;
  /** Largest response accepted, in bytes. Default 10 MB. */
  maxResponseBytes?: number;
  /**
   * Connections to the carrier API kept open at most (keep-alive); further calls wait for a free
   * one, and that wait counts into their `timeoutMs` (axios times a request from its start, not
   * from when it gets a socket). Default 32.
   */
  maxSockets?: number;
  /** An idle pooled connection is closed after this long. Default 4000 (below node's 5 s server keep-alive timeout). */
  idleSocketMs?: number;
  /** Called after every attempt. Must not throw. */
  onCall?: (event: CarrierCallEvent) => void;
}

interface CallSpec<T> {
  method: keyof CarrierApi;
  http: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Safe to repeat: retried on transient failures. */
  safe: boolean;
  schema: z.ZodType<T>;
  /** For unsafe calls: the caller's key, else a fresh UUID. */
  idempotencyKey?: string;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: CarrierError; retryable: boolean; httpStatus?: number };

const RETRYABLE_STATUSES = new Set([502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seg = (value: string) => encodeURIComponent(value);

/** Connections to the carrier kept open at most, by default (see `CarrierClientOptions.maxSockets`). */
export const CARRIER_MAX_SOCKETS = 32;

export class CarrierClient implements CarrierApi {
  private readonly http: AxiosInstance;
  /**
   * One bounded keep-alive pool per client. Without it every call beyond the open connections
   * opened another one: at a wave of 200 customers, 200 connections to the carrier, each waiting
   * for the far side to accept it (on the in-process sandbox, one accept per event-loop
   * iteration: the proof turns' p99 was 5 s in `npm run bench`).
   */
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private readonly retries: number;
  private readonly retryBaseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly onCall?: (event: CarrierCallEvent) => void;

  constructor(options: CarrierClientOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) {
      throw new Error(`CarrierClient: baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
    }
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = Math.max(0, options.retries ?? 2);
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 150;
    this.onCall = options.onCall;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
    const maxSockets = Math.max(1, options.maxSockets ?? CARRIER_MAX_SOCKETS);
    // Idle connections close after 4 s, before a server's keep-alive timeout (node's default is 5 s)
    // closes them under a request: a reset there would fail a call that is never retried (a
    // readdress). node's global agent, used before, closed them after 5 s.
    const pool = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const, timeout: options.idleSocketMs ?? 4_000 };
    this.agents = { http: new HttpAgent(pool), https: new HttpsAgent(pool) };
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      timeout: this.timeoutMs,
      headers,
      maxRedirects: 0,
      maxContentLength: options.maxResponseBytes ?? 10 * 1024 * 1024,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
    });
  }

  listLockers(): Promise<Locker[]> {
    return this.call({ method: 'listLockers', http: 'GET', path: '/v1/lockers', safe: true, schema: lockerListSchema }).then(
      (r) => r.lockers,
    );
  }

  getLocker(id: string): Promise<Locker> {
    return this.call({ method: 'getLocker', http: 'GET', path: `/v1/lockers/${seg(id)}`, safe: true, schema: lockerSchema });
  }

  getParcel(trackingNumber: string): Promise<ParcelView> {
    return this.call({
      method: 'getParcel',
      http: 'GET',
      path: `/v1/parcels/${seg(trackingNumber)}`,
      safe: true,
      schema: parcelViewSchema,
    });
  }

  requestParcelCode(trackingNumber: string, role: PhoneRole, lang: Lang): Promise<CodeChallenge> {
    return this.call({
      method: 'requestParcelCode',
      http: 'POST',
      path: `/v1/parcels/${seg(trackingNumber)}/codes`,
      body: { role, lang },
      safe: false,
      schema: codeChallengeSchema,
    });
  }

  requestPhoneCode(phoneE164: string, lang: Lang): Promise<CodeChallenge> {
    return this.call({ method: 'requestPhoneCode', http: 'POST', path: '/v1/phone-codes', body: { phone: phoneE164, lang }, safe: false, schema: codeChallengeSchema });
  }

  verifyCode(challengeId: string, code: string): Promise<CodeCheck> {
    return this.call({ method: 'verifyCode', http: 'POST', path: '/v1/code-verifications', body: { challengeId, code }, safe: false, schema: codeCheckSchema });
  }

  readdressWithProof(trackingNumber: string, proofToken: string, newLockerId: string, opts: ChangeOptions = {}): Promise<ChangeOutcome> {
    return this.call({
      method: 'readdressWithProof',
      http: 'POST',
      path: `/v1/parcels/${seg(trackingNumber)}/readdress`,
      body: { proofToken, newLockerId },
      safe: false,
      schema: changeOutcomeSchema,
      idempotencyKey: opts.idempotencyKey,
    });
  }

  changePhoneWithProof(trackingNumber: string, proofToken: string, role: PhoneRole, newPhoneE164: string, opts: ChangeOptions = {}): Promise<ChangeOutcome> {
    return this.call({
      method: 'changePhoneWithProof',
      http: 'POST',
      path: `/v1/parcels/${seg(trackingNumber)}/phone`,
      body: { proofToken, role, newPhone: newPhoneE164 },
      safe: false,
      schema: changeOutcomeSchema,
      idempotencyKey: opts.idempotencyKey,
    });
  }

  findParcelsWithProof(proofToken: string, recipientPhoneE164: string, lockerId: string): Promise<string[]> {
    return this.call({
      method: 'findParcelsWithProof',
      http: 'POST',
      path: '/v1/parcel-lookups',
      body: { proofToken, recipientPhone: recipientPhoneE164, lockerId },
      safe: true,
      schema: parcelLookupResponseSchema,
    }).then((r) => r.trackingNumbers);
  }

  resendPickupSms(trackingNumber: string, opts: ChangeOptions = {}): Promise<PickupSmsResend> {
    return this.call({
      method: 'resendPickupSms',
      http: 'POST',
      path: `/v1/parcels/${seg(trackingNumber)}/pickup-sms`,
      safe: false,
      schema: pickupSmsResendSchema,
      idempotencyKey: opts.idempotencyKey,
    });
  }

  /** Closes the pooled connections (shutdown). Calls after this open new ones. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /**
   * One `GET /v1/health`, no retries, for readiness probes: resolves when the carrier answers 2xx
   * within `timeoutMs`, else rejects with a `CarrierError('unavailable')`.
   */
  async health(timeoutMs = 2000): Promise<void> {
    let status: number;
    try {
      status = (await this.http.get('/v1/health', { timeout: Math.min(timeoutMs, this.timeoutMs) })).status;
    } catch (err) {
      throw new CarrierError('unavailable', `CarrierClient.health(): ${err instanceof Error ? err.message : String(err)}`);
    }
    if (status < 200 || status >= 300) throw new CarrierError('unavailable', `CarrierClient.health(): HTTP ${status}`);
  }

  private async call<T>(spec: CallSpec<T>): Promise<T> {
    const maxAttempts = spec.safe ? this.retries + 1 : 1;
    const headers: Record<string, string> = {};
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (!spec.safe) {
      if (spec.idempotencyKey !== undefined && !idempotencyKeySchema.safeParse(spec.idempotencyKey).success) {
        const error = new CarrierError('invalid', `CarrierClient.${spec.method}(): the idempotency key must be 1-200 visible ASCII characters`);
        this.report({ method: spec.method, attempt: 1, durationMs: 0, outcome: 'error', code: error.code });
        throw error;
      }
      headers[IDEMPOTENCY_HEADER] = spec.idempotencyKey ?? randomUUID();
    }

    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const result = await this.attempt(spec, headers);
      const durationMs = Date.now() - started;
      if (result.ok) {
        this.report({ method: spec.method, attempt, durationMs, outcome: 'ok' });
        return result.value;
      }
      const willRetry = result.retryable && attempt < maxAttempts;
      this.report({
        method: spec.method,
        attempt,
        durationMs,
        outcome: willRetry ? 'retry' : 'error',
        httpStatus: result.httpStatus,
        code: result.error.code,
      });
      if (!willRetry) throw result.error;
      const base = this.retryBaseDelayMs * 2 ** (attempt - 1);
      await sleep(base + Math.random() * base);
    }
  }

  private async attempt<T>(spec: CallSpec<T>, headers: Record<string, string>): Promise<Attempt<T>> {
    const where = `CarrierClient.${spec.method}()`;
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.request<unknown>({
        method: spec.http,
        url: spec.path,
        data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        headers,
      });
    } catch (err) {
      return this.transportFailure(where, err);
    }

    const status = response.status;
    const json = parseJson(response.data);

    if (status >= 200 && status < 300) {
      if (!json.ok) {
        return fail(new CarrierError('unexpected', `${where}: HTTP ${status} with a body that is not JSON`), false, status);
      }
      const parsed = spec.schema.safeParse(json.value);
      if (!parsed.success) {
        const issues = parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        return fail(new CarrierError('unexpected', `${where}: response does not match the contract (${issues})`, undefined, parsed.error), false, status);
      }
      return { ok: true, value: parsed.data };
    }

    const body = json.ok ? errorBodySchema.safeParse(json.value) : undefined;
    const code = body?.success ? body.data.code : undefined;
    const detail = body?.success && body.data.message ? `: ${body.data.message}` : '';
    const label = `${where}: HTTP ${status}${code ? ` ${code}` : ''}${detail}`;

    if (status === 404 && code === 'not_found') return fail(new CarrierError('not_found', label), false, status);
    if (status === 409 && code === 'wrong_status' && body?.success && body.data.status) {
      return fail(new CarrierError('wrong_status', label, body.data.status), false, status);
    }
    if (status === 403 && code === 'not_verified') return fail(new CarrierError('not_verified', label), false, status);
    if (status === 410 && code === 'challenge_expired') return fail(new CarrierError('challenge_expired', label), false, status);
    if (status === 423 && code === 'challenge_locked') return fail(new CarrierError('challenge_locked', label), false, status);
    if (status === 429 && code === 'rate_limited') return fail(new CarrierError('rate_limited', label), false, status);
    if (status === 400 || status === 422) return fail(new CarrierError('invalid', label), false, status);
    if (status === 408 || status === 429 || status >= 500) {
      return fail(new CarrierError('unavailable', label), RETRYABLE_STATUSES.has(status), status);
    }
    return fail(new CarrierError('unexpected', label), false, status);
  }

  private transportFailure<T>(where: string, err: unknown): Attempt<T> {
    if (err instanceof AxiosError) {
      const code = err.code ?? '';
      if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/i.test(err.message)) {
        return fail(new CarrierError('unexpected', `${where}: response too large`, undefined, err), false);
      }
      if (NETWORK_CODES.has(code) || err.request) {
        const what = code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? `timed out after ${this.timeoutMs} ms` : `network error ${code || err.message}`;
        return fail(new CarrierError('unavailable', `${where}: ${what}`, undefined, err), true);
      }
    }
    const message = err instanceof Error ? err.message : String(err);
    return fail(new CarrierError('unexpected', `${where}: ${message}`, undefined, err), false);
  }

  private report(event: CarrierCallEvent): void {
    if (!this.onCall) return;
    try {
      this.onCall(event);
    } catch {
      /* a broken logger must not break the call */
    }
  }
}

function fail<T>(error: CarrierError, retryable: boolean, httpStatus?: number): Attempt<T> {
  return { ok: false, error, retryable, httpStatus };
}

function parseJson(data: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof data !== 'string' || data.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(data) };
  } catch {
    return { ok: false };
  }
}
