/**
 * Quotas on new conversations (the only thing a stranger can create without proving anything):
 * per client address and for the whole service, as two named limiters of `services/limits` —
 * in memory, or in Redis so that every instance counts against the same quota. While the shared
 * store fails, each process falls back to its own in-memory count (logged), so a Redis outage
 * neither opens the gate nor closes the widget for everyone.
 */
import { createLimiterFactory, type LimiterFactory, type NamedLimiter } from '../../../services/limits/limiter';
import type { Logger } from '../../../services/logging/logger';

/** `points` new conversations per `seconds`. */
export interface Rate {
  points: number;
  seconds: number;
}

export interface ConversationQuotaOptions {
  /** Where the counts live (`createLimiterFactory({ redis, prefix })`). Default: this process's memory. */
  limits?: LimiterFactory;
  /** Per client address (IPv6 counted per /64). Default 30 per 10 minutes. */
  perClient?: Rate;
  /** For the whole service. Default 300 per minute. */
  global?: Rate;
  /** Told when the shared store fails and the in-memory fallback counts instead. */
  logger?: Logger;
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
  const t = tail ? tail.split(':') : [];
  if (plain.includes('::')) {
    const fill = 8 - h.length - t.length;
    if (fill < 0) return undefined;
    return [...h, ...Array<string>(fill).fill('0'), ...t];
  }
  return h.length === 8 ? h : undefined;
}

const PER_CLIENT = 'directline-conversations-per-client';
const GLOBAL = 'directline-conversations';

/**
 * Counts one new conversation for a client; refuses when the client's or the service's quota is
 * used up. The client is counted first, so one noisy client does not eat the global quota with
 * requests it is refused anyway.
 */
export class ConversationQuota {
  private readonly shared: { client: NamedLimiter; global: NamedLimiter };
  private readonly fallback: { client: NamedLimiter; global: NamedLimiter };
  private readonly logger?: Logger;
  private lastWarning = 0;

  constructor(o: ConversationQuotaOptions = {}) {
    const perClient = o.perClient ?? { points: 30, seconds: 600 };
    const global = o.global ?? { points: 300, seconds: 60 };
    const make = (limits: LimiterFactory) => ({
      client: limits.create(PER_CLIENT, { points: perClient.points, windowSeconds: perClient.seconds }),
      global: limits.create(GLOBAL, { points: global.points, windowSeconds: global.seconds }),
    });
    this.fallback = make(createLimiterFactory());
    this.shared = o.limits ? make(o.limits) : this.fallback;
    this.logger = o.logger;
  }

  async consume(address: string | undefined): Promise<QuotaDecision> {
    const key = clientKey(address);
    const client = await this.take('client', key);
    if (client !== undefined) return { ok: false, scope: 'client', retryAfterSeconds: client };
    const all = await this.take('global', 'all');
    if (all !== undefined) return { ok: false, scope: 'global', retryAfterSeconds: all };
    return { ok: true };
  }

  /** Seconds until the window ends when refused; `undefined` when the point was taken. */
  private async take(scope: 'client' | 'global', key: string): Promise<number | undefined> {
    let decision;
    try {
      decision = await this.shared[scope].consume(key);
    } catch (err) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger?.warn({ err }, 'ConversationQuota: the shared limit store failed; counting in this process (logged once a minute)');
      }
      decision = await this.fallback[scope].consume(key);
    }
    return decision.allowed ? undefined : Math.max(1, Math.ceil(decision.resetInMs / 1000));
  }
}
