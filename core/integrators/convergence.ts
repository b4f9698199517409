/**
 * Convergence-order tools for numerical-method research (after how diffrax and torchsde test solvers).
 *
 * Weak order without Monte Carlo: for Gaussian data the exact score is affine in the state, so one step
 * of EM, Euler, Heun, RK4 or SSCS is an affine map plus Gaussian noise, x' = A x + b + Σ_j C_j z_j.
 * A and C_j are read off exactly as Jacobians by the core autodiff (and the affinity is checked, not
 * assumed); means and covariances then propagate exactly: m' = A m + b, P' = A P Aᵀ + Σ_j C_j C_jᵀ.
 * A multistep method's state (x, past model outputs) is stacked into one vector, so the same
 * propagation applies to it (the warm-up steps enlarge the vector as the past fills).
 * The weak error against the exact final moments, over a sequence of step counts, gives the order as
 * the least-squares slope of log error against log step size.
 *
 * Strong order: any one-draw Stepper on one Brownian path per sample shared by all step sizes (a
 * NoiseSource whose coarse increments are sums of the finest ones), the RMS over samples of the error
 * at the final time against a known solution.
 */
import { libm } from '../numerics/libm/index.js';
import { foldIn, key, type PRNGKey } from '../random/key.js';
import { normalHost } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray, zeros } from '../tensor/create.js';
import type { Backend } from '../tensor/backend.js';
import { dispose, tidy } from '../tensor/scope.js';
import { jacobian } from '../autodiff/transforms.js';
import { concat, reshape, sliceAxis } from '../tensor/ops/manipulate.js';
import { matmulM, transposeM, type Matrix } from '../linalg/dense.js';
import { type AnyStepper, integrate, isMultistep, type MultistepState, type MultistepStepper, type NoiseSource, type Stepper } from './stepper.js';

export interface Moments {
  readonly mean: readonly number[];
  readonly cov: readonly (readonly number[])[];
}

/** Least-squares slope of log(err) against log(h). */
export function fitOrder(h: readonly number[], err: readonly number[]): number {
  if (h.length !== err.length || h.length < 2) throw new RangeError('fitOrder: need at least two (h, error) pairs of equal count');
  const xs = h.map(libm.log);
  const ys = err.map((e, i) => {
    if (!(e > 0)) throw new RangeError(`fitOrder: error ${e} at h = ${h[i]} is not positive (below rounding?)`);
    return libm.log(e);
  });
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

const toMatrix = (d: ArrayLike<number>, rows: number, cols: number): Matrix =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => d[i * cols + j]));

type Affine = { A: Matrix; b: number[]; C: Matrix[] };

/**
 * One step as a map of flat vectors: the state y (inDim) and q noise vectors (D each) to the next
 * state (outDim). A Stepper's state is x (D); a multistep state is (x, past outputs…) stacked, D each,
 * with the past outputs' times held on the host (`times`, newest first).
 */
interface FlatStep {
  readonly name: string;
  readonly inDim: number;
  readonly outDim: number;
  readonly draws: number;
  run(y: Tensor, z: readonly Tensor[]): Tensor;
}

function plainFlat(stepper: Stepper, D: number, t: number, tNext: number): FlatStep {
  return {
    name: stepper.name, inDim: D, outDim: D, draws: stepper.noiseDraws,
    run: (y, z) => reshape(stepper.step(reshape(y, [1, D]), t, tNext, z.map((w) => reshape(w, [1, D]))), [D]),
  };
}

