/**
 * Who may do what on the embedded Direct Line, and how they prove it:
 *
 * - a **token** (compact JWT, HMAC-SHA256) grants one conversation as one user until `exp`, and
 *   can be renewed only up to an absolute lifetime counted from the first issue (`orig`);
 * - a **visitor credential** (`v1.<dl_ id>.<issued>.<signature>`) is how a returning browser proves
 *   that a `dl_` user id was issued to it by this server; without a valid one it gets a new id;
 * - the **secret** (optional) is for trusted server-side callers only.
 *
 * All keys are derived from one configured key (`DIRECTLINE_TOKEN_KEY`) with HKDF, one per
 * purpose, so a token can never pass as a visitor credential or the other way round. Nothing is
 * stored per token or per visitor: the same key after a restart (or on another instance) accepts
 * everything issued before; a random key (no configuration) accepts only what this process issued.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'crypto';

/** Secret material for {@link DirectLineTokens} and {@link VisitorIds}, derived once from the configured key. */
export class DirectLineKeys {
  readonly token: Buffer;
  readonly visitor: Buffer;
  /** True when the key was configured, so credentials outlive this process. */
  readonly persistent: boolean;

  /** @param key `DIRECTLINE_TOKEN_KEY` (at least 16 bytes); random per process when omitted. */
  constructor(key?: string | Buffer) {
    const root = key === undefined ? randomBytes(32) : Buffer.from(key);
    if (root.length < 16) throw new Error('DirectLineKeys: the signing key must be at least 16 bytes');
    this.persistent = key !== undefined;
    const derive = (purpose: string): Buffer => Buffer.from(hkdfSync('sha256', root, 'lockerdesk-directline', purpose, 32));
    this.token = derive('token');
    this.visitor = derive('visitor');
  }
}

/** What a Direct Line token grants: one conversation, as one user, until `exp`. */
export interface DirectLineTokenClaims {
  /** Conversation id the token is bound to. */
  conv: string;
  /** User id (`dl_…`) the token is bound to; directlinejs reads this claim to learn its user id. */
  user: string;
  /** Optional display name of the user (set only by trusted server-side callers). */
  name?: string;
  /** Issued-at of this token, seconds since the epoch. */
  iat: number;
  /** Expiry, seconds since the epoch; never later than `orig` + the absolute lifetime. */
  exp: number;
  /** Issue time of the first token of this chain (refreshes keep it), seconds since the epoch. */
  orig: number;
}

/** Why a token was refused: `malformed` and `signature` are forgeries or garbage, `expired` is a stale token. */
export type TokenRejection = 'malformed' | 'signature' | 'expired';

export type TokenCheck = { ok: true; claims: DirectLineTokenClaims } | { ok: false; reason: TokenRejection };

const ISSUER = 'lockerdesk-directline';
const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Equal-length constant-time comparison of two strings. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Issues and verifies self-contained Direct Line tokens. Being JWTs, they let
 * botframework-directlinejs read the embedded `user` claim exactly as it does with Azure's tokens.
 *
 * Promises: a token verifies only with the key that signed it, before `exp`; `renew` keeps `orig`,
 * so no chain of refreshes or reconnects outlives `maxLifetimeSeconds`.
 */
export class DirectLineTokens {
  /**
   * @param key derived token key ({@link DirectLineKeys.token}).
   * @param ttlSeconds lifetime of each token (Azure's is 1800 s).
   * @param maxLifetimeSeconds absolute lifetime of a chain of tokens, counted from the first issue.
   * @param now clock in milliseconds, injectable for tests (the WebSocket stream reads it too).
   */
  constructor(
    private readonly key: Buffer,
    readonly ttlSeconds: number,
    readonly maxLifetimeSeconds: number,
    readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new Error(`DirectLineTokens: invalid ttlSeconds ${ttlSeconds}`);
    if (!Number.isInteger(maxLifetimeSeconds) || maxLifetimeSeconds < ttlSeconds) {
      throw new Error(`DirectLineTokens: maxLifetimeSeconds (${maxLifetimeSeconds}) must be an integer not below ttlSeconds (${ttlSeconds})`);
    }
  }

  /** A new token for the conversation and user, starting a new chain (`orig` = now). */
  issue(conv: string, user: string, name?: string): string {
    return this.sign({ conv, user, name, orig: Math.floor(this.now() / 1000) });
  }

