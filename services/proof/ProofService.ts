/**
 * Proof by possession for one conversation: the carrier texts a one-time code to the phone on the
 * parcel (or to the phone the customer typed, for a lost tracking number), the customer types it
 * back, and the conversation gets a `ProvenPhone` fact plus the carrier's proof token. The bot never
 * sees a code, so no log or transcript can leak one.
 *
 * On top of the carrier's own rules, and before every call to the carrier, this enforces the bot's
 * limits, counted in the limit store (Redis when configured), so they hold across conversations,
 * channels and bot instances:
 * - at most `codesPerParcelPerDay` codes per parcel and `codesPerPhonePerDay` per phone (the
 *   carrier's opaque `phoneKey`, and a keyed hash of a typed phone) in 24 hours;
 * - at most `codesPerConversation` codes per conversation and `codesPerClientPerDay` per client
 *   key (channel identity) in 24 hours;
 * - 3 tries per code (also across instances), codes valid `codeTtlMinutes`, proofs `proofTtlMinutes`.
 *
 * A reached limit is a `locked` outcome that never says which limit or which detail; it is
 * recorded as a lock supervisors can list and clear. A store failure fails closed (`unavailable`,
 * no SMS). Phones are only logged masked; codes and proof tokens never.
 *
 * Per-phone counting by `phoneKey` learns the key from the carrier's answer, so the very first code
 * for a parcel (or a typed phone) not seen in the last 24 hours is checked against the per-phone
 * limit only after it was sent: a phone shared by many parcels can receive at most one code per such
 * parcel beyond the limit, each still bounded by the per-parcel, per-conversation and per-client
 * limits and by the carrier's own.
 *
 * @example
 * const started = await proof.start({ conversationId, target: { kind: 'parcel', trackingNumber, role: 'sender' }, lang });
 * // ... the customer types "123 456"
 * const result = await proof.verify({ conversationId, text });
 * if (result.outcome === 'proven') await carrier.readdressWithProof(trackingNumber, result.proofToken, lockerId, { idempotencyKey });
 */
import { createHash, createHmac } from 'crypto';
import { normalizeS10 } from '../carrier/s10';
import { CarrierError, type CarrierApi, type CodeChallenge, type CodeCheck, type PhoneRole } from '../carrier/types';
import { e164 } from '../carrier/wire';
import { maskPhone } from '../i18n/format';
import type { Lang } from '../i18n/langs';
import type { LimiterFactory, NamedLimiter } from '../limits/limiter';
import type { Logger } from '../logging/logger';
import { parseCode } from './parseCode';
import type { LockScope, PendingChallenge, ProofLock, ProofStore, StoredLock } from './ProofStore';
import type { ProvenPhone } from './types';

/** The configured limits (`config.proof`). */
export interface ProofSettings {
  codesPerParcelPerDay: number;
  codesPerPhonePerDay: number;
  codesPerConversation: number;
  codesPerClientPerDay: number;
  codeTtlMinutes: number;
  proofTtlMinutes: number;
}

/** Tries per code (the carrier allows no more either). */
export const TRIES_PER_CODE = 3;

/** What the code proves: the `role` phone on a parcel, or a phone the customer typed (always as the sender's). */
export type ProofTarget = { kind: 'parcel'; trackingNumber: string; role: PhoneRole } | { kind: 'phone'; phoneE164: string };

export interface StartRequest {
  conversationId: string;
  target: ProofTarget;
  /** Language of the SMS. */
  lang: Lang;
  /** The channel identity (or another stable client key without personal data), for the per-client limit. */
  clientKey?: string;
}

export type StartOutcome =
  /** The code is on its way to `phoneMasked`; it is valid until `expiresAt`. */
  | { outcome: 'sent'; phoneMasked: string; expiresAt: string }
  /** A limit is reached; nothing was sent. A person can help; a supervisor sees `lockId`. */
  | { outcome: 'locked'; lockId: string; until: string }
  /** No such parcel. */
  | { outcome: 'not_found' }
  /** The carrier or the limit store is down; nothing was sent and nothing counted. */
  | { outcome: 'unavailable' };

export interface VerifyRequest {
  conversationId: string;
  /** What the customer typed; read tolerantly by `parseCode`. */
  text: string;
}

