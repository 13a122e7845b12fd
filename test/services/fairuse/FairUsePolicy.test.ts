/**
 * The fair-use policy's decisions, on memory and on real Redis: blocked, flood (per conversation,
 * per customer, per IP), repeat, abuse and threats with one calm reply per problem, rude requests
 * answered with one note, the flag for supervisors, failures that let messages through, two
 * instances sharing counts — and a polite customer at human pace who is never limited.
 */
import { useRedis } from '../../setup/redis';
import { loadConfig } from '../../../services/config';
import { createFairUse, type FairUse } from '../../../services/fairuse';
import { FairUsePolicy, messageFingerprint, repeatEligible, type FairUseDecision, type FairUseMessage, type FairUseSettings } from '../../../services/fairuse/FairUsePolicy';
import { MemoryAbuseFlags } from '../../../services/fairuse/AbuseFlags';
import { MemoryBlockList, type BlockList } from '../../../services/fairuse/BlockList';
import { MemoryLastMessageStore } from '../../../services/fairuse/LastMessageStore';
import type { RedisClient } from '../../../services/state/redisClient';
import { createLimiterFactory } from '../../../services/limits/limiter';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SMALL: FairUseSettings = { floodMaxMessages: 3, floodWindowSeconds: 1, floodBurstMessages: 3, floodBurstSeconds: 1, floodMaxMessagesPerIp: 5, repeatWindowSeconds: 1 };

let seq = 0;
/** A fresh customer in a fresh conversation. */
function customer(channel = 'webchat'): (text: string, extra?: Partial<FairUseMessage>) => FairUseMessage {
  const n = ++seq;
  return (text, extra = {}) => ({ conversationId: `conv-${n}`, channel, userId: `user-${n}`, text, ...extra });
}

const actions = (ds: FairUseDecision[]) => ds.map((d) => d.action);

