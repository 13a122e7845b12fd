/**
 * The model artifact: a loaded model answers exactly as the trained one, the cache key follows the
 * training data, a stale or damaged artifact is retrained (never used), and the test run itself
 * loads the artifact globalSetup built instead of training.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  artifactPath,
  decodeModel,
  encodeModel,
  loadOrTrainModel,
  modelKey,
  trainModel,
} from '../../../../services/nlu/embedded/modelArtifact';
import { QuantizedLinear } from '../../../../services/nlu/embedded/quantized';
import { EmbeddedRecognizer } from '../../../../services/nlu/embedded/EmbeddedRecognizer';
import { FIXTURE_EXAMPLES } from '../fixtures';

const PROBES = [
  'kur mano siunta CE482139075LT?',
  'paštomatas neatsidaro',
  'I entered the wrong phone +37061234567',
  'где моя посылка',
  'ačiū',
  'what is the weather',
  '🙂',
  '',
];

const tempDir = () => mkdtempSync(join(tmpdir(), 'lockerdesk-nlu-'));

describe('model artifact', () => {
  const trained = trainModel(FIXTURE_EXAMPLES);

  it('decodes to a model with the same scores and language guesses as the trained one', () => {
    const file = encodeModel(trained, 'k1', FIXTURE_EXAMPLES.length);
    const { key, examples, bundle } = decodeModel(file);
    expect(key).toBe('k1');
    expect(examples).toBe(FIXTURE_EXAMPLES.length);
    expect(bundle.classifier.temperature).toBe(trained.classifier.temperature);
    for (const text of PROBES) {
      expect(bundle.classifier.predict(text)).toEqual(trained.classifier.predict(text));
      expect(bundle.detector.detect(text)).toEqual(trained.detector.detect(text));
    }
  });

  it('a loaded model stores back to the same bytes (its compact key tables give back every key in order)', () => {
    const file = encodeModel(trained, 'k1', FIXTURE_EXAMPLES.length);
    expect(encodeModel(decodeModel(file).bundle, 'k1', FIXTURE_EXAMPLES.length).equals(file)).toBe(true);
  });

  it('stores numbers in binary: no JSON array of numbers in the file', () => {
    const file = encodeModel(trained, 'k1');
    expect(file.subarray(0, 5).toString('latin1')).toBe('LDNLU');
    expect(file.toString('latin1')).not.toMatch(/\[\s*-?\d+\.\d+\s*,/);
  });

  it('rejects bytes that are not an artifact', () => {
    expect(() => decodeModel(Buffer.from('{"weights":[0.1,0.2]}'))).toThrow(/not a LockerDesk NLU model/);
  });

  it('the key changes with the training data', () => {
    const more = [...FIXTURE_EXAMPLES, { text: 'kur dingo mano siuntinys', intent: 'track' as const, lang: 'lt' as const }];
    expect(modelKey(FIXTURE_EXAMPLES)).toBe(modelKey([...FIXTURE_EXAMPLES]));
    expect(modelKey(more)).not.toBe(modelKey(FIXTURE_EXAMPLES));
    expect(modelKey(FIXTURE_EXAMPLES, { nbWeight: 0.3 })).not.toBe(modelKey(FIXTURE_EXAMPLES));
  });

  it('trains and writes when missing, loads when current, retrains when the data changed, and removes the old artifact', () => {
    const dir = tempDir();
    const first = loadOrTrainModel({ examples: FIXTURE_EXAMPLES, cacheDir: dir });
    expect(first.from).toBe('trained');
    expect(first.bytes).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([first.path.split('/').pop()]);

    const second = loadOrTrainModel({ examples: FIXTURE_EXAMPLES, cacheDir: dir });
    expect(second.from).toBe('cache');
    expect(second.classifier.predict('paštomatas neatsidaro')).toEqual(first.classifier.predict('paštomatas neatsidaro'));

    const changed = [...FIXTURE_EXAMPLES, { text: 'kur dingo mano siuntinys', intent: 'track' as const, lang: 'lt' as const }];
    const third = loadOrTrainModel({ examples: changed, cacheDir: dir });
    expect(third.from).toBe('trained');
    expect(third.key).not.toBe(first.key);
    expect(readdirSync(dir)).toEqual([third.path.split('/').pop()]);
  });

  it('retrains instead of using a damaged artifact', () => {
    const dir = tempDir();
    const key = modelKey(FIXTURE_EXAMPLES);
    const path = artifactPath(dir, key);
    loadOrTrainModel({ examples: FIXTURE_EXAMPLES, cacheDir: dir });
    writeFileSync(path, readFileSync(path).subarray(0, 100));
    const again = loadOrTrainModel({ examples: FIXTURE_EXAMPLES, cacheDir: dir });
    expect(again.from).toBe('trained');
    expect(again.reason).toMatch(/unreadable/);
    expect(loadOrTrainModel({ examples: FIXTURE_EXAMPLES, cacheDir: dir }).from).toBe('cache');
  });

  it('still answers when the cache cannot be written', () => {
    const dir = join(tempDir(), 'file');
    writeFileSync(dir, 'not a directory');
    const model = loadOrTrainModel({ examples: FIXTURE_EXAMPLES, cacheDir: dir });
    expect(model.from).toBe('trained');
    expect(model.writeError).toBeDefined();
    expect(model.classifier.predict('ačiū').intents[0]?.intent).toBe('thanks');
  });

  it('this test run loads the artifact globalSetup built for language/nlu instead of training', () => {
    const { recognizer, model } = EmbeddedRecognizer.load();
    expect(model.from).toBe('cache');
    expect(model.ms).toBeLessThan(5000);
    expect(recognizer.recognizeSync('kur mano siunta CE482139075LT?').intent).toBe('track');
  });
});

describe('QuantizedLinear', () => {
  it('blends two layers into one whose logits stay within the rounding bound of the float sum', () => {
    const classes = 3;
    const a = { weights: Float64Array.from([0.5, -1, 2, 0, 0, 0, 3, 1, -0.25]), bias: Float64Array.from([0.1, 0, -0.1]), factor: 1 };
    const b = { weights: Float64Array.from([1, 1, 1, 0, 0, 0, -2, 0.5, 0]), bias: Float64Array.from([0, 1, 0]), factor: 0.5 };
    const q = QuantizedLinear.blend([a, b], classes);
    const x = { indices: Int32Array.from([0, 2]), values: Float64Array.from([0.6, 0.8]) };
    const exact = [0, 1, 2].map((k) => a.bias[k]! + 0.5 * b.bias[k]! + 0.6 * (a.weights[k]! + 0.5 * b.weights[k]!) + 0.8 * (a.weights[6 + k]! + 0.5 * b.weights[6 + k]!));
    const got = q.logits(x);
    exact.forEach((v, k) => expect(Math.abs(got[k]! - v)).toBeLessThan((2.5 / 127) * 1.4));
    expect(q.weights.every((w) => w >= -127 && w <= 127)).toBe(true);
    expect(Array.from(q.weights.slice(3, 6))).toEqual([0, 0, 0]);
  });
});
