/**
 * Multinomial logistic regression (softmax) over sparse vectors, trained by seeded stochastic
 * gradient descent with L2 regularisation (Bottou's scaling trick keeps each step sparse) and
 * optional balanced class weights. Pure TypeScript and deterministic: the same vectors, labels
 * and options give bit-identical weights.
 */
import type { SparseVector } from './features';

export interface SoftmaxOptions {
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** L2 regularisation strength per example. Default 1e-5. */
  lambda?: number;
  /** Initial learning rate; decays as lr0 / (1 + lr0·lambda·t). Default 1. */
  learningRate?: number;
  /** Weight classes inversely to their frequency. Default false (the large `none` class keeps its weight, which favours "not understood" over a wrong flow). */
  balanced?: boolean;
  /** Seed of the shuffling order. Default 1. */
  seed?: number;
  /**
   * Return the mean of the weights at the end of the last `averageEpochs` epochs instead of the
   * last iterate (epoch-level Polyak averaging: smooths the SGD noise of the final steps). Default 0 (off).
   */
  averageEpochs?: number;
}

/**
 * Module-level copies: inside Jest's vm context every global lookup in a hot loop goes through
 * the context's global object, which made training about 20% slower there.
 */
const { exp, floor, imul } = Math;

/** mulberry32: a tiny, fast, seedable PRNG (deterministic across platforms). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Class scores of a linear model over a sparse vector: `bias + Wᵀx`, with `weights` laid out
 * feature-major (`weights[feature * classes + k]`). Shared by the softmax and naive Bayes models.
 */
export function linearLogits(weights: Float64Array, bias: Float64Array, classes: number, x: SparseVector, out: Float64Array): Float64Array {
  for (let k = 0; k < classes; k++) out[k] = bias[k] as number;
  const { indices, values } = x;
  for (let n = 0; n < indices.length; n++) {
    const base = (indices[n] as number) * classes;
    const v = values[n] as number;
    for (let k = 0; k < classes; k++) out[k] = (out[k] as number) + v * (weights[base + k] as number);
  }
  return out;
}

/** Trained weights; `logits()` gives unnormalised class scores. */
export class SoftmaxModel {
  constructor(
    /** Feature-major weights: `weights[feature * classes + class]`. */
    readonly weights: Float64Array,
    readonly bias: Float64Array,
    readonly classes: number,
  ) {}

  logits(x: SparseVector, out: Float64Array = new Float64Array(this.classes)): Float64Array {
    return linearLogits(this.weights, this.bias, this.classes, x, out);
  }

  /**
   * Trains on `xs` with labels `ys` in `0..classes-1`.
   * @throws Error when inputs are empty or lengths disagree.
   */
  static train(xs: readonly SparseVector[], ys: readonly number[], dim: number, classes: number, options: SoftmaxOptions = {}): SoftmaxModel {
    if (xs.length !== ys.length) throw new Error(`SoftmaxModel.train(): ${xs.length} vectors but ${ys.length} labels`);
    if (!xs.length) throw new Error('SoftmaxModel.train(): no training examples');
    const epochs = options.epochs ?? 10;
    const lambda = options.lambda ?? 1e-5;
    const lr0 = options.learningRate ?? 1;
    const random = seededRandom(options.seed ?? 1);
    const K = classes;
    const W = new Float64Array(dim * K);
    const b = new Float64Array(K);
    const classWeight = new Float64Array(K).fill(1);
    if (options.balanced ?? false) {
      const counts = new Float64Array(K);
      for (const y of ys) counts[y] = (counts[y] as number) + 1;
      const present = counts.filter((c) => c > 0).length;
      for (let k = 0; k < K; k++) classWeight[k] = counts[k] ? xs.length / (present * (counts[k] as number)) : 0;
    }
    const averageFrom = epochs - Math.min(epochs, Math.max(0, Math.floor(options.averageEpochs ?? 0)));
    const sumW = averageFrom < epochs ? new Float64Array(W.length) : undefined;
    const sumB = sumW ? new Float64Array(K) : undefined;
    const order = Array.from(xs, (_, i) => i);
    const scores = new Float64Array(K);
    let scale = 1;
    let t = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = floor(random() * (i + 1));
        const tmp = order[i] as number;
        order[i] = order[j] as number;
        order[j] = tmp;
      }
      for (const i of order) {
        const lr = lr0 / (1 + lr0 * lambda * t++);
        const { indices, values } = xs[i] as SparseVector;
        const y = ys[i] as number;
        const nnz = indices.length;
        // Feature-major: each feature's K weights are adjacent. Every class still sums its terms in
        // feature order, so the result is bit-identical to a class-by-class loop, only faster.
        scores.fill(0);
        for (let n = 0; n < nnz; n++) {
          const base = (indices[n] as number) * K;
          const v = values[n] as number;
          for (let k = 0; k < K; k++) scores[k] = (scores[k] as number) + v * (W[base + k] as number);
        }
        let max = -Infinity;
        for (let k = 0; k < K; k++) {
          const s = (scores[k] as number) * scale + (b[k] as number);
          scores[k] = s;
          if (s > max) max = s;
        }
        let z = 0;
        for (let k = 0; k < K; k++) {
          scores[k] = exp((scores[k] as number) - max);
          z += scores[k] as number;
        }
        const cw = classWeight[y] as number;
        scale *= 1 - lr * lambda;
        if (scale < 1e-6) {
          for (let q = 0; q < W.length; q++) W[q] = (W[q] as number) * scale;
          scale = 1;
        }
        const step = (lr * cw) / scale;
        for (let k = 0; k < K; k++) {
          const g = (scores[k] as number) / z - (k === y ? 1 : 0);
          scores[k] = g;
          b[k] = (b[k] as number) - lr * cw * g * 0.1;
        }
        for (let k = 0; k < K; k++) scores[k] = (scores[k] as number) * step;
        for (let n = 0; n < nnz; n++) {
          const base = (indices[n] as number) * K;
          const v = values[n] as number;
          for (let k = 0; k < K; k++) W[base + k] = (W[base + k] as number) - (scores[k] as number) * v;
        }
      }
      if (sumW && sumB && epoch >= averageFrom) {
        for (let q = 0; q < W.length; q++) sumW[q] = (sumW[q] as number) + (W[q] as number) * scale;
        for (let k = 0; k < K; k++) sumB[k] = (sumB[k] as number) + (b[k] as number);
      }
    }
    if (sumW && sumB) {
      const n = epochs - averageFrom;
      for (let q = 0; q < W.length; q++) W[q] = (sumW[q] as number) / n;
      for (let k = 0; k < K; k++) b[k] = (sumB[k] as number) / n;
      return new SoftmaxModel(W, b, K);
    }
    for (let q = 0; q < W.length; q++) W[q] = (W[q] as number) * scale;
    return new SoftmaxModel(W, b, K);
  }
}

/** Softmax of `logits / temperature`, numerically stable. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) max = Math.max(max, (logits[k] as number) / temperature);
  let z = 0;
  for (let k = 0; k < logits.length; k++) {
    out[k] = exp((logits[k] as number) / temperature - max);
    z += out[k] as number;
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) / z;
  return out;
}
