/**
 * Multinomial and complement naive Bayes over the same sparse TF-IDF vectors as the softmax model
 * (Rennie et al. 2003). Naive Bayes learns well from a single occurrence of a word, where
 * regularised regression barely moves, so blending the two helps on short, rare-word messages.
 * Deterministic: no randomness at all.
 */
import type { SparseVector } from './features';
import { linearLogits } from './softmax';

export interface NaiveBayesOptions {
  /** Additive smoothing. Default 0.1. */
  alpha?: number;
  /** `complement` (default) estimates each class from all other classes, which is steadier for small classes. */
  variant?: 'multinomial' | 'complement';
}

/** Trained log-weights; `logits()` gives scores comparable across classes (mean-centred). */
export class NaiveBayesModel {
  private constructor(
    /** Feature-major weights: `weights[feature * classes + class]`. */
    readonly weights: Float64Array,
    readonly bias: Float64Array,
    readonly classes: number,
  ) {}

  logits(x: SparseVector, out: Float64Array = new Float64Array(this.classes)): Float64Array {
    return linearLogits(this.weights, this.bias, this.classes, x, out);
  }

  /**
   * Fits on `xs` with labels `ys` in `0..classes-1`.
   * @throws Error when inputs are empty or lengths disagree.
   */
  static train(xs: readonly SparseVector[], ys: readonly number[], dim: number, classes: number, options: NaiveBayesOptions = {}): NaiveBayesModel {
    if (xs.length !== ys.length) throw new Error(`NaiveBayesModel.train(): ${xs.length} vectors but ${ys.length} labels`);
    if (!xs.length) throw new Error('NaiveBayesModel.train(): no training examples');
    const alpha = options.alpha ?? 0.1;
    const complement = (options.variant ?? 'complement') === 'complement';
    const K = classes;
    const sums = new Float64Array(dim * K);
    const totals = new Float64Array(K);
    const featureTotals = new Float64Array(dim);
    const counts = new Float64Array(K);
    xs.forEach((x, i) => {
      const y = ys[i] as number;
      counts[y] = (counts[y] as number) + 1;
      for (let n = 0; n < x.indices.length; n++) {
        const f = x.indices[n] as number;
        const v = x.values[n] as number;
        sums[f * K + y] = (sums[f * K + y] as number) + v;
        totals[y] = (totals[y] as number) + v;
        featureTotals[f] = (featureTotals[f] as number) + v;
      }
    });
    const grand = totals.reduce((s, t) => s + t, 0);
    const weights = new Float64Array(dim * K);
    for (let k = 0; k < K; k++) {
      const denom = Math.log((complement ? grand - (totals[k] as number) : (totals[k] as number)) + alpha * dim);
      for (let f = 0; f < dim; f++) {
        const c = complement ? (featureTotals[f] as number) - (sums[f * K + k] as number) : (sums[f * K + k] as number);
        const w = Math.log(c + alpha) - denom;
        weights[f * K + k] = complement ? -w : w;
      }
    }
    // Centre every feature's weights so unseen classes and absent features do not shift scores.
    for (let f = 0; f < dim; f++) {
      let mean = 0;
      for (let k = 0; k < K; k++) mean += weights[f * K + k] as number;
      mean /= K;
      for (let k = 0; k < K; k++) weights[f * K + k] = (weights[f * K + k] as number) - mean;
    }
    const bias = new Float64Array(K);
    if (!complement) for (let k = 0; k < K; k++) bias[k] = Math.log(((counts[k] as number) + 1) / (xs.length + K));
    return new NaiveBayesModel(weights, bias, K);
  }
}
