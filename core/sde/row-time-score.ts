/**
 * Scores at a time per row, for samplers whose rows move on their own step sizes (adaptive SDE
 * solvers with per-sample steps): s(x_r, t_r) for every row r.
 * - `atRows` on a ScoreFn evaluates all rows at once (a network that takes per-sample times, or the
 *   exact mixture score below); without it, `scoreAtRows` groups the rows by equal time.
 * - On a Gaussian path x = αx₀ + σε with mixture data Σ_k w_k N(μ_k, S_k), p_t has components
 *   N(αμ_k, α²S_k + σ²I). With S_k = U_k diag(λ_k) U_kᵀ (host eigen-decomposition, once), in the
 *   eigenbasis y = (x − αμ_k)U_k the component's precision is diag(1/(α²λ_k + σ²)), elementwise in
 *   the per-row (α, σ); the score is Σ_k r_k · (−y/(α²λ_k + σ²))U_kᵀ with responsibilities r_k from
 *   log w_k − ½Σ log 2π(α²λ + σ²) − ½Σ y²/(α²λ + σ²).
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import { add, div, exp, mul, neg, square, sub } from '../tensor/ops/elementwise.js';
import { matmul } from '../tensor/ops/linalg.js';
import { logsumexp, sum } from '../tensor/ops/reduce.js';
import { expandDims, gather, scatterAdd, stack } from '../tensor/ops/manipulate.js';
import { zeros } from '../tensor/create.js';
import { symmetricEigen, transposeM } from '../linalg/dense.js';
import type { Gmm } from '../mixture/gmm.js';
import type { GaussianPath } from './gaussian-path.js';
import type { ScoreFn } from './types.js';

/** A score that may also be evaluated at one time per row. */
export type RowTimeScoreFn = ScoreFn & { readonly atRows?: (x: Tensor, t: Float64Array) => Tensor };

/** A ScoreFn with a per-row evaluation attached. */
export const withRowTimes = (score: ScoreFn, atRows: (x: Tensor, t: Float64Array) => Tensor): RowTimeScoreFn => Object.assign((x: Tensor, t: number) => score(x, t), { atRows });

/** s(x_r, t_r) for every row: `atRows` when the score has it, else one call per distinct time. */
export function scoreAtRows(score: RowTimeScoreFn, x: Tensor, t: Float64Array): Tensor {
  if (t.length !== x.shape[0]) throw new RangeError(`scoreAtRows: ${t.length} times for ${x.shape[0]} rows`);
  if (score.atRows) return score.atRows(x, t);
  const groups = new Map<number, number[]>();
  t.forEach((ti, r) => {
    const g = groups.get(ti);
    if (g) g.push(r);
    else groups.set(ti, [r]);
  });
  if (groups.size === 1) return score(x, t[0]);
  let out = zeros(x.shape, { backend: x.backend, dtype: x.dtype });
  for (const [ti, rows] of groups) {
    const idx = fromArray(Int32Array.from(rows), { backend: x.backend, dtype: 'int32' });
    out = add(out, scatterAdd(score(gather(x, idx, 0), ti), idx, 0, x.shape));
  }
  return out;
}

/** The exact score of mixture data on a Gaussian path at per-row times. */
export function pathMixtureRowScore(path: GaussianPath, data: Gmm): (x: Tensor, t: Float64Array) => Tensor {
  const eig = data.covs.map((S) => symmetricEigen(S));
  const D = data.dim;
  return (x, t) => {
    const opts = { backend: x.backend, dtype: x.dtype };
    const n = x.shape[0];
    for (const ti of t) if (!(ti >= 0 && ti <= path.T)) throw new RangeError(`time ${ti} is outside the ${path.kind} path's domain [0, ${path.T}]`);
    const al = t.map((ti) => path.alpha(ti));
    const s2 = t.map((ti) => path.sigma(ti) ** 2);
    const alCol = fromArray(al, { ...opts, shape: [n, 1] });
    const logits: Tensor[] = [];
    const comps: Tensor[] = [];
    data.means.forEach((mu, k) => {
      const { values, vectors } = eig[k];
      // variances α²λ_j + σ² per row and eigen-direction: [n, D]
      const v = new Float64Array(n * D);
      for (let r = 0; r < n; r++) for (let j = 0; j < D; j++) v[r * D + j] = al[r] * al[r] * values[j] + s2[r];
      const V = fromArray(v, { ...opts, shape: [n, D] });
      const y = matmul(sub(x, mul(alCol, fromArray(mu as number[], { ...opts, shape: [1, D] }))), fromArray(vectors, opts));
      const logDet = new Float64Array(n);
      for (let r = 0; r < n; r++) for (let j = 0; j < D; j++) logDet[r] += libm.log(2 * Math.PI * v[r * D + j]);
      const quad = sum(div(square(y), V), -1);
      logits.push(add(mul(quad, -0.5), fromArray(logDet.map((l) => libm.log(data.weights[k]) - 0.5 * l), opts)));
      comps.push(matmul(neg(div(y, V)), fromArray(transposeM(vectors), opts)));
    });
    const L = stack(logits, 0);
    const resp = exp(sub(L, logsumexp(L, 0, true)));
    return sum(mul(expandDims(resp, 2), stack(comps, 0)), 0);
  };
}
