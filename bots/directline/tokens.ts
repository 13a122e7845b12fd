import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

/** What a Direct Line token grants: one conversation, as one user, until `exp`. */
export interface DirectLineTokenClaims {
  /** Conversation id the token is bound to. */
  conv: string;
  /** User id (`dl_…`) the token is bound to; directlinejs reads this claim to learn its user id. */
  user: string;
  /** Optional display name of the user. */
  name?: string;
  /** Issued-at, seconds since the epoch. */
  iat: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Why a token was refused: `malformed` and `signature` are forgeries or garbage, `expired` is a stale token. */
export type TokenRejection = 'malformed' | 'signature' | 'expired';

export type TokenCheck = { ok: true; claims: DirectLineTokenClaims } | { ok: false; reason: TokenRejection };

const ISSUER = 'lockerdesk-directline';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * Issues and verifies self-contained Direct Line tokens: compact JWTs signed with HMAC-SHA256.
 * Being JWTs, they let botframework-directlinejs read the embedded `user` claim exactly as it does
 * with Azure's enhanced tokens. Nothing is stored per token, so a restart with the same key keeps
 * outstanding tokens valid, and a random key (the default) invalidates them all.
 */
export class DirectLineTokens {
  private readonly key: Buffer;

  /**
   * @param key HMAC key; at least 32 bytes of entropy recommended. Random per process when omitted.
   * @param ttlSeconds Lifetime of each token (Azure's is 1800 s).
   * @param now Clock in milliseconds, injectable for tests.
   */
  constructor(
    key: string | Buffer | undefined,
    readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = key === undefined ? randomBytes(32) : Buffer.from(key);
    if (this.key.length < 16) throw new Error('DirectLineTokens: the signing key must be at least 16 bytes');
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new Error(`DirectLineTokens: invalid ttlSeconds ${ttlSeconds}`);
  }

  /** Signs a new token for the conversation and user; `expires_in` of the reply is `ttlSeconds`. */
  issue(conv: string, user: string, name?: string): string {
    const iat = Math.floor(this.now() / 1000);
    const payload: DirectLineTokenClaims & { iss: string; jti: string } = {
      iss: ISSUER,
      conv,
      user,
      iat,
      exp: iat + this.ttlSeconds,
      jti: randomBytes(9).toString('base64url'),
    };
    if (name !== undefined) payload.name = name;
    const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
    return `${head}.${this.sign(head)}`;
  }

  /** Verifies signature, issuer and expiry; never throws. */
  verify(token: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature' };
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!isClaims(payload)) return { ok: false, reason: 'malformed' };
    if (payload.exp * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    const claims: DirectLineTokenClaims = { conv: payload.conv, user: payload.user, iat: payload.iat, exp: payload.exp };
    if (payload.name !== undefined) claims.name = payload.name;
    return { ok: true, claims };
  }

  /** Derives a stable, non-reversible sub-key for another purpose (e.g. the connector path key). */
  derive(purpose: string): string {
    return createHmac('sha256', this.key).update(`derive:${purpose}`).digest('base64url').slice(0, 32);
  }

  private sign(data: string): string {
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
    (o.name === undefined || typeof o.name === 'string')
  );
}
