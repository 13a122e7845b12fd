import axios from 'axios';
import restify from 'restify';
import { registerLuisEndpoint, type LuisEndpointOptions } from '../../../bots/http/luisEndpoint';
import type { LuisV3PredictionResponse } from '../../../services/nlu/luisEndpoint/luisV3Response';
import type { AddressInfo } from 'net';
import { asRemoteClient } from '../../support/addresses';
import { makeS10 } from '../../../services/carrier/s10';
import { MemoryLogger, ScriptedRecognizer, result, startRestify } from '../../services/nlu/cloud/fakes';

const APP = '0f8fad5b-d9cb-469f-a165-70867728950e';
const KEY = 'k-123';
const tracking = makeS10('CE', '48213907', 'LT');
const query = `Noriu pakeisti ${tracking} paštomatą į Akropolį, tel +37061234567`;

const recognizer = new ScriptedRecognizer(
  result({
    intent: 'readdress',
    score: 0.83,
    intents: [
      { intent: 'readdress', score: 0.83 },
      { intent: 'none', score: 0.1 },
      { intent: 'track', score: 0.07 },
    ],
    entities: {
      trackingNumbers: [{ value: tracking, kind: 's10', valid: true, text: tracking }],
      phones: [{ e164: '+37061234567', country: 'LT', text: '+37061234567' }],
      lockers: [
        {
          text: 'Akropolį',
          candidates: [
            { lockerId: 'LT-VNO-0001', score: 0.9 },
            { lockerId: 'LT-KLP-0007', score: 0.6 },
          ],
        },
        { text: 'nowhere in the query', candidates: [{ lockerId: 'LT-X', score: 0.5 }] },
      ],
    },
  }),
);

