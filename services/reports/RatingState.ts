/**
 * When to ask for a rating, shared by the bot (after a completed flow) and the hand-off (after an
 * agent closes a case), on memory or Redis behind one port:
 *
 * - `opportunity`: a moment a rating could be asked; true means ask now. Never twice in a row:
 *   after an opportunity that asked, the next one in the same conversation does not;
 * - `expect` / `take`: the hand-off asked in a proactive message, so the customer's next message
 *   is read as the answer (taken once).
 */
import { ExpiringMap } from '../handoff/expiringMap';
import { LuaScript } from '../state/luaScript';
import type { RedisClient } from '../state/redisClient';
import type { RatingSource } from './events';
import { RATING_SOURCES } from './events';

export interface RatingState {
  opportunity(conversationId: string): Promise<boolean>;
  expect(conversationId: string, source: RatingSource, ttlMs: number): Promise<void>;
  take(conversationId: string): Promise<RatingSource | undefined>;
}

/** How long "the last opportunity asked" is remembered. */
export const OPPORTUNITY_TTL_MS = 7 * 86_400_000;

function asSource(value: string | null | undefined): RatingSource | undefined {
  return RATING_SOURCES.find((s) => s === value);
}

export class MemoryRatingState implements RatingState {
  private readonly last: ExpiringMap<boolean>;
  private readonly awaited: ExpiringMap<RatingSource>;

  constructor(now: () => number = Date.now) {
    this.last = new ExpiringMap(now);
    this.awaited = new ExpiringMap(now);
  }

  async opportunity(conversationId: string): Promise<boolean> {
    const ask = this.last.get(conversationId) !== true;
    this.last.set(conversationId, ask, OPPORTUNITY_TTL_MS);
    return ask;
  }

  async expect(conversationId: string, source: RatingSource, ttlMs: number): Promise<void> {
    this.awaited.set(conversationId, source, ttlMs);
  }

  async take(conversationId: string): Promise<RatingSource | undefined> {
    const source = this.awaited.get(conversationId);
    if (source) this.awaited.delete(conversationId);
    return source;
  }
}

const OPPORTUNITY = new LuaScript(
  'rating-opportunity',
  `local asked = redis.call('GET', KEYS[1]) ~= '1'
redis.call('SET', KEYS[1], asked and '1' or '0', 'PX', ARGV[1])
return asked and 1 or 0`,
);

export class RedisRatingState implements RatingState {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async opportunity(conversationId: string): Promise<boolean> {
    return (await OPPORTUNITY.run(this.redis, [`${this.prefix}rating:last:${conversationId}`], [OPPORTUNITY_TTL_MS])) === 1;
  }

  async expect(conversationId: string, source: RatingSource, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}rating:awaited:${conversationId}`, source, 'PX', ttlMs);
  }

  async take(conversationId: string): Promise<RatingSource | undefined> {
    return asSource(await this.redis.getdel(`${this.prefix}rating:awaited:${conversationId}`));
  }
}