  /**
   * A fresh token for the same conversation, user and chain; `undefined` once the chain has reached
   * its absolute lifetime (the client must then start a new conversation through the token route).
   */
  renew(claims: DirectLineTokenClaims): { token: string; expiresIn: number } | undefined {
    const now = Math.floor(this.now() / 1000);
    if (now >= claims.orig + this.maxLifetimeSeconds) return undefined;
    const token = this.sign({ conv: claims.conv, user: claims.user, name: claims.name, orig: claims.orig });
    return { token, expiresIn: Math.min(this.ttlSeconds, claims.orig + this.maxLifetimeSeconds - now) };
  }

  /** Seconds the token issued now for a chain started at `orig` will live (what `expires_in` says). */
  expiresIn(orig: number): number {
    return Math.min(this.ttlSeconds, orig + this.maxLifetimeSeconds - Math.floor(this.now() / 1000));
  }

  /** Verifies signature, issuer and expiry; never throws. */
  verify(token: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    if (!sameSecret(parts[2], this.mac(`${parts[0]}.${parts[1]}`))) return { ok: false, reason: 'signature' };
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!isClaims(payload)) return { ok: false, reason: 'malformed' };
    if (payload.exp * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    const claims: DirectLineTokenClaims = { conv: payload.conv, user: payload.user, iat: payload.iat, exp: payload.exp, orig: payload.orig };
    if (payload.name !== undefined) claims.name = payload.name;
    return { ok: true, claims };
  }

  private sign(c: { conv: string; user: string; name?: string; orig: number }): string {
    const iat = Math.floor(this.now() / 1000);
    const payload: DirectLineTokenClaims & { iss: string; jti: string } = {
      iss: ISSUER,
      conv: c.conv,
      user: c.user,
      iat,
      exp: Math.min(iat + this.ttlSeconds, c.orig + this.maxLifetimeSeconds),
      orig: c.orig,
      jti: randomBytes(9).toString('base64url'),
    };
    if (c.name !== undefined) payload.name = c.name;
    const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
    return `${head}.${this.mac(head)}`;
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

function isClaims(v: unknown): v is DirectLineTokenClaims & { iss: string } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    o.iss === ISSUER &&
    typeof o.conv === 'string' &&
    typeof o.user === 'string' &&
    typeof o.iat === 'number' &&
    typeof o.exp === 'number' &&
    typeof o.orig === 'number' &&
    (o.name === undefined || typeof o.name === 'string')
  );
}

/** The shape of every user id this server issues: `dl_` and 22 base64url characters (128 random bits). */
export const ISSUED_USER_ID = /^dl_[A-Za-z0-9_-]{22}$/;
/** User ids a trusted server-side caller (holding the secret) may choose, as Azure allows. */
export const TRUSTED_USER_ID = /^dl_[A-Za-z0-9_.:@-]{1,120}$/;

/** A newly issued visitor: the user id and the credential the browser keeps to prove it later. */
export interface IssuedVisitor {
  userId: string;
  credential: string;
}

/**
 * Server-issued, signed visitor identities. The credential binds a `dl_` id to this server's key
 * and to its issue date; `resume` accepts it only with a valid signature and within
 * `maxAgeSeconds`, and then issues a fresh credential (so an active visitor never expires), while
 * anything else — a bare id, a forged or altered signature, an old credential — gets a new id.
 */
export class VisitorIds {
  constructor(
    private readonly key: Buffer,
    private readonly maxAgeSeconds: number = 180 * 86_400,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new random user id with its credential. */
  issue(): IssuedVisitor {
    return this.credentialFor(`dl_${randomBytes(16).toString('base64url')}`);
  }

  /** The visitor the credential proves (with a renewed credential), or a new one when it proves nothing. */
  resume(credential: string | undefined): IssuedVisitor & { returning: boolean } {
    const userId = credential === undefined ? undefined : this.verify(credential);
    return userId ? { ...this.credentialFor(userId), returning: true } : { ...this.issue(), returning: false };
  }

  /** The user id a credential proves, or `undefined`; never throws. */
  verify(credential: string): string | undefined {
    const m = /^v1\.(dl_[A-Za-z0-9_-]{22})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/.exec(credential);
    if (!m) return undefined;
    const [, userId, issued, mac] = m;
    if (!sameSecret(mac, this.mac(userId, issued))) return undefined;
    const age = Math.floor(this.now() / 1000) - parseInt(issued, 36);
    return age >= -300 && age <= this.maxAgeSeconds ? userId : undefined;
  }

  private credentialFor(userId: string): IssuedVisitor {
    const issued = Math.floor(this.now() / 1000).toString(36);
    return { userId, credential: `v1.${userId}.${issued}.${this.mac(userId, issued)}` };
  }

  private mac(userId: string, issued: string): string {
    return createHmac('sha256', this.key).update(`visitor:v1:${userId}:${issued}`).digest('base64url');
  }
}
