/**
 * What the bot does with uncertain recognition: two close intents → one clarifying question with
 * both as buttons; confidence below the threshold → what the bot can do, never a guessed flow.
 */
import type { Intent, Recognizer, RecognizerResult } from '../../services/nlu/types';
import { conversation, createWorld, hasMessage, type World } from '../support/botHarness';

let world: World;
beforeAll(async () => {
  world = await createWorld();
}, 60000);
afterAll(async () => world.close());

/** Scores scripted per message text; everything else goes to the real recognizer. */
function scripted(scores: Record<string, [Intent, number][]>): Recognizer {
  return {
    async recognize(text, options) {
      const real = await world.recognizer.recognize(text, options);
      const s = scores[text];
      if (!s) return real;
      const intents = s.map(([intent, score]) => ({ intent, score }));
      return { ...real, intent: intents[0].intent, score: intents[0].score, intents, lang: 'en', langScore: 0.99 } satisfies RecognizerResult;
    },
  };
}

test('two close intents: one clarifying question with both as buttons, then the chosen flow', async () => {
  const c = conversation(world, { recognizer: scripted({ 'my parcel went to the wrong place': [['readdress', 0.46], ['track', 0.41], ['none', 0.13]] }) });
  const replies = await c.say('my parcel went to the wrong place');
  expect(hasMessage(world.messages, 'en', replies, 'main.clarify')).toBe(true);
  expect(replies[0].buttons).toEqual([world.messages.t('en', 'menu.readdress'), world.messages.t('en', 'menu.track')]);
  expect(hasMessage(world.messages, 'en', await c.say(replies[0].buttons[1]), 'ask.trackingNumberTrack')).toBe(true);
});

test('low confidence: the bot says what it can do instead of guessing', async () => {
  const c = conversation(world, { recognizer: scripted({ 'hmm parcel thing': [['track', 0.3], ['readdress', 0.25], ['none', 0.2]] }) });
  const replies = await c.say('hmm parcel thing');
  expect(hasMessage(world.messages, 'en', replies, 'main.notUnderstood')).toBe(true);
  expect(replies[0].buttons).toHaveLength(5);
});

test('a confident intent goes straight to its flow', async () => {
  const c = conversation(world, { recognizer: scripted({ 'where is it': [['track', 0.9], ['readdress', 0.05]] }) });
  expect(hasMessage(world.messages, 'en', await c.say('where is it'), 'ask.trackingNumberTrack')).toBe(true);
});
