/**
 * The whole bot end to end, in lt, en and ru: the real recognizer, the real bot and dialogs on a
 * TestAdapter, the sandbox carrier over real HTTP. About ten flows a customer goes through; every
 * branch of each dialog is tested on its own in the per-dialog tables (`*Dialog.test.ts`).
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { LANGS, type Lang } from '../../services/i18n/langs';
import { conversation, createWorld, hasMessage, type Reply, type World } from '../support/botHarness';
import { LINES, SLOT_LINES } from './testData';

const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n---\n');

describe.each(LANGS.map((l) => [l]))('dialogs in %s', (lang: Lang) => {
  let world: World;
  const L = LINES[lang];
  const S = SLOT_LINES[lang];
  const expectKey = (replies: Reply[], key: string) => {
    if (!hasMessage(world.messages, lang, replies, key)) throw new Error(`expected "${key}" (${lang}) among replies:\n${texts(replies)}`);
  };

  beforeAll(async () => {
    world = await createWorld();
  }, 60000);
  afterAll(async () => world.close());

  test('welcome offers the four cases and a person, in the channel locale', async () => {
    const c = conversation(world);
    const replies = await c.open(lang === 'lt' ? 'lt-LT' : lang === 'en' ? 'en-US' : 'ru-RU');
    expectKey(replies, 'welcome.text');
    expect(replies[0].buttons).toEqual(['menu.readdress', 'menu.fixPhone', 'menu.findTracking', 'menu.track', 'menu.agent'].map((k) => world.messages.t(lang, k)));
  });

  test('readdress: number → sender proof → locker by free text → confirm → scheduled by staff', async () => {
    const c = conversation(world);
    expectKey(await c.say(L.readdress), 'ask.trackingNumber');
    const sent = await c.say(F.readdressable.trackingNumber);
    expectKey(sent, 'proof.code.sent');
    expect(texts(sent)).not.toContain(F.readdressable.senderPhone);
    const afterProof = await c.say(await world.lastCode(F.readdressable.senderPhone));
    expectKey(afterProof, 'proof.code.proven');
    expectKey(afterProof, 'readdress.current');
    expectKey(afterProof, 'ask.newLocker');
    // One locker matches: straight to the confirmation.
    const confirm = await c.say(L.lockerQuery);
    expectKey(confirm, 'readdress.confirm');
    expect(texts(confirm)).toMatch(/Panorama/);
    const done = await c.say(L.yes);
    expectKey(done, 'readdress.scheduled');
    expectKey(done, 'main.anythingElse');
    expect((await world.carrier.getParcel(F.readdressable.trackingNumber)).destinationLockerId).toBe(F.lockers.panorama);
  });

  test('readdress pre-fills the number and the locker from the first message', async () => {
    const c = conversation(world);
    const first = await c.say(L.readdressPrefilled(F.readdressableNow.trackingNumber, 'Akropolis Klaipėda'));
    expectKey(first, 'proof.code.sent');
    const confirm = await c.say(await world.lastCode(F.readdressableNow.senderPhone));
    expectKey(confirm, 'readdress.confirm');
    expect(hasMessage(world.messages, lang, confirm, 'ask.newLocker')).toBe(false);
    expect(texts(confirm)).toMatch(/Akropolis Klaipėda/);
    expectKey(await c.say(L.yes), 'readdress.done');
  });

  test('wrong phone: recipient number corrected and the pickup SMS re-sent; "the recipient\'s number" is not asked about again', async () => {
    const c = conversation(world);
    expectKey(await c.say(L.fixPhone), 'ask.trackingNumber');
    expectKey(await c.say(F.inLocker.trackingNumber.toLowerCase()), 'proof.code.sent');
    const proven = await c.say(await world.lastCode(F.inLocker.senderPhone));
    expectKey(proven, 'ask.newRecipientPhone');
    expect(hasMessage(world.messages, lang, proven, 'fixPhone.whichNumber')).toBe(false);
    expectKey(await c.say('8 612 34000'), 'fixPhone.confirm');
    const done = await c.say(L.yes);
    expectKey(done, 'fixPhone.doneSmsResent');
    expect(world.sandbox.carrier.parcels.get(F.inLocker.trackingNumber)!.recipientPhone).toBe('+37061234000');
    expect(texts(done)).not.toContain('+37061234000'); // masked in the confirmation
  });

  test('everything in one message, end to end: parcel, new locker and "my phone" → the code to that phone, Mega confirmed, changed', async () => {
    const c = conversation(world);
    const first = await c.say(S.allInOne(F.readdressable.trackingNumber, '8 612 34567'));
    expectKey(first, 'proof.code.sent');
    expect(hasMessage(world.messages, lang, first, 'ask.trackingNumber')).toBe(false);
    const confirm = await c.say(await world.lastCode(F.readdressable.senderPhone));
    expectKey(confirm, 'readdress.confirm');
    expect(texts(confirm)).toMatch(/Mega/);
    for (const key of ['invalid.phone.invalid', 'ask.newLocker', 'lockers.pick']) expect(hasMessage(world.messages, lang, confirm, key)).toBe(false);
    expectKey(await c.say(L.yes), 'readdress.scheduled');
    expect((await world.carrier.getParcel(F.readdressable.trackingNumber)).destinationLockerId).toBe(F.lockers.mega);
  });

  test('wrong phone end to end: the old and the new number in one message → straight to the confirmation of the new one', async () => {
    const c = conversation(world);
    expectKey(await c.say(`${F.returning.trackingNumber} ${S.oldNew('8 666 67788', '8 612 34111')}`), 'proof.code.sent');
    const confirm = await c.say(await world.lastCode(F.returning.senderPhone));
    expectKey(confirm, 'fixPhone.confirm');
    expect(texts(confirm)).toContain('+37061234111');
    expect(hasMessage(world.messages, lang, confirm, 'fixPhone.whichNumber')).toBe(false);
  });

  test('"I typed his number wrong" end to end: the recipient\'s number is corrected without "which number was wrong?"', async () => {
    const c = conversation(world);
    expectKey(await c.say(S.hisNumber), 'ask.trackingNumber');
    expectKey(await c.say(F.inLocker.trackingNumber), 'proof.code.sent');
    const proven = await c.say(await world.lastCode(F.inLocker.senderPhone));
    expectKey(proven, 'ask.newRecipientPhone');
    expect(hasMessage(world.messages, lang, proven, 'fixPhone.whichNumber')).toBe(false);
    expectKey(await c.say('8 612 34222'), 'fixPhone.confirm');
  });

  test('"from Akropolis Vilnius to Mega Kaunas" end to end: Mega confirmed, never the locker to leave', async () => {
    const c = conversation(world);
    expectKey(await c.say(S.fromTo(F.accepted.trackingNumber)), 'proof.code.sent');
    const confirm = await c.say(await world.lastCode(F.accepted.senderPhone));
    expectKey(confirm, 'readdress.confirm');
    expect(hasMessage(world.messages, lang, confirm, 'lockers.pick')).toBe(false);
    expect(texts(confirm)).toMatch(/Mega/);
    expect(texts(confirm.slice(-1))).not.toMatch(/Akropolis/);
  });

  test('lost tracking number: found only on an exact match of all three facts', async () => {
    const c = conversation(world);
    const intro = await c.say(L.findTracking);
    expectKey(intro, 'findTracking.intro');
    expectKey(intro, 'ask.senderPhone');
    expectKey(await c.say(F.sharedLookup.senderPhone), 'proof.code.sentPhone');
    expectKey(await c.say(await world.lastCode(F.sharedLookup.senderPhone)), 'ask.recipientPhone');
    expectKey(await c.say(F.sharedLookup.recipientPhone.replace('+370', '8')), 'ask.destinationLocker');
    const panorama = world.lockers.get(F.sharedLookup.lockerId)?.name ?? 'missing locker';
    const picks = await c.say('Panorama');
    expectKey(picks, 'lockers.confirmOne');
    expect(texts(picks)).toContain(panorama);
    const found = await c.say(L.yes);
    expectKey(found, 'findTracking.found');
    for (const n of F.sharedLookup.trackingNumbers) expect(texts(found)).toContain(n);

    const d = conversation(world);
    await d.say(L.findTracking);
    await d.say(F.sharedLookup.senderPhone);
    await d.say(await world.lastCode(F.sharedLookup.senderPhone));
    await d.say('+37069999999');
    const picks2 = await d.say('Panorama');
    expect(texts(picks2)).toContain(panorama); // the locker the parcels went to
    const none = await d.say(L.yes);
    expectKey(none, 'findTracking.noMatch');
    expect(texts(none)).not.toMatch(/CE\d{9}LT/);
  });

  test('where is my parcel: status and timeline; the pickup code never appears', async () => {
    const c = conversation(world);
    const replies = await c.say(L.trackPrefilled(F.inLocker.trackingNumber));
    expectKey(replies, 'track.status.in_locker');
    expectKey(replies, 'track.timeline');
    expect(texts(replies)).not.toMatch(/\b(code|kodas|код)\b[^.]*\b\d{4,8}\b/i);
  });

  test('where is my parcel: more than 5 working days late → offers a person', async () => {
    const c = conversation(world);
    expectKey(await c.say(L.track), 'ask.trackingNumberTrack');
    const replies = await c.say(F.lateOver5.trackingNumber);
    expectKey(replies, 'track.lateOffer');
    const escalation = await c.say(L.yes);
    expectKey(escalation, 'escalate.intro.late_parcel');
  });

  test('cancel and start over work at any step, in the customer language', async () => {
    const c = conversation(world);
    await c.say(L.readdress);
    await c.say(F.readdressable.trackingNumber);
    expectKey(await c.say(L.cancel), 'main.cancelled');
    expectKey(await c.say(L.track), 'recall.trackingNumber'); // the conversation goes on, the number offered
    expectKey(await c.say(L.restart), 'main.restarted');
    expectKey(await c.say(L.help), 'main.help');
  });

  test('three failed answers at one prompt stop the questions and offer a person with a summary', async () => {
    const c = conversation(world);
    await c.say(L.track);
    await c.say('nežinau');
    await c.say('123');
    const third = await c.say('???');
    expectKey(third, 'main.offerHuman.too_many_attempts');
    expectKey(await c.say(L.yes), 'escalate.intro.too_many_attempts');
  });

  test('"I want a person" interrupts a running flow and keeps what was collected', async () => {
    const c = conversation(world);
    await c.say(L.readdress);
    await c.say(F.readdressable.trackingNumber);
    const replies = await c.say(L.agent);
    expectKey(replies, 'escalate.intro.agent_requested');
    expect(hasMessage(world.messages, lang, replies, 'escalate.askTracking')).toBe(false); // already known
  });

  test('small talk, thanks and out-of-scope questions get sensible answers', async () => {
    const c = conversation(world);
    expectKey(await c.say(L.greet), 'welcome.again');
    expectKey(await c.say(L.thanks), 'main.thanks');
    expectKey(await c.say(L.outOfScope), 'main.outOfScope');
  });
});

describe('language handling', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  }, 60000);
  afterAll(async () => world.close());

  test('an explicit switch mid-flow re-asks the question in the new language', async () => {
    const c = conversation(world);
    await c.say(LINES.lt.readdress);
    const replies = await c.say('english');
    expect(hasMessage(world.messages, 'en', replies, 'main.languageSwitched')).toBe(true);
    expect(hasMessage(world.messages, 'en', replies, 'ask.trackingNumber')).toBe(true);
    // a phone number or a tracking number carries no language: the bot stays in English
    expect(hasMessage(world.messages, 'en', await c.say(F.readdressable.trackingNumber), 'proof.code.sent')).toBe(true);
  });

  test('an English sentence with a Lithuanian place name is answered in English', async () => {
    const c = conversation(world);
    const replies = await c.say(`change locker for ${F.readdressable.trackingNumber} to Akropolis Klaipėda`);
    expect(hasMessage(world.messages, 'en', replies, 'proof.code.sent')).toBe(true);
  });

  test('a customer who writes Russian after Lithuanian gets Russian', async () => {
    const c = conversation(world);
    expect(hasMessage(world.messages, 'lt', await c.say('labas, kur mano siunta?'), 'ask.trackingNumberTrack')).toBe(true);
    expect(hasMessage(world.messages, 'ru', await c.say(LINES.ru.cancel), 'main.cancelled')).toBe(true);
    expect(hasMessage(world.messages, 'ru', await c.say('где моя посылка?'), 'ask.trackingNumberTrack')).toBe(true);
  });
});
