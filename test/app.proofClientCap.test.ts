/**
 * The attacker at a client's cap, through the real HTTP surface (one bot on a real Redis, the
 * sandbox carrier over HTTP): one customer who has used up their codes for the day opens many
 * conversations at once and names someone else's parcel in each. Every one is refused before the
 * carrier, no SMS reaches the parcel's sender, and the parcel's own count is untouched: its owner,
 * as another customer, still gets codes.
 */
import { buildApp, type App } from '../index';
import { loadConfig } from '../services/config';
import { createMessages } from '../services/i18n/messages';
import { createSandboxServer, type SandboxServer } from '../services/carrier/sandbox/server';
import { SANDBOX_FIXTURES as F } from '../services/carrier/sandbox/fixtures';
import { startChannelStandIn, type ChannelStandIn } from './support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from './support/fairUse';
import { HttpChat } from './support/httpChat';
import { sandboxSms } from './support/sandboxSms';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, testRedisUrl } from './setup/redis';
import { LINES } from './dialogs/testData';

const messages = createMessages();
const prefix = randomPrefix();
const L = LINES.lt;
let sandbox: SandboxServer;
let carrierUrl: string;
let app: App;
let channel: ChannelStandIn;

beforeAll(async () => {
  sandbox = createSandboxServer();
  carrierUrl = (await sandbox.listen(0, '127.0.0.1')).url;
  const env = { ...SCRIPTED_CLIENT_ENV, PORT: '0', CARRIER_API_URL: carrierUrl, REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, DIRECTLINE_TOKEN_KEY: 'c'.repeat(32), PROOF_CODES_PER_CLIENT_PER_DAY: '1' };
  app = await buildApp(loadConfig(env));
  channel = await startChannelStandIn();
}, 120000);
afterAll(async () => {
  await channel?.close();
  await app?.close();
  await sandbox?.close();
  const redis = await connectTestRedis();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

/** Sends `text` in `c`; resolves with the first of `keys` the bot answered with. */
async function answer(c: HttpChat, text: string, keys: string[]): Promise<string> {
  const before = c.replies().length;
  await c.say(text, []);
  let key: string | undefined;
  await channel.waitFor(() => (key = keys.find((k) => c.sawSince(before, k))) !== undefined);
  return key ?? '';
}

test("a customer over their daily codes, many conversations at once on someone else's parcel: all refused, no SMS, the owner unaffected", async () => {
  const victim = F.readdressable;
  const own = F.readdressableNow;
  const attacker = `mallory-${Date.now()}`;
  // The attacker's one code of the day, for a parcel of their own.
  const first = new HttpChat(() => app.url, channel, messages, 'lt', `own-${attacker}`, attacker);
  await first.say(L.readdress, ['ask.trackingNumber']);
  expect(await answer(first, own.trackingNumber, ['proof.code.sent', 'proof.code.locked'])).toBe('proof.code.sent');

  const smsBefore = (await sandboxSms(carrierUrl, victim.senderPhone)).length;
  const burst = await Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      const c = new HttpChat(() => app.url, channel, messages, 'lt', `burst-${i}-${attacker}`, attacker);
      // Worded apart each time: the same request again from one customer is a repeat fair use drops.
      await c.say(`${L.readdress} (${i + 1})`, ['ask.trackingNumber']);
      return answer(c, victim.trackingNumber, ['proof.code.sent', 'proof.code.locked']);
    }),
  );
  // What the attacker gets back: a refusal each time, and no code went to the parcel's sender.
  expect(burst).toEqual(Array(8).fill('proof.code.locked'));
  expect((await sandboxSms(carrierUrl, victim.senderPhone)).length).toBe(smsBefore);
  // The parcel's own limit (3 a day) was not touched: its owner, another customer, gets codes.
  for (const n of [1, 2]) {
    const owner = new HttpChat(() => app.url, channel, messages, 'lt', `owner-${n}-${attacker}`, `owner-${n}-${attacker}`);
    await owner.say(L.readdress, ['ask.trackingNumber']);
    expect(await answer(owner, victim.trackingNumber, ['proof.code.sent', 'proof.code.locked'])).toBe('proof.code.sent');
  }
  expect((await sandboxSms(carrierUrl, victim.senderPhone)).length).toBe(smsBefore + 2);
}, 120000);
