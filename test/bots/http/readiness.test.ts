/**
 * `/readyz` and graceful shutdown (issue #12), through real HTTP:
 * - the whole app on embedded defaults: ready; the carrier failing → 503 naming `carrier`;
 * - the app on a redis-server of its own: stopping Redis → 503 naming `redis`, back to 200 after;
 * - while draining: 503 at once, no dependency asked;
 * - `node dist/index.js` receiving SIGTERM during a slow turn: the reply still reaches the
 *   customer, the process exits 0.
 */
import axios from 'axios';
import restify from 'restify';
import type { AddressInfo } from 'net';
import { buildApp } from '../../../index';
import { loadConfig } from '../../../services/config';
import { createLogger } from '../../../services/logging/logger';
import { createSandboxServer } from '../../../services/carrier/sandbox/server';
import { registerReadiness } from '../../../bots/http/readiness';
import { freePort, spawnRedisServer, randomPrefix } from '../../setup/redis';
import { channelActivity, startChannelStandIn } from '../../support/channelStandIn';
import { ensureBuilt, startBotProcess, waitHealthy } from '../handoff/processes';

const readyz = async (base: string) => {
  const res = await axios.get(`${base}/readyz`, { validateStatus: () => true });
  return { status: res.status, body: res.data as Record<string, unknown> };
};
const eventually = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
};

jest.setTimeout(240_000);

test('embedded defaults: ready; the carrier failing makes it 503 naming the carrier only; /healthz stays 200', async () => {
  const app = await buildApp(loadConfig({ PORT: '0' }), { logger: createLogger('silent') });
  try {
    expect(await readyz(app.url)).toEqual({ status: 200, body: { status: 'ready', checks: { carrier: 'ok' } } });
    app.sandbox!.injectFault('503', 1);
    expect(await readyz(app.url)).toEqual({ status: 503, body: { status: 'unavailable', failing: ['carrier'], checks: { carrier: 'unavailable' } } });
    expect((await axios.get(`${app.url}/healthz`)).status).toBe(200);
    expect((await readyz(app.url)).status).toBe(200);
  } finally {
    await app.close();
  }
});

test('with Redis: stopping redis-server makes it 503 naming redis; it recovers when Redis is back', async () => {
  const redis = await spawnRedisServer();
  const app = await buildApp(loadConfig({ PORT: '0', REDIS_URL: redis.url, REDIS_PREFIX: randomPrefix(), DIRECTLINE_TOKEN_KEY: 'k'.repeat(32) }), { logger: createLogger('silent') });
  try {
    expect(await readyz(app.url)).toEqual({ status: 200, body: { status: 'ready', checks: { redis: 'ok', carrier: 'ok' } } });
    await redis.kill();
    const down = await eventually(() => readyz(app.url), (r) => r.status === 503);
    expect(down).toEqual({ status: 503, body: { status: 'unavailable', failing: ['redis'], checks: { redis: 'unavailable', carrier: 'ok' } } });
    expect(JSON.stringify(down.body)).not.toMatch(/127\.0\.0\.1|ECONN|Error/);
    expect((await axios.get(`${app.url}/healthz`)).status).toBe(200);
    await redis.restart();
    expect((await eventually(() => readyz(app.url), (r) => r.status === 200, 30_000)).status).toBe(200);
  } finally {
    await app.close();
    await redis.stop();
  }
});

test('while draining: 503 at once, without asking any dependency', async () => {
  let asked = 0;
  const server = restify.createServer();
  registerReadiness(server, { draining: () => true, checks: { carrier: async () => void (asked += 1) } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    expect(await readyz(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)).toEqual({ status: 503, body: { status: 'draining' } });
    expect(asked).toBe(0);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('SIGTERM during a slow turn (node dist/index.js): the reply still reaches the customer, the process exits 0', async () => {
  ensureBuilt();
  // A slow carrier: every answer takes 1.5 s, so the turn is in flight when the signal comes.
  const carrier = createSandboxServer({ latencyMs: 1500 });
  const carrierUrl = (await carrier.listen(0, '127.0.0.1')).url;
  const channel = await startChannelStandIn();
  const bot = startBotProcess(await freePort(), { CARRIER_API_URL: carrierUrl, CARRIER_TIMEOUT_MS: '10000', LOG_LEVEL: 'info' });
  try {
    await waitHealthy(bot);
    const conversationId = 'sigterm-1';
    const posted = axios.post(`${bot.url}/api/messages`, channelActivity(channel, conversationId, { type: 'message', text: 'where is my parcel CE845613209LT?', locale: 'en-US' }), { validateStatus: () => true });
    // Wait until the turn is at the carrier (the typing indicator goes out before the carrier is asked).
    await channel.waitFor((all) => all.some((a) => a.conversation?.id === conversationId && a.type === 'typing'), 20_000);
    const exited = bot.exited;
    await bot.stop().catch(() => undefined);
    expect((await posted).status).toBe(200);
    expect(channel.received.some((a) => a.conversation?.id === conversationId && /waiting in/.test(a.text ?? ''))).toBe(true);
    expect(await exited).toBe(0);
    expect(bot.output()).toMatch(/drained/);
  } finally {
    await bot.kill();
    await channel.close();
    await carrier.close();
  }
});
