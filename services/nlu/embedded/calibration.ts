/**
 * Temperature scaling: one scalar that turns raw softmax scores into calibrated probabilities,
 * fitted by minimising the negative log-likelihood of held-out predictions.
 */
import { softmax } from './softmax';

/** Mean negative log-likelihood of the true labels at a temperature. */
export function negLogLikelihood(logits: readonly ArrayLike<number>[], labels: readonly number[], temperature: number): number {
  let sum = 0;
  logits.forEach((l, i) => {
    const p = softmax(l, temperature)[labels[i] as number] as number;
    sum -= Math.log(Math.max(p, 1e-12));
  });
  return logits.length ? sum / logits.length : 0;
}

/**
 * The temperature in [0.05, 20] that minimises held-out NLL (golden-section search over its
 * logarithm; the NLL is unimodal in it). Returns 1 when there is nothing to fit.
 */
export function fitTemperature(logits: readonly ArrayLike<number>[], labels: readonly number[]): number {
  if (!logits.length) return 1;
  const f = (logT: number) => negLogLikelihood(logits, labels, Math.exp(logT));
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}
