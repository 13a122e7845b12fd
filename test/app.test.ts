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
  expect(replies.some((a) => a.type === 'message' && a.conversation?.id === id && /waiting in/.test(a.text ?? ''))).toBe(true);
});

describe('lean turns: activities per turn by channel', () => {
  const TRACK = 'where is my parcel CE845613209LT?';
  /** One turn over /api/messages; the POST answers once the turn sent its replies. */
  const turn = async (channelId: string, id: string, text: string) => {
    const mine = () => channel.received.filter((a) => a.conversation?.id === id);
    const before = mine().length;
    const res = await post({ ...channelActivity(channel, id, { type: 'message', text, locale: 'en-US' }), channelId });
    expect(res.status).toBeLessThan(300);
    return mine().slice(before);
  };

  test.each(['webchat', 'emulator'])('%s: "where is my parcel" is one activity (status, timeline card, the next question with its buttons), no typing when the carrier is fast', async (channelId) => {
    const all = await turn(channelId, `lean-${channelId}`, TRACK);
    // Emulator also gets botbuilder's "Bot State" trace (its state inspector); no other channel does.
    expect(all.filter((a) => a.type === 'trace').map((a) => a.name)).toEqual(channelId === 'emulator' ? ['BotState'] : []);
    const sent = all.filter((a) => a.type !== 'trace');
    expect(sent.map((a) => a.type)).toEqual(['message']);
    // the status, then what the bot asks next (the chat rating, or "anything else?") in the same bubble
    expect(sent[0].text).toMatch(/waiting in[\s\S]*\n\n(Did this help|Anything else)/);
    expect(sent[0].attachments?.map((a) => a.contentType)).toEqual(['application/vnd.microsoft.card.adaptive']);
    expect(sent[0].suggestedActions?.actions.length).toBeGreaterThan(1);
    // a question with buttons stays one activity too
    expect((await turn(channelId, `lean-${channelId}`, 'I want to send my parcel to another locker')).filter((a) => a.type !== 'trace').map((a) => a.type)).toEqual(['message']);
  });

  test('facebook (Azure channel): the same turn as Messenger messages, one per part, no typing when fast', async () => {
    const sent = await turn('facebook', 'lean-facebook', TRACK);
    expect(sent.every((a) => a.type === 'message')).toBe(true);
    expect(sent.map((a) => a.text ?? '').join('\n')).toMatch(/waiting in[\s\S]*(Did this help|Anything else)/);
    expect(sent.length).toBe(3); // the status, the timeline as text, the next question with quick replies
  });

  test('embedded Direct Line: one bot activity for the same turn', async () => {
    const token = (await axios.post(`${app.url}/api/directline/token`, {}, { headers: { Origin: app.url } })).data as { token: string; conversationId: string; domain: string };
    const headers = { Authorization: `Bearer ${token.token}`, Origin: app.url };
    await axios.post(`${token.domain}/conversations`, {}, { headers });
    const posted = (await axios.post(`${token.domain}/conversations/${token.conversationId}/activities`, { type: 'message', text: TRACK, from: { id: 'x' }, locale: 'en-US' }, { headers })).data as { id: string };
    const log = (await axios.get(`${token.domain}/conversations/${token.conversationId}/activities`, { headers })).data as { activities: { type: string; replyToId?: string; text?: string; from: { role?: string } }[] };
    const replies = log.activities.filter((a) => a.from.role === 'bot' && a.replyToId === posted.id);
    expect(replies.map((a) => a.type)).toEqual(['message']);
    expect(replies[0].text).toMatch(/waiting in/);
  });

  test('a slow carrier call shows one typing indicator before the answer', async () => {
    app.sandbox!.setLatency(800);
    try {
      const sent = await turn('webchat', 'lean-slow', TRACK);
      expect(sent.map((a) => a.type)).toEqual(['typing', 'message']);
    } finally {
      app.sandbox!.setLatency(0);
    }
  });
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