export type VerifyOutcome =
  /** Keep `proofToken` server-side (dialog state) for the carrier call; `fact` may go to a case. */
  | { outcome: 'proven'; fact: ProvenPhone; proofToken: string }
  | { outcome: 'wrong'; attemptsLeft: number }
  /** The text holds no 6-digit code; no try was spent. */
  | { outcome: 'not_a_code' }
  /** No live code in this conversation (none requested here, expired, or already used). */
  | { outcome: 'expired' }
  /** This code has no tries left; a new code may be requested. */
  | { outcome: 'exhausted' }
  /** This code is dead and no new one may be sent: a person can help. */
  | { outcome: 'locked'; lockId: string; until: string }
  | { outcome: 'unavailable' };

export interface ProofServiceOptions {
  carrier: Pick<CarrierApi, 'requestParcelCode' | 'requestPhoneCode' | 'verifyCode'>;
  limits: LimiterFactory;
  store: ProofStore;
  settings: ProofSettings;
  logger: Logger;
  now?: () => Date;
}

const DAY_S = 86_400;
const MINUTE_MS = 60_000;

type Limiters = Record<'conversation' | 'client' | 'parcel' | 'phone' | 'tries', NamedLimiter>;

/** A limit to consume before sending a code, and how its lock looks. */
interface Gate {
  scope: LockScope;
  limiter: NamedLimiter;
  key: string;
  subject: string;
}

class LimitStoreDown extends Error {}

export class ProofService {
  private readonly carrier: ProofServiceOptions['carrier'];
  private readonly store: ProofStore;
  private readonly settings: ProofSettings;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly limiters: Limiters;
  private readonly byName: Map<string, NamedLimiter>;
  private secret?: Promise<string>;

  constructor(options: ProofServiceOptions) {
    this.carrier = options.carrier;
    this.store = options.store;
    this.settings = options.settings;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    const s = options.settings;
    const f = options.limits;
    this.limiters = {
      conversation: f.create('proof.codes-per-conversation', { points: s.codesPerConversation, windowSeconds: DAY_S }),
      client: f.create('proof.codes-per-client', { points: s.codesPerClientPerDay, windowSeconds: DAY_S }),
      parcel: f.create('proof.codes-per-parcel', { points: s.codesPerParcelPerDay, windowSeconds: DAY_S }),
      phone: f.create('proof.codes-per-phone', { points: s.codesPerPhonePerDay, windowSeconds: DAY_S }),
      tries: f.create('proof.tries-per-code', { points: TRIES_PER_CODE, windowSeconds: s.codeTtlMinutes * 60 + 60 }),
    };
    this.byName = new Map(Object.values(this.limiters).map((l) => [l.name, l]));
  }

