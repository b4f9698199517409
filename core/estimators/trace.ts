/**
 * The trace of a row-wise Jacobian, tr(∂f(x)_i/∂x_i) for every row i of x: [n, D], the one estimator
 * behind implicit score matching, the probability-flow likelihood and their kin:
 * - exact: Σ_j e_jᵀ J e_j with D forward-mode passes along the basis directions;
 * - Hutchinson: the mean over probes v of vᵀJv (E[vvᵀ] = I makes it unbiased), one pass per probe.
 * Each pass also gives f(x), returned as `out`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import { jvp } from '../autodiff/transforms.js';
import { basisDirections } from './probes.js';

export interface TraceEstimate {
  readonly out: Tensor;
  /** [n] */
  readonly trace: Tensor;
}

/** tr(∂f/∂x) per row: exact along the basis when `probes` is absent, else the Hutchinson mean over them. */
export function jacobianTrace(f: (x: Tensor) => Tensor, x: Tensor, probes?: readonly Tensor[]): TraceEstimate {
  const dirs = probes ?? basisDirections(x);
  if (dirs.length === 0) throw new RangeError('jacobianTrace: no probe directions');
  let out: Tensor | null = null;
  let acc: Tensor | null = null;
  for (const v of dirs) {
    const r = jvp(f, x, v);
    out = r.out;
    const q = sum(mul(r.tangent, v), -1);
    acc = acc ? add(acc, q) : q;
  }
  return { out: out!, trace: probes ? div(acc!, probes.length) : acc! };
}
