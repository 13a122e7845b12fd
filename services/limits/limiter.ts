/**
 * Named limiters: "at most N events per key per window", counted in memory (one process) or in
 * Redis (every bot instance on that Redis shares the count). A thin, typed layer over
 * rate-limiter-flexible (`RateLimiterMemory` / `RateLimiterRedis`), so the other parts of the bot
 * ("track lookups per client", "cases created per client", "alerts per hour", one-time codes per
 * parcel) declare a limit in one line and never deal with the library's rejected-promise protocol.
 *
 * Promises:
 * - `consume` is atomic: two instances consuming the last point at the same moment never both get
 *   `allowed: true` (Redis: one Lua script per call on one key, so it is Cluster-safe);
 * - a refused call still counts (a client hammering a full limit does not see it reset sooner);
 * - windows are fixed: they start at the first consumption of a key and last `windowSeconds`;
 * - a store failure (Redis down or slow) rejects with an `Error` naming the limiter; it never
 *   silently allows. Callers decide whether to fail closed (security limits) or open (comfort limits);
 * - keys are stored as given under `<prefix>limit:<name>:`; pass opaque or hashed keys, never raw
 *   phone numbers or other personal data.
 *
 * @example
 * const limits = createLimiterFactory({ redis, prefix: config.redis?.prefix });
 * const lookups = limits.create('track-lookups-per-client', { points: 30, windowSeconds: 60 });
 * if (!(await lookups.consume(clientKey)).allowed) return tooManyLookups();
 */
import { createHash } from 'crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../state/redisClient';

/** One limit: at most `points` per key in a fixed window of `windowSeconds` (whole seconds, >= 1). */
export interface LimitRule {
  points: number;
  windowSeconds: number;
}

/** What a limiter answered for one key. */
export interface LimitDecision {
  /** False when this call went over the limit. */
  allowed: boolean;
  /** Points consumed in the current window, including this call (may exceed the limit). */
  consumed: number;
  /** Points left in the current window (0 when full). */
  remaining: number;
  /** When the current window ends (ms from now; 0 when the key has no window yet). */
  resetInMs: number;
}

/** A limiter for one purpose, shared by every caller that uses the same name on the same store. */
export interface NamedLimiter {
  readonly name: string;
  readonly rule: Readonly<LimitRule>;
  /** Counts `points` (default 1) for `key` and says whether that stayed within the limit. */
  consume(key: string, points?: number): Promise<LimitDecision>;
  /** The current state of `key` without counting anything. */
  peek(key: string): Promise<LimitDecision>;
  /** Gives back `points` (default 1) counted for an event that did not happen after all. */
  refund(key: string, points?: number): Promise<void>;
  /** Forgets `key` entirely (e.g. a supervisor lifts a lock). */
  reset(key: string): Promise<void>;
}

/** Creates named limiters on one store. */
export interface LimiterFactory {
  /** `memory` or `redis`, for logs and tests. */
  readonly backend: 'memory' | 'redis';
  /**
   * A limiter named `name` (lower-case letters, digits, `.`, `_`, `-`). Throws when the name is
   * malformed, already used on this factory, or the rule is not positive whole numbers.
   */
  create(name: string, rule: LimitRule): NamedLimiter;
}

export interface LimiterFactoryOptions {
  /** Count in Redis (shared by every instance); unset = in process memory (one instance only). */
  redis?: RedisClient;
  /** Prefix of every Redis key, e.g. `ld:` (`REDIS_PREFIX`). Default `ld:`. */
  prefix?: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Longer keys are replaced by their SHA-256 so Redis keys stay short. */
const MAX_KEY_CHARS = 120;

function storedKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw new TypeError('NamedLimiter: key must be a non-empty string');
  return key.length > MAX_KEY_CHARS ? `h:${createHash('sha256').update(key).digest('base64url')}` : key;
}

function decision(res: RateLimiterRes, points: number, allowed: boolean): LimitDecision {
  return { allowed, consumed: res.consumedPoints, remaining: Math.max(points - res.consumedPoints, 0), resetInMs: Math.max(res.msBeforeNext, 0) };
}

function failure(name: string, op: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`Limiter "${name}".${op}(): the limit store failed: ${message}`, { cause: err });
}

class RflNamedLimiter implements NamedLimiter {
  constructor(
    readonly name: string,
    readonly rule: Readonly<LimitRule>,
    private readonly limiter: RateLimiterAbstract,
  ) {}

  async consume(key: string, points = 1): Promise<LimitDecision> {
    const k = storedKey(key);
    try {
      return decision(await this.limiter.consume(k, points), this.rule.points, true);
    } catch (rejection) {
      // rate-limiter-flexible rejects with a RateLimiterRes when the limit is exceeded, with an Error when the store failed.
      if (rejection instanceof RateLimiterRes) return decision(rejection, this.rule.points, false);
      throw failure(this.name, 'consume', rejection);
    }
  }

  async peek(key: string): Promise<LimitDecision> {
    const k = storedKey(key);
    let res: RateLimiterRes | null;
    try {
      res = await this.limiter.get(k);
    } catch (err) {
      throw failure(this.name, 'peek', err);
    }
    if (!res) return { allowed: true, consumed: 0, remaining: this.rule.points, resetInMs: 0 };
    return decision(res, this.rule.points, res.consumedPoints < this.rule.points);
  }

  async refund(key: string, points = 1): Promise<void> {
    const k = storedKey(key);
    try {
      const current = await this.limiter.get(k);
      if (!current || current.consumedPoints <= 0) return;
      await this.limiter.reward(k, Math.min(points, current.consumedPoints));
    } catch (err) {
      throw failure(this.name, 'refund', err);
    }
  }

  async reset(key: string): Promise<void> {
    try {
      await this.limiter.delete(storedKey(key));
    } catch (err) {
      throw failure(this.name, 'reset', err);
    }
  }
}

/**
 * A factory of named limiters on memory or Redis. Use one factory per process and store; two
 * processes that create the same name with the same rule on the same Redis share the counts.
 */
export function createLimiterFactory(options: LimiterFactoryOptions = {}): LimiterFactory {
  const used = new Set<string>();
  const prefix = options.prefix ?? 'ld:';
  const redis = options.redis;
  return {
    backend: redis ? 'redis' : 'memory',
    create(name: string, rule: LimitRule): NamedLimiter {
      if (!NAME.test(name)) throw new Error(`createLimiterFactory().create(): bad limiter name "${name}" (a-z, 0-9, ".", "_", "-")`);
      if (used.has(name)) throw new Error(`createLimiterFactory().create(): the limiter "${name}" already exists on this factory`);
      if (!Number.isInteger(rule.points) || rule.points < 1 || !Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
        throw new Error(`createLimiterFactory().create(): limiter "${name}" needs whole points >= 1 and windowSeconds >= 1`);
      }
      used.add(name);
      const common = { points: rule.points, duration: rule.windowSeconds, keyPrefix: `${prefix}limit:${name}` };
      const limiter = redis
        ? new RateLimiterRedis({ ...common, storeClient: redis, rejectIfRedisNotReady: true })
        : new RateLimiterMemory(common);
      return new RflNamedLimiter(name, { ...rule }, limiter);
    },
  };
}
