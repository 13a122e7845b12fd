/**
 * Recognizer selection by configuration: LUIS mode through the real LUIS runtime client against
 * LockerDesk's own LUIS v3-compatible endpoint (served by a running app), and the bounded fallback
 * to the embedded recognizer when the cloud endpoint is down.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { createLogger } from '../../../services/logging/logger';
import { createRecognizer } from '../../../services/nlu/createRecognizer';
import { EmbeddedRecognizer } from '../../../services/nlu/embedded/EmbeddedRecognizer';

const APP_ID = '3f2b8c1e-5d4a-4e6b-9c7d-1a2b3c4d5e6f';
let app: App;
let embedded: EmbeddedRecognizer;
let dead: Server;
const warnings: string[] = [];
const logger = { warn: (_o: object, msg: string) => void warnings.push(msg) };

beforeAll(async () => {
  app = await buildApp(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', LUIS_COMPAT_APP_IDS: APP_ID, LUIS_COMPAT_KEYS: 'secret-key' }), { logger: createLogger('silent') });
  embedded = EmbeddedRecognizer.load().recognizer;
  dead = createServer(() => undefined);
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
}, 90000);
afterAll(async () => {
  dead.closeAllConnections();
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  await app.close();
});

test('the embedded recognizer is the default', () => {
  expect(createRecognizer(loadConfig({}).nlu, embedded, () => [], logger)).toBe(embedded);
});

test('RECOGNIZER=luis classifies through the LUIS client against our own endpoint, entities from our extraction', async () => {
  const config = loadConfig({ RECOGNIZER: 'luis', LUIS_ENDPOINT: app.url, LUIS_APP_ID: APP_ID, LUIS_KEY: 'secret-key' });
  const r = await createRecognizer(config.nlu, embedded, () => [], logger).recognize('kur mano siunta CE482139075LT?');
  expect(r.source).toBe('luis');
  expect(r.intent).toBe('track');
  expect(r.entities.trackingNumbers.map((t) => t.value)).toEqual(['CE482139075LT']);
});

test('a wrong key is refused by the endpoint, and the bot falls back to the embedded recognizer', async () => {
  const config = loadConfig({ RECOGNIZER: 'luis', LUIS_ENDPOINT: app.url, LUIS_APP_ID: APP_ID, LUIS_KEY: 'wrong' });
  const r = await createRecognizer(config.nlu, embedded, () => [], logger).recognize('negavau sms kodo');
  expect(r.source).toBe('embedded-fallback');
  expect(r.intent).toBe('no_sms');
});

test('a cloud endpoint that never answers falls back within CLOUD_NLU_TIMEOUT_MS and is logged', async () => {
  const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
  const config = loadConfig({ RECOGNIZER: 'clu', CLU_ENDPOINT: url, CLU_KEY: 'k', CLU_PROJECT: 'p', CLU_DEPLOYMENT: 'd', CLOUD_NLU_TIMEOUT_MS: '300' });
  const started = Date.now();
  const r = await createRecognizer(config.nlu, embedded, () => [], logger).recognize('I want to talk to a person');
  expect(Date.now() - started).toBeLessThan(1000);
  expect(r.source).toBe('embedded-fallback');
  expect(r.intent).toBe('agent');
  expect(warnings.length).toBeGreaterThan(0);
});
