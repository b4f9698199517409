/**
 * Gaussian mixtures p(x) = Σ_k w_k N(x; μ_k, S_k): validated construction (from code or JSON),
 * exact log-density and exact score ∇ log p(x) = Σ_k r_k(x)·(−S_k⁻¹(x − μ_k)) with responsibilities
 * r_k = softmax_k(log w_k + log N(x; μ_k, S_k)), and exact sampling from a key.
 * A mixture convolved with N(0, σ²I) is the mixture with S_k + σ²I (`perturbGmm`), which gives the
 * exact noise-conditional score used by annealed Langevin dynamics.
 */
import { libm } from '../numerics/libm/index.js';
import * as E from 'fp-ts/lib/Either.js';
import { type PRNGKey, split } from '../random/key.js';
import { normalHost, uniformHost } from '../random/distributions.js';
import { fromArray, like, makeTensor } from '../tensor/create.js';
import { ConcreteTensor, type Tensor } from '../tensor/tensor.js';
import type { MixtureParams } from '../tensor/backend.js';
import { isFloat } from '../tensor/dtype.js';
import { add, exp, mul, neg, sub } from '../tensor/ops/elementwise.js';
import { logsumexp, sum } from '../tensor/ops/reduce.js';
import { expandDims, sliceAxis, stack } from '../tensor/ops/manipulate.js';
import { matmul } from '../tensor/ops/linalg.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import { addM, cholesky, identityM, invertLower, logDetFromCholesky, type Matrix, transposeM } from '../linalg/dense.js';

export interface GmmSpec {
  readonly weights: readonly number[];
  readonly means: readonly (readonly number[])[];
  readonly covs: readonly (readonly (readonly number[])[])[];
}

/** A validated mixture with its factorisations precomputed on the host (float64). */
export interface Gmm extends GmmSpec {
  readonly dim: number;
  readonly chol: readonly Matrix[];
  /** Transposed inverse Cholesky factors: z = (x − μ)·L⁻ᵀ has identity covariance. */
  readonly cholInvT: readonly Matrix[];
  readonly logNorm: readonly number[]; // log w_k − ½ log det S_k − (d/2) log 2π
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The largest magnitude of a mean entry and of a covariance entry: squared distances (x − μ)² and
 * variances then stay below 1e30·d, finite in float32 (3.4e38) as in float64, so the score and the
 * density of a valid mixture do not overflow.
 */
export const GMM_MAX_MEAN = 1e15;
export const GMM_MAX_COV = 1e30;

/** Validate a mixture given in code or parsed from JSON; every problem is reported. */
export function validateGmm(spec: unknown): E.Either<string[], Gmm> {
  const errs: string[] = [];
  const s = spec as Partial<Record<keyof GmmSpec, unknown>>;
  if (spec === null || typeof spec !== 'object') return E.left(['a mixture must be an object {"weights": [...], "means": [[...]], "covs": [[[...]]]}']);
  const { weights, means, covs } = s;
  if (!Array.isArray(weights) || weights.length === 0) errs.push('"weights" must be a non-empty array of numbers');
  if (!Array.isArray(means)) errs.push('"means" must be an array of vectors');
  if (!Array.isArray(covs)) errs.push('"covs" must be an array of matrices');
  if (errs.length) return E.left(errs);
  const w = weights as unknown[];
  const m = means as unknown[];
  const c = covs as unknown[];
  if (m.length !== w.length || c.length !== w.length) errs.push(`${w.length} weights, ${m.length} means and ${c.length} covs: the counts must agree`);
  w.forEach((v, k) => {
    if (!isNum(v) || v < 0) errs.push(`weights[${k}] = ${String(v)} must be a finite number ≥ 0`);
  });
  const total = w.reduce<number>((a, v) => a + (isNum(v) ? v : 0), 0);
  if (Math.abs(total - 1) > 1e-9) errs.push(`weights sum to ${total}, not 1 (tolerance 1e-9)`);
  const d = Array.isArray(m[0]) ? (m[0] as unknown[]).length : 0;
  if (d === 0) errs.push('means[0] must be a non-empty vector');
  m.forEach((mu, k) => {
    if (!Array.isArray(mu) || mu.length !== d || !mu.every(isNum)) errs.push(`means[${k}] must be a vector of ${d} finite numbers`);
    else if (!mu.every((v) => Math.abs(v) <= GMM_MAX_MEAN)) errs.push(`means[${k}] has an entry of magnitude ${Math.max(...mu.map(Math.abs))}, above ${GMM_MAX_MEAN} (its squares would overflow float32)`);
  });
  const chol: Matrix[] = [];
  c.forEach((S, k) => {
    if (!Array.isArray(S) || S.length !== d || !S.every((r) => Array.isArray(r) && r.length === d && r.every(isNum))) {
      errs.push(`covs[${k}] must be a ${d}×${d} matrix of finite numbers`);
      return;
    }
    const A = S as number[][];
    if (!A.every((r) => r.every((v) => Math.abs(v) <= GMM_MAX_COV))) {
      errs.push(`covs[${k}] has an entry of magnitude above ${GMM_MAX_COV}`);
      return;
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        if (Math.abs(A[i][j] - A[j][i]) > 1e-12 * (Math.abs(A[i][j]) + Math.abs(A[j][i]) + 1e-300)) {
          errs.push(`covs[${k}] is not symmetric: [${i}][${j}] = ${A[i][j]} but [${j}][${i}] = ${A[j][i]}`);
          return;
        }
      }
    }
    const L = cholesky(A);
    if (!L) errs.push(`covs[${k}] is not positive definite`);
    else chol.push(L);
  });
  if (errs.length) return E.left(errs);
  const cholInvT = chol.map((L) => transposeM(invertLower(L)));
  const logNorm = chol.map((L, k) => libm.log(w[k] as number) - 0.5 * logDetFromCholesky(L) - (d / 2) * libm.log(2 * Math.PI));
  return E.right({
    weights: w as number[], means: m as number[][], covs: c as number[][][], dim: d, chol, cholInvT, logNorm,
  });
}

