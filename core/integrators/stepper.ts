/**
 * Integrators as steppers with explicit noise (diffrax-style separation of solver and Brownian
 * motion): a step maps the state at time t to the state at tNext given standard-normal draws, so
 * - the noise comes from a NoiseSource; the default keys the noise of step i by foldIn(key, i)
 *   (never by float time);
 * - the convergence tools can differentiate a step with respect to its noise and get its affine maps
 *   exactly (core/integrators/convergence.ts).
 * Reverse-time samplers run along decreasing forward times (tNext < t). Langevin steppers are
 * `stationary`: each step targets the distribution at its own time (or noise level), so their grid
 * may repeat a value.
 */
import { foldIn, type PRNGKey } from '../random/key.js';
import { normal } from '../random/distributions.js';
import { ConcreteTensor, type Tensor } from '../tensor/tensor.js';
import { sum } from '../tensor/ops/reduce.js';
import { mul } from '../tensor/ops/elementwise.js';
import type { FloatDType } from '../tensor/dtype.js';
import { tidy, keep } from '../tensor/scope.js';
import { isFloat } from '../tensor/dtype.js';

export interface Stepper {
  readonly name: string;
  /** Standard-normal draws of the state's shape consumed by one step (0 for ODE solvers). */
  readonly noiseDraws: number;
  /** Score evaluations per step. */
  readonly nfePerStep: number;
  /**
   * True when a row's update depends on the other rows (the Langevin corrector's step size uses
   * batch-mean norms): such a batch cannot be sampled in chunks or on several threads. Default false.
   */
  readonly batchCoupled?: boolean;
  /** A Langevin step at time t that ignores tNext: the grid may repeat a time. Default false. */
  readonly stationary?: boolean;
  step(x: Tensor, t: number, tNext: number, noise: readonly Tensor[]): Tensor;
}

/**
 * Where the standard-normal draws of each step come from: `draws` tensors of `like`'s shape for
 * step i over [t, tNext], as rows rowOffset … of the whole batch. A source is a value; the same
 * source and grid give the same noise.
 */
export interface NoiseSource {
  step(i: number, t: number, tNext: number, draws: number, like: Tensor, rowOffset: number): Tensor[];
}

/** The default noise: step i from foldIn(key, i), independent of the grid's times (stepNoise). */
export const stepStream = (k: PRNGKey): NoiseSource => ({
  step: (i, _t, _tNext, draws, like, rowOffset) => stepNoise(k, i, draws, like, rowOffset),
});

export interface Progress {
  readonly step: number;
  readonly total: number;
}

export interface IntegrateOptions {
  /** Keep the state after every step (memory grows with the steps); default false. */
  readonly trajectory?: boolean;
  readonly onProgress?: (p: Progress) => void;
  /**
   * The state holds rows rowOffset … rowOffset + n − 1 of a larger batch: the noise is those rows of
   * the larger batch's noise, so sampling a batch in row chunks gives the same bits as one run.
   */
  readonly rowOffset?: number;
  /** The step noise (default stepStream(key)). */
  readonly noise?: NoiseSource;
  /**
   * Check the state for NaN and ±∞ every this many steps (and after the last): one reduction
   * Σ 0·x (0 for a finite state, NaN otherwise; no overflow) read back, on backends with synchronous
   * readback. The error names the stepper, the step and its times. Default 0: off.
   */
  readonly checkFinite?: number;
}

/** The finiteness check of integrate: a RangeError naming the step when the state holds NaN or ±∞. */
export function checkStateFinite(x: Tensor, stepper: Stepper, i: number, t: number, tNext: number): void {
  const c = x as ConcreteTensor;
  if (!(c instanceof ConcreteTensor) || !c.backend.readSync) return;
  const s = tidy(() => sum(mul(x, 0)));
  const v = s.dataSync()[0];
  s.dispose();
  if (!Number.isFinite(v)) {
    const host = x.dataSync();
    let at = 0;
    while (at < host.length && Number.isFinite(host[at])) at++;
    const cols = x.shape[x.shape.length - 1] ?? 1;
    throw new RangeError(`${stepper.name}: the state is not finite after step ${i + 1} (t = ${t} → ${tNext}): ${host[at]} at row ${Math.floor(at / cols)}, column ${at % cols}; the score or the step overflows (try more steps)`);
  }
}

