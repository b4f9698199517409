/**
 * Monte Carlo weak error of any fixed-grid stepper on targets that are not Gaussian (a Gaussian
 * mixture with the exact oracle), for the orders that exact moment propagation (convergence.ts) cannot
 * reach: a score that is not affine in the state.
 *
 * For test functions φ_j with exact expectations E φ_j (mixture/test-functions.ts), the error of n
 * steps is the standardised RMS over the m functions of the bias,
 *   e_n = √( (1/m) Σ_j ((φ̄_j(X_n) − E φ_j)/s_j)² ),
 * φ̄_j the mean over R rows and s_j the rows' standard deviation of φ_j (of the finest run). For an
 * unbiased sampler E e_n² = 1/R: `noiseLevel` = 1/√R is the level below which the bias is not seen.
 * - Common random numbers: every step count starts from the same rows x₀ and, by default, runs on the
 *   same Brownian path per row (brownian-noise.ts), so the runs' Monte Carlo errors are nearly the same
 *   and the differences between step counts are measured far better than each error alone. The
 *   successive differences δ_n = √((1/m) Σ_j ((φ̄_j(X_n) − φ̄_j(X_2n))/s_j)²) need no exact value;
 *   their slope is the order as well (`successiveOrder`).
 * - Richardson extrapolation with the declared weak order p (Talay & Tubaro 1990):
 *   φ̄^R_{2n} = (2^p φ̄(X_2n) − φ̄(X_n))/(2^p − 1) has bias O(h^{p+1}); its error against the oracle
 *   shows whether the sampler converges to the right law.
 * - Intervals (95 %) are bootstraps over G groups of rows (the rows are independent paths; one
 *   resample picks groups jointly for every step count, which keeps the common random numbers): the
 *   2.5 % and 97.5 % quantiles of the resampled statistic, shifted so that its median is the estimate.
 */
import { libm } from '../numerics/libm/index.js';
import { foldIn, type PRNGKey } from '../random/key.js';
import { uniformHost } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { sliceAxis } from '../tensor/ops/manipulate.js';
import type { TestFunctions } from '../mixture/test-functions.js';
import { brownianNoise, gridBrownianTree } from './brownian-noise.js';
import { fitOrder } from './convergence.js';
import { type AnyStepper, integrate, type NoiseSource } from './stepper.js';

export interface McWeakErrorOptions {
  /** The stepper, or its factory for a step count. */
  readonly stepper: AnyStepper | ((steps: number) => AnyStepper);
  /** The grid of a step count, from the start time to the end time. */
  readonly grid: (steps: number) => ArrayLike<number>;
  readonly stepCounts: readonly number[];
  /** The rows at the grid's start (drawn from the exact marginal there), the same for every step count. */
  readonly x0: Tensor;
  readonly key: PRNGKey;
  /** Test functions of the final state with their exact expectations at the grid's end. */
  readonly tests: TestFunctions;
  /** 'path' (default): one Brownian path per row for every step count; 'stream': the key's per-step stream (steppers whose draws are not a path's increment and Lévy area). */
  readonly noise?: 'path' | 'stream';
  /** The weak order p of the Richardson extrapolation (none when absent). */
  readonly richardsonOrder?: number;
  /** Bootstrap resamples (default 400) over groups of rows (default 100 groups). */
  readonly resamples?: number;
  readonly groups?: number;
  /** Rows integrated at once (default 16 384). */
  readonly chunk?: number;
}

export interface McWeakErrorResult {
  readonly stepCounts: readonly number[];
  readonly stepSizes: readonly number[];
  readonly rows: number;
  /** e_n per step count, and its 95 % interval. */
  readonly errors: readonly number[];
  readonly intervals: readonly (readonly [number, number])[];
  /** φ̄_j − E φ_j per step count. */
  readonly bias: readonly Float64Array[];
  /** 1/√R: the RMS of e_n for an unbiased sampler. */
  readonly noiseLevel: number;
  /** Slope of log e_n against log h, and its interval. */
  readonly order: number;
  readonly orderInterval: readonly [number, number];
  /** δ_n for consecutive step counts (n_i, n_{i+1}), the slope of log δ against log h_i and its interval (null with fewer than three step counts). */
  readonly successive: readonly number[];
  readonly successiveOrder: number | null;
  readonly successiveInterval: readonly [number, number] | null;
  /** Richardson-extrapolated errors for each pair (n, 2n) among the step counts, by the finer count. */
  readonly richardson: readonly { readonly steps: number; readonly error: number; readonly interval: readonly [number, number] }[];
}