describe.each(['memory', 'redis'] as const)('FairUsePolicy (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedis('redis') : undefined;
  let fu: FairUse;
  const make = (settings: FairUseSettings = SMALL, client?: RedisClient): FairUse =>
    createFairUse({ settings, redis: redis ? { client: client ?? redis.client, prefix: redis.prefix } : undefined });
  beforeEach(() => {
    fu = make();
  });
  const decide = (m: FairUseMessage) => fu.policy.decide(m);
  /** A whole turn as the middleware runs it: the decision, then the end of the bot's turn. */
  const turn = async (m: FairUseMessage, offered: string[] = []) => {
    const d = await decide(m);
    if (d.action === 'answer') await fu.policy.finished(m, { answered: true, offered });
    return d;
  };

  test('an ordinary message is answered, with no note and no flag', async () => {
    const say = customer();
    const d = await decide(say('kur mano siunta CE482139075LT'));
    expect(d).toMatchObject({ action: 'answer', note: false, assessment: { kind: 'ok' } });
    expect(await fu.flags.get({ conversationId: say('').conversationId })).toBeUndefined();
  });

  test('a rude request is answered; the calm note comes once per problem', async () => {
    const say = customer();
    const first = await decide(say('this is a f***ing joke, where is my parcel CE482139075LT'));
    expect(first).toMatchObject({ action: 'answer', note: true, assessment: { kind: 'rude_request' } });
    expect(await decide(say('where is my fucking parcel CE517302644LT'))).toMatchObject({ action: 'answer', note: false });
    expect(await decide(say('where is my fucking parcel', { problem: 'another-case' }))).toMatchObject({ action: 'answer', note: true });
    expect(await fu.flags.get({ conversationId: say('').conversationId })).toBeUndefined(); // a request, not abuse
  });

  test('abuse only: one calm reply per problem, then silence; flagged; polite again → answered normally', async () => {
    const say = customer();
    const { conversationId, userId } = say('');
    expect(await decide(say('jūs visi debilai'))).toMatchObject({ action: 'abuse', reply: true, assessment: { kind: 'abuse' } });
    expect(await decide(say('idi0tai!!!'))).toMatchObject({ action: 'abuse', reply: false });
    expect(await fu.flags.get({ conversationId })).toMatchObject({ reason: 'abusive', threat: false, count: 2 });
    expect(await fu.flags.get({ customerKey: userId })).toMatchObject({ reason: 'abusive', count: 2 });
    expect(await decide(say('gerai, atsiprašau. Kur mano siunta CE482139075LT?'))).toMatchObject({ action: 'answer', note: false, assessment: { kind: 'ok' } });
  });

  test('a threat is never answered by the bot, even with a request in it, and the flag says threat', async () => {
    const say = customer();
    const d = await decide(say('give me my parcel CE482139075LT or I will destroy this locker'));
    expect(d).toMatchObject({ action: 'abuse', reply: true, assessment: { kind: 'threat' }, flag: { threat: true } });
    expect(await fu.flags.get({ conversationId: say('').conversationId })).toMatchObject({ threat: true });
  });

  test('while a person owns the chat, insults go through to them (no bot reply) but are flagged', async () => {
    const say = customer();
    expect(await decide(say('you idiots', { humanOwned: true }))).toMatchObject({ action: 'answer', note: false, assessment: { kind: 'abuse' } });
    expect(await decide(say('where is my fucking parcel', { humanOwned: true }))).toMatchObject({ action: 'answer', note: false });
    expect(await fu.flags.get({ conversationId: say('').conversationId })).toMatchObject({ count: 1 });
  });

  test('flood: one notice per window, nothing answered one by one, answers resume when the pace drops', async () => {
    const say = customer();
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => decide(say(`message number ${i} where is my parcel`))));
    expect(actions(burst).filter((a) => a === 'answer')).toHaveLength(3);
    const floods = burst.filter((d): d is Extract<FairUseDecision, { action: 'flood' }> => d.action === 'flood');
    expect(floods).toHaveLength(9);
    expect(floods.filter((d) => d.notice)).toHaveLength(1);
    expect(floods.every((d) => d.scope === 'customer' || d.scope === 'conversation')).toBe(true);
    await sleep(1200);
    expect(await decide(say('ok, sorry, where is my parcel CE482139075LT'))).toMatchObject({ action: 'answer' });
  });

  test('a steady stream under the burst limit is still caught by the window limit', async () => {
    fu = make({ ...SMALL, floodBurstMessages: 2, floodBurstSeconds: 1, floodMaxMessages: 4, floodWindowSeconds: 4 });
    const say = customer();
    const ds: FairUseDecision[] = [];
    for (let i = 0; i < 5; i++) {
      ds.push(await turn(say(`steady message ${i} about my parcel`)));
      await sleep(600);
    }
    expect(actions(ds)).toEqual(['answer', 'answer', 'answer', 'answer', 'flood']);
  });

  test('a burst is caught after a few messages, before the window limit', async () => {
    fu = make({ ...SMALL, floodBurstMessages: 2, floodBurstSeconds: 2, floodMaxMessages: 10, floodWindowSeconds: 10 });
    const say = customer();
    const ds = await Promise.all(Array.from({ length: 6 }, (_, i) => decide(say(`burst message ${i} hello hello`))));
    expect(actions(ds).filter((a) => a === 'answer')).toHaveLength(2);
    expect(ds.filter((d) => d.action === 'flood' && d.notice)).toHaveLength(1);
  });

  test('a script that waits for each answer is a flood too, after the same few messages', async () => {
    fu = make({ ...SMALL, floodBurstMessages: 2, floodBurstSeconds: 5, floodMaxMessages: 10, floodWindowSeconds: 10 });
    const say = customer();
    const ds: FairUseDecision[] = [];
    for (let i = 0; i < 4; i++) ds.push(await turn(say(`question ${i} about my parcel`)));
    expect(actions(ds)).toEqual(['answer', 'answer', 'flood', 'flood']);
  });

  test('flood per customer identity across conversations; another customer is untouched', async () => {
    const results: FairUseDecision[] = [];
    for (let i = 0; i < 6; i++) results.push(await decide({ conversationId: `rotating-${seq}-${i}`, channel: 'webchat', userId: 'same-user', text: `hello number ${i} anyone` }));
    expect(actions(results)).toEqual(['answer', 'answer', 'answer', 'flood', 'flood', 'flood']);
    expect(results[3]).toMatchObject({ scope: 'customer', notice: true });
    const other = customer();
    expect(await decide(other('labas, kur mano siunta?'))).toMatchObject({ action: 'answer' });
  });

  test('flood per IP (anonymous visitors with new ids each time) with its own limit; no IP, no IP limit', async () => {
    const fresh = (i: number, ip?: string): FairUseMessage => ({ conversationId: `ip-${seq}-${i}`, channel: 'webchat', userId: `anon-${seq}-${i}`, ip, text: `visitor ${i} says hello there` });
    const byIp: FairUseDecision[] = [];
    for (let i = 0; i < 7; i++) byIp.push(await decide(fresh(i, '198.51.100.7')));
    expect(actions(byIp)).toEqual(['answer', 'answer', 'answer', 'answer', 'answer', 'flood', 'flood']);
    expect(byIp[5]).toMatchObject({ scope: 'ip', notice: true });
    expect(byIp[6]).toMatchObject({ scope: 'ip', notice: false }); // one notice per IP and window, not per new conversation
    seq++;
    const noIp: FairUseDecision[] = [];
    for (let i = 0; i < 7; i++) noIp.push(await decide(fresh(i)));
    expect(actions(noIp).every((a) => a === 'answer')).toBe(true);
  });

  test('repeat: the same message as the previous one is not answered twice; variants of case and punctuation count', async () => {
    const say = customer();
    expect((await turn(say('Where is my parcel?'))).action).toBe('answer');
    expect((await turn(say('where is my parcel'))).action).toBe('repeat');
    expect((await turn(say('WHERE IS MY PARCEL!!!'))).action).toBe('repeat');
    await sleep(1100);
    expect((await turn(say('where is my parcel'))).action).toBe('answer'); // after the window
  });

  test('repeat: a message whose first copy got no answer (the turn failed), or asked again after the chat was reopened, is answered', async () => {
    fu = make({ ...SMALL, floodMaxMessages: 10, floodBurstMessages: 10 });
    const say = customer();
    const m = say('kur mano siunta CE482139075LT');
    expect((await decide(m)).action).toBe('answer');
    await fu.policy.finished(m, { answered: false, offered: [] }); // the bot's turn threw
    expect((await turn(m)).action).toBe('answer');
    expect((await turn(m)).action).toBe('repeat');
    await fu.policy.sessionStarted(m); // the widget reconnected after a reload
    expect((await turn(m)).action).toBe('answer');
  });

  test('repeat: polite patterns are not repeats (one-word answers, a number twice, the same text after another)', async () => {
    const say = customer();
    const ds = [];
    for (const text of ['taip', 'taip', 'CE482139075LT', 'CE482139075LT', 'kur mano siunta', 'pakeisti paštomatą', 'kur mano siunta']) ds.push(await turn(say(text)));
    expect(actions(ds).every((a) => a === 'answer' || a === 'flood')).toBe(true);
    expect(actions(ds)).not.toContain('repeat');
    expect(repeatEligible('taip')).toBe(false);
    expect(repeatEligible('+370 612 34567')).toBe(false);
    expect(repeatEligible('kur siunta')).toBe(true);
    expect(messageFingerprint('Kur mano SIUNTA?!')).toBe(messageFingerprint('kur   mano siunta'));
    expect(messageFingerprint('kur CE482139075LT')).not.toBe(messageFingerprint('kur CE517302644LT'));
  });

  test('repeat across conversations of the same customer identity', async () => {
    const a = { conversationId: `first-${seq}`, channel: 'facebook', userId: `psid-${seq}`, text: 'noriu kalbėti su žmogumi' };
    expect((await turn(a)).action).toBe('answer');
    expect((await turn({ ...a, conversationId: `second-${seq}` })).action).toBe('repeat');
  });

  test('blocked: one notice, then nothing; other customers are not affected; unblocked → answered', async () => {
    const say = customer();
    const { channel, userId } = say('');
    await fu.blockList.block({ channel, userId: userId ?? '' }, 'sup-1', 'repeated threats');
    const ds = await Promise.all(Array.from({ length: 5 }, () => decide(say('hello?'))));
    expect(actions(ds)).toEqual(['blocked', 'blocked', 'blocked', 'blocked', 'blocked']);
    expect(ds.filter((d) => d.action === 'blocked' && d.notice)).toHaveLength(1);
    expect((await decide(customer(channel)('hello?'))).action).toBe('answer');
    await fu.blockList.unblock({ channel, userId: userId ?? '' }, 'sup-1', 'lifted');
    await sleep(1100);
    expect((await decide(say('hello, is anyone there now'))).action).toBe('answer');
  });

  test("a blocked customer typing on uses up nobody's flood window: not their shared IP's, not their own after an unblock", async () => {
    const say = customer();
    const { channel, userId } = say('');
    const ip = '203.0.113.7';
    await fu.blockList.block({ channel, userId: userId ?? '' }, 'sup-1', 'repeated threats');
    // Twice the per-IP limit (5) and the per-customer limit (3) while blocked.
    for (let i = 0; i < 10; i++) expect((await decide(say(`hello ${i}`, { ip }))).action).toBe('blocked');
    // Another customer behind the same address (an office, a mobile carrier) is answered.
    expect((await decide(customer(channel)('kur mano siunta CE482139075LT', { ip }))).action).toBe('answer');
    // Unblocked at once: the customer's own windows hold nothing from the blocked messages.
    await fu.blockList.unblock({ channel, userId: userId ?? '' }, 'sup-1', 'lifted');
    expect((await decide(say('hello, is anyone there now', { ip }))).action).toBe('answer');
  });

  if (backend === 'redis') {
    test('two instances on one Redis share the counts: a flood split over both is still one flood with one notice', async () => {
      const other = await redis!.connect();
      const second = make(SMALL, other);
      const say = customer();
      const ds = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? fu : second).policy.decide(say(`split flood message ${i} hello`))));
      // Never more than the limit. Fewer is possible: each message counts on four keys (window and
      // burst, per conversation and per customer), and racing messages from two connections can
      // reach them in different orders, so a message third on one key may be fourth on another.
      expect(actions(ds).filter((a) => a === 'answer').length).toBeLessThanOrEqual(3);
      expect(actions(ds).filter((a) => a === 'flood').length).toBeGreaterThanOrEqual(7);
      expect(ds.filter((d) => d.action === 'flood' && d.notice)).toHaveLength(1);
    });
  }
});

