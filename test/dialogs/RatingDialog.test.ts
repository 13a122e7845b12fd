/**
 * The rating question in lt, en and ru through the whole bot (real recognizer, dialogs, sandbox
 * carrier): after a completed self-service flow the customer gets five score buttons in their
 * language, a score is recorded at once, the comment is optional, and the next completed flow in
 * the same conversation is not followed by a question (never twice in a row). After an agent's
 * close (the hand-off asked) the next message is read as the agent's rating.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { LANGS, type Lang } from '../../services/i18n/langs';
import { createLogger } from '../../services/logging/logger';
import { MemoryEventStore } from '../../services/reports/EventStore';
import { MemoryRatingState } from '../../services/reports/RatingState';
import { ReportRecorder } from '../../services/reports/ReportRecorder';
import type { ReportEvent } from '../../services/reports/events';
import { parseScore } from '../../dialogs/RatingDialog';
import { conversation, createWorld, hasMessage, type Reply, type World } from '../support/botHarness';
import { LINES } from './testData';

const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n---\n');

describe('parseScore', () => {
  test.each([
    ['4', 4],
    ['5 – excellent', 5],
    [' 1 – blogai', 1],
    ['3!', 3],
    ['6', undefined],
    ['10', undefined],
    ['4.5', undefined],
    ['CE482139075LT', undefined],
    ['great', undefined],
  ])('%j → %j', (text, score) => expect(parseScore(text)).toBe(score));
});

describe.each(LANGS.map((l) => [l]))('rating in %s', (lang: Lang) => {
  let world: World;
  const L = LINES[lang];
  const expectKey = (replies: Reply[], key: string) => {
    if (!hasMessage(world.messages, lang, replies, key)) throw new Error(`expected "${key}" (${lang}) among replies:\n${texts(replies)}`);
  };
  const noKey = (replies: Reply[], key: string) => expect(hasMessage(world.messages, lang, replies, key)).toBe(false);

  beforeAll(async () => {
    world = await createWorld();
  }, 60000);
  afterAll(async () => world.close());

  function setup() {
    const store = new MemoryEventStore({ retentionMs: 86_400_000, maxEvents: 10_000 });
    const ratings = new MemoryRatingState();
    const recorder = new ReportRecorder(store, ratings, createLogger('silent'));
    const events = async (): Promise<ReportEvent[]> => {
      await recorder.idle();
      return store.range(0, Date.now() + 60_000);
    };
    const c = conversation(world, { deps: { ...world.deps, reports: recorder, ratings } });
    return { c, ratings, events };
  }

  /** A track case; after the first one the number from before is offered ("Is it CE…?") and confirmed. */
  async function completeTrack(c: ReturnType<typeof setup>['c'], first = true): Promise<Reply[]> {
    if (first) {
      expectKey(await c.say(L.track), 'ask.trackingNumberTrack');
      return c.say(F.delivered.trackingNumber);
    }
    expectKey(await c.say(L.track), 'recall.trackingNumber');
    return c.say(L.yes);
  }

  test('after a completed flow: five buttons in the language, score recorded, comment skipped, then not asked again in a row', async () => {
    const { c, events } = setup();
    const asked = await completeTrack(c);
    expectKey(asked, 'rating.askBot');
    noKey(asked, 'main.anythingElse');
    const question = asked.find((r) => r.buttons.length)!;
    expect(question.buttons).toEqual([1, 2, 3, 4, 5].map((n) => world.messages.t(lang, `rating.score.${n}`)));
    const comment = await c.say('4');
    expectKey(comment, 'rating.askComment');
    expect(comment[0].buttons).toEqual([world.messages.t(lang, 'rating.noComment')]);
    const after = await c.say(world.messages.t(lang, 'rating.noComment'));
    expectKey(after, 'rating.thanks');
    expectKey(after, 'main.anythingElse');

    const again = await completeTrack(c, false);
    noKey(again, 'rating.askBot');
    expectKey(again, 'main.anythingElse');
    const third = await completeTrack(c, false);
    expectKey(third, 'rating.askBot');

    const e = await events();
    expect(e.filter((x) => x.type === 'rating')).toEqual([expect.objectContaining({ source: 'bot', score: 4, lang, conversationId: c.conversationId })]);
    expect(e.filter((x) => x.type === 'flow_ended').map((x) => x.type === 'flow_ended' && [x.flow, x.outcome])).toEqual([
      ['track', 'completed'],
      ['track', 'completed'],
      ['track', 'completed'],
    ]);
  });

  test('a clicked button (title with words) counts; a comment is kept with digits masked', async () => {
    const { c, events } = setup();
    await completeTrack(c);
    expectKey(await c.say(world.messages.t(lang, 'rating.score.5')), 'rating.askComment');
    const comment = lang === 'lt' ? 'labai greitai, ačiū, mano tel. 861234567' : lang === 'en' ? 'very quick, thanks, my phone 861234567' : 'очень быстро, спасибо, мой тел. 861234567';
    const thanks = await c.say(comment);
    expectKey(thanks, 'rating.thanksComment');
    const e = await events();
    expect(e.find((x) => x.type === 'rating')).toMatchObject({ score: 5, source: 'bot' });
    const saved = e.find((x) => x.type === 'rating_comment');
    expect(saved).toMatchObject({ source: 'bot', lang });
    expect(saved?.type === 'rating_comment' && saved.text).not.toMatch(/861234567/);
  });

  test('not a score: a new request starts it instead, and nothing is recorded', async () => {
    const { c, events } = setup();
    await completeTrack(c);
    const next = await c.say(L.readdress);
    expectKey(next, 'recall.trackingNumber');
    expect((await events()).filter((x) => x.type === 'rating')).toEqual([]);
  });

  test("after an agent's close: the next message with a score is the agent's rating; without one it is an ordinary message", async () => {
    const { c, ratings, events } = setup();
    await c.open(lang === 'lt' ? 'lt-LT' : lang === 'en' ? 'en-GB' : 'ru-RU');
    await ratings.expect(c.conversationId, 'agent', 60_000);
    expectKey(await c.say('5'), 'rating.askComment');
    expectKey(await c.say(world.messages.t(lang, 'rating.noComment')), 'rating.thanks');
    expect((await events()).filter((x) => x.type === 'rating')).toEqual([expect.objectContaining({ source: 'agent', score: 5, lang })]);

    await ratings.expect(c.conversationId, 'agent', 60_000);
    expectKey(await c.say(L.track), 'ask.trackingNumberTrack');
    expect(await ratings.take(c.conversationId)).toBeUndefined();
  });
});
