/**
 * The fair-use middleware on a botbuilder TestAdapter, in front of a stand-in bot that records
 * every turn it gets: what reaches the bot, what the customer receives back (in their language),
 * and what is handed to the transcript instead.
 */
import { MessageFactory, TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { menuButtons } from '../../dialogs/menu';
import { FairUseMiddleware, fairUseDecision, offeredChoices, type FairUseRecord } from '../../bots/FairUseMiddleware';
import { createFairUse, type FairUse, type FairUseSettings } from '../../services/fairuse';
import { createMessages } from '../../services/i18n/messages';
import { createLogger } from '../../services/logging/logger';
import type { Lang } from '../../services/i18n/langs';
import type { FairUsePolicy } from '../../services/fairuse/FairUsePolicy';

const messages = createMessages();
const logger = createLogger('silent');
const SETTINGS: FairUseSettings = { floodMaxMessages: 3, floodWindowSeconds: 2, floodBurstMessages: 3, floodBurstSeconds: 2, floodMaxMessagesPerIp: 4, repeatWindowSeconds: 60 };

let n = 0;

interface Harness {
  adapter: TestAdapter;
  fu: FairUse;
  /** Texts the bot itself was given. */
  botTurns: string[];
  records: FairUseRecord[];
  say(text: string, extra?: Partial<Activity>): Promise<Partial<Activity>[]>;
  userId: string;
}

function harness(o: { locale?: string; languageOf?: (c: TurnContext) => Lang; humanOwned?: boolean; ipOf?: (c: TurnContext) => string | undefined; policy?: Pick<FairUsePolicy, 'decide' | 'finished' | 'sessionStarted'>; fu?: FairUse; userId?: string } = {}): Harness {
  n++;
  const fu = o.fu ?? createFairUse({ settings: SETTINGS });
  const botTurns: string[] = [];
  const records: FairUseRecord[] = [];
  const userId = o.userId ?? `user-${n}`;
  const adapter = new TestAdapter(
    async (context) => {
      const text = context.activity.text ?? '';
      botTurns.push(text);
      if (context.activity.type !== 'message') return;
      if (text.startsWith('cards')) await context.sendActivity(MessageFactory.suggestedActions(['Akropolis Klaipėda', 'None of these'], 'Which one?'));
      else await context.sendActivity(`bot: ${text}`);
    },
    { channelId: 'webchat', conversation: { id: `conv-${n}` }, from: { id: userId, name: 'Customer' }, recipient: { id: 'bot', name: 'LockerDesk' } } as Partial<Activity>,
  );
  delete (adapter.template as { locale?: string }).locale;
  if (o.locale) adapter.template.locale = o.locale;
  adapter.use(
    new FairUseMiddleware({
      policy: o.policy ?? fu.policy,
      messages,
      logger,
      record: async (r) => {
        records.push(r);
      },
      languageOf: o.languageOf,
      humanOwned: o.humanOwned ? async () => true : undefined,
      ipOf: o.ipOf,
    }),
  );
  return {
    adapter,
    fu,
    botTurns,
    records,
    userId,
    async say(text, extra = {}) {
      await adapter.receiveActivity({ type: 'message', text, ...extra } as Partial<Activity>);
      const out: Partial<Activity>[] = [];
      while (adapter.activeQueue.length) out.push(adapter.activeQueue.shift()!);
      return out;
    },
  };
}

const texts = (as: Partial<Activity>[]) => as.map((a) => a.text ?? '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('ordinary messages reach the bot untouched and nothing is recorded by the middleware', async () => {
  const h = harness();
  expect(texts(await h.say('kur mano siunta CE482139075LT'))).toEqual(['bot: kur mano siunta CE482139075LT']);
  expect(h.records).toEqual([]);
});

