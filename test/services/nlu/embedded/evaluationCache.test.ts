/**
 * The evaluation cache: a classifier read back predicts exactly as the one trained, a different
 * training set or option trains anew, a damaged file is never used, `enabled: false` writes
 * nothing, and old files are pruned.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { MAX_FILES, evaluationKey, evaluationPlan, loadOrTrainClassifier } from '../../../../services/nlu/embedded/evaluationCache';
import { IntentClassifier } from '../../../../services/nlu/embedded/IntentClassifier';
import { FIXTURE_EXAMPLES } from '../fixtures';

const PROBES = ['kur mano siunta CE482139075LT?', 'paštomatas neatsidaro', 'I entered the wrong phone +37061234567', 'где моя посылка', 'ačiū', '', 'what is the weather'];
const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockerdesk-eval-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const OPTIONS = { temperature: 1 };

describe('evaluation cache', () => {
  it('trains once, then loads a classifier that predicts exactly as a freshly trained one', () => {
    const dir = tempDir();
    const first = loadOrTrainClassifier(FIXTURE_EXAMPLES, OPTIONS, { dir });
    expect(first.from).toBe('trained');
    expect(readdirSync(dir)).toHaveLength(1);
    const second = loadOrTrainClassifier(FIXTURE_EXAMPLES, OPTIONS, { dir });
    expect(second.from).toBe('cache');
    const fresh = IntentClassifier.train(FIXTURE_EXAMPLES, OPTIONS);
    for (const text of PROBES) expect(second.classifier.predict(text)).toEqual(fresh.predict(text));
  });

  it('keeps the fitted calibration temperature of the deployed options', () => {
    const dir = tempDir();
    const trained = loadOrTrainClassifier(FIXTURE_EXAMPLES, {}, { dir }).classifier;
    expect(trained.temperature).not.toBe(1);
    const loaded = loadOrTrainClassifier(FIXTURE_EXAMPLES, {}, { dir });
    expect(loaded.from).toBe('cache');
    expect(loaded.classifier.temperature).toBe(trained.temperature);
    for (const text of PROBES) expect(loaded.classifier.predict(text)).toEqual(trained.predict(text));
  });

  it('keys by the training examples and the options: either changed trains anew', () => {
    const dir = tempDir();
    loadOrTrainClassifier(FIXTURE_EXAMPLES, OPTIONS, { dir });
    expect(loadOrTrainClassifier(FIXTURE_EXAMPLES.slice(1), OPTIONS, { dir }).from).toBe('trained');
    expect(loadOrTrainClassifier(FIXTURE_EXAMPLES, { temperature: 2 }, { dir }).from).toBe('trained');
    const edited = FIXTURE_EXAMPLES.map((e, i) => (i === 0 ? { ...e, text: `${e.text} x` } : e));
    expect(evaluationKey(edited, OPTIONS)).not.toBe(evaluationKey(FIXTURE_EXAMPLES, OPTIONS));
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('never uses a damaged file: it trains and overwrites it', () => {
    const dir = tempDir();
    loadOrTrainClassifier(FIXTURE_EXAMPLES, OPTIONS, { dir });
    const [name] = readdirSync(dir);
    writeFileSync(join(dir, name!), 'LDNLU garbage');
    expect(loadOrTrainClassifier(FIXTURE_EXAMPLES, OPTIONS, { dir }).from).toBe('trained');
    expect(loadOrTrainClassifier(FIXTURE_EXAMPLES, OPTIONS, { dir }).from).toBe('cache');
  });

  it('when disabled, trains every time and writes nothing', () => {
    const dir = join(tempDir(), 'eval');
    expect(loadOrTrainClassifier(FIXTURE_EXAMPLES, OPTIONS, { dir, enabled: false }).from).toBe('trained');
    expect(existsSync(dir)).toBe(false);
  });

  it(`keeps the newest ${MAX_FILES} files`, () => {
    const dir = tempDir();
    loadOrTrainClassifier(FIXTURE_EXAMPLES, OPTIONS, { dir });
    const [kept] = readdirSync(dir);
    const old = new Date(Date.now() - 86_400_000);
    for (let i = 0; i < MAX_FILES; i++) {
      const p = join(dir, `classifier-${i.toString(16).padStart(24, '0')}.bin`);
      writeFileSync(p, 'x');
      utimesSync(p, old, old);
    }
    loadOrTrainClassifier(FIXTURE_EXAMPLES, { temperature: 3 }, { dir });
    const left = readdirSync(dir);
    expect(left).toHaveLength(MAX_FILES);
    expect(left).toContain(kept);
  });

  it('plans the held-out split with the deployed options, then the folds at temperature 1', () => {
    const plan = evaluationPlan(FIXTURE_EXAMPLES);
    expect(plan.map((p) => p.name)).toEqual(['held-out', 'fold-1', 'fold-2', 'fold-3', 'fold-4', 'fold-5']);
    expect(plan[0]!.options).toEqual({});
    expect(plan.slice(1).every((p) => p.options.temperature === 1)).toBe(true);
  });
});