  /** Sends a code for `target` to this conversation, unless a limit says no. */
  async start(request: StartRequest): Promise<StartOutcome> {
    const { conversationId, target, lang, clientKey } = request;
    if (!conversationId) throw new TypeError('ProofService.start(): conversationId is required');
    if (target.kind === 'phone' && !e164.safeParse(target.phoneE164).success) {
      throw new TypeError('ProofService.start(): target.phoneE164 must be E.164 (normalize what the customer typed first)');
    }
    const trackingNumber = target.kind === 'parcel' ? normalizeS10(target.trackingNumber) : undefined;
    const consumed: Gate[] = [];
    /** The carrier sent the code (from here on nothing is given back). */
    let sent = false;
    try {
      const typedPhoneRef = target.kind === 'phone' ? await this.typedPhoneRef(target.phoneE164) : undefined;
      const gates: Gate[] = [{ scope: 'conversation', limiter: this.limiters.conversation, key: conversationId, subject: conversationId }];
      if (clientKey) gates.push({ scope: 'client', limiter: this.limiters.client, key: clientKey, subject: clientKey });
      if (trackingNumber) gates.push({ scope: 'parcel', limiter: this.limiters.parcel, key: trackingNumber, subject: trackingNumber });
      if (target.kind === 'phone' && typedPhoneRef) {
        gates.push({ scope: 'phone', limiter: this.limiters.phone, key: typedPhoneRef, subject: maskPhone(target.phoneE164) });
      }
      const knownRef = trackingNumber && target.kind === 'parcel' ? `parcel:${trackingNumber}:${target.role}` : typedPhoneRef;
      // The gates are counted one after another, in order, and the first that refuses stops the
      // rest: a request refused at one limit (a client over its cap) never touches the next ones
      // (a parcel's codes), even for a moment while many such requests run at once. The phone on
      // file is read beside them.
      const knownRead = knownRef ? this.guard(() => this.store.getPhone(knownRef)) : Promise.resolve(undefined);
      knownRead.catch(() => undefined); // awaited below unless a gate refuses first
      for (const gate of gates) {
        const decision = await this.guard(() => gate.limiter.consume(gate.key));
        if (!decision.allowed) return await this.refuse(gate, decision.resetInMs, conversationId, consumed);
        consumed.push(gate);
      }
      const known = await knownRead;
      if (known) {
        const gate: Gate = { scope: 'phone', limiter: this.limiters.phone, key: `pk:${known.phoneKey}`, subject: known.phoneMasked };
        const phone = await this.guard(() => gate.limiter.peek(gate.key));
        if (!phone.allowed) return await this.refuse(gate, phone.resetInMs, conversationId, consumed);
      }

      let challenge: CodeChallenge;
      try {
        challenge =
          target.kind === 'parcel'
            ? await this.carrier.requestParcelCode(trackingNumber ?? target.trackingNumber, target.role, lang)
            : await this.carrier.requestPhoneCode(target.phoneE164, lang);
      } catch (err) {
        return await this.carrierRefused(err, conversationId, target, trackingNumber, consumed);
      }
      sent = true;

      const nowMs = this.now().getTime();
      const expiresAt = new Date(Math.min(Date.parse(challenge.expiresAt) || Infinity, nowMs + this.settings.codeTtlMinutes * MINUTE_MS)).toISOString();
      const pending: PendingChallenge = {
        challengeId: challenge.challengeId,
        target: target.kind === 'parcel' ? { kind: 'parcel', trackingNumber: trackingNumber ?? target.trackingNumber, role: target.role } : { kind: 'phone' },
        phoneMasked: challenge.phoneMasked,
        phoneKey: challenge.phoneKey,
        expiresAt,
        typedPhoneRef,
        clientKey,
      };
      const ttlMs = Math.max(Date.parse(expiresAt) - nowMs, 0) + MINUTE_MS;
      const phoneKeyRef = `pk:${challenge.phoneKey}`;
      // Independent writes, at once; the code went out, so the phone's count is kept whatever else fails (nothing is given back below).
      const [, , perPhone] = await Promise.all([
        this.guard(() => this.store.putPending(conversationId, pending, ttlMs)),
        knownRef ? this.guard(() => this.store.putPhone(knownRef, { phoneKey: challenge.phoneKey, phoneMasked: challenge.phoneMasked }, DAY_S * 1000)) : undefined,
        this.guard(() => this.limiters.phone.consume(phoneKeyRef)),
      ]);
      if (!perPhone.allowed) {
        // The code is already on its way (the key was new to us); the next request for this phone is refused before the carrier.
        await this.recordLock({ scope: 'phone', limiter: this.limiters.phone, key: phoneKeyRef, subject: challenge.phoneMasked }, perPhone.resetInMs, conversationId);
      }
      this.logger.info(
        { conversationId, proof: { event: 'code_sent', target: target.kind, trackingNumber, role: pending.target.kind === 'parcel' ? pending.target.role : 'sender', to: challenge.phoneMasked } },
        'proof: one-time code sent',
      );
      return { outcome: 'sent', phoneMasked: challenge.phoneMasked, expiresAt };
    } catch (err) {
      if (err instanceof LimitStoreDown) {
        this.logger.error({ err: err.cause, conversationId }, 'proof: the limit store failed; the code request was not completed');
        // A code that went out stays counted: a store failure after the SMS must not make the next one free.
        if (!sent) await this.refundAll(consumed);
        return { outcome: 'unavailable' };
      }
      throw err;
    }
  }

