/**
 * The whole LUIS-compatibility path with the real embedded recognizer behind our endpoint and the
 * real entity extractor and language detector injected into the LUIS adapter: what the embedded
 * recognizer says must reach a LUIS client unchanged.
 */
import { EmbeddedRecognizer } from '../../../../services/nlu/embedded/EmbeddedRecognizer';
import { extractEntities } from '../../../../services/nlu/entities';
import { detectLanguage } from '../../../../services/nlu/language';
import { LuisRecognizer } from '../../../../services/nlu/cloud/LuisRecognizer';
import { registerLuisEndpoint } from '../../../../bots/http/luisEndpoint';
import { startRestify } from './fakes';

const APP = '3d2f4e1a-9b8c-4d7e-a6f5-0123456789ab';

describe('LuisRecognizer -> our LUIS endpoint -> EmbeddedRecognizer', () => {
  let embedded: EmbeddedRecognizer;
  let srv: { url: string; close: () => Promise<void> };
  let luis: LuisRecognizer;

  beforeAll(async () => {
    embedded = EmbeddedRecognizer.load().recognizer;
    srv = await startRestify((s) => registerLuisEndpoint(s, { recognizer: embedded, appIds: [APP], keys: ['k'] }));
    luis = new LuisRecognizer({
      endpoint: srv.url,
      appId: APP,
      key: 'k',
      extractEntities: (text) => extractEntities(text),
      detectLanguage: (text) => detectLanguage(text),
    });
  }, 60_000);
  afterAll(() => srv?.close());

  test.each([
    ['Noriu pakeisti paštomatą siuntai CE482139075LT', 1, 0],
    ['I entered the wrong phone number, the right one is +37061234567', 0, 1],
    ['Где моя посылка?', 0, 0],
    ['labas', 0, 0],
  ])('%s', async (text, trackingCount, phoneCount) => {
    const direct = await embedded.recognize(text);
    const viaLuis = await luis.recognize(text);
    expect(viaLuis.source).toBe('luis');
    expect(viaLuis.intent).toBe(direct.intent);
    expect(viaLuis.score).toBeCloseTo(direct.score, 10);
    expect(viaLuis.intents).toEqual(direct.intents.map((i) => ({ intent: i.intent, score: expect.closeTo(i.score, 10) })));
    expect(viaLuis.entities.trackingNumbers).toHaveLength(trackingCount);
    expect(viaLuis.entities.phones).toHaveLength(phoneCount);
    expect(viaLuis.entities.trackingNumbers).toEqual(direct.entities.trackingNumbers);
    expect(viaLuis.entities.phones.map((p) => p.e164)).toEqual(direct.entities.phones.map((p) => p.e164));
  });
});
