/**
 * Fair use through the real HTTP surface: the whole application (`buildApp`, as `npm start` runs
 * it, with the fair-use middleware wired in `index.ts`), spoken to on /api/messages from
 * 127.0.0.1 with a loopback `serviceUrl` pointing at a local connector stand-in that captures the
 * replies. One customer floods 120 messages; another customer asks normal questions meanwhile.
 *
 * Prints the figures for the closing note: bot messages answered during the flood and the other
 * customer's median answer time during it (measured, not asserted: speed targets are not tests).
 */
import axios from 'axios';
import { buildApp, type App } from '../index';
import { loadConfig } from '../services/config';
import { createLogger } from '../services/logging/logger';
import { createMessages } from '../services/i18n/messages';
import { channelActivity, startChannelStandIn, type ChannelActivity, type ChannelStandIn } from './support/channelStandIn';

let app: App;
let channel: ChannelStandIn;
const messages = createMessages();

beforeAll(async () => {
  app = await buildApp(loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
  channel = await startChannelStandIn();
}, 180000);
afterAll(async () => {
  await channel?.close();
  await app?.close();
});

const post = (body: unknown) => axios.post(`${app.url}/api/messages`, body, { validateStatus: () => true });
const botMessages = (conversationId: string, all: ChannelActivity[] = channel.received) => all.filter((a) => a.conversation?.id === conversationId && a.type === 'message');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What an angry customer sends, over and over, in a few seconds: requests, insults, the same line twice. */
const FLOOD_LINES = [
  'WHERE IS MY PARCEL',
  'WHERE IS MY PARCEL',
  'hello???',
  'you idiots',
  'this is a f***ing joke, where is my parcel CE482139075LT',
  'I want a person NOW',
  'I want a person NOW',
  'answer me',
  'CE482139075LT',
  'fuck this',
  'is anyone there',
  'the locker door does not open',
];

/** The other customer's questions (cycled), each with the words its answer must contain. */
const CALM: [text: string, expected: RegExp][] = [
  ['where is my parcel CE845613209LT?', /waiting in/],
  ['and where is CE482139075LT?', /CE482139075LT/],
  ['where is my parcel CE517302644LT?', /CE517302644LT/],
  ['thanks', /./],
];
/** A quick human: a new question two seconds after the previous answer arrived. */
const CALM_PAUSE_MS = 2000;
/** The flood's pace: one message every 60 ms (about 16 per second), up to 20 in flight. */
const FLOOD_EVERY_MS = 60;

/** Ids of the open cases that the conversation belongs to. */
async function casesOf(conversationId: string): Promise<string[]> {
  const ids: string[] = [];
  for (const c of await app.handoff.service.supervision.openCases()) {
    const detail = await app.handoff.service.desk.caseDetail(c.id);
    if (detail?.case.conversations.some((x) => x.id === conversationId)) ids.push(c.id);
  }
  return ids;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

test('a flood of 120 messages from one customer yields a handful of bot messages and at most one case; another customer is answered normally', async () => {
  const flooder = 'fairuse-flood-a';
  const calm = 'fairuse-calm-b';
  const floodTexts = Array.from({ length: 120 }, (_, i) => FLOOD_LINES[i % FLOOD_LINES.length]);

  /** Asks `text` as `conversationId`, waits for the answer; returns it and the time it took. */
  async function ask(conversationId: string, text: string): Promise<{ answer: string; ms: number }> {
    const seen = botMessages(conversationId).length;
    const t0 = Date.now();
    expect((await post(channelActivity(channel, conversationId, { type: 'message', text, locale: 'en-US' }))).status).toBeLessThan(300);
    const all = await channel.waitFor((received) => botMessages(conversationId, received).length > seen, 20000);
    return { answer: botMessages(conversationId, all).slice(seen).map((a) => a.text ?? '').join(' '), ms: Date.now() - t0 };
  }

  // Baseline: the same questions from a third customer before any flood (each asked when the
  // previous one is answered: three messages are within every flood limit, so no pause is needed).
  const baselineMs: number[] = [];
  for (const [text, expected] of CALM.slice(0, 3)) {
    const { answer, ms } = await ask('fairuse-baseline-e', text);
    expect(answer).toMatch(expected);
    baselineMs.push(ms);
  }
  // The other customer starts normally before the flood.
  await ask(calm, 'hello');

  const startedAt = Date.now();
  const before = channel.received.length;
  const statuses: number[] = [];
  let inFlight = 0;
  let floodDone = false;
  const flood = (async () => {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < floodTexts.length; i++) {
      while (inFlight >= 20) await sleep(5);
      inFlight++;
      pending.push(
        post(channelActivity(channel, flooder, { type: 'message', text: floodTexts[i], locale: 'en-US' })).then((r) => {
          statuses[i] = r.status;
          inFlight--;
        }),
      );
      await sleep(FLOOD_EVERY_MS);
    }
    await Promise.all(pending);
    floodDone = true;
  })();

  // Meanwhile the other customer asks, waits for each answer, pauses, asks again — until the flood ends.
  const answerMs: number[] = [];
  const calmAnswers: string[] = [];
  const calmAsking = (async () => {
    await sleep(CALM_PAUSE_MS);
    for (let q = 0; !floodDone || q < 2; q++) {
      const [text, expected] = CALM[q % CALM.length];
      const { answer, ms } = await ask(calm, text);
      answerMs.push(ms);
      calmAnswers.push(answer);
      expect(answer).toMatch(expected);
      await sleep(CALM_PAUSE_MS);
    }
  })();

  await Promise.all([flood, calmAsking]);
  const floodMs = Date.now() - startedAt;
  await sleep(1000); // replies still on their way
  expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);

  const floodReplies = botMessages(flooder, channel.received.slice(before));
  const notices = floodReplies.filter((a) => a.text === messages.t('en', 'fairuse.flood'));
  const flooderCases = await casesOf(flooder);

  process.stdout.write(
    [
      'fair use through /api/messages (default FLOOD_* and REPEAT_WINDOW_SECONDS limits):',
      `  flood: 120 messages from one customer in ${floodMs} ms (one every ${FLOOD_EVERY_MS} ms, up to 20 in flight)`,
      `  bot messages answered to the flooding customer: ${floodReplies.length} (flood notices: ${notices.length}); cases opened for them: ${flooderCases.length}`,
      `  other customer's answer times during the flood (${answerMs.length} questions): ${answerMs.join(', ')} ms; median ${median(answerMs)} ms`,
      `  the same questions before the flood (baseline): ${baselineMs.join(', ')} ms; median ${median(baselineMs)} ms`,
      ...floodReplies.map((a) => `    bot → flooder: ${a.text ?? `(${a.attachments?.[0]?.contentType ?? 'card'})`}`),
      '',
    ].join('\n'),
  );

  expect(floodReplies.length).toBeLessThanOrEqual(8);
  expect(notices).toHaveLength(1);
  expect(flooderCases.length).toBeLessThanOrEqual(1);
  expect(calmAnswers.length).toBeGreaterThanOrEqual(3);
  expect(calmAnswers.some((a) => a === messages.t('en', 'fairuse.flood'))).toBe(false);
  // That every unanswered message reaches the transcript is shown below with an open case (whose
  // transcript the agent API reads) and on the TestAdapter (test/bots/FairUseMiddleware.test.ts).
}, 180000);

