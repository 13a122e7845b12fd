/**
 * Finding 14 of issue #8: demo agent passwords were logged and persisted in Redis for years.
 * Now: with an https PUBLIC_URL and no AGENTS the start is refused with an error naming AGENTS;
 * otherwise the log holds single-use sign-in links (no password), the demo accounts and their
 * sessions live only in the process (nothing demo in Redis), and a restart leaves every old link
 * and session dead. Played over real HTTP against `buildApp` on the test Redis.
 */
import { Writable } from 'stream';
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { createLogger } from '../../../services/logging/logger';
import type { RedisClient } from '../../../services/state/redisClient';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, testRedisUrl } from '../../setup/redis';
import { loginFrom, requestFrom } from '../handoff/http';

jest.setTimeout(120_000);

let redis: RedisClient;
const prefix = randomPrefix();

function capture(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

async function setup(base: string, token: string): Promise<{ status: number; cookie?: string; body: string }> {
  const res = await requestFrom('127.0.0.1', `${base}/agent/api/setup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'lockerdesk' },
    body: JSON.stringify({ token }),
  });
  const setCookie = res.headers['set-cookie'];
  return { status: res.status, cookie: Array.isArray(setCookie) ? setCookie[0].split(';')[0] : undefined, body: res.body };
}

const me = async (base: string, cookie: string) => (await requestFrom('127.0.0.1', `${base}/agent/api/me`, { headers: { Cookie: cookie } })).status;

/** Every key and string value under the test prefix. */
async function redisDump(): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) out.push(key, (await redis.type(key)) === 'string' ? ((await redis.get(key)) ?? '') : '');
  } while (cursor !== '0');
  return out.join('\n');
}

beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

test('an https PUBLIC_URL without AGENTS refuses to start, naming AGENTS', async () => {
  const config = loadConfig({ PORT: '0', PUBLIC_URL: 'https://desk.example.test', LOG_LEVEL: 'silent' });
  await expect(buildApp(config, { logger: createLogger('silent') })).rejects.toThrow(/AGENTS/);
});

test('without AGENTS: single-use sign-in links in the log, no password anywhere, nothing demo in Redis, nothing left after a restart', async () => {
  const env = { PORT: '0', REDIS_URL: testRedisUrl(), DIRECTLINE_TOKEN_KEY: 'k'.repeat(32), REDIS_PREFIX: prefix, LOG_LEVEL: 'info' };
  const first = capture();
  let app: App | undefined = await buildApp(loadConfig(env), { logger: first.logger });
  try {
    const log = first.lines.join('\n');
    const links = [...log.matchAll(/\/agent#setup=([A-Za-z]{40})/g)].map((m) => m[1]);
    expect(links).toHaveLength(2);
    expect(log).not.toMatch(/password "/i);
    expect(app.handoff.demoLinks?.map((l) => l.role)).toEqual(['agent', 'supervisor']);

    // A demo account has no password: guessing one never works.
    for (const guess of ['agent', 'password', 'demo', links[0]]) expect((await loginFrom(app.url, '127.0.0.20', 'agent', guess)).status).toBe(401);

    const used = await setup(app.url, links[1]);
    expect(used.status).toBe(200);
    expect(JSON.parse(used.body)).toEqual({ agent: { id: 'supervisor', name: 'Demo supervisor', role: 'supervisor' } });
    expect(await me(app.url, used.cookie!)).toBe(200);
    // The link is spent: reading the log later gives nobody a way in.
    expect((await setup(app.url, links[1])).status).toBe(401);
    expect((await setup(app.url, 'x'.repeat(40))).status).toBe(401);

    // Nothing of the demo accounts or their sessions is in Redis.
    const dump = await redisDump();
    expect(dump).not.toMatch(/sess:|demo|Demo supervisor|setup/i);
    expect(dump).not.toContain(links[0]);

    const oldCookie = used.cookie!;
    await app.close();
    app = undefined;

    // After a restart the old session and both old links are dead; new links are printed.
    const second = capture();
    app = await buildApp(loadConfig(env), { logger: second.logger });
    expect(await me(app.url, oldCookie)).toBe(401);
    for (const token of links) expect((await setup(app.url, token)).status).toBe(401);
    const fresh = [...second.lines.join('\n').matchAll(/\/agent#setup=([A-Za-z]{40})/g)].map((m) => m[1]);
    expect(fresh).toHaveLength(2);
    expect(fresh).not.toContain(links[0]);
    expect((await setup(app.url, fresh[0])).status).toBe(200);
  } finally {
    await app?.close();
  }
});