describe('FairUsePolicy offered choices', () => {
  test('clicking a choice the bot just offered is not a repeat, even when it equals the previous message', async () => {
    const policy = new FairUsePolicy({ settings: { ...SMALL, floodMaxMessages: 10, floodBurstMessages: 10 }, limits: createLimiterFactory(), lastMessages: new MemoryLastMessageStore(), blockList: new MemoryBlockList(), flags: new MemoryAbuseFlags() });
    const m = { conversationId: 'cards', channel: 'webchat', userId: 'u-cards' };
    const turn = async (text: string, offered: string[]) => {
      const d = await policy.decide({ ...m, text });
      if (d.action === 'answer') await policy.finished({ ...m, text }, { answered: true, offered });
      return d.action;
    };
    expect(await turn('akropolis klaipeda', [])).toBe('answer');
    expect(await turn('Akropolis Klaipėda', [])).toBe('repeat'); // no choice offered: a repeat
    await policy.finished({ ...m, text: 'akropolis klaipeda' }, { answered: true, offered: ['Akropolis Klaipėda', 'None of these'] });
    expect(await turn('Akropolis Klaipėda', [])).toBe('answer'); // the bot offered it: an answer to its question
    expect(await turn('Akropolis Klaipėda', [])).toBe('repeat'); // the reply to that offered nothing
  });
});

