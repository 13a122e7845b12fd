/**
 * The attacker's guessing run through the real HTTP surface: someone who knows a parcel number
 * (not the sender's phone, not the code) opens many fresh conversations, each as a fresh customer,
 * spread over two bot instances (`buildApp` twice) on one real Redis and one sandbox carrier over
 * HTTP, and guesses codes on /api/messages. It must never succeed (no proof, the parcel unchanged),
 * must end in a lock that both instances' supervisors see, and the carrier must text at most the
 * per-parcel number of codes. Every log line of both instances is checked for raw phones.
 *
 * Prints the figure for the closing note (guesses per second before the lock):
 *   npx jest test/app.proofGuessing --maxWorkers=1
 */
import { randomInt } from 'crypto';
import { buildApp, type App } from '../index';
import { loadConfig } from '../services/config';
import { createMessages } from '../services/i18n/messages';
import { createSandboxServer, type SandboxServer } from '../services/carrier/sandbox/server';
import { SANDBOX_FIXTURES as F } from '../services/carrier/sandbox/fixtures';
import { startChannelStandIn, type ChannelStandIn } from './support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from './support/fairUse';
import { HttpChat } from './support/httpChat';
import { sandboxSms } from './support/sandboxSms';
import { captureLogger, linesWithPhones } from './services/proof/support';
import { connectTestRedis, deleteKeysWithPrefix, randomPrefix, testRedisUrl } from './setup/redis';
import { LINES } from './dialogs/testData';

/** Fresh conversations the attacker opens (alternating between the two instances). */
const CONVERSATIONS = 24;

const messages = createMessages();
const logsA = captureLogger();
const logsB = captureLogger();
const sandboxLogs = captureLogger();
const prefix = randomPrefix();
let sandbox: SandboxServer;
let carrierUrl: string;
let apps: App[] = [];
let channel: ChannelStandIn;

beforeAll(async () => {
  sandbox = createSandboxServer({ logger: sandboxLogs.logger });
  carrierUrl = (await sandbox.listen(0, '127.0.0.1')).url;
  const env = {
    ...SCRIPTED_CLIENT_ENV,
    PORT: '0',
    CARRIER_API_URL: carrierUrl,
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: prefix,
    DIRECTLINE_TOKEN_KEY: 'g'.repeat(32),
  };
  apps = [await buildApp(loadConfig(env), { logger: logsA.logger }), await buildApp(loadConfig(env), { logger: logsB.logger })];
  channel = await startChannelStandIn();
}, 180000);
afterAll(async () => {
  await channel?.close();
  for (const app of apps) await app.close();
  await sandbox?.close();
  const redis = await connectTestRedis();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

test('many fresh conversations on two instances never get a proof; the run ends in a lock both instances see', async () => {
  const victim = F.readdressable;
  const L = LINES.lt;
  let guesses = 0;
  let proven = 0;
  let refusedAtOnce = 0;
  let firstLock: { at: number; guesses: number } | undefined;
  const started = Date.now();

  /** Sends `text` in `c` and resolves with the message key of the bot's answer among `keys`. */
  const answer = async (c: HttpChat, text: string, keys: string[]): Promise<string> => {
    const before = c.replies().length;
    await c.say(text, []);
    let key: string | undefined;
    await channel.waitFor(() => (key = keys.find((k) => c.sawSince(before, k))) !== undefined);
    return key ?? '';
  };
  const lockedNow = () => (firstLock ??= { at: Date.now(), guesses });

  for (let i = 0; i < CONVERSATIONS; i++) {
    const app = apps[i % 2];
    const c = new HttpChat(() => app.url, channel, messages, 'lt', `guess-${i}-${Date.now()}`);
    await c.say(L.readdress, ['ask.trackingNumber']);
    let state = await answer(c, victim.trackingNumber, ['proof.code.sent', 'proof.code.locked']);
    if (state === 'proof.code.locked') refusedAtOnce += 1;
    // Guess every try of every code this conversation can get, asking for a new code whenever one dies.
    while (state !== 'proof.code.locked') {
      guesses += 1;
      state = await answer(c, String(randomInt(0, 1_000_000)).padStart(6, '0'), ['proof.code.wrong', 'proof.code.exhausted', 'proof.code.locked', 'proof.code.proven']);
      if (state === 'proof.code.proven') {
        proven += 1;
        break;
      }
      if (state === 'proof.code.exhausted') state = await answer(c, messages.t('lt', 'buttons.newCode'), ['proof.code.resent', 'proof.code.locked']);
    }
    if (state === 'proof.code.locked') lockedNow();
  }

  const seconds = ((firstLock?.at ?? Date.now()) - started) / 1000;
  const perSecond = (firstLock?.guesses ?? guesses) / Math.max(seconds, 0.001);
  // The figure for the closing note.
  console.log(
    `guessing run over HTTP: ${CONVERSATIONS} fresh conversations on 2 instances (one Redis); ${firstLock?.guesses ?? guesses} guesses in ${seconds.toFixed(1)} s before the lock (${perSecond.toFixed(1)} guesses/s), ${guesses} guesses in all, ${refusedAtOnce} later conversations refused before any code, proven: ${proven}; codes texted to the sender: ${(await sandboxSms(carrierUrl, victim.senderPhone)).length}`,
  );

  expect(proven).toBe(0);
  expect(firstLock).toBeDefined();
  expect(sandbox.carrier.parcels.get(victim.trackingNumber)?.destinationLockerId).toBe(victim.lockerId);
  // PROOF_CODES_PER_PARCEL_PER_DAY (3) codes at most ever reached the sender's phone, whichever instance asked.
  expect((await sandboxSms(carrierUrl, victim.senderPhone)).length).toBeLessThanOrEqual(3);
  // Both instances list the lock (it lives in the shared Redis).
  for (const app of apps) expect((await app.proof.listLocks()).some((l) => l.scope === 'parcel' && l.subject === victim.trackingNumber)).toBe(true);
  // The last conversation was refused at once and handed to a person.
  const last = new HttpChat(() => apps[1].url, channel, messages, 'lt', `guess-last-${Date.now()}`);
  await last.say(L.readdress, ['ask.trackingNumber']);
  await last.say(victim.trackingNumber, ['proof.code.locked', 'escalate.intro.proof_locked']);

  expect(linesWithPhones([...logsA.lines, ...logsB.lines, ...sandboxLogs.lines])).toEqual([]);
}, 300000);