test('a flood: the bot gets the first messages only, the customer one notice in their language, every message is recorded', async () => {
  const h = harness({ locale: 'en-US' });
  const replies: string[] = [];
  for (let i = 0; i < 10; i++) replies.push(...texts(await h.say(`where is my parcel, attempt ${i}`)));
  expect(h.botTurns).toHaveLength(3);
  expect(replies.filter((r) => r === messages.t('en', 'fairuse.flood'))).toHaveLength(1);
  expect(replies.filter((r) => r.startsWith('bot:'))).toHaveLength(3);
  expect(h.records.filter((r) => r.entry.from === 'customer').map((r) => r.entry.text)).toEqual(Array.from({ length: 7 }, (_, i) => `where is my parcel, attempt ${i + 3}`));
  expect(h.records.filter((r) => r.entry.from === 'bot')).toEqual([expect.objectContaining({ reason: 'flood', entry: expect.objectContaining({ text: messages.t('en', 'fairuse.flood') }) })]);
  await sleep(2200);
  expect(texts(await h.say('sorry, where is my parcel CE482139075LT'))).toEqual(['bot: sorry, where is my parcel CE482139075LT']);
});

test('notices are in the language languageOf gives (default: the locale, else Lithuanian)', async () => {
  for (const [o, lang] of [[{}, 'lt'], [{ locale: 'ru-RU' }, 'ru'], [{ locale: 'en-GB', languageOf: () => 'ru' as const }, 'ru']] as const) {
    const h = harness(o);
    const all: string[] = [];
    for (let i = 0; i < 5; i++) all.push(...texts(await h.say(`labas labas ${i}`)));
    expect(all).toContain(messages.t(lang, 'fairuse.flood'));
  }
});

test('abuse only: one calm reply with the menu, the bot never sees it, later abuse gets silence, polite text is answered', async () => {
  const h = harness({ locale: 'lt-LT' });
  const first = await h.say('jūs visi debilai');
  expect(texts(first)).toEqual([messages.t('lt', 'fairuse.abuseReply')]);
  expect(first[0].suggestedActions?.actions.map((a) => a.title)).toEqual(menuButtons(messages, 'lt').map((b) => b.title));
  expect(await h.say('idi0tai')).toEqual([]);
  expect(h.botTurns).toEqual([]);
  expect(await h.fu.flags.get({ conversationId: `conv-${n}` })).toMatchObject({ reason: 'abusive', count: 2 });
  expect(h.records.map((r) => [r.reason, r.entry.from])).toEqual([
    ['abuse', 'customer'],
    ['abuse', 'bot'],
    ['abuse', 'customer'],
  ]);
  expect(texts(await h.say('gerai, kur mano siunta CE482139075LT?'))).toEqual(['bot: gerai, kur mano siunta CE482139075LT?']);
});

test('a rude request is answered, then one calm note; the decision is in the turn state', async () => {
  const h = harness({ locale: 'en-US' });
  let seen: string | undefined;
  h.adapter.use({ onTurn: async (ctx, next) => { await next(); seen = fairUseDecision(ctx)?.action; } });
  expect(texts(await h.say('this is a f***ing joke, where is my parcel CE482139075LT'))).toEqual(['bot: this is a f***ing joke, where is my parcel CE482139075LT', messages.t('en', 'fairuse.rudeNote')]);
  expect(seen).toBe('answer');
  expect(texts(await h.say('where is my f*cking parcel CE517302644LT'))).toEqual(['bot: where is my f*cking parcel CE517302644LT']);
});

test('while a person owns the chat, insults pass on to them (no bot reply from the middleware) and are flagged', async () => {
  const h = harness({ humanOwned: true });
  expect(texts(await h.say('you idiots'))).toEqual(['bot: you idiots']); // the hand-off middleware relays it
  expect(await h.fu.flags.get({ customerKey: h.userId })).toMatchObject({ count: 1 });
});

test('a blocked customer gets one notice, then nothing; the bot never runs; unblocked → normal again', async () => {
  const fu = createFairUse({ settings: SETTINGS });
  const h = harness({ fu, locale: 'ru-RU' });
  await fu.blockList.block({ channel: 'webchat', userId: h.userId }, 'sup-1', 'threats');
  expect(texts(await h.say('привет'))).toEqual([messages.t('ru', 'fairuse.blocked')]);
  expect(await h.say('алло')).toEqual([]);
  expect(await h.say('где посылка')).toEqual([]);
  expect(h.botTurns).toEqual([]);
  expect(h.records.filter((r) => r.entry.from === 'customer')).toHaveLength(3);
  await fu.blockList.unblock({ channel: 'webchat', userId: h.userId }, 'sup-1', 'lifted');
  await sleep(2100);
  expect(texts(await h.say('где моя посылка CE482139075LT'))).toEqual(['bot: где моя посылка CE482139075LT']);
});

