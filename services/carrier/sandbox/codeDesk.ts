/**
 * One-time codes and proof tokens in the sandbox carrier: what a real carrier's verification
 * service would do. Codes are 6 random digits, expire (default 5 minutes), allow 3 tries and are
 * used once; a correct code yields a proof token bound to what was proven (the parcel and role,
 * or the phone) and to the phone it went to, valid for `proofTtlMs` (default 15 minutes).
 *
 * The carrier keeps its own limit too: at most `codesPerSubjectPerDay` codes per parcel+role and
 * per phone in 24 hours (`rate_limited`), whatever the bot in front of it does.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'crypto';
import { CarrierError, type PhoneRole } from '../types';

/** What a code proves once typed back. */
export type CodeSubject = { kind: 'parcel'; trackingNumber: string; role: PhoneRole } | { kind: 'phone' };

/** What a proof token stands for. */
export interface ProofGrant {
  subject: CodeSubject;
  /** The phone that received the code (E.164). */
  phone: string;
  /** ms since the epoch. */
  expiresAt: number;
}

interface Challenge {
  subject: CodeSubject;
  phone: string;
  code: string;
  expiresAt: number;
  attemptsLeft: number;
  state: 'open' | 'used';
  /** No SMS went out (a phone code for a phone that sends no parcels): it can never be verified. */
  silent: boolean;
}

export interface CodeDeskOptions {
  now: () => Date;
  codeTtlMs?: number;
  proofTtlMs?: number;
  codesPerSubjectPerDay?: number;
  /** Secret of the phone keys. Default: random per sandbox. */
  phoneKeySecret?: string;
  /** Test seam: how codes are drawn. Default: 6 uniformly random digits (crypto). */
  newCode?: () => string;
}

export const CODE_TRIES = 3;
const DAY_MS = 86_400_000;
/** Challenges and grants are forgotten this long after they expire (then unknown: `not_found`). */
const KEEP_MS = DAY_MS;
const MAX_ENTRIES = 100_000;

const randomId = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;
const randomCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

function subjectKey(subject: CodeSubject, phone: string): string {
  return subject.kind === 'parcel' ? `parcel:${subject.trackingNumber}:${subject.role}` : `phone:${phone}`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class CodeDesk {
  readonly codeTtlMs: number;
  readonly proofTtlMs: number;
  private readonly codesPerSubjectPerDay: number;
  private readonly secret: string;
  private readonly newCode: () => string;
  private readonly challenges = new Map<string, Challenge>();
  private readonly grants = new Map<string, ProofGrant>();
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly options: CodeDeskOptions) {
    this.codeTtlMs = options.codeTtlMs ?? 5 * 60_000;
    this.proofTtlMs = options.proofTtlMs ?? 15 * 60_000;
    this.codesPerSubjectPerDay = options.codesPerSubjectPerDay ?? 10;
    this.secret = options.phoneKeySecret ?? randomBytes(32).toString('hex');
    this.newCode = options.newCode ?? randomCode;
  }

  /** The stable opaque key of a phone (HMAC-SHA256 with the sandbox's secret). */
  phoneKey(phone: string): string {
    return `pk_${createHmac('sha256', this.secret).update(phone).digest('base64url').slice(0, 32)}`;
  }

  /**
   * Opens a challenge for `subject`, to `phone`. Returns its id and the code to text (undefined
   * when `silent`). Throws `rate_limited` past the carrier's own daily limit.
   */
  open(where: string, subject: CodeSubject, phone: string, silent: boolean): { challengeId: string; code: string; expiresAt: number } {
    const now = this.now();
    this.sweep(now);
    const key = subjectKey(subject, phone);
    const recent = (this.sent.get(key) ?? []).filter((t) => now - t < DAY_MS);
    if (recent.length >= this.codesPerSubjectPerDay) {
      throw new CarrierError('rate_limited', `${where}: too many codes for this ${subject.kind} in 24 hours`);
    }
    recent.push(now);
    this.sent.set(key, recent);
    const code = this.newCode();
    if (!/^\d{6}$/.test(code)) throw new Error(`${where}: newCode() must return 6 digits`);
    const challengeId = randomId('ch_');
    const expiresAt = now + this.codeTtlMs;
    this.challenges.set(challengeId, { subject, phone, code, expiresAt, attemptsLeft: CODE_TRIES, state: 'open', silent });
    return { challengeId, code, expiresAt };
  }

  /** Checks a code: a proof token on success, tries left otherwise; typed errors for dead challenges. */
  verify(where: string, challengeId: string, code: string): { verified: true; token: string; grant: ProofGrant } | { verified: false; attemptsLeft: number } {
    const now = this.now();
    const challenge = this.challenges.get(challengeId);
    if (!challenge) throw new CarrierError('not_found', `${where}: unknown challenge`);
    if (challenge.state === 'used' || now >= challenge.expiresAt) {
      throw new CarrierError('challenge_expired', `${where}: the code expired or was already used`);
    }
    if (challenge.attemptsLeft <= 0) throw new CarrierError('challenge_locked', `${where}: the code has no tries left`);
    if (challenge.silent || !sameText(challenge.code, code)) {
      challenge.attemptsLeft -= 1;
      return { verified: false, attemptsLeft: challenge.attemptsLeft };
    }
    challenge.state = 'used';
    const grant: ProofGrant = { subject: challenge.subject, phone: challenge.phone, expiresAt: now + this.proofTtlMs };
    const token = randomId('pt_');
    this.grants.set(token, grant);
    return { verified: true, token, grant };
  }

  /** The grant behind a token, live or expired (undefined when unknown or forgotten). */
  grant(token: string): ProofGrant | undefined {
    return this.grants.get(token);
  }

  /** The grant behind a token when it is still valid. */
  liveGrant(token: string): ProofGrant | undefined {
    const grant = this.grants.get(token);
    return grant && this.now() < grant.expiresAt ? grant : undefined;
  }

  private now(): number {
    return this.options.now().getTime();
  }

  private sweep(now: number): void {
    for (const [id, c] of this.challenges) if (now - c.expiresAt > KEEP_MS) this.challenges.delete(id);
    for (const [token, g] of this.grants) if (now - g.expiresAt > KEEP_MS) this.grants.delete(token);
    for (const [key, times] of this.sent) if (!times.some((t) => now - t < DAY_MS)) this.sent.delete(key);
    const evict = <K, V>(map: Map<K, V>) => {
      while (map.size > MAX_ENTRIES) {
        const oldest = map.keys().next();
        if (oldest.done) break;
        map.delete(oldest.value);
      }
    };
    evict(this.challenges);
    evict(this.grants);
  }
}