describe('FairUsePolicy failures', () => {
  test('a failing store lets the message through and reports where', async () => {
    const errors: string[] = [];
    const broken: BlockList = Object.assign(new MemoryBlockList(), {
      get: async () => {
        throw new Error('connection lost');
      },
    });
    const policy = new FairUsePolicy({
      settings: SMALL,
      limits: createLimiterFactory(),
      lastMessages: { swap: async () => Promise.reject(new Error('connection lost')), get: async () => Promise.reject(new Error('connection lost')) },
      blockList: broken,
      flags: new MemoryAbuseFlags(),
      onError: (_err, where) => errors.push(where),
    });
    expect(await policy.decide({ conversationId: 'c', channel: 'webchat', userId: 'u', text: 'kur mano siunta' })).toMatchObject({ action: 'answer' });
    expect(errors).toEqual(expect.arrayContaining(['blockList.get', 'lastMessages.get']));
  });
});

describe('a polite customer at human pace is never limited (default configuration)', () => {
  afterEach(() => jest.useRealTimers());

  /** A full readdress with a one-time code, as typed: seconds since the previous message, and the choices the bot then offers. */
  const READDRESS: [seconds: number, text: string, offered: string[]][] = [
    [0, 'labas', ['Change parcel locker', 'Wrong phone number', 'Find my parcel number', 'Where is my parcel?', 'Talk to a person']],
    [6, 'pasirinkau ne tą paštomatą', []],
    [5, 'CE482139075LT', []],
    [7, '+37061234567', []],
    [6, 'akropolis klaipeda', ['Akropolis Klaipėda', 'Akropolis Vilnius', 'None of these']],
    [3, 'Akropolis Klaipėda', ['Taip', 'Ne']], // a card clicked: the same words as the search
    [2, 'Taip', []],
    [10, '482913', []], // the code from the SMS
    [3, 'ačiū', []],
  ];

  test.each([
    ['typed at an ordinary pace', 1],
    ['twice as fast (buttons clicked at once)', 0.5],
  ])('a full readdress conversation %s', async (_label, speed) => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const settings = loadConfig({}).fairUse;
    const policy = new FairUsePolicy({ settings, limits: createLimiterFactory(), lastMessages: new MemoryLastMessageStore(), blockList: new MemoryBlockList(), flags: new MemoryAbuseFlags() });
    const decisions: FairUseDecision[] = [];
    for (let round = 0; round < 2; round++) {
      for (const [seconds, text, offered] of READDRESS) {
        jest.advanceTimersByTime(seconds * speed * 1000);
        const m = { conversationId: 'polite', channel: 'webchat', userId: 'polite-user', text };
        decisions.push(await policy.decide(m));
        jest.advanceTimersByTime(800); // the bot answers
        await policy.finished(m, { answered: true, offered }); // what the middleware reports after the bot's reply
      }
      jest.advanceTimersByTime(60_000); // reads the outcome, then does the same for a second parcel
    }
    expect(decisions.map((d) => d.action)).toEqual(decisions.map(() => 'answer'));
    expect(decisions.every((d) => d.action === 'answer' && !d.note)).toBe(true);
  });
});
