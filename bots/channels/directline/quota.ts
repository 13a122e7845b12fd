/**
 * Quotas on new conversations (the only thing a stranger can create without proving anything):
 * per client address and for the whole service, with rate-limiter-flexible — in memory, or in
 * Redis when a client is given so that every instance counts against the same quota (with an
 * in-memory insurance limiter while Redis is unreachable).
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../../../services/state/redisClient';

/** `points` new conversations per `seconds`. */
export interface Rate {
  points: number;
  seconds: number;
}

export interface ConversationQuotaOptions {
  /** Per client address (IPv6 counted per /64). Default 30 per 10 minutes. */
  perClient?: Rate;
  /** For the whole service. Default 300 per minute. */
  global?: Rate;
  /** Shared counters for several instances. */
  redis?: RedisClient;
  /** Key prefix in Redis. Default `ld:dl:quota:`. */
  keyPrefix?: string;
}

export type QuotaDecision = { ok: true } | { ok: false; scope: 'client' | 'global'; retryAfterSeconds: number };

/** The counting key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 prefix. */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return v4[1];
  const expanded = expandIpv6(address);
  return expanded ? `${expanded.slice(0, 4).join(':')}::/64` : address.slice(0, 64);
}

function expandIpv6(address: string): string[] | undefined {
  const plain = address.split('%')[0].toLowerCase();
  if (!/^[0-9a-f:]+$/.test(plain)) return undefined;
  const [head, tail] = plain.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  if (plain.includes('::')) {
    const fill = 8 - h.length - t.length;
    if (fill < 0) return undefined;
    return [...h, ...Array<string>(fill).fill('0'), ...t];
  }
  return h.length === 8 ? h : undefined;
}

/**
 * Counts one new conversation for a client; refuses when the client's or the service's quota is
 * used up. The client is counted first, so one noisy client does not eat the global quota with
 * requests it would be refused anyway.
 */
export class ConversationQuota {
  private readonly perClient: RateLimiterAbstract;
  private readonly global: RateLimiterAbstract;

  constructor(o: ConversationQuotaOptions = {}) {
    const perClient = o.perClient ?? { points: 30, seconds: 600 };
    const global = o.global ?? { points: 300, seconds: 60 };
    const prefix = o.keyPrefix ?? 'ld:dl:quota:';
    const make = (rate: Rate, name: string): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ points: rate.points, duration: rate.seconds, keyPrefix: `${prefix}${name}` });
      if (!o.redis) return memory;
      return new RateLimiterRedis({ storeClient: o.redis, points: rate.points, duration: rate.seconds, keyPrefix: `${prefix}${name}`, insuranceLimiter: memory });
    };
    this.perClient = make(perClient, 'client');
    this.global = make(global, 'global');
  }

  async consume(address: string | undefined): Promise<QuotaDecision> {
    const client = await this.take(this.perClient, clientKey(address));
    if (client !== undefined) return { ok: false, scope: 'client', retryAfterSeconds: client };
    const all = await this.take(this.global, 'all');
    if (all !== undefined) return { ok: false, scope: 'global', retryAfterSeconds: all };
    return { ok: true };
  }

  /** Seconds until the next point, when refused; `undefined` when the point was taken. */
  private async take(limiter: RateLimiterAbstract, key: string): Promise<number | undefined> {
    try {
      await limiter.consume(key);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.ceil(rejection.msBeforeNext / 1000);
      throw rejection;
    }
  }
}
