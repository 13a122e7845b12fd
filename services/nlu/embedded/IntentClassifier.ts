/**
 * The embedded intent model: normalised tokens -> TF-IDF character and word n-grams (and stem
 * skip-pairs) -> epoch-averaged softmax regression blended with complement naive Bayes ->
 * temperature-calibrated probabilities. One joint model over all languages
 * (character n-grams separate the scripts by themselves).
 */
import { INTENTS, type Intent, type IntentScore } from '../types';
import type { TrainingExample } from '../trainingData';
import { kFoldSplits } from '../evaluation';
import type { LocatedEntities } from '../entities';
import { PLACEHOLDERS, isWordToken, tokenize } from '../text';
import { FeatureSpace, type EncodedText, type FeatureOptions, type SparseVector } from './features';
import { SoftmaxModel, softmax, type SoftmaxOptions } from './softmax';
import { fitTemperature } from './calibration';
import { NaiveBayesModel, type NaiveBayesOptions } from './naiveBayes';
import { QuantizedLinear } from './quantized';

export interface IntentClassifierOptions {
  features?: FeatureOptions;
  softmax?: SoftmaxOptions;
  /** Naive Bayes blended into the softmax scores. */
  naiveBayes?: NaiveBayesOptions;
  /** Weight of the naive Bayes scores added to the softmax logits (0 = softmax only). Default 0.5. */
  nbWeight?: number;
  /**
   * `'cv'` (default): temperature fitted on out-of-fold predictions of `calibrationFolds` extra
   * trainings; a number: that temperature, no extra training (for evaluation runs).
   */
  temperature?: number | 'cv';
  /** Folds for temperature fitting. Default 3. */
  calibrationFolds?: number;
}

/** Scores for one text, or `signal: false` when the text has no words the model could use. */
export interface IntentPrediction {
  signal: boolean;
  intents: IntentScore[];
}

interface Fitted {
  space: FeatureSpace;
  model: SoftmaxModel;
  nb?: NaiveBayesModel;
  nbWeight: number;
}

function logitsOf(f: Fitted, x: SparseVector): Float64Array {
  const out = f.model.logits(x);
  if (!f.nb || !f.nbWeight) return out;
  const nb = f.nb.logits(x);
  for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) + f.nbWeight * (nb[k] as number);
  return out;
}

/** Chosen by 5-fold cross-validation (0.3 / 0.5 / 1 / 2): half-weight complement NB adds about a point per language. */
const DEFAULT_NB_WEIGHT = 0.5;

/**
 * Softmax settings of the intent model (overridable per key through `options.softmax`). Against
 * the layer's own defaults (10 epochs, lambda 1e-5, last iterate), weaker L2 with twice the passes
 * and the mean of the last 10 epoch-end weights (with {@link DEFAULT_FEATURES}) gained 0.3–0.7
 * points of 5-fold CV per language (issue 11; the gain held on three fold assignments), for about
 * twice the training time. Lower lambda alone, more epochs alone, seed ensembles, class balance,
 * other NB weights or n-gram ranges moved CV by less than the fold-to-fold noise.
 */
const DEFAULT_SOFTMAX: SoftmaxOptions = { epochs: 20, lambda: 2e-6, averageEpochs: 10 };

/** Feature settings of the intent model: stem pairs one word apart ("noriu … paštomatą") are part of the CV gain above. */
const DEFAULT_FEATURES: FeatureOptions = { skipGrams: true };

function fit(space: FeatureSpace, encoded: readonly EncodedText[], labels: readonly number[], options: IntentClassifierOptions): Fitted {
  const foldSpace = space.withIdfFrom(encoded);
  const xs = encoded.map((e) => foldSpace.weigh(e));
  const nbWeight = options.nbWeight ?? DEFAULT_NB_WEIGHT;
  const model = SoftmaxModel.train(xs, labels, space.size, INTENTS.length, { ...DEFAULT_SOFTMAX, ...options.softmax });
  const nb = nbWeight ? NaiveBayesModel.train(xs, labels, space.size, INTENTS.length, { alpha: 0.03, ...options.naiveBayes }) : undefined;
  return { space: foldSpace, model, nb, nbWeight };
}

/** Words, or a tracking or phone number (a bare tracking number is a request to track it). */
function hasSignal(token: string): boolean {
  return isWordToken(token) || token === PLACEHOLDERS.tracking || token === PLACEHOLDERS.phone;
}

/** Uniform scores with `none` first: the defined answer for text without signal. */
export function noSignalScores(): IntentScore[] {
  const order: Intent[] = ['none', ...INTENTS.filter((i) => i !== 'none')];
  return order.map((intent) => ({ intent, score: 1 / INTENTS.length }));
}

