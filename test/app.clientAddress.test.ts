/**
 * The client address through the real HTTP surface of the whole application (`buildApp`), with
 * `TRUSTED_PROXIES=127.0.0.2` (our stand-in for App Service's front end): the fair-use per-IP
 * limit now applies to anonymous web visitors of the embedded Direct Line, counted by the address
 * the server can trust. An attacker who opens a new conversation for every message (a new visitor
 * id each time) is one address; a spoofed `X-Forwarded-For` from an untrusted peer changes nothing,
 * and neither does one prepended to what the trusted proxy forwards; another client behind the
 * same proxy keeps being answered.
 */
import { buildApp, type App } from '../index';
import { loadConfig } from '../services/config';
import { createMessages } from '../services/i18n/messages';
import { createLogger } from '../services/logging/logger';
import { requestFrom } from './bots/handoff/http';

jest.setTimeout(120_000);

const PER_IP = 4;
const PROXY = '127.0.0.2';
const ATTACKER = '127.0.0.1';
const flood = createMessages().t('lt', 'fairuse.flood');
let app: App;

beforeAll(async () => {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    TRUSTED_PROXIES: PROXY,
    FLOOD_MAX_MESSAGES_PER_IP: String(PER_IP),
    FLOOD_MAX_MESSAGES: '3',
    FLOOD_BURST_MESSAGES: '3',
    FLOOD_WINDOW_SECONDS: '600',
    FLOOD_BURST_SECONDS: '600',
    DIRECTLINE_CONVERSATIONS_PER_CLIENT: '1000',
  });
  app = await buildApp(config, { logger: createLogger('silent') });
}, 180_000);
afterAll(async () => {
  await app?.close();
});

interface Seen {
  type: string;
  text?: string;
  from: { role?: string };
}

/**
 * A new visitor (no credential: a new `dl_` id) sends one message from `source`, with the given
 * `X-Forwarded-For`; returns the bot's messages after it.
 */
async function visitorSays(source: string, xff: string | undefined, text: string): Promise<string[]> {
  const headers = (extra: Record<string, string>) => ({ 'Content-Type': 'application/json', ...(xff ? { 'X-Forwarded-For': xff } : {}), ...extra });
  const t = await requestFrom(source, `${app.url}/api/directline/token`, { method: 'POST', headers: headers({ Origin: app.url }), body: '{}' });
  expect(t.status).toBe(200);
  const { token, conversationId } = JSON.parse(t.body) as { token: string; conversationId: string };
  const auth = { Authorization: `Bearer ${token}` };
  const dl = `${app.url}/v3/directline/conversations`;
  expect((await requestFrom(source, dl, { method: 'POST', headers: headers(auth), body: JSON.stringify({ locale: 'lt-LT' }) })).status).toBe(201);
  const before = JSON.parse((await requestFrom(source, `${dl}/${conversationId}/activities`, { headers: headers(auth) })).body) as { watermark: string };
  const posted = await requestFrom(source, `${dl}/${conversationId}/activities`, { method: 'POST', headers: headers(auth), body: JSON.stringify({ type: 'message', text, locale: 'lt-LT' }) });
  expect(posted.status).toBe(200);
  const after = JSON.parse((await requestFrom(source, `${dl}/${conversationId}/activities?watermark=${before.watermark}`, { headers: headers(auth) })).body) as { activities: Seen[] };
  return after.activities.filter((a) => a.type === 'message' && a.from.role === 'bot').map((a) => a.text ?? '');
}

test('an untrusted peer rotating X-Forwarded-For and visitor ids is one address: past the per-IP limit it gets the flood notice, not the bot', async () => {
  const replies: string[][] = [];
  for (let i = 0; i < PER_IP + 2; i++) replies.push(await visitorSays(ATTACKER, `198.18.${i}.${i + 1}`, 'kur mano siunta?'));
  for (const r of replies.slice(0, PER_IP)) {
    expect(r.length).toBeGreaterThan(0);
    expect(r).not.toContain(flood);
  }
  // The first message over the limit gets the one notice of the window; the next one nothing at all.
  expect(replies[PER_IP]).toEqual([flood]);
  expect(replies[PER_IP + 1]).toEqual([]);
});

test('behind the trusted proxy the forwarded client counts, whatever it prepended; another client behind the proxy is answered', async () => {
  const client = '198.51.100.7';
  const replies: string[][] = [];
  for (let i = 0; i < PER_IP + 1; i++) replies.push(await visitorSays(PROXY, `10.9.${i}.1, ${client}`, 'kur mano siunta?'));
  for (const r of replies.slice(0, PER_IP)) expect(r).not.toContain(flood);
  expect(replies[PER_IP]).toEqual([flood]);

  const other = await visitorSays(PROXY, '198.51.100.8:50123', 'kur mano siunta?');
  expect(other.length).toBeGreaterThan(0);
  expect(other).not.toContain(flood);
});

test('agent sign-in limits count the forwarded client behind the trusted proxy, and ignore the header from anyone else', async () => {
  const login = async (source: string, xff: string, username: string) =>
    (
      await requestFrom(source, `${app.url}/agent/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'lockerdesk', 'X-Forwarded-For': xff },
        body: JSON.stringify({ username, password: 'Summer2024!' }),
      })
    ).status;
  const spray = async (source: string, xff: (i: number) => string) => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push(await login(source, xff(i), `user-${i}`));
    return statuses;
  };
  // An attacker rotating the header from an untrusted peer is throttled all the same.
  expect(await spray(ATTACKER, (i) => `198.18.1.${i + 1}`)).toContain(429);
  // Behind the proxy: the sprayer is throttled, another agent behind the same proxy is not.
  expect(await spray(PROXY, (i) => `10.1.0.${i}, 198.51.100.20`)).toContain(429);
  expect(await login(PROXY, '198.51.100.21', 'someone')).toBe(401);
});
