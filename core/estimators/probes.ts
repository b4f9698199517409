/**
 * Probes of the Hutchinson-type estimators (Hutchinson 1989; Skilling 1989): random directions v
 * with E[vvᵀ] = I, Rademacher or Gaussian, keyed by their index, and the basis directions of exact
 * traces. Samples of a batch are independent, so one JVP with per-sample directions V: [n, D] gives
 * J_i v_i for every sample i (J_i = ∂f(x_i)/∂x_i) and one VJP gives J_iᵀ v_i.
 */
import { foldIn, type PRNGKey } from '../random/key.js';
import { normal, rademacher } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FloatDType } from '../tensor/dtype.js';
import { fromArray } from '../tensor/create.js';
import { broadcastTo } from '../tensor/ops/manipulate.js';

/** Probe distributions (E[vvᵀ] = I for both). */
export type ProbeKind = 'rademacher' | 'gaussian';

export function probe(kind: ProbeKind, k: PRNGKey, like: Tensor): Tensor {
  const opts = { backend: like.backend, dtype: like.dtype as FloatDType };
  return kind === 'rademacher' ? rademacher(k, like.shape, opts) : normal(k, like.shape, opts);
}

/** Probes number j of a loss, keyed by its index. */
export const probeKey = (k: PRNGKey, j: number): PRNGKey => foldIn(k, j);

/** The D basis directions e_j, each broadcast over the batch: x's shape [n, D]. */
export function basisDirections(x: Tensor): Tensor[] {
  const D = x.shape[x.rank - 1];
  return Array.from({ length: D }, (_, j) => {
    const e = new Float64Array(D);
    e[j] = 1;
    return broadcastTo(fromArray(e, { backend: x.backend, dtype: x.dtype }), x.shape);
  });
}

/** A probe count is a positive integer. */
export function checkCount(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
}