/** Parse a mixture from JSON text {"weights": [...], "means": [[...]], "covs": [[[...]]]}, reporting every problem. */
export function parseGmmJson(text: string): E.Either<string[], Gmm> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return E.left([`malformed JSON: ${(e as Error).message}`]);
  }
  return validateGmm(value);
}

/** Validate or throw an Error listing every problem. */
export function gmm(spec: GmmSpec | unknown): Gmm {
  const r = validateGmm(spec);
  if (E.isLeft(r)) throw new Error(`invalid Gaussian mixture: ${r.left.join('; ')}`);
  return r.right;
}

/** The mixture convolved with N(0, σ²I): covariances S_k + σ²I. */
export function perturbGmm(g: Gmm, sigma: number): Gmm {
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw new RangeError(`perturbGmm: σ must be finite and ≥ 0, got ${sigma}`);
  return gmm({ weights: g.weights, means: g.means, covs: g.covs.map((S) => addM(S as Matrix, identityM(g.dim, sigma * sigma))) });
}

function checkPoints(g: Gmm, x: Tensor, op: string): void {
  if (x.rank !== 2 || x.shape[1] !== g.dim) throw new ShapeError(`${op}: points must have shape [n, ${g.dim}], got ${shapeToString(x.shape)}`);
}

/** Per-component whitened residuals z_k = (x − μ_k) L_k⁻ᵀ, stacked: [K, n, d]. */
function whitened(g: Gmm, x: Tensor): Tensor {
  return stack(
    g.means.map((mu, k) => matmul(sub(x, fromArray(mu as number[], like(x))), fromArray(g.cholInvT[k], like(x)))),
    0,
  );
}

/** log N_k + log w_k for every component: [K, n]. */
function componentLogits(g: Gmm, z: Tensor): Tensor {
  const quad = mul(sum(mul(z, z), -1), -0.5);
  return add(quad, expandDims(fromArray(g.logNorm as number[], like(z)), 1));
}

/** Exact log-density log p(x) for points x: [n, d] → [n]. */
export function gmmLogDensity(g: Gmm, x: Tensor): Tensor {
  checkPoints(g, x, 'gmmLogDensity');
  return logsumexp(componentLogits(g, whitened(g, x)), 0);
}

/** Host parameters of the fused score kernel (Backend.mixtureScore), built once per mixture. */
const fusedParams = new WeakMap<Gmm, MixtureParams>();
function mixtureParams(g: Gmm): MixtureParams {
  let p = fusedParams.get(g);
  if (!p) {
    p = {
      K: g.weights.length, D: g.dim,
      means: Float64Array.from(g.means.flat()),
      cholInvT: Float64Array.from(g.cholInvT.flatMap((M) => M.flat())),
      logNorm: Float64Array.from(g.logNorm),
    };
    fusedParams.set(g, p);
  }
  return p;
}