/** The past times after step `index` from a state whose past outputs were taken at `times`. */
function multistepFlat(stepper: MultistepStepper, D: number, times: readonly number[], index: number, t: number, tNext: number): FlatStep & { readonly nextTimes: readonly number[] } {
  const state = (y: Tensor): MultistepState => ({
    x: reshape(sliceAxis(y, 0, 0, D), [1, D]),
    past: times.map((tp, j) => ({ t: tp, value: reshape(sliceAxis(y, 0, D * (j + 1), D), [1, D]) })),
    index,
  });
  const flatten = (s: MultistepState): Tensor => concat([s.x, ...s.past.map((p) => p.value)].map((v) => reshape(v, [D])), 0);
  const run = (y: Tensor, z: readonly Tensor[]): Tensor => flatten(stepper.step(state(y), t, tNext, z.map((w) => reshape(w, [1, D]))));
  const nextTimes = tidy(() => {
    const opts = { dtype: 'float64' as const };
    return stepper.step(state(zeros([D * (1 + times.length)], opts)), t, tNext, Array.from({ length: stepper.noiseDraws }, () => zeros([1, D], opts))).past.map((p) => p.t);
  });
  return { name: stepper.name, inDim: D * (1 + times.length), outDim: D * (1 + nextTimes.length), draws: stepper.noiseDraws, run, nextTimes };
}

/**
 * The tensors of one step's affine map (A and C_j by Jacobians, b at zero) and of the step at a random
 * point, built on the backend; `finishAffine` reads them into matrices and checks affinity.
 */
function affineTensors(st: FlatStep, D: number, backend?: Backend | string) {
  const be = typeof backend === 'string' ? undefined : backend;
  const opts = { backend, dtype: (be?.defaultFloat ?? 'float64') as 'float32' | 'float64' };
  const q = st.draws;
  const r = normalHost(foldIn(key(7), st.inDim), st.inDim + D * q);
  const xr = Array.from(r.subarray(0, st.inDim));
  const zr = Array.from({ length: q }, (_, j) => Array.from(r.subarray(st.inDim + D * j, st.inDim + D * (j + 1))));
  const tensors = tidy(() => {
    const zeroY = zeros([st.inDim], opts);
    const zeroZ = Array.from({ length: q }, () => zeros([D], opts));
    const A = jacobian((y: Tensor) => st.run(y, zeroZ))(zeroY);
    const C = zeroZ.map((_, j) => jacobian((z: Tensor) => st.run(zeroY, zeroZ.map((w, i) => (i === j ? z : w))))(zeroZ[j]));
    const b = st.run(zeroY, zeroZ);
    // Affinity check at a random point: a step with a norm-dependent step size (Langevin corrector) fails here.
    const got = st.run(fromArray(xr, opts), zr.map((z) => fromArray(z, opts)));
    return [A, b, got, ...C];
  });
  return { tensors, xr, zr, tol: opts.dtype === 'float32' ? 1e-4 : 1e-9 };
}

function finishAffine(st: FlatStep, D: number, vals: readonly ArrayLike<number>[], xr: number[], zr: number[][], tol: number): Affine {
  const [Ad, bd, got, ...Cd] = vals;
  const A = toMatrix(Ad, st.outDim, st.inDim);
  const b = Array.from(bd);
  const C = Cd.map((c) => toMatrix(c, st.outDim, D));
  for (let i = 0; i < st.outDim; i++) {
    let want = b[i];
    for (let j = 0; j < st.inDim; j++) want += A[i][j] * xr[j];
    C.forEach((Cj, k) => {
      for (let j = 0; j < D; j++) want += Cj[i][j] * zr[k][j];
    });
    if (!(Math.abs(got[i] - want) <= tol * (1 + Math.abs(want)))) {
      throw new Error(`${st.name}: the step is not affine in the state and noise (component ${i}: ${got[i]} vs ${want}); exact moment propagation does not apply, use a Monte-Carlo estimate`);
    }
  }
  return { A, b, C };
}

function affineFlat(st: FlatStep, D: number, backend?: Backend | string): Affine {
  const { tensors, xr, zr, tol } = affineTensors(st, D, backend);
  try {
    return finishAffine(st, D, tensors.map((x) => x.dataSync()), xr, zr, tol);
  } finally {
    dispose(tensors);
  }
}

async function affineFlatAsync(st: FlatStep, D: number, backend?: Backend | string): Promise<Affine> {
  const { tensors, xr, zr, tol } = affineTensors(st, D, backend);
  try {
    return finishAffine(st, D, await Promise.all(tensors.map((x) => x.data())), xr, zr, tol);
  } finally {
    dispose(tensors);
  }
}

