/**
 * Agent accounts, passwords, sessions, login throttling and demo sign-in for the agent console.
 *
 * - Passwords are stored only as scrypt hashes `scrypt$N$r$p$saltB64$hashB64` (node:crypto),
 *   compared in constant time; an unknown user costs the same scrypt as a wrong password.
 * - Sessions are random 256-bit ids handed to the browser; the store keeps only their SHA-256, so
 *   a leaked store dump holds no usable session. Expiry slides with use.
 * - Every sign-in attempt is counted *before* the password is checked, atomically
 *   (rate-limiter-flexible, memory or Redis): per client address and username, and per client
 *   address over all usernames (spraying). Past a limit the address waits, and the wait doubles
 *   with each repeat; the account itself is never locked, so an attacker elsewhere cannot keep the
 *   real supervisor out.
 * - Without configured agents, demo accounts exist only in this process and have no password:
 *   each is entered once through a single-use setup link printed at start-up.
 */
import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../state/redisClient';
import type { SessionStore } from './ports';

export type AgentRole = 'agent' | 'supervisor';

export interface AgentAccount {
  /** Also the login name. */
  id: string;
  name: string;
  role: AgentRole;
  passwordHash: string;
}

/** What the console and the API see of an agent. */
export interface AgentIdentity {
  id: string;
  name: string;
  role: AgentRole;
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$saltB64$hashB64` for `password`, with a fresh 16-byte salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  if (!password) throw new Error('hashPassword(): the password is empty');
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LEN, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r * params.p });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

/** Throws on anything but the documented format (used when loading configuration). */
export function parsePasswordHash(encoded: string): ParsedHash {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new Error('expected scrypt$N$r$p$saltB64$hashB64');
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || (N & (N - 1)) !== 0 || N > 1 << 20 || r > 32 || p > 16) {
    throw new Error('scrypt parameters out of range (N a power of two up to 2^20, r <= 32, p <= 16)');
  }
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  if (salt.length < 8 || key.length < 16) throw new Error('scrypt salt or hash too short');
  return { params: { N, r, p }, salt, key };
}

/** Constant-time check of `password` against an encoded hash; false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  let parsed: ParsedHash;
  try {
    parsed = parsePasswordHash(encoded);
  } catch {
    return false;
  }
  const { params, salt, key } = parsed;
  const candidate = await scrypt(password, salt, key.length, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r * params.p });
  return timingSafeEqual(candidate, key);
}

/** The configured agents. Login names are matched case-insensitively. */
export class AgentDirectory {
  private readonly byId = new Map<string, AgentAccount>();
  private dummyHash?: Promise<string>;

  constructor(accounts: AgentAccount[]) {
    for (const a of accounts) {
      const id = a.id.toLowerCase();
      if (this.byId.has(id)) throw new Error(`AgentDirectory: duplicate agent id "${a.id}"`);
      this.byId.set(id, a);
    }
  }

  get(id: string): AgentIdentity | undefined {
    const a = this.byId.get(id.toLowerCase());
    return a ? { id: a.id, name: a.name, role: a.role } : undefined;
  }

  list(): AgentIdentity[] {
    return [...this.byId.values()].map((a) => ({ id: a.id, name: a.name, role: a.role }));
  }

  /** The agent when username and password match; the same work is done for an unknown user. */
  async verify(username: string, password: string): Promise<AgentIdentity | undefined> {
    const account = this.byId.get(username.trim().toLowerCase());
    if (!account) {
      this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, await this.dummyHash);
      return undefined;
    }
    return (await verifyPassword(password, account.passwordHash)) ? this.get(account.id) : undefined;
  }
}

export interface SessionOptions {
  /** Idle time after which a session ends (sliding). */
  ttlMs: number;
  now?: () => number;
}

interface SessionRecord {
  agentId: string;
  refreshedAt: number;
}

/** Server-side sessions in a `SessionStore`; with Redis valid on every bot instance. */
export class AgentSessions {
  private readonly now: () => number;

  constructor(
    private readonly store: SessionStore,
    private readonly opts: SessionOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  private key(sessionId: string): string {
    return createHash('sha256').update(sessionId).digest('hex');
  }

  /** A new random 256-bit session id (base64url) for the agent. */
  async create(agentId: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.store.put(this.key(id), JSON.stringify({ agentId, refreshedAt: this.now() } satisfies SessionRecord), this.opts.ttlMs);
    return id;
  }

  /** The agent of a live session, extending its life; undefined when unknown or expired. */
  async resolve(sessionId: string | undefined): Promise<string | undefined> {
    if (!sessionId || sessionId.length > 100) return undefined;
    const key = this.key(sessionId);
    const raw = await this.store.get(key);
    if (!raw) return undefined;
    const rec = JSON.parse(raw) as SessionRecord;
    const now = this.now();
    if (now - rec.refreshedAt > Math.min(60_000, this.opts.ttlMs / 10)) {
      await this.store.put(key, JSON.stringify({ ...rec, refreshedAt: now }), this.opts.ttlMs);
    }
    return rec.agentId;
  }

  async destroy(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.store.delete(this.key(sessionId));
  }
}

/** How many sign-in attempts are free, and how the wait grows past them. */
export interface LoginLimits {
  /** Attempts per client address and username in `windowSec` before the address must wait. Default 5. */
  perAddressAndUser: number;
  /** Attempts per client address over all usernames in `windowSec` (username spraying). Default 20. */
  perAddress: number;
  /** Default 15 min. */
  windowSec: number;
  /** The first wait when a limit is hit; it doubles with each further hit within a day. Default 30 s. */
  firstDelaySec: number;
  /** The longest wait. Default 1 h. */
  maxDelaySec: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAddressAndUser: 5, perAddress: 20, windowSec: 15 * 60, firstDelaySec: 30, maxDelaySec: 3600 };

/** Where the throttle keeps its counters: this process, or Redis (shared by every instance). */
export type LimiterBackend = { kind: 'memory' } | { kind: 'redis'; client: RedisClient; prefix: string };

export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts sign-in attempts before they are checked. `attempt()` consumes one point from each
 * limit atomically (of 40 parallel guesses only the allowed number ever reach the password
 * check); the request that first overflows a limit starts a wait for that key which doubles with
 * each repeat (`firstDelaySec`, `maxDelaySec`). A successful sign-in clears the address+username
 * counter and gives back its point of the address counter.
 */
export class LoginThrottle {
  private readonly byAddressUser: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;
  private readonly strikes: RateLimiterAbstract;
  private readonly limits: LoginLimits;

  constructor(backend: LimiterBackend, limits: Partial<LoginLimits> = {}) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
      backend.kind === 'redis'
        ? new RateLimiterRedis({ storeClient: backend.client, keyPrefix: `${backend.prefix}login:${keyPrefix}`, points, duration })
        : new RateLimiterMemory({ keyPrefix: `login:${keyPrefix}`, points, duration });
    this.byAddressUser = make('au', this.limits.perAddressAndUser, this.limits.windowSec);
    this.byAddress = make('a', this.limits.perAddress, this.limits.windowSec);
    this.strikes = make('strikes', 1_000_000, 86_400);
  }

  private static key(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
  }

  /** Counts one attempt of `username` from `address`; allowed only while both limits have room. */
  async attempt(address: string, username: string): Promise<LoginAttempt> {
    const au = LoginThrottle.key(address, username.trim().toLowerCase());
    const a = LoginThrottle.key(address);
    const results = await Promise.all([this.take(this.byAddressUser, au, this.limits.perAddressAndUser), this.take(this.byAddress, a, this.limits.perAddress)]);
    const waits = results.filter((r): r is number => r !== undefined);
    return waits.length ? { allowed: false, retryAfterMs: Math.max(...waits) } : { allowed: true };
  }

  /** After a successful sign-in. */
  async succeeded(address: string, username: string): Promise<void> {
    await this.byAddressUser.delete(LoginThrottle.key(address, username.trim().toLowerCase()));
    await this.byAddress.reward(LoginThrottle.key(address), 1);
  }

  /** undefined = allowed; else the wait in ms. */
  private async take(limiter: RateLimiterAbstract, key: string, points: number): Promise<number | undefined> {
    try {
      await limiter.consume(key);
      return undefined;
    } catch (rej) {
      if (!(rej instanceof RateLimiterRes)) throw rej;
      if (rej.consumedPoints !== points + 1) return Math.max(1000, rej.msBeforeNext);
      // The one request that overflowed first starts the wait; it doubles with every strike.
      const strike = await this.strikes.consume(`${limiter.keyPrefix}:${key}`);
      const delaySec = Math.min(this.limits.maxDelaySec, this.limits.firstDelaySec * 2 ** (strike.consumedPoints - 1));
      await limiter.block(key, delaySec);
      return delaySec * 1000;
    }
  }
}

/** A password hash no password matches: demo accounts are entered only through setup links. */
export const NO_PASSWORD = '!setup-link-only';

export interface DemoAgents {
  accounts: AgentAccount[];
  /** One single-use setup token per account, to print once. */
  links: { username: string; role: AgentRole; token: string }[];
  tokens: SetupTokens;
}

/**
 * Single-use sign-in tokens for the demo accounts, in this process only. The printed link is
 * worth one session; after that (or after a restart) it is dead, so nothing in the log stays
 * usable and nothing demo is ever written to Redis.
 */
const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export class SetupTokens {
  private readonly byHash = new Map<string, string>();

  /** A new token for the agent: 40 random letters (about 228 bits; no digit runs the log masking would touch). */
  add(agentId: string): string {
    let token = '';
    for (let i = 0; i < 40; i++) token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
    this.byHash.set(createHash('sha256').update(token).digest('hex'), agentId);
    return token;
  }

  /** The agent the token was for, once; undefined for an unknown or used token. */
  consume(token: string | undefined): string | undefined {
    if (!token || token.length > 100) return undefined;
    const h = createHash('sha256').update(token).digest('hex');
    const agentId = this.byHash.get(h);
    this.byHash.delete(h);
    return agentId;
  }

  get size(): number {
    return this.byHash.size;
  }
}

/**
 * For a local installation without configured agents: one agent (`agent`) and one supervisor
 * (`supervisor`), without passwords, each with a single-use setup link. Nobody ever gets a fixed,
 * guessable or reusable credential.
 */
export function createDemoAgents(): DemoAgents {
  const tokens = new SetupTokens();
  const accounts: AgentAccount[] = [
    { id: 'agent', name: 'Demo agent', role: 'agent', passwordHash: NO_PASSWORD },
    { id: 'supervisor', name: 'Demo supervisor', role: 'supervisor', passwordHash: NO_PASSWORD },
  ];
  return { accounts, tokens, links: accounts.map((a) => ({ username: a.id, role: a.role, token: tokens.add(a.id) })) };
}