/**
 * Exact score ∇ₓ log p(x): [n, d] → [n, d], or its columns [c0, c0 + nc) (the velocity block of a
 * joint CLD marginal). One fused pass on backends with a mixture-score kernel (concrete tensors
 * only); the composition of primitives under autodiff and elsewhere.
 */
export function gmmScore(g: Gmm, x: Tensor, cols?: { readonly start: number; readonly count: number }): Tensor {
  checkPoints(g, x, 'gmmScore');
  const c0 = cols?.start ?? 0;
  const nc = cols?.count ?? g.dim;
  if (!(Number.isInteger(c0) && Number.isInteger(nc) && c0 >= 0 && nc >= 1 && c0 + nc <= g.dim)) {
    throw new RangeError(`gmmScore: columns [${c0}, ${c0 + nc}) are outside [0, ${g.dim})`);
  }
  if (x instanceof ConcreteTensor && isFloat(x.dtype)) {
    const h = x.backend.mixtureScore?.(x, mixtureParams(g), c0, nc);
    if (h !== undefined) return makeTensor(x.backend, h, [x.shape[0], nc], x.dtype);
  }
  const full = gmmScoreComposed(g, x);
  return nc === g.dim ? full : sliceAxis(full, -1, c0, nc);
}

/** The score by primitives (the reference of the fused kernel; differentiable). */
export function gmmScoreComposed(g: Gmm, x: Tensor): Tensor {
  const z = whitened(g, x);
  const logits = componentLogits(g, z);
  const r = exp(sub(logits, logsumexp(logits, 0, true))); // responsibilities [K, n]
  // −S_k⁻¹(x − μ_k) = −z_k L_k⁻¹ (row-vector form): z [K,n,d] @ L⁻¹ [K,d,d]
  const Linv = stack(g.cholInvT.map((M) => fromArray(transposeM(M), like(x))), 0);
  const comp = neg(matmul(z, Linv));
  return sum(mul(expandDims(r, 2), comp), 0);
}

/** n exact samples from the mixture (host float64 arithmetic, uploaded once). */
export function gmmSample(g: Gmm, k: PRNGKey, n: number, opts: { backend?: Tensor['backend'] | string; dtype?: 'float32' | 'float64' } = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`gmmSample: n must be a non-negative integer, got ${n}`);
  const [kc, kz] = split(k, 2);
  const u = uniformHost(kc, n);
  const z = normalHost(kz, n * g.dim);
  const cum: number[] = [];
  g.weights.reduce((a, w, i) => (cum[i] = a + w), 0);
  const out = new Float64Array(n * g.dim);
  for (let i = 0; i < n; i++) {
    let c = cum.findIndex((v) => u[i] < v);
    if (c < 0) c = g.weights.length - 1;
    const L = g.chol[c];
    for (let a = 0; a < g.dim; a++) {
      let v = g.means[c][a];
      for (let b = 0; b <= a; b++) v += L[a][b] * z[i * g.dim + b];
      out[i * g.dim + a] = v;
    }
  }
  return fromArray(out, { backend: opts.backend, dtype: opts.dtype, shape: [n, g.dim] });
}

/** Responsibility-weighted component of each point (argmax of the posterior), on the host. */
export async function gmmAssign(g: Gmm, x: Tensor): Promise<Int32Array> {
  const logits = await componentLogits(g, whitened(g, x)).data();
  const n = x.shape[0];
  const K = g.weights.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (logits[c * n + i] > logits[best * n + i]) best = c;
    out[i] = best;
  }
  return out;
}

/** The mean and covariance of the mixture's first d coordinates (default all): Σ w_k μ_k and Σ w_k (S_k + μ_k μ_kᵀ) − μμᵀ. */
export function gmmMoments(g: Gmm, d = g.dim): { mean: number[]; cov: number[][] } {
  const mean = Array.from({ length: d }, (_, i) => g.weights.reduce((a, w, k) => a + w * g.means[k][i], 0));
  const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) =>
    g.weights.reduce((a, w, k) => a + w * (g.covs[k][i][j] + g.means[k][i] * g.means[k][j]), 0) - mean[i] * mean[j]));
  return { mean, cov };
}
