/**
 * Redis for tests: the shared server started by globalSetup (TEST_REDIS_URL), per-test key
 * prefixes with cleanup by prefix (never FLUSHALL on the shared server), and extra redis-server
 * processes a test can start, kill and restart (standalone or a one-node Cluster).
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { Cluster, Redis } from 'ioredis';
import { connectRedis, type ConnectRedisOptions, type RedisClient } from '../../services/state/redisClient';

export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: run the tests through jest (globalSetup starts redis-server)');
  return url;
}

/** A client on the shared test server. Close it with `client.quit()` in afterAll. */
export function connectTestRedis(opts: ConnectRedisOptions = {}): Promise<RedisClient> {
  return connectRedis(testRedisUrl(), opts);
}

/** A fresh key prefix, e.g. `t3f9a1c2e:`; alphanumeric so it is safe in SCAN patterns. */
export function randomPrefix(): string {
  return `t${randomBytes(5).toString('hex')}:`;
}

/** Deletes every key starting with `prefix` (on every master of a Cluster). */
export async function deleteKeysWithPrefix(client: RedisClient, prefix: string): Promise<void> {
  const nodes: Redis[] = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) await node.del(key);
    } while (cursor !== '0');
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, deadlineMs: number, what: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() - started > deadlineMs) throw new Error(`test/setup/redis: ${what} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function ping(port: number, check?: (c: Redis) => Promise<boolean>): Promise<boolean> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return check ? await check(c) : (await c.ping()) === 'PONG';
  } finally {
    c.disconnect();
  }
}

/** A redis-server owned by one test file. */
export interface SpawnedRedis {
  port: number;
  url: string;
  /** SIGKILL, like a crash; resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts redis-server on a free loopback port. With `cluster: true` it is a one-node Redis Cluster
 * holding all 16384 slots: enough to prove the stores use no cross-slot commands.
 */
export async function spawnRedisServer(opts: { cluster?: boolean } = {}): Promise<SpawnedRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lockerdesk-redis-test-'));
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    if (opts.cluster) args.push('--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--cluster-config-file', join(dir, 'nodes.conf'));
    rmSync(join(dir, 'nodes.conf'), { force: true });
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitUntil(() => ping(port), 10000, `redis-server on port ${port} did not answer`);
    if (opts.cluster) {
      await ping(port, async (c) => (await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')) === 'OK');
      await waitUntil(
        () => ping(port, async (c) => String(await c.call('CLUSTER', 'INFO')).includes('cluster_state:ok')),
        10000,
        `cluster on port ${port} did not become ok`,
      );
    }
  };
  const kill = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: start,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where a contract suite runs: in memory, on the shared redis-server, or on a one-node Cluster. */
export type Backend = 'memory' | 'redis' | 'cluster';
export const BACKENDS: Backend[] = ['memory', 'redis', 'cluster'];

export interface RedisEnv {
  /** Valid inside tests (after beforeAll). */
  readonly client: RedisClient;
  /** A fresh prefix per test; its keys are deleted after the test. */
  readonly prefix: string;
  readonly url: string;
  /** Another connection to the same server, closed after the suite. */
  connect(): Promise<RedisClient>;
}

/**
 * Registers jest hooks that provide a Redis client for `backend` ('redis' or 'cluster').
 * Call it at describe level.
 */
export function useRedis(backend: Exclude<Backend, 'memory'>): RedisEnv {
  let server: SpawnedRedis | undefined;
  let client: RedisClient | undefined;
  let url = '';
  let prefix = '';
  const extra: RedisClient[] = [];
  const connect = async (): Promise<RedisClient> => {
    const c = await connectRedis(url, { cluster: backend === 'cluster' });
    extra.push(c);
    return c;
  };

  beforeAll(async () => {
    if (backend === 'cluster') {
      server = await spawnRedisServer({ cluster: true });
      url = server.url;
    } else url = testRedisUrl();
    client = await connectRedis(url, { cluster: backend === 'cluster' });
  });
  beforeEach(() => {
    prefix = randomPrefix();
  });
  afterEach(async () => {
    if (client) await deleteKeysWithPrefix(client, prefix);
  });
  afterAll(async () => {
    for (const c of [...extra, client]) c?.disconnect();
    await server?.stop();
  });

  return {
    get client(): RedisClient {
      if (!client) throw new Error('useRedis(): client used before beforeAll');
      return client;
    },
    get prefix(): string {
      return prefix;
    },
    get url(): string {
      return url;
    },
    connect,
  };
}