test('a repeat is recorded and not answered; a click on a choice the bot offered is not a repeat', async () => {
  const h = harness();
  expect(texts(await h.say('noriu kalbėti su žmogumi'))).toHaveLength(1);
  expect(await h.say('noriu kalbėti su žmogumi')).toEqual([]);
  expect(h.records.map((r) => r.reason)).toEqual(['repeat']);
  await sleep(2100); // out of the flood window
  const h2 = harness();
  expect(texts(await h2.say('cards Akropolis Klaipėda'))).toEqual(['Which one?']);
  // the customer typed the search, the bot offered cards: clicking "Akropolis Klaipėda" twice in a row is fine
  expect(texts(await h2.say('Akropolis Klaipėda'))).toEqual(['bot: Akropolis Klaipėda']);
  expect(offeredChoices(MessageFactory.suggestedActions(['Taip', 'Ne'], 'Ar teisingai?'))).toEqual(['Taip', 'Ne']);
});

test('Web Chat joining again (a reload) starts repeats afresh; a failed turn is not "answered"', async () => {
  const h = harness();
  expect(texts(await h.say('kur mano siunta, prašau'))).toHaveLength(1);
  expect(await h.say('kur mano siunta, prašau')).toEqual([]);
  await h.adapter.receiveActivity({ type: 'event', name: 'webchat/join', value: { language: 'lt' } } as Partial<Activity>);
  expect(texts(await h.say('kur mano siunta, prašau'))).toEqual(['bot: kur mano siunta, prašau']);

  await sleep(2100); // out of the flood window
  let fail = true;
  const failing = new TestAdapter(async (context) => {
    if (fail) throw new Error('carrier down');
    await context.sendActivity(`bot: ${context.activity.text}`);
  }, { channelId: 'webchat', conversation: { id: 'failing-turn' }, from: { id: 'u-failing' }, recipient: { id: 'bot' } } as Partial<Activity>);
  failing.use(new FairUseMiddleware({ policy: h.fu.policy, messages, logger, record: async () => undefined }));
  await expect(failing.receiveActivity({ type: 'message', text: 'kur mano siunta CE482139075LT' } as Partial<Activity>)).rejects.toThrow('carrier down');
  fail = false;
  await failing.receiveActivity({ type: 'message', text: 'kur mano siunta CE482139075LT' } as Partial<Activity>);
  expect(failing.activeQueue.map((a) => a.text)).toEqual(['bot: kur mano siunta CE482139075LT']);
});

test('per-IP counting uses only what ipOf gives: new visitor ids from one address are one flood', async () => {
  const fu = createFairUse({ settings: SETTINGS });
  const replies: string[] = [];
  let bot = 0;
  for (let i = 0; i < 7; i++) {
    const h = harness({ fu, ipOf: () => '203.0.113.9' });
    replies.push(...texts(await h.say(`hello there visitor ${i}`)));
    bot += h.botTurns.length;
  }
  expect(bot).toBe(4);
  expect(replies.filter((r) => r === messages.t('lt', 'fairuse.flood'))).toHaveLength(1);
});

test('non-message activities pass; a failing policy lets the message through to the bot', async () => {
  const h = harness({ policy: { decide: async () => Promise.reject(new Error('Redis down')), finished: async () => undefined, sessionStarted: async () => undefined } });
  expect(texts(await h.say('labas, kur siunta?'))).toEqual(['bot: labas, kur siunta?']);
  await h.adapter.receiveActivity({ type: 'conversationUpdate', membersAdded: [{ id: 'x', name: 'x' }] } as Partial<Activity>);
  expect(h.botTurns).toHaveLength(2);
});