test('a supervisor block: one notice through the real endpoint, then nothing for that customer', async () => {
  const conv = 'fairuse-blocked-c';
  await app.fairUse.blockList.block({ channel: 'emulator', userId: `user-${conv}` }, 'supervisor-1', 'threats to staff');
  const before = channel.received.length;
  for (const text of ['hello', 'where is my parcel CE845613209LT', 'hello?']) expect((await post(channelActivity(channel, conv, { type: 'message', text, locale: 'en-US' }))).status).toBeLessThan(300);
  await sleep(500);
  expect(botMessages(conv, channel.received.slice(before)).map((a) => a.text)).toEqual([messages.t('en', 'fairuse.blocked')]);
  expect((await app.fairUse.blockList.audit({ identity: { channel: 'emulator', userId: `user-${conv}` } })).map((e) => [e.action, e.by])).toEqual([['block', 'supervisor-1']]);
});

test('insults only: one calm reply with the menu, no case, and the flag for the supervisor', async () => {
  const conv = 'fairuse-insults-d';
  const before = channel.received.length;
  for (const text of ['jūs visi debilai', 'idi0tai', 'šūdas']) {
    expect((await post(channelActivity(channel, conv, { type: 'message', text, locale: 'lt-LT' }))).status).toBeLessThan(300);
  }
  await sleep(300);
  const replies = botMessages(conv, channel.received.slice(before));
  expect(replies.map((a) => a.text)).toEqual([messages.t('lt', 'fairuse.abuseReply')]);
  expect(replies[0].suggestedActions?.actions.length).toBe(5);
  expect(await app.fairUse.flags.get({ conversationId: conv })).toMatchObject({ reason: 'abusive', count: 3 });
  expect(await app.handoff.service.customers.ownership(conv)).toEqual({ state: 'bot' });
  // The tone drops: the bot answers normally again.
  expect((await post(channelActivity(channel, conv, { type: 'message', text: 'gerai. kur mano siunta CE845613209LT?', locale: 'lt-LT' }))).status).toBeLessThan(300);
  const all = await channel.waitFor((received) => botMessages(conv, received.slice(before)).length > 1);
  expect(botMessages(conv, all.slice(before)).slice(1).map((a) => a.text ?? '').join(' ')).not.toMatch(/debil/);
});

