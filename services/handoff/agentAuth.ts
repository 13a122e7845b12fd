/**
 * Agent accounts, passwords, sessions and login throttling for the agent console.
 *
 * - Passwords are stored only as scrypt hashes `scrypt$N$r$p$saltB64$hashB64` (node:crypto),
 *   compared in constant time; an unknown user costs the same scrypt as a wrong password.
 * - Sessions are random 256-bit ids handed to the browser; the store keeps only their SHA-256, so
 *   a leaked store dump holds no usable session. Expiry slides with use.
 * - Logins are throttled per username: after `maxFailures` failures in `windowMs` every attempt is
 *   refused until the window ends, right password or not.
 */
import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'crypto';
import type { AuxStore } from './AuxStore';

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

/** Server-side sessions in the shared `AuxStore`, valid on every bot instance. */
export class AgentSessions {
  private readonly now: () => number;

  constructor(
    private readonly aux: AuxStore,
    private readonly opts: SessionOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  private key(sessionId: string): string {
    return `sess:${createHash('sha256').update(sessionId).digest('hex')}`;
  }

  /** A new random 256-bit session id (base64url) for the agent. */
  async create(agentId: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.aux.set(this.key(id), JSON.stringify({ agentId, refreshedAt: this.now() } satisfies SessionRecord), this.opts.ttlMs);
    return id;
  }

  /** The agent of a live session, extending its life; undefined when unknown or expired. */
  async resolve(sessionId: string | undefined): Promise<string | undefined> {
    if (!sessionId || sessionId.length > 100) return undefined;
    const key = this.key(sessionId);
    const raw = await this.aux.get(key);
    if (!raw) return undefined;
    const rec = JSON.parse(raw) as SessionRecord;
    const now = this.now();
    if (now - rec.refreshedAt > Math.min(60_000, this.opts.ttlMs / 10)) {
      await this.aux.set(key, JSON.stringify({ ...rec, refreshedAt: now }), this.opts.ttlMs);
    }
    return rec.agentId;
  }

  async destroy(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.aux.del(this.key(sessionId));
  }
}

/** Per-username failure counter over a fixed window. */
export class LoginLimiter {
  constructor(
    private readonly aux: AuxStore,
    private readonly opts: { maxFailures: number; windowMs: number } = { maxFailures: 5, windowMs: 15 * 60_000 },
  ) {}

  private key(username: string): string {
    return `loginfail:${createHash('sha256').update(username.trim().toLowerCase()).digest('hex')}`;
  }

  async blocked(username: string): Promise<boolean> {
    return Number((await this.aux.get(this.key(username))) ?? 0) >= this.opts.maxFailures;
  }

  async fail(username: string): Promise<void> {
    await this.aux.incr(this.key(username), this.opts.windowMs);
  }

  async reset(username: string): Promise<void> {
    await this.aux.del(this.key(username));
  }
}

const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';

/** A random password of letters in dash-separated groups (about 110 bits), easy to copy from a log. */
export function randomPassword(groups = 4, groupLength = 5): string {
  const out: string[] = [];
  for (let g = 0; g < groups; g++) {
    let s = '';
    for (let i = 0; i < groupLength; i++) s += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    out.push(s);
  }
  return out.join('-');
}

export interface DemoAgents {
  accounts: AgentAccount[];
  /** Set only in the process that created the accounts: show once, never store. */
  created?: { username: string; password: string; role: AgentRole }[];
}

/**
 * For a fresh installation without configured agents: one agent (`agent`) and one supervisor
 * (`supervisor`) with random passwords. The hashes live in the shared store so every instance
 * accepts the same credentials; only the instance that created them gets the passwords (to log
 * once). Nobody ever gets a fixed, guessable password.
 */
export async function ensureDemoAgents(aux: AuxStore, params: ScryptParams = DEFAULT_SCRYPT): Promise<DemoAgents> {
  const key = 'demo-agents';
  const existing = await aux.get(key);
  if (existing) return { accounts: JSON.parse(existing) as AgentAccount[] };
  const created = [
    { username: 'agent', password: randomPassword(), role: 'agent' as const, name: 'Demo agent' },
    { username: 'supervisor', password: randomPassword(), role: 'supervisor' as const, name: 'Demo supervisor' },
  ];
  const accounts: AgentAccount[] = [];
  for (const c of created) accounts.push({ id: c.username, name: c.name, role: c.role, passwordHash: await hashPassword(c.password, params) });
  if (await aux.setIfAbsent(key, JSON.stringify(accounts), 10 * 365 * 86_400_000)) {
    return { accounts, created: created.map(({ username, password, role }) => ({ username, password, role })) };
  }
  return { accounts: JSON.parse((await aux.get(key)) ?? '[]') as AgentAccount[] };
}
