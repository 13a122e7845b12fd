/**
 * Accuracy of the embedded model on the real training data (language/nlu/*.tsv): a deterministic
 * 15% held-out split and 5-fold cross-validation, both required to reach 95% in every language
 * (below it only where a floor is recorded, and never below that floor).
 *
 * The six trainings ({@link evaluationPlan}) come from the evaluation cache when this trainer has
 * already trained them on this data (`services/nlu/embedded/evaluationCache.ts`: keyed like the
 * deployed model plus the Node version, a loaded classifier predicts exactly as a trained one); `npm test` fills it
 * before jest starts (`nlu-build --evaluation`), and any change to the data or the trainer trains
 * again. `NLU_EVAL_CACHE=off` trains them here.
 */
import { loadTrainingData, type TrainingExample } from '../../../../services/nlu/trainingData';
import { evaluate, type Prediction } from '../../../../services/nlu/evaluation';
import type { IntentClassifier } from '../../../../services/nlu/embedded/IntentClassifier';
import { CV_FOLDS, HELD_OUT_FRACTION, evaluationPlan, loadOrTrainClassifier } from '../../../../services/nlu/embedded/evaluationCache';
import { LANGS } from '../../../../services/i18n/langs';

const TARGET = 0.95;
/**
 * Where a language is still below TARGET since the 14-intent model of issue 11 (no_sms,
 * damaged_parcel, billing, complaint, other_problem), the figure it measured then is its floor: it
 * must not fall further, and issue 11 stays open until every floor is TARGET again. A floor above
 * TARGET never applies (`floorOf` takes the smaller). lt and ru reached TARGET on the held-out split
 * with the issue 11 training lines and model (0.9505 / 0.9581) and lost their held-out floors.
 */
const HELD_OUT_FLOOR: Record<string, number> = { en: 0.936 };
const CV_FLOOR: Record<string, number> = { lt: 0.944, en: 0.937, ru: 0.944 };
const floorOf = (floors: Record<string, number>, lang: string) => Math.min(TARGET, floors[lang] ?? TARGET);
const data = loadTrainingData();
const plan = evaluationPlan(data);

/**
 * The held-out split and its calibrated model, trained once for the two tests that use it: the
 * temperature scales every logit alike, so the calibrated model ranks intents exactly as the
 * uncalibrated one (the same fitted weights) and the held-out accuracy is the same figure.
 */
let heldOut: { train: TrainingExample[]; test: TrainingExample[]; model: IntentClassifier } | undefined;
function heldOutModel() {
  if (!heldOut) {
    const { train, test, options } = plan[0]!;
    heldOut = { train, test, model: loadOrTrainClassifier(train, options).classifier };
  }
  return heldOut;
}

function predictions(test: readonly TrainingExample[], model: IntentClassifier): Prediction[] {
  return test.map((example) => {
    const top = model.predict(example.text).intents[0]!;
    return { example, predicted: top.intent, score: top.score };
  });
}

function perLanguage(p: readonly Prediction[]): Record<string, number> {
  const r = evaluate(p);
  return Object.fromEntries(Object.entries(r.byLang).map(([lang, l]) => [lang, Math.round(l.accuracy * 10000) / 10000]));
}

describe('embedded intent model accuracy (language/nlu)', () => {
  it('has training data in every language', () => {
    for (const lang of LANGS) expect(data.filter((e) => e.lang === lang).length).toBeGreaterThan(100);
  });

  it(`evaluates a ${HELD_OUT_FRACTION} held-out split and ${CV_FOLDS} folds that each cover the data once`, () => {
    const [split, ...folds] = plan;
    expect(split!.name).toBe('held-out');
    expect(split!.train.length + split!.test.length).toBe(data.length);
    expect(Math.abs(split!.test.length / data.length - HELD_OUT_FRACTION)).toBeLessThan(0.02);
    expect(folds).toHaveLength(CV_FOLDS);
    const tested = folds.flatMap((f) => f.test);
    expect(tested).toHaveLength(data.length);
    expect(new Set(tested).size).toBe(data.length);
    for (const f of folds) {
      expect(f.options).toEqual({ temperature: 1 });
      expect(f.train.length + f.test.length).toBe(data.length);
      const testSet = new Set(f.test);
      expect(f.train.some((e) => testSet.has(e))).toBe(false);
    }
  });

  it(`held-out accuracy >= ${TARGET} per language (or its recorded floor, see HELD_OUT_FLOOR)`, () => {
    const { train, test, model } = heldOutModel();
    const acc = perLanguage(predictions(test, model));
    console.log(`held-out (train ${train.length}, test ${test.length}):`, JSON.stringify(acc), `target ${TARGET}, floors`, JSON.stringify(HELD_OUT_FLOOR));
    for (const lang of LANGS) expect(acc[lang]).toBeGreaterThanOrEqual(floorOf(HELD_OUT_FLOOR, lang));
  }, 60_000);

  it(`5-fold cross-validation accuracy >= ${TARGET} per language (or its recorded floor, see CV_FLOOR)`, () => {
    const all = plan.slice(1).flatMap((s) => predictions(s.test, loadOrTrainClassifier(s.train, s.options).classifier));
    const acc = perLanguage(all);
    console.log(`5-fold CV (${data.length} examples):`, JSON.stringify(acc), `target ${TARGET}, floors`, JSON.stringify(CV_FLOOR));
    for (const lang of LANGS) expect(acc[lang]).toBeGreaterThanOrEqual(floorOf(CV_FLOOR, lang));
  }, 120_000);

  it('the calibrated model is not over-confident on held-out data', () => {
    const { test, model } = heldOutModel();
    const scored = test.map((e) => {
      const top = model.predict(e.text).intents[0]!;
      return { confidence: top.score, correct: top.intent === e.intent };
    });
    const meanConfidence = scored.reduce((s, x) => s + x.confidence, 0) / scored.length;
    const accuracy = scored.filter((x) => x.correct).length / scored.length;
    console.log(`calibration: temperature ${model.temperature.toFixed(3)}, mean confidence ${meanConfidence.toFixed(3)}, accuracy ${accuracy.toFixed(3)}`);
    expect(Math.abs(meanConfidence - accuracy)).toBeLessThan(0.05);
  }, 60_000);
});
