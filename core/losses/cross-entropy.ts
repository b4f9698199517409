/**
 * Softmax cross-entropy of logits z [n, K] against one-hot (or soft) targets y [n, K]:
 *   L = (1/n) Σ_i [logsumexp_k z_ik − Σ_k y_ik z_ik]   (the negative log-likelihood of a categorical
 * model with p = softmax(z); Bishop 2006, eq. 4.108), written with logsumexp so it never overflows.
 */
import type { Tensor } from '../tensor/tensor.js';
import { mul, sub } from '../tensor/ops/elementwise.js';
import { logsumexp, mean, sum } from '../tensor/ops/reduce.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';

export function softmaxCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  if (logits.rank !== 2 || targets.rank !== 2 || logits.shape[0] !== targets.shape[0] || logits.shape[1] !== targets.shape[1]) {
    throw new ShapeError(`softmaxCrossEntropy: logits and targets must both be [n, K], got ${shapeToString(logits.shape)} and ${shapeToString(targets.shape)}`);
  }
  return mean(sub(logsumexp(logits, 1), sum(mul(targets, logits), 1)));
}
