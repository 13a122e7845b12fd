/**
 * Proof by possession through the real HTTP surface, in lt/en/ru: the whole application
 * (`buildApp`, as `npm start` runs it: the sandbox carrier over HTTP, the embedded recognizer), spoken
 * to on /api/messages with a loopback connector stand-in; every code is read the way a tester reads
 * it, from the sandbox's SMS outbox over HTTP (`GET /sandbox/sms?to=`). Cases: the happy path, a
 * wrong code, an expired code, too many tries, too many codes (a lock a supervisor sees, the case to
 * a person), a code from another conversation, "I can't get the code". Every log line written
 * meanwhile is captured: none may hold a raw phone.
 *
 * Limits: the shared per-parcel and per-phone limits are raised for this file (its cases reuse
 * fixture parcels in three languages); the per-conversation limit is the default (3 codes), which
 * the too-many-codes case reaches.
 */
import { buildApp, type App } from '../index';
import { loadConfig } from '../services/config';
import { createMessages } from '../services/i18n/messages';
import { LANGS, type Lang } from '../services/i18n/langs';
import { maskPhone } from '../services/i18n/format';
import { SANDBOX_FIXTURES as F } from '../services/carrier/sandbox/fixtures';
import { startChannelStandIn, type ChannelStandIn } from './support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from './support/fairUse';
import { HttpChat, buttonsOf, textOf } from './support/httpChat';
import { sandboxCode, sandboxSms } from './support/sandboxSms';
import { captureLogger, linesWithPhones, otherThan } from './services/proof/support';
import { LINES } from './dialogs/testData';

const messages = createMessages();
const logs = captureLogger();
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
let app: App;
let channel: ChannelStandIn;
let conversations = 0;

beforeAll(async () => {
  const env = { ...SCRIPTED_CLIENT_ENV, PORT: '0', PROOF_CODES_PER_PARCEL_PER_DAY: '50', PROOF_CODES_PER_PHONE_PER_DAY: '50' };
  app = await buildApp(loadConfig(env), { logger: logs.logger, now });
  channel = await startChannelStandIn();
}, 120000);
afterAll(async () => {
  await channel?.close();
  await app?.close();
});

const chat = (lang: Lang) => new HttpChat(() => app.url, channel, messages, lang, `proof-${lang}-${++conversations}-${Date.now()}`);
const code = (phone: string) => sandboxCode(app.carrierUrl, phone);
const spaced = (c: string) => `${c.slice(0, 3)} ${c.slice(3)}`;

/** Opens the wrong-phone case for `trackingNumber`: the code goes to the sender phone on the parcel. */
async function fixPhoneProof(c: HttpChat, trackingNumber: string) {
  await c.say(LINES[c.lang].fixPhone, ['ask.trackingNumber']);
  return c.say(trackingNumber, ['proof.code.sent']);
}