/** What a trained classifier is made of: stored in the model artifact, see `modelArtifact.ts`. */
export interface IntentClassifierParts {
  /** The intents in the order of the weight columns. */
  intents: readonly Intent[];
  space: FeatureSpace;
  linear: QuantizedLinear;
  temperature: number;
}

/** Blends the softmax and naive Bayes layers of `f` into one quantised layer (the deployed form). */
function deployed(f: Fitted): QuantizedLinear {
  const parts = [{ weights: f.model.weights, bias: f.model.bias, factor: 1 }];
  if (f.nb && f.nbWeight) parts.push({ weights: f.nb.weights, bias: f.nb.bias, factor: f.nbWeight });
  return QuantizedLinear.blend(parts, INTENTS.length);
}

export class IntentClassifier {
  private constructor(
    private readonly space: FeatureSpace,
    private readonly linear: QuantizedLinear,
    /** The fitted calibration temperature. */
    readonly temperature: number,
  ) {}

  /**
   * A classifier from stored parts.
   * @throws Error when the parts were made for another list of intents or do not fit together.
   */
  static fromParts(parts: IntentClassifierParts): IntentClassifier {
    if (parts.intents.join(',') !== INTENTS.join(',')) {
      throw new Error(`IntentClassifier.fromParts(): the model knows [${parts.intents.join(', ')}], this code [${INTENTS.join(', ')}]`);
    }
    if (parts.space.size !== parts.linear.dim) throw new Error(`IntentClassifier.fromParts(): ${parts.space.size} features but ${parts.linear.dim} weight rows`);
    return new IntentClassifier(parts.space, parts.linear, parts.temperature);
  }

  /** The parts to store (see {@link fromParts}). */
  toParts(): IntentClassifierParts {
    return { intents: INTENTS, space: this.space, linear: this.linear, temperature: this.temperature };
  }

  /**
   * Trains on `examples`. Deterministic: the same examples in the same order give the same model.
   * @throws Error when `examples` is empty.
   */
  static train(examples: readonly TrainingExample[], options: IntentClassifierOptions = {}): IntentClassifier {
    if (!examples.length) throw new Error('IntentClassifier.train(): no training examples');
    const tokens = examples.map((e) => tokenize(e.text));
    const space = FeatureSpace.fit(tokens, { ...DEFAULT_FEATURES, ...options.features });
    const encodedOf = new Map<TrainingExample, EncodedText>();
    examples.forEach((e, i) => encodedOf.set(e, space.encode(tokens[i] as string[])));
    const encoded = (list: readonly TrainingExample[]) => list.map((e) => encodedOf.get(e) as EncodedText);
    const labels = (list: readonly TrainingExample[]) => list.map((e) => INTENTS.indexOf(e.intent));

    const fitted = fit(space, encoded(examples), labels(examples), options);
    let temperature = typeof options.temperature === 'number' ? options.temperature : 1;
    const k = options.calibrationFolds ?? 3;
    const intents = new Set(examples.map((e) => e.intent));
    if ((options.temperature ?? 'cv') === 'cv' && examples.length >= 10 * k && intents.size > 1) {
      const logits: Float64Array[] = [];
      const truth: number[] = [];
      for (const split of kFoldSplits(examples, k, 7)) {
        const f = fit(space, encoded(split.train), labels(split.train), options);
        for (const e of split.test) {
          logits.push(logitsOf(f, f.space.weigh(encodedOf.get(e) as EncodedText)));
          truth.push(INTENTS.indexOf(e.intent));
        }
      }
      temperature = fitTemperature(logits, truth);
    }
    // Exactly what the artifact keeps (32-bit IDF, quantised blended weights), so a trained and a loaded model agree.
    const space32 = fitted.space.with32BitIdf();
    return new IntentClassifier(space32, deployed(fitted), temperature);
  }

  /** Calibrated scores for `text`, best first; `located`: its entities when already known. */
  predict(text: string, located?: LocatedEntities): IntentPrediction {
    return this.predictTokens(tokenize(text, located));
  }

  /** As {@link predict}, for already tokenised text. */
  predictTokens(tokens: readonly string[]): IntentPrediction {
    if (!tokens.some(hasSignal)) return { signal: false, intents: noSignalScores() };
    const x = this.space.vectorize(tokens);
    if (!x.indices.length) return { signal: false, intents: noSignalScores() };
    const probs = softmax(this.linear.logits(x), this.temperature);
    const intents = INTENTS.map((intent, k) => ({ intent, score: probs[k] as number }));
    intents.sort((a, b) => b.score - a.score || INTENTS.indexOf(a.intent) - INTENTS.indexOf(b.intent));
    return { signal: true, intents };
  }
}