  /** Checks what the customer typed against this conversation's pending code. */
  async verify(request: VerifyRequest): Promise<VerifyOutcome> {
    const { conversationId, text } = request;
    const code = parseCode(text);
    if (!code) return { outcome: 'not_a_code' };
    try {
      const pending = await this.guard(() => this.store.getPending(conversationId));
      if (!pending) return { outcome: 'expired' };
      const now = this.now();
      if (now.getTime() >= Date.parse(pending.expiresAt)) {
        await this.guard(() => this.store.deletePending(conversationId));
        return { outcome: 'expired' };
      }
      const tries = await this.guard(() => this.limiters.tries.consume(pending.challengeId));
      if (!tries.allowed) {
        await this.guard(() => this.store.deletePending(conversationId));
        return await this.deadCode(pending, conversationId);
      }

      let check: CodeCheck;
      try {
        check = await this.carrier.verifyCode(pending.challengeId, code);
      } catch (err) {
        if (err instanceof CarrierError && (err.code === 'challenge_expired' || err.code === 'not_found')) {
          await this.guard(() => this.store.deletePending(conversationId));
          return { outcome: 'expired' };
        }
        if (err instanceof CarrierError && err.code === 'challenge_locked') {
          await this.guard(() => this.store.deletePending(conversationId));
          return await this.deadCode(pending, conversationId);
        }
        this.logger.warn({ err, conversationId }, 'proof: the carrier could not check a code');
        await this.guard(() => this.limiters.tries.refund(pending.challengeId));
        return { outcome: 'unavailable' };
      }

      if (check.verified) {
        await this.guard(() => this.store.deletePending(conversationId));
        const expiresMs = Math.min(Date.parse(check.expiresAt) || Infinity, now.getTime() + this.settings.proofTtlMinutes * MINUTE_MS);
        const fact: ProvenPhone = {
          kind: 'phone',
          e164: check.phoneE164,
          role: pending.target.kind === 'parcel' ? pending.target.role : 'sender',
          provenAt: now.toISOString(),
          expiresAt: new Date(expiresMs).toISOString(),
        };
        if (pending.target.kind === 'parcel') fact.trackingNumber = pending.target.trackingNumber;
        this.logger.info(
          { conversationId, proof: { event: 'proven', target: pending.target.kind, trackingNumber: fact.trackingNumber, role: fact.role, phone: pending.phoneMasked } },
          'proof: phone proven',
        );
        return { outcome: 'proven', fact, proofToken: check.proofToken };
      }

      const attemptsLeft = Math.min(check.attemptsLeft, tries.remaining);
      this.logger.info({ conversationId, proof: { event: 'wrong_code', attemptsLeft } }, 'proof: wrong code');
      if (attemptsLeft > 0) return { outcome: 'wrong', attemptsLeft };
      await this.guard(() => this.store.deletePending(conversationId));
      return await this.deadCode(pending, conversationId);
    } catch (err) {
      if (err instanceof LimitStoreDown) {
        this.logger.error({ err: err.cause, conversationId }, 'proof: the limit store failed; the code was not checked');
        return { outcome: 'unavailable' };
      }
      throw err;
    }
  }

  /** The conversation's pending code, if any (for the dialog: where it went, until when). */
  async pending(conversationId: string): Promise<{ phoneMasked: string; expiresAt: string } | undefined> {
    const pending = await this.store.getPending(conversationId);
    if (!pending || this.now().getTime() >= Date.parse(pending.expiresAt)) return undefined;
    return { phoneMasked: pending.phoneMasked, expiresAt: pending.expiresAt };
  }

  /** Limits reached and not yet lifted, newest first, for the supervisor console. */
  async listLocks(): Promise<ProofLock[]> {
    const locks = await this.store.listLocks(this.now().getTime());
    return locks.map(({ limiter: _limiter, key: _key, ...lock }) => lock);
  }

  /** Lifts a lock: its limit starts from zero. `by` (a supervisor id) goes to the log. False when there was no such lock. */
  async clearLock(id: string, by: string): Promise<boolean> {
    const lock = await this.store.removeLock(id);
    if (!lock) return false;
    await this.byName.get(lock.limiter)?.reset(lock.key);
    this.logger.info({ proof: { event: 'lock_cleared', lockId: lock.id, scope: lock.scope, refusals: lock.refusals }, by }, 'proof: lock cleared by a supervisor');
    return true;
  }

