/**
 * `/api/messages` at the edge (issue #8 finding 3), through real HTTP against the whole app on
 * embedded defaults (no MicrosoftAppId): what an attacker on the network receives, and what the
 * bot does on their behalf (nothing).
 */
import { createServer as createHttpServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { Writable } from 'stream';
import axios from 'axios';
import { ConfigurationBotFrameworkAuthentication, ActivityHandler } from 'botbuilder';
import { buildApp, type App } from '../../index';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logging/logger';
import { createServer, EDGE_ERRORS } from '../../bots/http/server';
import { DirectLineCloudAdapter } from '../../bots/channels/directline';
import { channelActivity, startChannelStandIn, type ChannelStandIn } from '../support/channelStandIn';
import { asRemoteClient, nonLoopbackAddress } from '../support/addresses';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk, _enc, cb) => {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

/** A listener anyone could name as `serviceUrl`: counts the requests the bot makes to it. */
async function ssrfTarget(host: string): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"x"}');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('without MicrosoftAppId (embedded defaults)', () => {
  let app: App;
  let channel: ChannelStandIn;
  const log = capture();

  beforeAll(async () => {
    app = await buildApp(loadConfig({ PORT: '0' }), { logger: log.logger });
    channel = await startChannelStandIn();
  }, 120000);
  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
    axios.post(`${base}/api/messages`, body, { validateStatus: () => true, headers: { 'content-type': 'application/json', ...headers }, transformResponse: (d: string) => d });

  test('a loopback client with a loopback serviceUrl (Emulator, npm run chat) is answered', async () => {
    const res = await post(app.url, channelActivity(channel, 'edge-ok', { type: 'message', text: 'hello', locale: 'en-US' }));
    expect(res.status).toBe(200);
    await channel.waitFor((all) => all.some((a) => a.conversation?.id === 'edge-ok' && a.type === 'message'));
  });

  test('a remote client gets 401 with a generic body; the bot calls nobody and writes no state', async () => {
    const remote = asRemoteClient(app.url);
    const res = await post(remote.base, channelActivity(channel, 'edge-remote', { type: 'message', text: 'hello', locale: 'en-US' }), remote.headers);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.data)).toEqual(EDGE_ERRORS.unauthorized);
    await settle();
    expect(channel.received.filter((a) => a.conversation?.id === 'edge-remote')).toEqual([]);
    // No state was written for that conversation: a first real turn is still welcomed as new.
    await post(app.url, channelActivity(channel, 'edge-remote', { type: 'conversationUpdate', membersAdded: [{ id: 'user-edge-remote' }], locale: 'en-US' }));
    await channel.waitFor((all) => all.some((a) => a.conversation?.id === 'edge-remote' && /parcel-locker assistant/.test(a.text ?? '')));
  });

  test('a loopback client behind a proxy header is not loopback: 401', async () => {
    const res = await post(app.url, channelActivity(channel, 'edge-proxy', { type: 'message', text: 'hi' }), { 'x-forwarded-for': '198.51.100.4' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.data)).toEqual(EDGE_ERRORS.unauthorized);
  });

  test('blind SSRF: a serviceUrl that is not loopback gets 401 and the bot never calls it', async () => {
    const host = nonLoopbackAddress() ?? '127.0.0.1';
    const target = await ssrfTarget(host);
    try {
      for (const serviceUrl of [
        target.url.replace('127.0.0.1', 'localhost.evil.example'),
        host === '127.0.0.1' ? 'http://10.0.0.1:6379/' : `${target.url}/internal/admin`,
        'http://169.254.169.254/latest/meta-data/',
        'http://user:pw@127.0.0.1:1/',
        'file:///etc/passwd',
        'gopher://127.0.0.1:6379/_FLUSHALL',
        'https://directline.lockerdesk.invalid/',
      ]) {
        const res = await post(app.url, { ...channelActivity(channel, 'edge-ssrf', { type: 'message', text: 'hi' }), serviceUrl });
        expect({ serviceUrl, status: res.status }).toEqual({ serviceUrl, status: serviceUrl.startsWith('file:') || serviceUrl.startsWith('gopher:') ? 400 : 401 });
        expect(res.data).not.toMatch(/stack|Error:|at \w+ \(/);
      }
      await settle();
      expect(target.hits).toEqual([]);
    } finally {
      await target.close();
    }
  });

  test.each([
    ['not JSON', '{"type": "message", '],
    ['an array', '[1,2,3]'],
    ['no type', JSON.stringify({ channelId: 'emulator', serviceUrl: 'http://127.0.0.1:1', conversation: { id: 'c' }, from: { id: 'u' } })],
    ['no conversation', JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:1', from: { id: 'u' } })],
    ['no sender', JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:1', conversation: { id: 'c' } })],
    ['a number as conversation id', JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:1', conversation: { id: 5 }, from: { id: 'u' } })],
    ['text as an object', JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:1', conversation: { id: 'c' }, from: { id: 'u' }, text: { $gt: '' } })],
    ['a 10,000-character channel id', JSON.stringify({ type: 'message', channelId: 'x'.repeat(10_000), serviceUrl: 'http://127.0.0.1:1', conversation: { id: 'c' }, from: { id: 'u' } })],
    ['a thousand members', JSON.stringify({ type: 'conversationUpdate', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:1', conversation: { id: 'c' }, from: { id: 'u' }, membersAdded: Array.from({ length: 1000 }, (_, i) => ({ id: `m${i}` })) })],
  ])('a malformed activity (%s) gets 400 with a generic body', async (_name, body) => {
    const res = await post(app.url, body);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.data)).toEqual(EDGE_ERRORS.badRequest);
  });
});

test('INSECURE_ANONYMOUS_ACTIVITIES widens anonymous access to any client, and the start-up log says so', async () => {
  const log = capture();
  const app = await buildApp(loadConfig({ PORT: '0', INSECURE_ANONYMOUS_ACTIVITIES: 'true' }), { logger: log.logger });
  const channel = await startChannelStandIn();
  try {
    expect(log.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).some((l) => l.level === 40 && /INSECURE_ANONYMOUS_ACTIVITIES is on/.test(l.msg))).toBe(true);
    const remote = asRemoteClient(app.url);
    const res = await axios.post(`${remote.base}/api/messages`, channelActivity(channel, 'edge-insecure', { type: 'message', text: 'hello', locale: 'en-US' }), { headers: remote.headers, validateStatus: () => true });
    expect(res.status).toBe(200);
    await channel.waitFor((all) => all.some((a) => a.conversation?.id === 'edge-insecure' && a.type === 'message'));
  } finally {
    await channel.close();
    await app.close();
  }
}, 120000);

test('a turn that fails outside the bot answers 500 with a generic body; the error text goes only to the (masked) log', async () => {
  const log = capture();
  const adapter = new DirectLineCloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (_context, error) => {
    throw error;
  };
  const bot = new ActivityHandler();
  bot.onMessage(async () => {
    throw new Error('RedisKeyValueStore.write(): ld:state:conv-9 for +37060012345 failed at /srv/lockerdesk/dist/x.js:12');
  });
  const server = createServer({ adapter, bot, logger: log.logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const res = await axios.post(`${url}/api/messages`, { type: 'message', id: '1', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', conversation: { id: 'c' }, from: { id: 'u' }, text: 'hi' }, { validateStatus: () => true, transformResponse: (d: string) => d });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.data)).toEqual(EDGE_ERRORS.internal);
    expect(res.data).not.toMatch(/Redis|srv|37060012345|ld:state/);
    const logged = log.lines.join('\n');
    expect(logged).toMatch(/the turn failed/);
    expect(logged).not.toContain('37060012345');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
