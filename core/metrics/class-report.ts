/**
 * What a classifier says about a set of generated images (the "classifier histogram" check of
 * generative models, e.g. the mode-coverage count of Srivastava et al. 2017 on stacked MNIST):
 * from class probabilities p [n, K] (rows summing to 1), the predicted class argmax_k p_ik, the
 * fraction of images predicted as each class, the mean confidence (1/n) Σ_i max_k p_ik, and the
 * fraction with confidence above a threshold. Host arrays in, plain numbers out.
 */

export interface ClassReport {
  readonly n: number;
  readonly classes: number;
  /** Fraction of images predicted as each class (sums to 1). */
  readonly histogram: readonly number[];
  /** Mean of max_k p_ik. */
  readonly meanConfidence: number;
  readonly threshold: number;
  /** Fraction of images with max_k p_ik > threshold. */
  readonly confidentFraction: number;
  /** Number of classes predicted at least once. */
  readonly classesPresent: number;
  readonly predicted: Int32Array;
}

export function classReport(probs: ArrayLike<number>, classes: number, threshold = 0.9): ClassReport {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`classReport: classes must be a positive integer, got ${classes}`);
  if (probs.length === 0 || probs.length % classes !== 0) throw new RangeError(`classReport: ${probs.length} probabilities are not a non-empty whole number of rows of ${classes}`);
  if (!(threshold >= 0 && threshold < 1)) throw new RangeError(`classReport: threshold must be in [0, 1), got ${threshold}`);
  const n = probs.length / classes;
  const counts = new Array<number>(classes).fill(0);
  const predicted = new Int32Array(n);
  let conf = 0;
  let confident = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k] > probs[i * classes + best]) best = k;
    const p = probs[i * classes + best];
    if (!Number.isFinite(p)) throw new RangeError(`classReport: probability ${p} in row ${i}`);
    predicted[i] = best;
    counts[best]++;
    conf += p;
    if (p > threshold) confident++;
  }
  return {
    n, classes, histogram: counts.map((c) => c / n), meanConfidence: conf / n, threshold,
    confidentFraction: confident / n, classesPresent: counts.filter((c) => c > 0).length, predicted,
  };
}
