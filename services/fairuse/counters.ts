/**
 * Counting for fair use, on rate-limiter-flexible: in process memory, or in Redis so that every
 * bot instance sees the same counts. Two shapes are needed:
 *
 * - {@link WindowCounter}: "more than N messages within W seconds" — once exceeded, the key stays
 *   over the limit for another W seconds (the library's block), so a flood ends only when the
 *   pace has really dropped;
 * - {@link OnceGate}: "the first time in W seconds" — one notice per window, one calm reply per
 *   problem — decided atomically, so two instances never both send it.
 *
 * With Redis, a failing server falls back to per-process memory counts (the library's insurance
 * limiter) instead of failing the customer's turn.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../state/redisClient';

/** Where counts live. `prefix` namespaces every Redis key (e.g. `ld:fairuse:`). */
export type CounterBackend = { kind: 'memory' } | { kind: 'redis'; client: RedisClient; prefix: string };

export interface WindowHit {
  /** False when this hit went over the limit (or the key is still over it). */
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  count: number;
  /** Until the window (or the over-limit period) ends. */
  msBeforeReset: number;
}

export interface WindowCounter {
  hit(key: string): Promise<WindowHit>;
}

export interface OnceGate {
  /** True exactly once per key and window, across instances. */
  claim(key: string): Promise<boolean>;
}

interface LimiterOptions {
  name: string;
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

function limiter(backend: CounterBackend, o: LimiterOptions): RateLimiterAbstract {
  const base = { keyPrefix: o.name, points: o.points, duration: o.durationSeconds, blockDuration: o.blockSeconds ?? 0 };
  if (backend.kind === 'memory') return new RateLimiterMemory(base);
  return new RateLimiterRedis({
    ...base,
    keyPrefix: `${backend.prefix}${o.name}`,
    storeClient: backend.client,
    // A Redis outage must not stop customers: count per instance meanwhile.
    insuranceLimiter: new RateLimiterMemory(base),
  });
}

/** The library rejects with a RateLimiterRes when over the limit, with an Error when the store failed. */
async function consume(l: RateLimiterAbstract, key: string): Promise<{ allowed: boolean; res: RateLimiterRes }> {
  try {
    return { allowed: true, res: await l.consume(key) };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { allowed: false, res: rejection };
    throw rejection;
  }
}

/**
 * More than `max` hits within `windowSeconds` → not allowed, and not allowed again until
 * `windowSeconds` after the hit that went over.
 */
export function windowCounter(backend: CounterBackend, name: string, max: number, windowSeconds: number): WindowCounter {
  const l = limiter(backend, { name, points: max, durationSeconds: windowSeconds, blockSeconds: windowSeconds });
  return {
    async hit(key) {
      const { allowed, res } = await consume(l, key);
      return { allowed, count: res.consumedPoints, msBeforeReset: res.msBeforeNext };
    },
  };
}

/** The first claim of a key within `windowSeconds` wins. */
export function onceGate(backend: CounterBackend, name: string, windowSeconds: number): OnceGate {
  const l = limiter(backend, { name, points: 1, durationSeconds: windowSeconds });
  return {
    async claim(key) {
      return (await consume(l, key)).allowed;
    },
  };
}