test('a customer with an open case floods: the case is not duplicated, every message joins it, one notice', async () => {
  const conv = 'fairuse-case-f';
  const send = (text: string) => post(channelActivity(channel, conv, { type: 'message', text, locale: 'en-US' }));
  const waitForCount = (n: number) => channel.waitFor((received) => botMessages(conv, received).length >= n, 20000);
  // Escalate like a person would: a question, its answer, a pause.
  let count = 0;
  for (const text of ['I want to talk to a person', 'CE482139075LT', 'the parcel arrived damaged', 'skip']) {
    expect((await send(text)).status).toBeLessThan(300);
    count = (await waitForCount(count + 1)).filter((a) => a.conversation?.id === conv && a.type === 'message').length;
    await sleep(1500);
  }
  await sleep(300);
  const owner = await app.handoff.service.customers.ownership(conv);
  if (owner.state !== 'queued') throw new Error(`expected a queued case, got ${JSON.stringify(owner)}`);
  const caseId = owner.caseId;

  const before = channel.received.length;
  const floodTexts = Array.from({ length: 60 }, (_, i) => (i % 3 ? `hello?? answer me ${i}` : 'I want a person NOW'));
  await Promise.all(floodTexts.map(async (text, i) => {
    await sleep(i * 30);
    expect((await send(text)).status).toBeLessThan(300);
  }));
  await sleep(1000);

  const replies = botMessages(conv, channel.received.slice(before));
  expect(replies.filter((a) => a.text === messages.t('en', 'fairuse.flood'))).toHaveLength(1);
  expect(replies.length).toBeLessThanOrEqual(3); // the flood notice and at most one "added to your case"
  expect(await casesOf(conv)).toEqual([caseId]);
  const transcript = (await app.handoff.service.desk.caseDetail(caseId))?.transcript.filter((e) => e.from === 'customer').map((e) => e.text) ?? [];
  for (const text of new Set(floodTexts)) expect(transcript).toContain(text);
  expect(transcript.filter((t) => floodTexts.includes(t))).toHaveLength(60);
}, 120000);