describe('LUIS v3 endpoint on a real restify server', () => {
  let srv: { url: string; close: () => Promise<void> };
  let open: { url: string; close: () => Promise<void> };
  const logger = new MemoryLogger();
  const opts: LuisEndpointOptions = { recognizer, appIds: [APP], keys: [KEY], maxQueryChars: 100, logger };
  const predict = (base = srv.url, app = APP, slot = 'production') => `${base}/luis/prediction/v3.0/apps/${app}/slots/${slot}/predict`;
  const http = axios.create({ validateStatus: () => true });

  beforeAll(async () => {
    srv = await startRestify((s) => registerLuisEndpoint(s, opts));
    // A server that already parses bodies and query strings, as the bot's may.
    open = await startRestify((s) => {
      s.use(restify.plugins.queryParser());
      s.use(restify.plugins.bodyParser());
      registerLuisEndpoint(s, { recognizer, appIds: [APP] });
    });
  });
  afterAll(async () => {
    await srv.close();
    await open.close();
  });

  test('GET with query= and subscription-key= answers in the LUIS v3 shape', async () => {
    const res = await http.get<LuisV3PredictionResponse>(predict(), {
      params: { query, 'subscription-key': KEY, verbose: 'true', 'show-all-intents': 'true' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.data;
    expect(body.query).toBe(query);
    expect(body.prediction.topIntent).toBe('readdress');
    expect(body.prediction.intents).toEqual({ readdress: { score: 0.83 }, None: { score: 0.1 }, track: { score: 0.07 } });
    const e = body.prediction.entities;
    expect(e.TrackingNumber).toEqual([tracking]);
    expect(e.Phone).toEqual(['+37061234567']);
    expect(e.Locker).toEqual([['LT-VNO-0001', 'LT-KLP-0007']]);
    const start = query.indexOf(tracking);
    expect(e.$instance?.TrackingNumber).toEqual([
      expect.objectContaining({ type: 'TrackingNumber', text: tracking, startIndex: start, length: tracking.length }),
    ]);
    expect(e.$instance?.Phone?.[0]).toMatchObject({ type: 'builtin.phonenumber', startIndex: query.indexOf('+370'), length: 12 });
    expect(e.$instance?.Locker?.[0]).toMatchObject({
      text: 'Akropolį',
      startIndex: query.indexOf('Akropolį'),
      length: 'Akropolį'.length,
      score: 0.9,
      candidates: [
        { lockerId: 'LT-VNO-0001', score: 0.9 },
        { lockerId: 'LT-KLP-0007', score: 0.6 },
      ],
    });
    expect(query.substr(e.$instance!.Locker![0].startIndex, e.$instance!.Locker![0].length)).toBe('Akropolį');
  });

  test('without verbose / show-all-intents: no $instance and only the top intent', async () => {
    const res = await http.get<LuisV3PredictionResponse>(predict(), { params: { query }, headers: { 'Ocp-Apim-Subscription-Key': KEY } });
    expect(res.status).toBe(200);
    expect(res.data.prediction.intents).toEqual({ readdress: { score: 0.83 } });
    expect(res.data.prediction.entities).not.toHaveProperty('$instance');
    expect(res.data.prediction.entities.TrackingNumber).toEqual([tracking]);
  });

  test('POST with a JSON {query} body; app id and slot are case-insensitive', async () => {
    const res = await http.post<LuisV3PredictionResponse>(
      `${predict(srv.url, APP.toUpperCase(), 'Staging')}?show-all-intents=true`,
      { query: 'labas' },
      { headers: { 'Ocp-Apim-Subscription-Key': KEY } },
    );
    expect(res.status).toBe(200);
    expect(res.data.query).toBe('labas');
    expect(Object.keys(res.data.prediction.intents)).toEqual(['readdress', 'None', 'track']);
    expect(recognizer.calls.at(-1)?.text).toBe('labas');
  });

  test('POST works behind restify bodyParser/queryParser, and no keys configured = no key check for a loopback client', async () => {
    const res = await http.post<LuisV3PredictionResponse>(`${predict(open.url)}?verbose=true`, { query });
    expect(res.status).toBe(200);
    expect(res.data.prediction.entities.$instance?.TrackingNumber?.[0].startIndex).toBe(query.indexOf(tracking));
    const get = await http.get<LuisV3PredictionResponse>(predict(open.url), { params: { query: 'labas' } });
    expect(get.status).toBe(200);
  });

  test.each([
    ['no key', {}, {}],
    ['wrong header key', { 'Ocp-Apim-Subscription-Key': 'nope' }, {}],
    ['wrong query key', {}, { 'subscription-key': 'k-12' }],
  ])('401 for %s', async (_name, headers, params) => {
    const res = await http.get(predict(), { params: { query: 'labas', ...params }, headers });
    expect(res.status).toBe(401);
    expect(res.data).toEqual({ error: { code: '401', message: expect.stringMatching(/subscription key/) } });
  });

  test('401 is checked before the app id (no app enumeration without a key)', async () => {
    const res = await http.get(predict(srv.url, '11111111-1111-1111-1111-111111111111'), { params: { query: 'labas' } });
    expect(res.status).toBe(401);
  });

  test.each([
    ['unknown app', '11111111-1111-1111-1111-111111111111', 'production'],
    ['unknown slot', APP, 'dev'],
  ])('404 for %s', async (_name, app, slot) => {
    const res = await http.get(predict(srv.url, app, slot), { params: { query: 'labas' }, headers: { 'Ocp-Apim-Subscription-Key': KEY } });
    expect(res.status).toBe(404);
    expect(res.data.error.code).toBe('NotFound');
  });

  test.each([
    ['GET without query', 'get', undefined],
    ['GET with a blank query', 'get', '   '],
    ['GET with an over-long query', 'get', 'x'.repeat(101)],
    ['POST without query', 'post', undefined],
    ['POST with a non-string query', 'post', 42],
    ['POST with an over-long query', 'post', 'x'.repeat(101)],
  ])('400 for %s', async (_name, method, q) => {
    const headers = { 'Ocp-Apim-Subscription-Key': KEY };
    const res =
      method === 'get'
        ? await http.get(predict(), { params: q === undefined ? {} : { query: q }, headers })
        : await http.post(predict(), q === undefined ? {} : { query: q }, { headers });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('BadArgument');
  });

  test('400 for a POST body that is not JSON', async () => {
    const res = await http.post(predict(), '{not json', {
      headers: { 'Ocp-Apim-Subscription-Key': KEY, 'Content-Type': 'application/json' },
      transformRequest: [(d: unknown) => d],
    });
    expect(res.status).toBe(400);
  });

  test('500 with a generic message when the recognizer fails; the failure is logged', async () => {
    const failing = await startRestify((s) =>
      registerLuisEndpoint(s, { recognizer: new ScriptedRecognizer(result(), 'fail'), appIds: [APP], logger }),
    );
    try {
      const res = await http.get(predict(failing.url), { params: { query: 'labas' } });
      expect(res.status).toBe(500);
      expect(res.data).toEqual({ error: { code: 'InternalServerError', message: 'The prediction failed.' } });
      expect(logger.warnings.at(-1)?.obj).toMatchObject({ err: 'scripted failure' });
    } finally {
      await failing.close();
    }
  });
});

describe('without LUIS_COMPAT_KEYS: loopback clients only (issue #8 finding 15)', () => {
  test('a remote client, or a loopback one behind a proxy, gets 401 and the recognizer is not asked; the start-up log warns', async () => {
    const logger = new MemoryLogger();
    const calls = new ScriptedRecognizer(result({ intent: 'track', score: 0.9 }));
    const server = restify.createServer({ name: 'luis-open' });
    registerLuisEndpoint(server, { recognizer: calls, appIds: [APP], logger });
    expect(logger.warnings.map((w) => w.msg)).toEqual([expect.stringMatching(/without LUIS_COMPAT_KEYS: answering loopback clients only/)]);
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const path = `/luis/prediction/v3.0/apps/${APP}/slots/production/predict`;
    const http = axios.create({ validateStatus: () => true });
    try {
      const remote = asRemoteClient(url);
      for (const [base, headers] of [[remote.base, remote.headers], [url, { 'x-forwarded-for': '203.0.113.5' }]] as const) {
        const get = await http.get(`${base}${path}`, { params: { query: 'where is my parcel' }, headers });
        expect(get.status).toBe(401);
        expect(get.data).toEqual({ error: { code: '401', message: expect.stringMatching(/subscription key/) } });
        const post = await http.post(`${base}${path}`, { query: 'where is my parcel' }, { headers });
        expect(post.status).toBe(401);
        // An unknown app id is not revealed either.
        expect((await http.get(`${base}/luis/prediction/v3.0/apps/00000000-0000-0000-0000-000000000000/slots/production/predict`, { params: { query: 'x' }, headers })).status).toBe(401);
      }
      expect(calls.calls).toEqual([]);
      const local = await http.get(`${url}${path}`, { params: { query: 'where is my parcel' } });
      expect(local.status).toBe(200);
      expect(calls.calls).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
