/**
 * One way to open a Redis connection for LockerDesk: standalone or Cluster, plain or TLS
 * (`rediss://`, e.g. Azure Cache for Redis on port 6380), with the failure behaviour the bot needs:
 *
 * - start-up fails fast: `connectRedis()` rejects within `connectTimeoutMs` with an Error naming
 *   REDIS_URL and the host (never the password), and leaves no reconnect loop behind;
 * - while running, the client reconnects by itself (bounded exponential backoff);
 * - commands never wait for a reconnect: while disconnected they reject at once, a command in
 *   flight when the connection drops rejects, and a reply slower than `commandTimeoutMs` rejects —
 *   so a turn can answer "try again shortly" instead of hanging.
 */
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';

/** A client the stores accept: a standalone connection or a Cluster. */
export type RedisClient = Redis | Cluster;

/** True for a Cluster client (ioredis marks both kinds; no need to load ioredis for `instanceof`). */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

export interface ConnectRedisOptions {
  /** Treat the URL as one seed node of a Redis Cluster (Azure "clustering policy: OSS"). */
  cluster?: boolean;
  /**
   * ioredis transparent key prefix. The stores in this project take their own `prefix` and
   * declare every key they touch, so both work; it must not contain `{` or `}` (hash tags).
   */
  keyPrefix?: string;
  /** Give up at start-up after this long. Default 5000. */
  connectTimeoutMs?: number;
  /** Reject a command whose reply takes longer than this. Default 3000. */
  commandTimeoutMs?: number;
  /** Upper bound of the reconnect backoff. Default 5000. */
  maxReconnectDelayMs?: number;
  /** Shown in CLIENT LIST, useful to tell bot instances apart. */
  connectionName?: string;
  /** Receives connection errors after start-up (they are also reported by failing commands). */
  onError?: (err: Error) => void;
}

interface ParsedUrl {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db: number;
}

function parseRedisUrl(url: string): ParsedUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('connectRedis(): REDIS_URL is not a valid URL (expected redis://[:password@]host:port or rediss://...)');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(`connectRedis(): REDIS_URL must start with redis:// or rediss://, got "${u.protocol}//"`);
  }
  const tls = u.protocol === 'rediss:';
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText ? Number(dbText) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`connectRedis(): REDIS_URL database "${dbText}" is not a number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : tls ? 6380 : 6379,
    tls,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
  };
}

/** Exponential backoff from 100 ms, capped, with a little jitter so instances don't stampede. */
function backoff(maxDelayMs: number): (times: number) => number {
  return (times) => Math.min(100 * 2 ** Math.min(times - 1, 10), maxDelayMs) + Math.floor(Math.random() * 100);
}

/**
 * Opens and checks a connection. Resolves when the server answered (ready check passed);
 * rejects otherwise, e.g. `connectRedis(): cannot reach Redis (REDIS_URL host 10.0.0.5:6380): connect ECONNREFUSED ...`.
 *
 * @example
 * const redis = await connectRedis(config.redis.url, { cluster: config.redis.cluster });
 */
export async function connectRedis(url: string, opts: ConnectRedisOptions = {}): Promise<RedisClient> {
  const p = parseRedisUrl(url);
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  const common = {
    username: p.username,
    password: p.password,
    connectTimeout: connectTimeoutMs,
    commandTimeout: opts.commandTimeoutMs ?? 3000,
    // A command in flight when the connection drops is rejected, not replayed after reconnect
    // (replaying a non-idempotent write twice is worse than asking the customer to retry).
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectionName: opts.connectionName,
    tls: p.tls ? { servername: p.host } : undefined,
  } satisfies Partial<RedisOptions>;

  // ioredis is loaded on first use: a process on in-memory state never needs it.
  const { Cluster: ClusterClient, Redis: RedisStandalone } = await import('ioredis');
  let client: RedisClient;
  if (opts.cluster) {
    const clusterOpts: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      // The Cluster ready check itself is a command, which enableOfflineQueue=false would refuse;
      // cluster health is checked explicitly below instead.
      enableReadyCheck: false,
      keyPrefix: opts.keyPrefix,
      clusterRetryStrategy: backoff(opts.maxReconnectDelayMs ?? 5000),
      slotsRefreshTimeout: connectTimeoutMs,
      // Azure and other TLS clusters announce IPs; keep the TLS servername of the seed host.
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: common,
    };
    client = new ClusterClient([{ host: p.host, port: p.port }], clusterOpts);
  } else {
    client = new RedisStandalone({
      ...common,
      host: p.host,
      port: p.port,
      db: p.db,
      keyPrefix: opts.keyPrefix,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: backoff(opts.maxReconnectDelayMs ?? 5000),
    });
  }

  let lastError: Error | undefined;
  const remember = (err: Error): void => {
    lastError = err;
  };
  client.on('error', remember);

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      }),
    ]);
    if (isCluster(client)) {
      const info = String(await client.cluster('INFO'));
      if (!info.includes('cluster_state:ok')) throw new Error('cluster_state is not ok');
    } else await client.ping();
  } catch (err) {
    client.disconnect();
    const messages = [lastError?.message, err instanceof Error ? err.message : String(err)];
    const cause = [...new Set(messages.filter((m): m is string => Boolean(m)))].join('; ');
    throw new Error(`connectRedis(): cannot reach Redis (REDIS_URL host ${p.host}:${p.port}): ${cause}`);
  } finally {
    if (timer) clearTimeout(timer);
    client.off('error', remember);
  }
  // An 'error' listener must stay attached or Node treats reconnect errors as unhandled.
  const onError = opts.onError ?? ((): void => undefined);
  client.on('error', onError);
  return client;
}
