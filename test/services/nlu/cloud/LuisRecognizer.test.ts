/**
 * The LUIS adapter through the real `@azure/cognitiveservices-luis-runtime` client, against the
 * project's own LUIS v3 endpoint on a real restify server: what one recognizer says must come back
 * intact through the other.
 */
import { LuisRecognizer } from '../../../../services/nlu/cloud/LuisRecognizer';
import { registerLuisEndpoint } from '../../../../bots/http/luisEndpoint';
import { makeS10 } from '../../../../services/carrier/s10';
import { ScriptedRecognizer, ltDetector, noEntities, regexExtractor, result, startRestify } from './fakes';

const APP = '6f1a6a4e-2f0e-4b59-9d5c-1b8a3c3e7d21';
const KEY = 'prediction-key';
const tracking = makeS10('CE', '48213907', 'LT');
const extra = makeS10('RR', '12345678', 'LT');
const query = `Noriu pakeisti ${tracking} į Akropolį, tel. 861234567`;

const backend = new ScriptedRecognizer(
  result({
    intent: 'readdress',
    score: 0.83,
    intents: [
      { intent: 'readdress', score: 0.83 },
      { intent: 'none', score: 0.1 },
      { intent: 'fix_phone', score: 0.07 },
    ],
    entities: {
      trackingNumbers: [{ value: tracking, kind: 's10', valid: true, text: tracking }],
      phones: [{ e164: '+37061234567', country: 'LT', text: '861234567' }],
      lockers: [
        {
          text: 'Akropolį',
          candidates: [
            { lockerId: 'LT-VNO-0001', score: 0.9 },
            { lockerId: 'LT-KLP-0007', score: 0.6 },
          ],
        },
      ],
    },
  }),
);

describe('LuisRecognizer -> LUIS runtime client -> our LUIS endpoint -> a recognizer', () => {
  let srv: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    srv = await startRestify((s) => registerLuisEndpoint(s, { recognizer: backend, appIds: [APP], keys: [KEY] }));
  });
  afterAll(() => srv.close());

  const make = (extraOpts: Partial<ConstructorParameters<typeof LuisRecognizer>[0]> = {}) =>
    new LuisRecognizer({
      endpoint: srv.url,
      appId: APP,
      key: KEY,
      slot: 'production',
      extractEntities: noEntities,
      detectLanguage: ltDetector,
      ...extraOpts,
    });

  test('intents, scores and entities round-trip', async () => {
    const r = await make().recognize(query);
    expect(backend.calls.at(-1)?.text).toBe(query);
    expect(r).toEqual({
      text: query,
      lang: 'lt',
      langScore: 0.9,
      intent: 'readdress',
      score: 0.83,
      intents: [
        { intent: 'readdress', score: 0.83 },
        { intent: 'none', score: 0.1 },
        { intent: 'fix_phone', score: 0.07 },
      ],
      entities: {
        trackingNumbers: [{ value: tracking, kind: 's10', valid: true, text: tracking }],
        phones: [{ e164: '+37061234567', country: 'LT', text: '861234567' }],
        lockers: [
          {
            text: 'Akropolį',
            candidates: [
              { lockerId: 'LT-VNO-0001', score: 0.9 },
              { lockerId: 'LT-KLP-0007', score: 0.6 },
            ],
          },
        ],
      },
      source: 'luis',
    });
  });

  test('the deterministic extractor runs too; duplicates are merged', async () => {
    const r = await make({ extractEntities: regexExtractor }).recognize(`${query} ir ${extra}`);
    expect(r.entities.trackingNumbers.map((t) => t.value)).toEqual([tracking, extra]);
    expect(r.entities.phones).toHaveLength(1);
  });

  test('intent aliases map a legacy app\'s names; unknown names become none', async () => {
    const legacy = new ScriptedRecognizer(
      result({ intent: 'track', score: 0.7, intents: [{ intent: 'track', score: 0.7 }, { intent: 'none', score: 0.3 }] }),
    );
    const s = await startRestify((server) => registerLuisEndpoint(server, { recognizer: legacy, appIds: [APP] }));
    try {
      const r = await make({ endpoint: s.url, intentAliases: { track: 'find_tracking' } }).recognize('kur siunta');
      expect(r.intent).toBe('find_tracking');
      expect(r.intents[0]).toEqual({ intent: 'find_tracking', score: 0.7 });
    } finally {
      await s.close();
    }
  });

  test('a wrong key rejects with HTTP 401 and context', async () => {
    await expect(make({ key: 'wrong' }).recognize('labas')).rejects.toThrow(
      new RegExp(`^LuisRecognizer\\.recognize\\(\\): app ${APP} slot production: HTTP 401`),
    );
  });

  test('an unknown app rejects with HTTP 404', async () => {
    await expect(make({ appId: '11111111-2222-3333-4444-555555555555' }).recognize('labas')).rejects.toThrow(/HTTP 404/);
  });

  test('queries are cut to maxChars before sending, so the endpoint does not refuse them', async () => {
    const r = await make({ maxChars: 500 }).recognize('ž'.repeat(700));
    expect(r.text).toHaveLength(500);
    expect(backend.calls.at(-1)?.text).toHaveLength(500);
  });

  test('a server error rejects at once (no client retries) and a hanging server after timeoutMs', async () => {
    const s = await startRestify((server) => {
      registerLuisEndpoint(server, { recognizer: new ScriptedRecognizer(result(), 'fail'), appIds: [APP] });
    });
    const hanging = await startRestify((server) => {
      registerLuisEndpoint(server, { recognizer: new ScriptedRecognizer(result(), 'hang'), appIds: [APP] });
    });
    try {
      let t0 = Date.now();
      await expect(make({ endpoint: s.url }).recognize('labas')).rejects.toThrow(/HTTP 500: InternalServerError/);
      expect(Date.now() - t0).toBeLessThan(1000);
      t0 = Date.now();
      await expect(make({ endpoint: hanging.url, timeoutMs: 150 }).recognize('labas')).rejects.toThrow(/no answer within 150 ms/);
      const elapsed = Date.now() - t0;
      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(elapsed).toBeLessThan(1000);
    } finally {
      await s.close();
      await hanging.close();
    }
  });
});
