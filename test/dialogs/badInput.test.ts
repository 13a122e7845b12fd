/**
 * Bad input and carrier faults through the whole bot: a polite answer in the customer's language,
 * nothing crashes (no generic error message), and the conversation goes on. (Bad answers at each
 * prompt are in the per-dialog tables.)
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { CarrierClient } from '../../services/carrier/CarrierClient';
import { LANGS, type Lang } from '../../services/i18n/langs';
import { conversation, createWorld, hasMessage, type Reply, type World } from '../support/botHarness';
import { LINES } from './testData';

const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n---\n');

describe.each(LANGS.map((l) => [l]))('bad input in %s', (lang: Lang) => {
  let world: World;
  const L = LINES[lang];
  const expectKey = (replies: Reply[], key: string) => {
    if (!hasMessage(world.messages, lang, replies, key)) throw new Error(`expected "${key}" (${lang}) among replies:\n${texts(replies)}`);
  };
  const noCrash = (replies: Reply[]) => {
    expect(replies.length).toBeGreaterThan(0);
    expect(hasMessage(world.messages, lang, replies, 'errors.generic')).toBe(false);
  };

  beforeAll(async () => {
    world = await createWorld();
  }, 60000);
  afterAll(async () => world.close());

  test('10 KB of text, markup and SQL-looking text are handled as text', async () => {
    const c = conversation(world);
    await c.say(L.greet);
    const long = `${L.track} `.repeat(Math.ceil(10240 / (L.track.length + 1)));
    const r1 = await c.say(long);
    noCrash(r1);
    expectKey(r1, 'ask.trackingNumberTrack');
    const r2 = await c.say('<script>alert(1)</script>');
    noCrash(r2);
    expectKey(r2, 'invalid.tracking.bad_format');
    expect(texts(r2)).not.toContain('<script>');
    const r3 = await c.say("' OR '1'='1'; --");
    noCrash(r3);
    expectKey(r3, 'invalid.tracking.bad_format');
  });
});

describe('carrier API down or slow', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  }, 60000);
  afterAll(async () => world.close());

  test('the sandbox answering 503: the customer is told the parcel system is not answering and offered a person', async () => {
    const c = conversation(world);
    await c.say(LINES.en.track);
    world.sandbox.injectFault('503', 10);
    const r = await c.say(F.inLocker.trackingNumber);
    world.sandbox.clearFaults();
    expect(hasMessage(world.messages, 'en', r, 'main.offerHuman.carrier_unavailable')).toBe(true);
    // the conversation goes on once the carrier is back
    expect(hasMessage(world.messages, 'en', await c.say('no'), 'main.anythingElse')).toBe(true);
    expect(hasMessage(world.messages, 'en', await c.say(LINES.en.trackPrefilled(F.inLocker.trackingNumber)), 'track.status.in_locker')).toBe(true);
  });

  describe('a carrier server that never answers', () => {
    let hanging: Server;
    let slowWorld: World;
    beforeAll(async () => {
      hanging = createServer(() => undefined); // accepts and never answers
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      slowWorld = await createWorld({ carrier: new CarrierClient({ baseUrl: url, timeoutMs: 300, retries: 1, retryBaseDelayMs: 10 }) });
    }, 60000);
    afterAll(async () => {
      await slowWorld.close();
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    });

    test('times out within the configured bound and answers politely in the customer language', async () => {
      for (const lang of LANGS) {
        const c = conversation(slowWorld);
        await c.say(LINES[lang].track);
        const started = Date.now();
        const r = await c.say(F.inLocker.trackingNumber);
        expect(Date.now() - started).toBeLessThan(3000);
        expect(hasMessage(slowWorld.messages, lang, r, 'main.offerHuman.carrier_unavailable')).toBe(true);
      }
    });
  });
});

describe('rich replies on card channels', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  }, 60000);
  afterAll(async () => world.close());

  test('lockers come as a carousel of cards with address and hours; the timeline as an Adaptive Card', async () => {
    const c = conversation(world, { channelId: 'directline' });
    await c.say(LINES.en.readdress);
    await c.say(F.readdressable.trackingNumber);
    await c.say(await world.lastCode(F.readdressable.senderPhone));
    const picks = await c.say('Akropolis'); // several lockers (one would be confirmed directly)
    const carousel = picks.find((r) => (r.activity.attachments ?? []).length)!;
    expect(carousel.activity.attachmentLayout).toBe('carousel');
    const first = carousel.activity.attachments![0];
    expect(first.contentType).toBe('application/vnd.microsoft.card.hero');
    expect(JSON.stringify(first.content)).toMatch(/Karaliaus Mindaugo pr\. 49, Kaunas/);
    expect(carousel.buttons).toContain('None of these');
    await c.say('cancel');
    const tracked = await c.say(LINES.en.trackPrefilled(F.inLocker.trackingNumber));
    const card = tracked.flatMap((r) => r.activity.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    expect(card).toBeDefined();
    expect((card!.content as { fallbackText: string }).fallbackText).toMatch(/History/);
  });
});