describe.each(LANGS.map((l) => [l]))('proof by possession over HTTP in %s', (lang: Lang) => {
  const L = LINES[lang];
  const t = (key: string) => messages.t(lang, key);

  test('happy path: the code goes to the sender phone on the parcel, only the masked phone is shown, the code typed back unlocks the change', async () => {
    const p = F.inLocker;
    const c = chat(lang);
    const sent = await fixPhoneProof(c, p.trackingNumber);
    expect(textOf(sent)).toContain(maskPhone(p.senderPhone));
    expect(textOf(c.replies())).not.toContain(p.senderPhone);
    expect(buttonsOf(sent)).toEqual([t('buttons.newCode'), t('buttons.cannotReceiveCode')]);
    const [sms] = await sandboxSms(app.carrierUrl, p.senderPhone);
    expect(sms.to).toBe(p.senderPhone);
    // "the recipient's number" was in the first message: not asked which number.
    await c.say(spaced(await code(p.senderPhone)), ['proof.code.proven', 'ask.newRecipientPhone']);
    const newPhone = `+3706123${{ lt: '4100', en: '4200', ru: '4300' }[lang]}`;
    await c.say(newPhone, ['fixPhone.confirm']);
    await c.say(L.yes, ['fixPhone.doneSmsResent']);
    expect((await sandboxSms(app.carrierUrl, newPhone))[0].text).toContain(p.trackingNumber); // the pickup SMS went to the new phone
  });

  test('a wrong code: tries left are told calmly, nothing else is said; the right code still works', async () => {
    const p = F.accepted;
    const c = chat(lang);
    await fixPhoneProof(c, p.trackingNumber);
    const right = await code(p.senderPhone);
    const wrong = await c.say(otherThan(right), ['proof.code.wrong']);
    expect(textOf(wrong)).toContain(messages.t(lang, 'proof.code.wrong', { count: 2 }));
    expect(textOf(wrong)).not.toContain(p.senderPhone);
    await c.say(right, ['proof.code.proven', 'ask.newRecipientPhone']);
  });

  test('an expired code: "no longer valid"; a new code works', async () => {
    const p = F.atTerminal;
    const c = chat(lang);
    await fixPhoneProof(c, p.trackingNumber);
    const old = await code(p.senderPhone);
    offsetMs += 6 * 60_000;
    await c.say(old, ['proof.code.expired']);
    await c.say(t('buttons.newCode'), ['proof.code.resent']);
    const fresh = await code(p.senderPhone);
    expect(fresh).not.toBe(old);
    await c.say(fresh, ['proof.code.proven', 'ask.newRecipientPhone']);
  });

  test('too many tries: the third wrong code kills it, even the right code is then refused; a new code is offered', async () => {
    const p = F.returning;
    const c = chat(lang);
    await fixPhoneProof(c, p.trackingNumber);
    const right = await code(p.senderPhone);
    await c.say(otherThan(right), ['proof.code.wrong']);
    await c.say(otherThan(right), ['proof.code.wrong']);
    const dead = await c.say(otherThan(right), ['proof.code.exhausted']);
    expect(buttonsOf(dead)).toContain(t('buttons.newCode'));
    await c.say(right, ['proof.code.expired']);
    expect(c.saw('proof.code.proven')).toBe(false);
  });

  test('too many codes: the 4th request is refused calmly, a supervisor sees the lock, the case goes to a person (proof_locked)', async () => {
    const p = F.outForDelivery;
    const c = chat(lang);
    await fixPhoneProof(c, p.trackingNumber);
    await c.say(t('buttons.newCode'), ['proof.code.resent']);
    await c.say(t('buttons.newCode'), ['proof.code.resent']);
    const locked = await c.say(t('buttons.newCode'), ['proof.code.locked', 'escalate.intro.proof_locked']);
    expect(textOf(locked)).not.toContain(p.senderPhone);
    expect(await sandboxSms(app.carrierUrl, p.senderPhone)).toHaveLength(3 * (LANGS.indexOf(lang) + 1));
    const locks = await app.proof.listLocks();
    expect(locks.some((l) => l.scope === 'conversation' && l.lastConversationId === c.conversationId)).toBe(true);
  });

  test('a code from another conversation proves nothing there; where it was sent it still works', async () => {
    const p = F.lateShort;
    const owner = chat(lang);
    await fixPhoneProof(owner, p.trackingNumber);
    const ownersCode = await code(p.senderPhone);
    const stranger = chat(lang);
    await fixPhoneProof(stranger, p.trackingNumber);
    const strangersCode = await code(p.senderPhone);
    if (strangersCode !== ownersCode) await stranger.say(ownersCode, ['proof.code.wrong']);
    expect(stranger.saw('proof.code.proven')).toBe(false);
    expect(stranger.saw('ask.newRecipientPhone')).toBe(false);
    await owner.say(ownersCode, ['proof.code.proven', 'ask.newRecipientPhone']);
  });

  test('"I can\'t get the code": the case goes to a person (cannot_receive_code) with the parcel number', async () => {
    const p = F.readdressable;
    const c = chat(lang);
    await c.say(L.readdress, ['ask.trackingNumber']);
    await c.say(p.trackingNumber, ['proof.code.sent']);
    const handed = await c.say(t('buttons.cannotReceiveCode'), ['proof.code.cannotReceive', 'escalate.intro.cannot_receive_code']);
    expect(textOf(handed)).not.toContain(p.senderPhone);
  });
});

test('no captured log line holds a raw phone number', () => {
  expect(logs.lines.length).toBeGreaterThan(50);
  expect(logs.lines.some((l) => l.includes('"event":"code_sent"'))).toBe(true);
  expect(linesWithPhones(logs.lines, ['+37061234100', '+37061234200', '+37061234300'])).toEqual([]);
});