export function mcWeakError(o: McWeakErrorOptions): McWeakErrorResult {
  const counts = o.stepCounts;
  if (counts.length < 2) throw new RangeError('mcWeakError: need at least two step counts');
  for (const n of counts) if (!Number.isInteger(n) || n < 1) throw new RangeError(`mcWeakError: step counts must be positive integers, got ${n}`);
  const rows = o.x0.shape[0];
  const width = o.x0.size / Math.max(rows, 1);
  if (o.x0.rank !== 2) throw new RangeError(`mcWeakError: x0 must be [rows, width], got rank ${o.x0.rank}`);
  if (width !== o.tests.width) throw new RangeError(`mcWeakError: the test functions take rows of ${o.tests.width}, the state has ${width} columns`);
  const G = o.groups ?? 100;
  if (!(Number.isInteger(G) && G >= 2)) throw new RangeError(`mcWeakError: groups must be an integer ≥ 2, got ${G}`);
  if (rows < G) throw new RangeError(`mcWeakError: ${rows} rows are fewer than the ${G} bootstrap groups`);
  const p = o.richardsonOrder;
  if (p !== undefined && !(p > 0 && Number.isFinite(p))) throw new RangeError(`mcWeakError: the Richardson order must be a finite number > 0, got ${p}`);
  const chunk = o.chunk ?? 16384;
  const noiseKind = o.noise ?? 'path';
  if (noiseKind !== 'path' && noiseKind !== 'stream') throw new RangeError(`mcWeakError: noise must be 'path' or 'stream', got '${String(noiseKind)}'`);
  const finest = counts.indexOf(Math.max(...counts));
  const noise: NoiseSource | undefined = noiseKind === 'path'
    ? brownianNoise(gridBrownianTree(foldIn(o.key, 0), o.grid(counts[finest]), counts[finest]))
    : undefined;
  const m = o.tests.exact.length;
  const stepperOf = (n: number): AnyStepper => (typeof o.stepper === 'function' ? o.stepper(n) : o.stepper);
  const groupOf = (r: number): number => Math.floor((r * G) / rows);
  // per step count: sums of φ_j per group [G × m]; the finest run's sums of squares of φ_j (for s_j)
  const sums = counts.map(() => new Float64Array(G * m));
  const squares = new Float64Array(m);
  counts.forEach((n, c) => {
    const st = stepperOf(n);
    const grid = o.grid(n);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const len = Math.min(chunk, rows - r0);
      const xc = len === rows ? o.x0 : sliceAxis(o.x0, 0, r0, len);
      const { x } = integrate(st, xc, grid, foldIn(o.key, 1), { noise, rowOffset: r0 });
      const phi = o.tests.evaluate(x.dataSync(), len);
      if (x !== xc) x.dispose();
      if (xc !== o.x0) xc.dispose();
      for (let i = 0; i < len; i++) {
        const gi = groupOf(r0 + i) * m;
        for (let j = 0; j < m; j++) {
          const v = phi[i * m + j];
          if (!Number.isFinite(v)) throw new RangeError(`mcWeakError: row ${r0 + i} is not finite after ${n} steps`);
          sums[c][gi + j] += v;
          if (c === finest) squares[j] += v * v;
        }
      }
    }
  });
  const total = (c: number, j: number): number => {
    let s = 0;
    for (let g = 0; g < G; g++) s += sums[c][g * m + j];
    return s;
  };
  const sd = Float64Array.from({ length: m }, (_, j) => {
    const mean = total(finest, j) / rows;
    return Math.sqrt(Math.max(squares[j] / rows - mean * mean, 0)) || 1;
  });
  const stepSizes = counts.map((n) => {
    const g = o.grid(n);
    return Math.abs(g[g.length - 1] - g[0]) / n;
  });
  const pairs = counts.flatMap((n, c) => {
    const f = counts.indexOf(2 * n);
    return f >= 0 ? [[c, f] as const] : [];
  });
  const groupRows = (g: number): number => Math.ceil(((g + 1) * rows) / G) - Math.ceil((g * rows) / G);
  // every statistic from group weights (1 each for the estimate, bootstrap counts for a resample)
  const stats = (weight: Float64Array): { err: number[]; succ: number[]; rich: number[] } => {
    let nw = 0;
    for (let g = 0; g < G; g++) nw += weight[g] * groupRows(g);
    const means = counts.map((_, c) => {
      const mu = new Float64Array(m);
      for (let g = 0; g < G; g++) if (weight[g]) for (let j = 0; j < m; j++) mu[j] += weight[g] * sums[c][g * m + j];
      for (let j = 0; j < m; j++) mu[j] /= nw;
      return mu;
    });
    const rms = (f: (j: number) => number): number => {
      let s = 0;
      for (let j = 0; j < m; j++) s += (f(j) / sd[j]) ** 2;
      return Math.sqrt(s / m);
    };
    const err = means.map((mu) => rms((j) => mu[j] - o.tests.exact[j]));
    const succ = counts.slice(0, -1).map((_, c) => rms((j) => means[c][j] - means[c + 1][j]));
    const q = p === undefined ? 0 : libm.pow(2, p);
    const rich = p === undefined ? [] : pairs.map(([c, f]) => rms((j) => (q * means[f][j] - means[c][j]) / (q - 1) - o.tests.exact[j]));
    return { err, succ, rich };
  };
  const est = stats(new Float64Array(G).fill(1));
  const B = o.resamples ?? 400;
  const boots: { err: number[]; succ: number[]; rich: number[]; order: number; succOrder: number }[] = [];
  const succH = stepSizes.slice(0, -1);
  const slope = (h: readonly number[], e: readonly number[]): number => (e.every((v) => v > 0) ? fitOrder(h, e) : NaN);
  for (let i = 0; i < B; i++) {
    const w = new Float64Array(G);
    for (const u of uniformHost(foldIn(o.key, 2 + i), G)) w[Math.min(G - 1, Math.floor(u * G))]++;
    const s = stats(w);
    boots.push({ ...s, order: slope(stepSizes, s.err), succOrder: counts.length > 2 ? slope(succH, s.succ) : NaN });
  }
  // percentile interval re-centred on the estimate: a resampled norm carries the resampling noise
  // on top of the estimate's, so its distribution sits above the estimate near the noise level
  const interval = (pick: (s: (typeof boots)[number]) => number, at: number, floor = -Infinity): [number, number] => {
    const v = boots.map(pick).filter(Number.isFinite).sort((x, y) => x - y);
    if (v.length === 0 || !Number.isFinite(at)) return [NaN, NaN];
    const q = (f: number): number => v[Math.min(v.length - 1, Math.max(0, Math.floor(f * v.length)))];
    const shift = q(0.5) - at;
    return [Math.max(floor, q(0.025) - shift), q(0.975) - shift];
  };
  const order = slope(stepSizes, est.err);
  const successiveOrder = counts.length > 2 ? slope(succH, est.succ) : null;
  const bias = counts.map((_, c) => Float64Array.from({ length: m }, (_, j) => total(c, j) / rows - o.tests.exact[j]));
  return {
    stepCounts: counts, stepSizes, rows,
    errors: est.err,
    intervals: counts.map((_, c) => interval((s) => s.err[c], est.err[c], 0)),
    bias,
    noiseLevel: 1 / Math.sqrt(rows),
    order,
    orderInterval: interval((s) => s.order, order),
    successive: est.succ,
    successiveOrder,
    successiveInterval: successiveOrder === null ? null : interval((s) => s.succOrder, successiveOrder),
    richardson: pairs.map(([, f], i) => ({ steps: counts[f], error: est.rich[i], interval: interval((s) => s.rich[i], est.rich[i], 0) })),
  };
}
