/**
 * Sampling driver: draw from the prior p_T, integrate a stepper along a time grid from T to ε,
 * optionally denoise. NFE counts every score evaluation, the denoising one included.
 */
import { type PRNGKey, split } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Sde, ScoreFn, StateOptions } from '../sde/types.js';
import { type GridKind, timeGrid } from '../sde/timegrid.js';
import { type DenoiseKind, denoise } from './denoise.js';
import { type IntegrateResult, integrate, type Progress, type Stepper } from './stepper.js';

export interface SampleOptions extends StateOptions {
  readonly sde: Sde;
  readonly stepper: Stepper;
  /** Number of samples and data dimension (the state has sde.stateDim(d) columns). */
  readonly n: number;
  readonly d: number;
  /** Steps of the stepper (the grid has steps + 1 points). */
  readonly steps: number;
  /** Sampling end time ε (default 1e-3). */
  readonly eps?: number;
  readonly grid?: GridKind;
  /** Final denoising step (and the score it uses). */
  readonly denoise?: { readonly kind: DenoiseKind; readonly score: ScoreFn };
  /** Start from this state instead of a prior draw. */
  readonly x0?: Tensor;
  readonly trajectory?: boolean;
  readonly onProgress?: (p: Progress) => void;
}

export interface SampleResult extends IntegrateResult {
  readonly grid: Float64Array;
}

export function sample(k: PRNGKey, o: SampleOptions): SampleResult {
  if (!Number.isInteger(o.n) || o.n < 1) throw new RangeError(`sample: n must be a positive integer, got ${o.n}`);
  if (!Number.isInteger(o.d) || o.d < 1) throw new RangeError(`sample: d must be a positive integer, got ${o.d}`);
  const eps = o.eps ?? 1e-3;
  const grid = timeGrid({ steps: o.steps, T: o.sde.T, eps, kind: o.grid });
  const [kp, ki] = split(k, 2);
  const x0 = o.x0 ?? o.sde.priorSample(kp, o.n, o.d, { backend: o.backend, dtype: o.dtype });
  const r = integrate(o.stepper, x0, grid, ki, { trajectory: o.trajectory, onProgress: o.onProgress });
  if (!o.denoise) return { ...r, grid };
  const x = denoise(o.sde, o.denoise.score, r.x, eps, o.denoise.kind);
  return { x, nfe: r.nfe + 1, trajectory: r.trajectory ? [...r.trajectory, x] : undefined, grid };
}
