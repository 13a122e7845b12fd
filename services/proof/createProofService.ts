/**
 * Builds the `ProofService` the composition root needs: limits and state in Redis when the bot
 * runs with `REDIS_URL` (several instances share every count and lock), else in memory.
 */
import type { CarrierApi } from '../carrier/types';
import { createLimiterFactory } from '../limits/limiter';
import type { Logger } from '../logging/logger';
import type { RedisClient } from '../state/redisClient';
import { MemoryProofStore } from './MemoryProofStore';
import { ProofService, type ProofSettings } from './ProofService';
import { RedisProofStore } from './RedisProofStore';

export interface CreateProofServiceOptions {
  carrier: Pick<CarrierApi, 'requestParcelCode' | 'requestPhoneCode' | 'verifyCode'>;
  /** `config.proof`. */
  settings: ProofSettings;
  logger: Logger;
  /** The shared Redis client (`infra.redis`); unset = memory (one instance). */
  redis?: RedisClient;
  /** `REDIS_PREFIX`. Default `ld:`. */
  prefix?: string;
  now?: () => Date;
}

/**
 * @example
 * const proof = createProofService({ carrier, settings: config.proof, logger: logger.child({ component: 'proof' }), redis: infra.redis, prefix: config.redis?.prefix });
 */
export function createProofService(options: CreateProofServiceOptions): ProofService {
  const { redis, prefix } = options;
  return new ProofService({
    carrier: options.carrier,
    settings: options.settings,
    logger: options.logger,
    now: options.now,
    limits: createLimiterFactory({ redis, prefix }),
    store: redis ? new RedisProofStore(redis, { prefix }) : new MemoryProofStore(),
  });
}