export interface IntegrateResult {
  readonly x: Tensor;
  readonly nfe: number;
  /** States at grid[0..], when requested (grid[0] is the initial state). */
  readonly trajectory?: readonly Tensor[];
}

/**
 * Noise for step i: `draws` standard normals of `like`'s shape, from foldIn(key, i) (draw j from
 * foldIn(foldIn(key, i), j) when there are several); `like` is rows rowOffset … of the batch.
 */
export function stepNoise(k: PRNGKey, i: number, draws: number, like: Tensor, rowOffset = 0): Tensor[] {
  const rowSize = like.rank === 0 ? 1 : like.size / like.shape[0];
  const opts = { backend: like.backend, dtype: like.dtype as FloatDType, offset: rowOffset * rowSize };
  if (draws === 1) return [normal(foldIn(k, i), like.shape, opts)];
  const ki = foldIn(k, i);
  return Array.from({ length: draws }, (_, j) => normal(foldIn(ki, j), like.shape, opts));
}

/** A row offset is a non-negative integer, and only for steppers that treat rows independently. */
export function checkRowOffset(stepper: Stepper, rowOffset: number): void {
  if (!Number.isSafeInteger(rowOffset) || rowOffset < 0) throw new RangeError(`rowOffset must be a non-negative integer, got ${rowOffset}`);
  if (rowOffset > 0 && stepper.batchCoupled) {
    throw new RangeError(`${stepper.name} couples the rows of a batch (batch-mean step sizes), so the batch cannot be split into row chunks`);
  }
}

/** At least two finite points; consecutive points differ unless the stepper is stationary. */
export function checkGrid(grid: ArrayLike<number>, stationary = false): void {
  if (grid.length < 2) throw new RangeError(`a time grid needs at least 2 points, got ${grid.length}`);
  for (let i = 0; i < grid.length; i++) {
    if (!Number.isFinite(grid[i])) throw new RangeError(`time grid entry ${i} is ${grid[i]}`);
    if (!stationary && i > 0 && grid[i] === grid[i - 1]) throw new RangeError(`time grid entries ${i - 1} and ${i} are equal (${grid[i]})`);
  }
}

/** Run a stepper along a time grid; intermediates are released every step. */
export function integrate(stepper: Stepper, x0: Tensor, grid: ArrayLike<number>, k: PRNGKey, opts: IntegrateOptions = {}): IntegrateResult {
  checkGrid(grid, stepper.stationary);
  if (opts.checkFinite !== undefined && !(Number.isInteger(opts.checkFinite) && opts.checkFinite >= 0)) throw new RangeError(`integrate: checkFinite must be an integer ≥ 0 (steps between checks; 0 is off), got ${opts.checkFinite}`);
  if (!isFloat(x0.dtype)) throw new TypeError(`integrate: the state must be floating point, got ${x0.dtype}`);
  const rowOffset = opts.rowOffset ?? 0;
  checkRowOffset(stepper, rowOffset);
  const noise = opts.noise ?? stepStream(k);
  const steps = grid.length - 1;
  const traj: Tensor[] | undefined = opts.trajectory ? [x0] : undefined;
  let x = x0;
  for (let i = 0; i < steps; i++) {
    const next = tidy(() => stepper.step(x, grid[i], grid[i + 1], stepper.noiseDraws ? noise.step(i, grid[i], grid[i + 1], stepper.noiseDraws, x, rowOffset) : []));
    if (traj) traj.push(keep(next));
    else if (x !== x0) x.dispose();
    x = next;
    if (opts.checkFinite && ((i + 1) % opts.checkFinite === 0 || i + 1 === steps)) checkStateFinite(x, stepper, i, grid[i], grid[i + 1]);
    opts.onProgress?.({ step: i + 1, total: steps });
  }
  return { x, nfe: steps * stepper.nfePerStep, trajectory: traj };
}
