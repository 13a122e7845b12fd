/**
 * The whole application as `npm start` builds it (sandbox carrier over HTTP, embedded recognizer,
 * in-memory state), spoken to over real HTTP on /api/messages the way Emulator does.
 */
import axios from 'axios';
import { buildApp, type App } from '../index';
import { loadConfig } from '../services/config';
import { createLogger } from '../services/logging/logger';
import { channelActivity, startChannelStandIn, type ChannelStandIn } from './support/channelStandIn';

let app: App;
let channel: ChannelStandIn;

beforeAll(async () => {
  app = await buildApp(loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
  channel = await startChannelStandIn();
}, 60000);
afterAll(async () => {
  await channel.close();
  await app.close();
});

const post = (body: unknown) => axios.post(`${app.url}/api/messages`, body, { validateStatus: () => true });

test('starts the sandbox carrier and answers health checks', async () => {
  expect(app.sandbox).toBeDefined();
  expect((await axios.get(`${app.url}/healthz`)).data).toEqual({ status: 'ok' });
});

test('welcomes a new conversation and answers "where is my parcel" end to end', async () => {
  const id = 'app-conv-1';
  expect((await post(channelActivity(channel, id, { type: 'conversationUpdate', membersAdded: [{ id: `user-${id}` }], locale: 'en-US' }))).status).toBeLessThan(300);
  await channel.waitFor((all) => all.some((a) => a.conversation?.id === id && /parcel-locker assistant/.test(a.text ?? '')));
  expect((await post(channelActivity(channel, id, { type: 'message', text: 'where is my parcel CE845613209LT?' }))).status).toBeLessThan(300);
  const replies = await channel.waitFor((all) => all.some((a) => a.conversation?.id === id && /waiting in/.test(a.text ?? '')));
  expect(replies.some((a) => a.type === 'typing')).toBe(true); // shown while the carrier is asked
});

test('exposes Prometheus metrics of turns, intents and carrier calls', async () => {
  const text = (await axios.get(`${app.url}/metrics`)).data as string;
  expect(text).toMatch(/lockerdesk_turns_total\{channel="emulator",type="message",outcome="ok"\} [1-9]/);
  expect(text).toMatch(/lockerdesk_intents_total\{intent="track",lang="en"\} [1-9]/);
  expect(text).toMatch(/lockerdesk_carrier_calls_total\{method="getParcel",outcome="ok"\} [1-9]/);
});

test.each([
  ['not JSON', '{"type": "message", '],
  ['no activity type', { text: 'hello' }],
  ['an array', [1, 2, 3]],
])('rejects a malformed request (%s) with 400 and no effect', async (_name, body) => {
  const before = channel.received.length;
  const res = await axios.post(`${app.url}/api/messages`, body, { validateStatus: () => true, headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(400);
  await new Promise((r) => setTimeout(r, 100));
  expect(channel.received.length).toBe(before);
});

test('rejects an oversize body with 413', async () => {
  const res = await post(channelActivity(channel, 'big', { type: 'message', text: 'x'.repeat(300 * 1024) }));
  expect(res.status).toBe(413);
});
