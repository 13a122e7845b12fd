/**
 * Accuracy of the embedded model as deployed (the artifact trained on all of language/nlu/*.tsv) on realistic.tsv: messages
 * written separately from the training data in the style of hurried customers (no diacritics,
 * typos, slang, two requests in one message, out-of-scope questions). None of these lines may be
 * in the training files, so this measures generalisation, not memory.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { loadTrainingData } from '../../../../services/nlu/trainingData';
import { evaluate, parseLabelledTsv, type Prediction } from '../../../../services/nlu/evaluation';
import { loadOrTrainModel } from '../../../../services/nlu/embedded/modelArtifact';
import { foldText } from '../../../../services/nlu/text';
import { LANGS } from '../../../../services/i18n/langs';
import { INTENTS } from '../../../../services/nlu/types';

const TARGET = 0.95;
const realistic = parseLabelledTsv(readFileSync(join(__dirname, 'realistic.tsv'), 'utf8'), 'realistic.tsv');
const training = loadTrainingData();
const key = (text: string) => foldText(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

describe('embedded intent model on independently written messages (realistic.tsv)', () => {
  it('has at least 60 lines per language, covering every intent', () => {
    for (const lang of LANGS) {
      const lines = realistic.filter((e) => e.lang === lang);
      expect(lines.length).toBeGreaterThanOrEqual(60);
      expect(new Set(lines.map((e) => e.intent)).size).toBe(INTENTS.length);
    }
  });

  it('shares no line with the training data', () => {
    const trained = new Set(training.map((e) => `${e.lang}|${key(e.text)}`));
    expect(realistic.filter((e) => trained.has(`${e.lang}|${key(e.text)}`)).map((e) => e.text)).toEqual([]);
  });

  it(`accuracy >= ${TARGET} per language`, () => {
    // The deployed model: the artifact globalSetup built from all of language/nlu (calibration does not change the top intent).
    const model = loadOrTrainModel().classifier;
    const predictions: Prediction[] = realistic.map((example) => {
      const top = model.predict(example.text).intents[0]!;
      return { example, predicted: top.intent, score: top.score };
    });
    const report = evaluate(predictions);
    const errors = report.misclassified.map((p) => `[${p.example.lang}] ${p.example.intent} -> ${p.predicted}: ${p.example.text}`);
    console.log(`realistic set: ${JSON.stringify(Object.fromEntries(Object.entries(report.byLang).map(([l, v]) => [l, Math.round(v.accuracy * 1000) / 1000])))}\n${errors.join('\n')}`);
    for (const lang of LANGS) expect(report.byLang[lang]?.accuracy).toBeGreaterThanOrEqual(TARGET);
  }, 60_000);
});
