/**
 * A Lua script run by SHA (EVALSHA) with a fallback to EVAL when the server does not have it yet
 * (after a restart, a failover or on another Cluster node). Keys go through KEYS so ioredis
 * applies its key prefix and routes Cluster calls by the first key.
 */
import { createHash } from 'crypto';
import type { RedisClient } from './redisClient';

export class LuaScript {
  private readonly sha: string;

  constructor(
    /** Used in error messages. */
    readonly name: string,
    private readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: string[], args: Array<string | number | Buffer>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.includes('NOSCRIPT')) {
        return client.eval(this.source, keys.length, ...keys, ...args);
      }
      throw err;
    }
  }
}
