/**
 * The models of the accuracy evaluation (a held-out split and k-fold cross-validation over
 * `language/nlu/*.tsv`), kept on disk like the deployed model, so that the test suite and
 * `npm run nlu:build -- --evaluation` do not train the same folds on the same data every run.
 *
 * **Plan.** {@link evaluationPlan} is the one list of trainings the accuracy suite runs
 * (`test/services/nlu/embedded/accuracy.test.ts`): the held-out split with the deployed options
 * (its calibration is checked too) and every cross-validation fold at temperature 1.
 *
 * **Key.** A cached classifier is valid for {@link modelKey} of its training examples and options
 * (artifact format, trainer sources, intents, every example), the Node version that trained it
 * (V8's `Math.exp`, ICU's case folding and Unicode classes may differ between releases) and the
 * libphonenumber-js version (its metadata decides which spans become `<phone>`); anything else
 * trains anew. (The deployed model's key leaves the last two out on purpose: an App Service
 * runtime one patch release away from the build machine must not retrain at start.)
 * A trained and a loaded classifier give the same predictions (32-bit IDF and quantised weights
 * are what the artifact keeps; `modelArtifact.test.ts`), so a figure from the cache is the figure
 * training would give. `NLU_EVAL_CACHE=off` trains every time and writes nothing.
 *
 * Files: `.cache/nlu/eval/classifier-<key>.bin` in the artifact format with an empty language
 * detector (the evaluation does not use it); the oldest beyond {@link MAX_FILES} are removed.
 */
import { createHash } from 'crypto';
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync, utimesSync } from 'fs';
import { dirname, join } from 'path';
import type { TrainingExample } from '../trainingData';
import { holdOutSplit, kFoldSplits } from '../evaluation';
import { LanguageDetector } from '../language';
import { IntentClassifier, type IntentClassifierOptions } from './IntentClassifier';
import { decodeModel, defaultCacheDir, encodeModel, modelKey, writeFileAtomically } from './modelArtifact';

/** One training of the evaluation: train on `train` with `options`, score `test`. */
export interface EvaluationTraining {
  name: string;
  train: TrainingExample[];
  test: TrainingExample[];
  options: IntentClassifierOptions;
}

/** Held-out share of the accuracy suite. */
export const HELD_OUT_FRACTION = 0.15;
/** Cross-validation folds of the accuracy suite. */
export const CV_FOLDS = 5;
/** Folds score the top intent only: calibration does not change it, so they skip temperature fitting. */
export const FOLD_OPTIONS: IntentClassifierOptions = { temperature: 1 };
/** Classifier files kept in the cache directory (a few generations of the plan). */
export const MAX_FILES = 24;

/** The held-out split (deployed options, calibrated) and the cross-validation folds, in that order. */
export function evaluationPlan(data: readonly TrainingExample[]): EvaluationTraining[] {
  const heldOut = holdOutSplit(data, HELD_OUT_FRACTION);
  return [
    { name: 'held-out', train: heldOut.train, test: heldOut.test, options: {} },
    ...kFoldSplits(data, CV_FOLDS).map((s, i) => ({ name: `fold-${i + 1}`, train: s.train, test: s.test, options: FOLD_OPTIONS })),
  ];
}

export interface CachedClassifier {
  classifier: IntentClassifier;
  from: 'cache' | 'trained';
  ms: number;
}

export interface EvaluationCacheOptions {
  /** Default `.cache/nlu/eval`. */
  dir?: string;
  /** Default: on unless `NLU_EVAL_CACHE=off`. */
  enabled?: boolean;
}

export function evaluationCacheDir(): string {
  return join(defaultCacheDir(), 'eval');
}

/** The cache key of a classifier trained on `train` with `options` by this code on this engine. */
export function evaluationKey(train: readonly TrainingExample[], options: IntentClassifierOptions): string {
  return createHash('sha256')
    .update(`node ${process.version} icu ${process.versions.icu ?? ''} unicode ${process.versions.unicode ?? ''}\n`)
    .update(`libphonenumber-js ${PHONE_LIBRARY_VERSION}\nmodel ${modelKey(train, options, defaultCacheDir())}\n`)
    .digest('hex');
}

/** Where the classifier of evaluation key `key` is kept (whether or not it is there). */
export function evaluationPath(key: string, dir: string = evaluationCacheDir()): string {
  return join(dir, `classifier-${key.slice(0, 24)}.bin`);
}

/** The installed libphonenumber-js version (the package exports its package.json). */
const PHONE_LIBRARY_VERSION = String((require('libphonenumber-js/package.json') as { version?: string }).version);

const EMPTY_DETECTOR = () => LanguageDetector.fromParts({ grams: [], lt: new Uint32Array(0), en: new Uint32Array(0), ru: new Uint32Array(0) });

/**
 * The classifier for `train` and `options`: read from the cache when its key matches, else
 * trained and written (atomically; a read-only or full disk only costs the write).
 */
export function loadOrTrainClassifier(train: readonly TrainingExample[], options: IntentClassifierOptions, cache: EvaluationCacheOptions = {}): CachedClassifier {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  const enabled = cache.enabled ?? process.env.NLU_EVAL_CACHE !== 'off';
  if (!enabled) return { classifier: IntentClassifier.train(train, options), from: 'trained', ms: elapsed() };
  const key = evaluationKey(train, options);
  const path = evaluationPath(key, cache.dir);
  if (existsSync(path)) {
    try {
      const decoded = decodeModel(readFileSync(path));
      if (decoded.key === key) {
        touch(path);
        return { classifier: decoded.bundle.classifier, from: 'cache', ms: elapsed() };
      }
    } catch {
      /* unreadable: train again and overwrite */
    }
  }
  const classifier = IntentClassifier.train(train, options);
  try {
    writeFileAtomically(path, encodeModel({ classifier, detector: EMPTY_DETECTOR() }, key, train.length));
    prune(dirname(path));
  } catch {
    /* the classifier is still used */
  }
  return { classifier, from: 'trained', ms: elapsed() };
}

/** Marks a file as used now, so pruning goes by last use (best effort). */
function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    /* read-only cache: pruning then goes by write time */
  }
}

/** Removes the least recently used classifier files beyond {@link MAX_FILES}, and temporary files left by a crash (older than an hour). */
function prune(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!/^classifier-[0-9a-f]+\.bin\.\d+\.tmp$/.test(name)) continue;
    try {
      if (Date.now() - statSync(join(dir, name)).mtimeMs > 3_600_000) unlinkSync(join(dir, name));
    } catch {
      /* removed by another process */
    }
  }
  const files = readdirSync(dir)
    .filter((n) => /^classifier-[0-9a-f]+\.bin$/.test(n))
    .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const f of files.slice(MAX_FILES)) {
    try {
      unlinkSync(f.path);
    } catch {
      /* removed by another process */
    }
  }
}
