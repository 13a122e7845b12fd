/**
 * Fair use, assembled for the composition root: the policy with its stores in memory (one
 * instance) or on Redis (shared by every instance), the block list and the abuse flags the
 * supervisor side reads.
 */
import type { Logger } from '../logging/logger';
import type { RedisClient } from '../state/redisClient';
import { MemoryAbuseFlags, RedisAbuseFlags, type AbuseFlags } from './AbuseFlags';
import { MemoryBlockList, RedisBlockList, type BlockList } from './BlockList';
import { createLimiterFactory } from '../limits/limiter';
import { FairUsePolicy, type FairUsePolicyDeps, type FairUseSettings } from './FairUsePolicy';
import { MemoryLastMessageStore, RedisLastMessageStore } from './LastMessageStore';

export * from './AbuseFlags';
export * from './BlockList';
export * from './FairUsePolicy';

export interface FairUse {
  policy: FairUsePolicy;
  blockList: BlockList;
  flags: AbuseFlags;
}

export interface CreateFairUseOptions {
  settings: FairUseSettings;
  /** Shared state; undefined = memory. */
  redis?: { client: RedisClient; prefix: string };
  /** Store failures are logged here, at most once per 10 s (the message is let through). */
  logger?: Logger;
  assess?: FairUsePolicyDeps['assess'];
}

function throttledWarn(logger: Logger | undefined): FairUsePolicyDeps['onError'] {
  let last = 0;
  return (err, where) => {
    if (!logger || Date.now() - last < 10_000) return;
    last = Date.now();
    logger.warn({ err, where }, 'fair use: a store failed; messages are let through meanwhile');
  };
}

/** Keys live under `<REDIS_PREFIX>fairuse:` (block list, flags, repeats) and `<REDIS_PREFIX>limit:fairuse.*` (counts). */
export function createFairUse(o: CreateFairUseOptions): FairUse {
  const onError = throttledWarn(o.logger);
  if (!o.redis) {
    const blockList = new MemoryBlockList();
    const flags = new MemoryAbuseFlags();
    return { blockList, flags, policy: new FairUsePolicy({ settings: o.settings, limits: createLimiterFactory(), lastMessages: new MemoryLastMessageStore(), blockList, flags, onError, assess: o.assess }) };
  }
  const prefix = `${o.redis.prefix}fairuse:`;
  const { client } = o.redis;
  const blockList = new RedisBlockList(client, prefix);
  const flags = new RedisAbuseFlags(client, prefix);
  return { blockList, flags, policy: new FairUsePolicy({ settings: o.settings, limits: createLimiterFactory({ redis: client, prefix: o.redis.prefix }), lastMessages: new RedisLastMessageStore(client, prefix), blockList, flags, onError, assess: o.assess }) };
}
