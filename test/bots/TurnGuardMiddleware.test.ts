/**
 * A channel retry through the real HTTP surface (issue #8 finding 11): the whole app on embedded
 * defaults, `/api/messages` from 127.0.0.1, the readdress confirmation ("yes") delivered twice with
 * the same activity id — one after the other, and both at once. The customer gets one "Done!",
 * the carrier (the sandbox, over HTTP) receives one change.
 */
import axios from 'axios';
import { randomUUID } from 'crypto';
import { buildApp, type App } from '../../index';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logging/logger';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { channelActivity, startChannelStandIn, type ChannelStandIn } from '../support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from '../support/fairUse';
import { sandboxCode } from '../support/sandboxSms';

let app: App;
let channel: ChannelStandIn;
beforeAll(async () => {
  app = await buildApp(loadConfig({ PORT: '0', ...SCRIPTED_CLIENT_ENV }), { logger: createLogger('silent') });
  channel = await startChannelStandIn();
}, 120000);
afterAll(async () => {
  await channel?.close();
  await app?.close();
});

const post = (body: unknown) => axios.post(`${app.url}/api/messages`, body, { validateStatus: () => true });
const texts = (conversationId: string) => channel.received.filter((a) => a.conversation?.id === conversationId && a.type === 'message').map((a) => a.text ?? '');

/** Walks a conversation up to the readdress confirmation question (the sender proves the parcel with the SMS code). */
async function upToConfirmation(conversationId: string, parcel: { trackingNumber: string; senderPhone: string }): Promise<void> {
  const say = async (text: string) => {
    const before = texts(conversationId).length;
    expect((await post(channelActivity(channel, conversationId, { type: 'message', text, locale: 'en-US' }))).status).toBe(200);
    await channel.waitFor(() => texts(conversationId).length > before);
  };
  await say('I chose the wrong parcel locker and want to change it');
  await say(parcel.trackingNumber);
  await say(await sandboxCode(app.carrierUrl, parcel.senderPhone));
  await say('Akropolis Vilnius');
  // A search that names one locker goes straight to the confirmation; a list is answered with its first entry.
  if (!/^Shall I send parcel/.test(texts(conversationId).at(-1) ?? '')) await say('1');
  expect(texts(conversationId).at(-1)).toMatch(/^Shall I send parcel/);
}

function countReaddress(): { calls: number; restore(): void } {
  const carrier = app.sandbox!.carrier;
  const original = carrier.readdressWithProof.bind(carrier);
  const counter = {
    calls: 0,
    restore: () => {
      carrier.readdressWithProof = original;
    },
  };
  carrier.readdressWithProof = (...args: Parameters<typeof original>) => {
    counter.calls += 1;
    return original(...args);
  };
  return counter;
}

test.each([
  ['one after the other', false, F.readdressableNow],
  ['both at once', true, F.accepted],
] as const)('the confirmation delivered twice (%s): one carrier change, one outcome message', async (_name, concurrent, parcel) => {
  const conversationId = `retry-${randomUUID()}`;
  await upToConfirmation(conversationId, parcel);
  const yes = channelActivity(channel, conversationId, { type: 'message', text: 'yes', locale: 'en-US', id: randomUUID() });
  const counter = countReaddress();
  try {
    let statuses: number[];
    if (concurrent) statuses = (await Promise.all([post(yes), post(yes)])).map((r) => r.status);
    else {
      // The bot answers before the POST returns, so what arrived by then is the first delivery's answer.
      statuses = [(await post(yes)).status];
      const answered = texts(conversationId).length;
      statuses.push((await post(yes)).status);
      await new Promise((r) => setTimeout(r, 500));
      expect(texts(conversationId).length).toBe(answered); // the retry is not answered at all
    }
    expect(statuses).toEqual([200, 200]); // the channel stops retrying
    // The outcome ("Done! … Reference: RD-…", or "Your request is registered (reference RD-…)").
    const outcomes = () => texts(conversationId).filter((t) => /RD-\d+/.test(t));
    await channel.waitFor(() => outcomes().length > 0);
    await new Promise((r) => setTimeout(r, 500)); // room for a second answer, if there were one
    expect(outcomes()).toHaveLength(1);
    if (!concurrent) expect(outcomes()[0]).toMatch(/^Done!/);
    expect(counter.calls).toBe(1);
    // A new message (new id) is answered as usual.
    const before = texts(conversationId).length;
    await post(channelActivity(channel, conversationId, { type: 'message', text: 'where is my parcel CE845613209LT?', locale: 'en-US' }));
    await channel.waitFor(() => texts(conversationId).length > before);
  } finally {
    counter.restore();
  }
});
