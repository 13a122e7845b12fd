/**
 * `/metrics` through real HTTP (issue #8 finding 6): who may read it, and that clients cannot
 * grow it. The whole app on embedded defaults; activities from 127.0.0.1 on `/api/messages`.
 */
import axios from 'axios';
import { randomUUID } from 'crypto';
import { buildApp, type App } from '../../index';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logging/logger';
import { channelActivity, startChannelStandIn, type ChannelStandIn } from '../support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from '../support/fairUse';
import { asRemoteClient } from '../support/addresses';

const TOKEN = 'metrics-token-for-tests-0123456789';
let app: App;
let channel: ChannelStandIn;
beforeAll(async () => {
  app = await buildApp(loadConfig({ PORT: '0', METRICS_TOKEN: TOKEN, ...SCRIPTED_CLIENT_ENV }), { logger: createLogger('silent') });
  channel = await startChannelStandIn();
}, 120000);
afterAll(async () => {
  await channel?.close();
  await app?.close();
});

const get = (base: string, headers: Record<string, string> = {}) => axios.get(`${base}/metrics`, { headers, validateStatus: () => true, transformResponse: (d: string) => d });
/** Series lines of the metrics text (no comments). */
const series = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

test('a remote client needs the bearer token; loopback clients are served as is', async () => {
  const remote = asRemoteClient(app.url);
  for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: TOKEN }, { authorization: `Bearer ${TOKEN}x` }]) {
    const res = await get(remote.base, { ...remote.headers, ...headers });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.data as string)).toEqual({ error: 'unauthorized' });
  }
  const authorized = await get(remote.base, { ...remote.headers, authorization: `Bearer ${TOKEN}` });
  expect(authorized.status).toBe(200);
  expect(authorized.data).toMatch(/lockerdesk_process_cpu/);
  expect((await get(app.url)).status).toBe(200);
  // A local reverse proxy forwarding an internet client is not loopback.
  expect((await get(app.url, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
});

test('cardinality attack: 400 activities with distinct channel ids and types add no series', async () => {
  const warm = async (conversationId: string, extra: Record<string, unknown>) => post(channelActivity(channel, conversationId, { type: 'message', text: 'hi', locale: 'en-US', ...extra }));
  const post = (body: unknown) => axios.post(`${app.url}/api/messages`, body, { validateStatus: () => true });
  // One activity of each label an attacker will try (other channel, other type), so their series exist.
  await warm('metrics-warm-1', { channelId: 'attacker-warm' });
  await warm('metrics-warm-2', { type: 'attacker-warm-type' });
  await warm('metrics-warm-3', { channelId: 'attacker-warm', type: 'attacker-warm-type' });
  const before = (await get(app.url)).data as string;
  const statuses = new Set<number>();
  for (let i = 0; i < 400; i++) {
    const res = await post(channelActivity(channel, `metrics-${i}`, { type: i % 2 ? `x-${randomUUID()}` : 'message', channelId: `ch-${randomUUID()}`, text: 'hello', locale: 'en-US' }));
    statuses.add(res.status);
  }
  expect([...statuses]).toEqual([200]);
  const after = (await get(app.url)).data as string;
  const names = (text: string) => new Set(series(text).map((l) => l.replace(/ [^ ]+$/, '')));
  // Node's own series (a new kind of GC run) come and go by themselves; the bot's must not grow.
  const added = [...names(after)].filter((n) => !names(before).has(n) && !/^lockerdesk_(nodejs|process)_/.test(n));
  expect(added).toEqual([]);
  expect(after).not.toMatch(/ch-[0-9a-f]{8}|x-[0-9a-f]{8}/);
  expect(after).toMatch(/lockerdesk_turns_total\{channel="other",type="other",outcome="ok"\} [1-9]/);
  expect(after).toMatch(/lockerdesk_turns_total\{channel="other",type="message",outcome="ok"\} [1-9]/);
  expect(after.length).toBeLessThan(before.length + 2048);
  console.log(`/metrics size: ${before.length} bytes before, ${after.length} bytes after 400 activities with distinct channel ids and types`);
}, 120000);