  /** A code is dead: `exhausted` when a new one could still be sent, else `locked` (and recorded). */
  private async deadCode(pending: PendingChallenge, conversationId: string): Promise<VerifyOutcome> {
    const gates: Gate[] = [{ scope: 'conversation', limiter: this.limiters.conversation, key: conversationId, subject: conversationId }];
    if (pending.clientKey) gates.push({ scope: 'client', limiter: this.limiters.client, key: pending.clientKey, subject: pending.clientKey });
    if (pending.target.kind === 'parcel') {
      gates.push({ scope: 'parcel', limiter: this.limiters.parcel, key: pending.target.trackingNumber, subject: pending.target.trackingNumber });
    }
    if (pending.typedPhoneRef) gates.push({ scope: 'phone', limiter: this.limiters.phone, key: pending.typedPhoneRef, subject: pending.phoneMasked });
    gates.push({ scope: 'phone', limiter: this.limiters.phone, key: `pk:${pending.phoneKey}`, subject: pending.phoneMasked });
    for (const gate of gates) {
      const state = await this.guard(() => gate.limiter.peek(gate.key));
      if (!state.allowed) {
        const lock = await this.recordLock(gate, state.resetInMs, conversationId);
        return { outcome: 'locked', lockId: lock.id, until: lock.until };
      }
    }
    return { outcome: 'exhausted' };
  }

  private async refuse(gate: Gate, resetInMs: number, conversationId: string, consumed: Gate[]): Promise<StartOutcome> {
    // Only the gate that refused keeps the count of this attempt; the earlier ones get it back.
    await this.refundAll(consumed);
    const lock = await this.recordLock(gate, resetInMs, conversationId);
    return { outcome: 'locked', lockId: lock.id, until: lock.until };
  }

  private async carrierRefused(err: unknown, conversationId: string, target: ProofTarget, trackingNumber: string | undefined, consumed: Gate[]): Promise<StartOutcome> {
    if (err instanceof CarrierError && err.code === 'not_found') {
      // Nothing was sent; the parcel count goes back, the conversation and client keep it (guessing numbers costs).
      await this.refundAll(consumed.filter((g) => g.scope === 'parcel'));
      return { outcome: 'not_found' };
    }
    if (err instanceof CarrierError && err.code === 'rate_limited') {
      const key = trackingNumber ? `carrier:${trackingNumber}` : `carrier:${consumed.find((g) => g.scope === 'phone')?.key ?? conversationId}`;
      const subject = trackingNumber ?? (target.kind === 'phone' ? maskPhone(target.phoneE164) : conversationId);
      const lock = await this.recordLock({ scope: 'carrier', limiter: '', key, subject }, DAY_S * 1000, conversationId);
      return { outcome: 'locked', lockId: lock.id, until: lock.until };
    }
    this.logger.warn({ err, conversationId }, 'proof: the carrier could not send a code');
    await this.refundAll(consumed);
    return { outcome: 'unavailable' };
  }

  private async recordLock(
    gate: { scope: LockScope; limiter: NamedLimiter | ''; key: string; subject: string },
    resetInMs: number,
    conversationId: string,
  ): Promise<StoredLock> {
    const nowMs = this.now().getTime();
    const id = `lk_${createHash('sha256').update(`${gate.scope}\n${gate.key}`).digest('hex').slice(0, 20)}`;
    const at = new Date(nowMs).toISOString();
    const until = new Date(nowMs + Math.max(resetInMs, 1000)).toISOString();
    const lock = await this.guard(() =>
      this.store.recordLock(
        { id, scope: gate.scope, subject: gate.subject, since: at, until, refusals: 1, lastConversationId: conversationId, limiter: gate.limiter ? gate.limiter.name : '', key: gate.key },
        nowMs,
      ),
    );
    this.logger.warn({ conversationId, proof: { event: 'locked', lockId: lock.id, scope: lock.scope, subject: lock.subject, refusals: lock.refusals, until: lock.until } }, 'proof: limit reached');
    return lock;
  }

  private async refundAll(gates: Gate[]): Promise<void> {
    for (const gate of gates) await gate.limiter.refund(gate.key).catch(() => undefined);
  }

  private async typedPhoneRef(phoneE164: string): Promise<string> {
    this.secret ??= this.store.secret();
    const pending = this.secret;
    const secret = await this.guard(() => pending).catch((err: unknown) => {
      if (this.secret === pending) this.secret = undefined; // try the store again next time
      throw err;
    });
    return `t:${createHmac('sha256', secret).update(phoneE164).digest('base64url').slice(0, 32)}`;
  }

  /** Runs a limit-store operation; its failure becomes `LimitStoreDown` (the caller fails closed). */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new LimitStoreDown('ProofService: the limit store failed', { cause: err });
    }
  }
}
