/**
 * Strong order of any fixed-grid stepper on one Brownian path (brownian-noise.ts): every row runs
 * along grids of several step counts on the same virtual Brownian tree, so the coarse runs see sums of
 * the fine runs' increments, and the RMS over rows of the final-state error against a reference
 * (an exact solution from the path's values, or the same or another stepper on a much finer grid of the
 * same path) falls as h^p. p is the least-squares slope of log error against log h; its 95% interval
 * is the percentile bootstrap over rows (the rows are independent paths).
 */
import { foldIn, type PRNGKey } from '../random/key.js';
import { uniformHost } from '../random/distributions.js';
import type { BrownianTree } from '../random/brownian-tree.js';
import type { Tensor } from '../tensor/tensor.js';
import { brownianNoise, gridBrownianTree } from './brownian-noise.js';
import { fitOrder } from './convergence.js';
import { type AnyStepper, integrate } from './stepper.js';

export interface PathStrongOrderOptions {
  /** The stepper, or its factory for a step count. */
  readonly stepper: AnyStepper | ((steps: number) => AnyStepper);
  /** The grid of a step count, from the start time to the end time (forward or reverse). */
  readonly grid: (steps: number) => ArrayLike<number>;
  readonly stepCounts: readonly number[];
  /** The initial state: [rows, …], one path per element. */
  readonly x0: Tensor;
  readonly key: PRNGKey;
  /** The final state to compare with: exact from the tree (its W at the end), or a run of `steps` steps (of `stepper`, default the one measured). */
  readonly reference: { readonly exact: (x0: Tensor, tree: BrownianTree) => Tensor } | { readonly steps: number; readonly stepper?: AnyStepper };
  /** Bootstrap resamples for the interval (default 200). */
  readonly resamples?: number;
}

export interface PathStrongOrderResult {
  readonly stepCounts: readonly number[];
  readonly stepSizes: readonly number[];
  /** RMS over rows of the final error, per step count. */
  readonly errors: readonly number[];
  readonly order: number;
  /** 95% percentile-bootstrap interval of the order over rows. */
  readonly interval: readonly [number, number];
}

export function pathStrongOrder(o: PathStrongOrderOptions): PathStrongOrderResult {
  if (o.stepCounts.length < 2) throw new RangeError('pathStrongOrder: need at least two step counts');
  for (const n of o.stepCounts) if (!Number.isInteger(n) || n < 1) throw new RangeError(`pathStrongOrder: step counts must be positive integers, got ${n}`);
  const refSteps = 'steps' in o.reference ? o.reference.steps : Math.max(...o.stepCounts);
  const tree = gridBrownianTree(foldIn(o.key, 0), o.grid(refSteps), Math.max(refSteps, ...o.stepCounts));
  const noise = brownianNoise(tree);
  const stepperOf = (n: number): AnyStepper => (typeof o.stepper === 'function' ? o.stepper(n) : o.stepper);
  const run = (st: AnyStepper, n: number): Float64Array => {
    const { x } = integrate(st, o.x0, o.grid(n), o.key, { noise });
    const v = Float64Array.from(x.dataSync());
    if (x !== o.x0) x.dispose();
    return v;
  };
  let ref: Float64Array;
  if ('exact' in o.reference) {
    const e = o.reference.exact(o.x0, tree);
    ref = Float64Array.from(e.dataSync());
    e.dispose();
  } else ref = run(o.reference.stepper ?? stepperOf(refSteps), refSteps);
  const rows = o.x0.shape[0];
  const width = o.x0.size / rows;
  // squared error per row and step count
  const se = o.stepCounts.map((n) => {
    const got = run(stepperOf(n), n);
    const e = new Float64Array(rows);
    for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) e[r] += (got[r * width + c] - ref[r * width + c]) ** 2 / width;
    return e;
  });
  const stepSizes = o.stepCounts.map((n) => {
    const g = o.grid(n);
    return Math.abs(g[g.length - 1] - g[0]) / n;
  });
  const rms = (pick: ArrayLike<number>): number[] => se.map((e) => {
    let s = 0;
    for (let i = 0; i < pick.length; i++) s += e[pick[i]];
    return Math.sqrt(s / pick.length);
  });
  const errors = rms(Int32Array.from({ length: rows }, (_, i) => i));
  const B = o.resamples ?? 200;
  const slopes: number[] = [];
  for (let j = 0; j < B; j++) {
    const pick = Int32Array.from(uniformHost(foldIn(o.key, 1 + j), rows), (u) => Math.min(rows - 1, Math.floor(u * rows)));
    slopes.push(fitOrder(stepSizes, rms(pick)));
  }
  slopes.sort((p, q) => p - q);
  const q = (f: number): number => slopes[Math.min(B - 1, Math.max(0, Math.floor(f * B)))];
  return { stepCounts: o.stepCounts, stepSizes, errors, order: fitOrder(stepSizes, errors), interval: [q(0.025), q(0.975)] };
}
