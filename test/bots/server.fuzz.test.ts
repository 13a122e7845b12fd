/**
 * A few thousand random and malformed activities on `/api/messages`, over real HTTP against the
 * whole app on embedded defaults (issue #8, "Done when"): the server never crashes, never answers
 * a 5xx that echoes internals, and a well-behaved customer keeps getting answers during and after.
 * Most requests come from 127.0.0.1 with a loopback `serviceUrl` (so they run real turns); some
 * name other reply addresses or come through a proxy. The generator is seeded; a failure prints
 * the seed and the request.
 */
import axios from 'axios';
import { randomUUID } from 'crypto';
import { buildApp, type App } from '../../index';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logging/logger';
import { EDGE_ERRORS } from '../../bots/http/server';
import { channelActivity, startChannelStandIn, type ChannelStandIn } from '../support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from '../support/fairUse';
import { shortConnectorBackoff } from '../support/connectorBackoff';

// Replies to the unreachable reply addresses below are still retried 3 times, a few ms apart
// instead of 1-8 s (otherwise ~90% of this suite's time is idle back-off).
shortConnectorBackoff();

/** Change the seed to explore other inputs; a failure names it. */
const SEED = 20261202;
const REQUESTS = 2500;
const IN_FLIGHT = 6;

/** mulberry32: small, fast, good enough to spread inputs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERNALS = /\bat [A-Za-z.<>]+ \(|\/work\/|node_modules|\.ts:\d|\.js:\d|stack|TypeError|RangeError|SyntaxError|ZodError|Cannot read|undefined is not|ECONN|req\.body/;

jest.setTimeout(300_000);

let app: App;
let channel: ChannelStandIn;
beforeAll(async () => {
  app = await buildApp(loadConfig({ PORT: '0', ...SCRIPTED_CLIENT_ENV, FLOOD_MAX_MESSAGES_PER_IP: '100000', PARCEL_LOOKUPS_PER_CLIENT_PER_HOUR: '10000' }), { logger: createLogger('silent') });
  channel = await startChannelStandIn();
}, 120000);
afterAll(async () => {
  await channel?.close();
  await app?.close();
});

test(`${REQUESTS} random and malformed activities (seed ${SEED}): no crash, no 5xx with internals, the customer keeps being answered`, async () => {
  const random = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const int = (n: number) => Math.floor(random() * n);
  const str = (n: number) => Array.from({ length: n }, () => String.fromCodePoint(pick([0x20 + int(95), 0x100 + int(0x2000), 0x1f600 + int(80), 0, 0xfffd, 0x202e]))).join('');
  const junk = (depth = 0): unknown => {
    switch (int(depth > 3 ? 5 : 8)) {
      case 0: return null;
      case 1: return int(1e9) - 5e8;
      case 2: return str(int(40));
      case 3: return random() < 0.5;
      case 4: return random() * 1e308 * (random() < 0.5 ? -1 : 1);
      case 5: return Array.from({ length: int(5) }, () => junk(depth + 1));
      case 6: return { [str(5)]: junk(depth + 1), __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } };
      default: return { id: junk(depth + 1), type: junk(depth + 1) };
    }
  };
  const serviceUrls = [channel.url, channel.url, channel.url, 'http://127.0.0.1:1/', 'http://localhost:9/x', 'http://[::1]:9', 'https://directline.lockerdesk.invalid/', 'http://10.0.0.1/', 'ftp://127.0.0.1/', '', 'not a url'];
  const types = ['message', 'message', 'message', 'conversationUpdate', 'event', 'invoke', 'typing', 'endOfConversation', 'messageReaction', 'installationUpdate', 'handoff', 'trace', str(8), ''];
  const shaped = (): Record<string, unknown> => {
    const a = channelActivity(channel, pick(['fuzz-a', 'fuzz-b', `fuzz-${int(300)}`, str(10)]), {
      type: pick(types),
      text: pick(['', 'hello', 'where is my parcel CE845613209LT?', 'yes', str(int(300)), 'x'.repeat(17_000), '+37061234567', 'CE482139075LT', 'operator', '<script>alert(1)</script>', '${7*7}']),
      locale: pick(['en-US', 'lt', 'ru-RU', str(5), 'x'.repeat(100)]),
      serviceUrl: pick(serviceUrls),
      channelId: pick(['emulator', 'webchat', 'directline', 'facebook', 'msteams', str(6)]),
    });
    // Mutate a field or two: wrong types, missing, hostile nested values.
    for (let i = int(3); i > 0; i--) {
      const field = pick(['type', 'id', 'from', 'conversation', 'recipient', 'value', 'channelData', 'attachments', 'entities', 'membersAdded', 'text', 'name', 'replyToId', 'relatesTo', 'timestamp', 'suggestedActions']);
      if (random() < 0.2) delete a[field];
      else a[field] = junk();
    }
    if (random() < 0.1) a.value = { action: pick(['choose', 'handoff', 'setLanguage']), lang: pick(['lt', 'en', str(3)]), caseId: str(12) };
    if (random() < 0.1) a.attachments = [{ contentType: pick(['image/png', 'text/html', str(5)]), contentUrl: pick(['http://127.0.0.1:1/x.png', 'javascript:alert(1)', 'https://evil.example/pixel.gif', str(20)]), name: str(10) }];
    return a;
  };
  const body = (): { raw: string; headers: Record<string, string> } => {
    const headers: Record<string, string> = { 'content-type': pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16']) };
    if (random() < 0.05) headers['x-forwarded-for'] = '203.0.113.1';
    if (random() < 0.05) headers.authorization = pick(['Bearer x', 'Bearer eyJhbGciOiJub25lIn0.e30.', str(20).replace(/[^\x20-\x7e]/g, 'a')]);
    const r = random();
    if (r < 0.55) return { raw: JSON.stringify(shaped()), headers };
    if (r < 0.65) return { raw: JSON.stringify(shaped()).slice(0, int(200)), headers };
    if (r < 0.72) return { raw: JSON.stringify(junk()), headers };
    if (r < 0.78) return { raw: '['.repeat(5000 + int(5000)) + ']'.repeat(int(100)), headers };
    if (r < 0.84) return { raw: str(int(500)), headers };
    if (r < 0.9) return { raw: JSON.stringify({ ...shaped(), padding: 'x'.repeat(250_000 + int(20_000)) }), headers };
    if (r < 0.95) return { raw: `{"type":"message","__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"channelId":"emulator","serviceUrl":"${channel.url}","conversation":{"id":"fuzz-proto"},"from":{"id":"u"}}`, headers };
    return { raw: '', headers };
  };

  // The well-behaved customer: one question at a time, all through the run and after it (more parcel
  // lookups than the per-client hourly limit a person gets, hence PARCEL_LOOKUPS_PER_CLIENT_PER_HOUR above).
  const customer = `fuzz-customer-${randomUUID()}`;
  let answered = 0;
  let running = true;
  // Different parcels in turn (asking the very same thing again is a repeat for fair use).
  const parcels = ['CE845613209LT', 'CE482139075LT', 'CE517302644LT'];
  // Each question in a conversation of its own: the answer to it, not a pending rating question, is what is checked.
  const ask = async () => {
    const parcel = parcels[answered % parcels.length];
    const customerConversation = `${customer}-${answered}`;
    const mine = () => channel.received.filter((a) => a.conversation?.id === customerConversation && a.type === 'message' && (a.text ?? '').includes(parcel)).length;
    const send = async (text: string) => {
      const res = await axios.post(`${app.url}/api/messages`, channelActivity(channel, customerConversation, { type: 'message', text, locale: 'en-US' }), { validateStatus: () => true });
      expect(res.status).toBe(200);
    };
    // After an answer the bot may ask for a rating (1-5): a customer answers it before the next question.
    const last = () => channel.received.filter((a) => a.conversation?.id === customerConversation && a.type === 'message').at(-1)?.text ?? '';
    if (/rate this chat/i.test(last())) await send('5');
    if (/add anything/i.test(last())) await send('No, thanks');
    const before = mine();
    await send(`where is my parcel ${parcel}?`);
    await channel.waitFor(() => mine() > before, 30_000);
    answered += 1;
  };
  const customerLoop = (async () => {
    while (running) {
      await ask();
      await new Promise((r) => setTimeout(r, 500));
    }
  })();

  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const { raw, headers } = body();
      const res = await axios.post(`${app.url}/api/messages`, raw, { headers, validateStatus: () => true, transformRequest: (d: string) => d, transformResponse: (d: string) => d, maxBodyLength: Infinity });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const text = typeof res.data === 'string' ? res.data : '';
      // 501 with no body: botbuilder's answer to an invoke the bot does not implement.
      const generic5xx = res.status >= 500 && (text === JSON.stringify(EDGE_ERRORS.internal) || (res.status === 501 && text === ''));
      if ((res.status >= 500 && !generic5xx) || INTERNALS.test(text)) failures.push(`#${i} seed ${SEED}: ${res.status} ${text.slice(0, 200)} <- ${raw.slice(0, 300)}`);
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (Date.now() - started) / 1000;
  const duringRun = answered;
  running = false;
  await customerLoop;
  await ask(); // and after
  expect((await axios.get(`${app.url}/healthz`)).data).toEqual({ status: 'ok' });

  console.log(`fuzz /api/messages: ${REQUESTS} requests in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, the customer answered ${duringRun} times during the run`);
  expect(failures).toEqual([]);
  expect([...statuses.keys()].every((s) => [200, 400, 401, 413, 415, 500, 501].includes(s))).toBe(true);
  expect(duringRun).toBeGreaterThan(0);
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.prototype).not.toHaveProperty('isAdmin');
});