/** The affine maps of one step at (t, tNext): x' = A x + b + Σ_j C_j z_j, checked at a random point. */
export function affineStep(stepper: Stepper, D: number, t: number, tNext: number, backend?: Backend | string): Affine {
  return affineFlat(plainFlat(stepper, D, t, tNext), D, backend);
}

/** affineStep for backends without synchronous readback (WebGPU). */
export async function affineStepAsync(stepper: Stepper, D: number, t: number, tNext: number, backend?: Backend | string): Promise<Affine> {
  return affineFlatAsync(plainFlat(stepper, D, t, tNext), D, backend);
}

/** m' = A m + b, P' = A P Aᵀ + Σ_j C_j C_jᵀ (A may be rectangular: a multistep state grows during warm-up). */
function advanceMoments({ mean, cov }: Moments, { A, b, C }: Affine): Moments {
  const m = A.map((row, r) => row.reduce((s, a, j) => s + a * mean[j], b[r]));
  let P = matmulM(matmulM(A, cov), transposeM(A));
  for (const Cj of C) {
    const CC = matmulM(Cj, transposeM(Cj));
    P = P.map((row, r) => row.map((v, c) => v + CC[r][c]));
  }
  return { mean: m, cov: P };
}

/** The moments of the first D components (the sample x of a stacked multistep state). */
const leading = ({ mean, cov }: Moments, D: number): Moments => ({ mean: mean.slice(0, D), cov: cov.slice(0, D).map((row) => row.slice(0, D)) });

/**
 * The flat steps of a run along a grid, one at a time: a multistep state's past times follow the
 * grid (each step's probe says which outputs the next state keeps).
 */
function* flatSteps(stepper: AnyStepper, D: number, grid: ArrayLike<number>): Generator<FlatStep> {
  let times: readonly number[] = [];
  for (let i = 0; i + 1 < grid.length; i++) {
    if (!isMultistep(stepper)) {
      yield plainFlat(stepper, D, grid[i], grid[i + 1]);
      continue;
    }
    const st = multistepFlat(stepper, D, times, i, grid[i], grid[i + 1]);
    yield st;
    times = st.nextTimes;
  }
}

/**
 * Propagate exact means and covariances through a stepper along a grid. A multistep method's moments
 * are those of its stacked state (x, past outputs…), whose joint covariance the next steps need; the
 * result is x's.
 */
export function propagateMoments(stepper: AnyStepper, grid: ArrayLike<number>, m0: Moments, backend?: Backend | string): Moments {
  const D = m0.mean.length;
  let m = m0;
  for (const st of flatSteps(stepper, D, grid)) m = advanceMoments(m, affineFlat(st, D, backend));
  return leading(m, D);
}

/** propagateMoments for backends without synchronous readback. */
export async function propagateMomentsAsync(stepper: AnyStepper, grid: ArrayLike<number>, m0: Moments, backend?: Backend | string): Promise<Moments> {
  const D = m0.mean.length;
  let m = m0;
  for (const st of flatSteps(stepper, D, grid)) m = advanceMoments(m, await affineFlatAsync(st, D, backend));
  return leading(m, D);
}

/** ‖m − m*‖₂ + ‖P − P*‖_F. */
export function momentError(a: Moments, b: Moments): number {
  const dm = libm.hypot(...a.mean.map((v, i) => v - b.mean[i]));
  const dP = Math.sqrt(a.cov.reduce((s, row, i) => s + row.reduce((q, v, j) => q + (v - b.cov[i][j]) ** 2, 0), 0));
  return dm + dP;
}

export interface WeakOrderOptions {
  /** The stepper, or its factory for a step count (samplers whose discretisation has one level per step). */
  readonly stepper: AnyStepper | ((steps: number) => AnyStepper);
  /** Grid for a given step count (e.g. n ↦ timeGrid({ steps: n, eps })). */
  readonly grid: (steps: number) => ArrayLike<number>;
  readonly stepCounts: readonly number[];
  readonly initial: Moments;
  readonly exact: Moments;
  readonly backend?: Backend | string;
}

