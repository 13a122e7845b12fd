/**
 * A real Redis client that records the commands it is asked to send (`calls`, lower-case names;
 * `multi` once per transaction), for tests that assert how many round trips an operation costs.
 * Everything still goes to the real server.
 */
import type { RedisClient } from '../../services/state/redisClient';

export interface CountedClient {
  client: RedisClient;
  calls: string[];
}

export function countingClient(real: RedisClient): CountedClient {
  const calls: string[] = [];
  const client = new Proxy(real, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof name === 'string' && /^[a-z]+$/.test(name) && !['on', 'once', 'off', 'emit', 'duplicate', 'disconnect', 'quit'].includes(name)) calls.push(name);
        return Reflect.apply(value, target, args);
      };
    },
  });
  return { client, calls };
}