export interface OrderResult {
  readonly stepCounts: readonly number[];
  readonly stepSizes: readonly number[];
  readonly errors: readonly number[];
  readonly order: number;
}

/** Weak order by exact moment propagation (affine steps only). */
export function weakOrder(o: WeakOrderOptions): OrderResult {
  const errors: number[] = [];
  const stepSizes: number[] = [];
  for (const n of o.stepCounts) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`weakOrder: step counts must be positive integers, got ${n}`);
    const g = o.grid(n);
    stepSizes.push(Math.abs(g[0] - g[g.length - 1]) / n);
    const st = typeof o.stepper === 'function' ? o.stepper(n) : o.stepper;
    errors.push(momentError(propagateMoments(st, g, o.initial, o.backend), o.exact));
  }
  return { stepCounts: o.stepCounts, stepSizes, errors, order: fitOrder(stepSizes, errors) };
}

export interface StrongOrderOptions {
  /** A stepper with one standard-normal draw per step, run forward along uniform grids on [0, T]. */
  readonly stepper: Stepper;
  /** The exact solution at time T given x₀ and the Brownian value W_T. */
  readonly exact: (x0: Tensor, T: number, WT: Tensor) => Tensor;
  readonly x0: Tensor;
  readonly T: number;
  /** Step counts; each must divide the largest. */
  readonly stepCounts: readonly number[];
  readonly key: PRNGKey;
}

/**
 * The noise of a grid of n uniform steps on one Brownian path sampled at nMax steps: step i gets
 * z = ΔW_i/√h, with ΔW_i the sum of the fine increments it spans (so every grid sees the same path).
 */
function sharedPath(fine: Float64Array, nMax: number, n: number, T: number, shape: Tensor): NoiseSource {
  const size = shape.size;
  const r = nMax / n;
  const rootH = Math.sqrt(T / n);
  return {
    step(i, _t, _tNext, draws, like) {
      if (draws !== 1) throw new RangeError(`strongOrder: the stepper must draw one normal per step, not ${draws}`);
      const z = new Float64Array(size);
      for (let j = 0; j < r; j++) for (let c = 0; c < size; c++) z[c] += fine[(i * r + j) * size + c];
      for (let c = 0; c < size; c++) z[c] /= rootH;
      return [fromArray(z, { backend: like.backend, dtype: like.dtype, shape: like.shape })];
    },
  };
}

/** Strong order: RMS error at T over the samples (rows of x0), one Brownian path per sample for all step sizes. */
export function strongOrder(o: StrongOrderOptions): OrderResult {
  const nMax = Math.max(...o.stepCounts);
  for (const n of o.stepCounts) {
    if (!Number.isInteger(n) || n < 1 || nMax % n !== 0) throw new RangeError(`strongOrder: step count ${n} must be a positive integer dividing ${nMax}`);
  }
  const size = o.x0.size;
  const hFine = o.T / nMax;
  // Fine increments ΔW ~ N(0, h_fine), one path per component.
  const fine = normalHost(o.key, nMax * size).map((z) => z * Math.sqrt(hFine));
  const WT = new Float64Array(size);
  for (let i = 0; i < nMax; i++) for (let c = 0; c < size; c++) WT[c] += fine[i * size + c];
  const exact = o.exact(o.x0, o.T, fromArray(WT, { backend: o.x0.backend, dtype: o.x0.dtype, shape: o.x0.shape })).dataSync();
  const errors: number[] = [];
  const stepSizes: number[] = [];
  for (const n of o.stepCounts) {
    const grid = Float64Array.from({ length: n + 1 }, (_, i) => (i * o.T) / n);
    const { x } = integrate(o.stepper, o.x0, grid, o.key, { noise: sharedPath(fine, nMax, n, o.T, o.x0) });
    const got = x.dataSync();
    if (x !== o.x0) x.dispose();
    let se = 0;
    for (let c = 0; c < size; c++) se += (got[c] - exact[c]) ** 2;
    errors.push(Math.sqrt(se / size));
    stepSizes.push(o.T / n);
  }
  return { stepCounts: o.stepCounts, stepSizes, errors, order: fitOrder(stepSizes, errors) };
}
