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
 *
 * Multistep methods (DPM-Solver++(2M), DEIS, UniPC, LMS) are MultistepSteppers: their state is a
 * structured value, the sample x with its past model outputs and the times they were taken at, so a
 * step is still a pure function of (state, t, tNext, noise). The times must be host numbers: every
 * step coefficient is a float64 function of them (DESIGN principle 6), and holding them as tensor
 * columns would cost a readback per step. The past outputs are whole tensors of x's shape, so rows
 * stay independent (row chunks and threads slice them with x), and they are affine in x on Gaussian
 * data, so the exact weak-order tool propagates the moments of the stacked vector (x, past…).
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
  /** Score evaluations of the step from t to tNext where a step may use fewer than nfePerStep (default nfePerStep). */
  nfeOf?(t: number, tNext: number): number;
  /**
   * True when a row's update depends on the other rows (the Langevin corrector's step size uses
   * batch-mean norms): such a batch cannot be sampled in chunks or on several threads. Default false.
   */
  readonly batchCoupled?: boolean;
  /** A Langevin step at time t that ignores tNext: the grid may repeat a time. Default false. */
  readonly stationary?: boolean;
  step(x: Tensor, t: number, tNext: number, noise: readonly Tensor[]): Tensor;
}

/** A model output (denoiser, ε̂ or dx/dσ̃, per the method) kept at the time it was evaluated. */
export interface PastOutput {
  readonly t: number;
  readonly value: Tensor;
}

/** The state of a multistep method: the sample, its past outputs (newest first) and the steps taken. */
export interface MultistepState {
  readonly x: Tensor;
  readonly past: readonly PastOutput[];
  readonly index: number;
}

/**
 * A multistep method: step maps a state at t to the state at tNext. The state starts with no past
 * (`startState`), so the first steps are the method's lower-order warm-up; the order a step uses is
 * `orderAt(index)` (warm-up and lower-order final steps are declared by it).
 */
export interface MultistepStepper {
  readonly kind: 'multistep';
  readonly name: string;
  readonly noiseDraws: number;
  readonly nfePerStep: number;
  /** Score evaluations of step `index` where a step may use more or fewer than nfePerStep (default nfePerStep). */
  nfeAt?(index: number): number;
  readonly batchCoupled?: boolean;
  readonly stationary?: boolean;
  /** Most past outputs a state keeps. */
  readonly memory: number;
  /** The order of step `index` (0-based) of the run the stepper was built for. */
  orderAt(index: number): number;
  step(s: MultistepState, t: number, tNext: number, noise: readonly Tensor[]): MultistepState;
}

/** A single-step Stepper or a MultistepStepper. */
export type AnyStepper = Stepper | MultistepStepper;

export const isMultistep = (s: AnyStepper): s is MultistepStepper => (s as Partial<MultistepStepper>).kind === 'multistep';

/** The state a multistep run starts from: x, no past outputs. */
export const startState = (x: Tensor): MultistepState => ({ x, past: [], index: 0 });

/** Keep the newest `memory` outputs: the new one first, then the state's. */
export function pushPast(past: readonly PastOutput[], next: PastOutput, memory: number): PastOutput[] {
  return [next, ...past].slice(0, memory);
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
export function checkStateFinite(x: Tensor, stepper: Pick<AnyStepper, 'name'>, i: number, t: number, tNext: number): void {
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
export function checkRowOffset(stepper: AnyStepper, rowOffset: number): void {
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

/**
 * Run a stepper along a time grid; intermediates are released every step (a multistep method's past
 * outputs as soon as its state drops them, the last ones at the end).
 */
export function integrate(stepper: AnyStepper, x0: Tensor, grid: ArrayLike<number>, k: PRNGKey, opts: IntegrateOptions = {}): IntegrateResult {
  checkGrid(grid, stepper.stationary);
  if (opts.checkFinite !== undefined && !(Number.isInteger(opts.checkFinite) && opts.checkFinite >= 0)) throw new RangeError(`integrate: checkFinite must be an integer ≥ 0 (steps between checks; 0 is off), got ${opts.checkFinite}`);
  if (!isFloat(x0.dtype)) throw new TypeError(`integrate: the state must be floating point, got ${x0.dtype}`);
  const rowOffset = opts.rowOffset ?? 0;
  checkRowOffset(stepper, rowOffset);
  const noise = opts.noise ?? stepStream(k);
  if (isMultistep(stepper)) return integrateMultistep(stepper, x0, grid, noise, rowOffset, opts);
  const steps = grid.length - 1;
  const traj: Tensor[] | undefined = opts.trajectory ? [x0] : undefined;
  let x = x0;
  let nfe = 0;
  for (let i = 0; i < steps; i++) {
    nfe += stepper.nfeOf ? stepper.nfeOf(grid[i], grid[i + 1]) : stepper.nfePerStep;
    const next = tidy(() => stepper.step(x, grid[i], grid[i + 1], stepper.noiseDraws ? noise.step(i, grid[i], grid[i + 1], stepper.noiseDraws, x, rowOffset) : []));
    if (traj) traj.push(keep(next));
    else if (x !== x0) x.dispose();
    x = next;
    if (opts.checkFinite && ((i + 1) % opts.checkFinite === 0 || i + 1 === steps)) checkStateFinite(x, stepper, i, grid[i], grid[i + 1]);
    opts.onProgress?.({ step: i + 1, total: steps });
  }
  return { x, nfe, trajectory: traj };
}

function integrateMultistep(stepper: MultistepStepper, x0: Tensor, grid: ArrayLike<number>, noise: NoiseSource, rowOffset: number, opts: IntegrateOptions): IntegrateResult {
  const steps = grid.length - 1;
  const traj: Tensor[] | undefined = opts.trajectory ? [x0] : undefined;
  let s = startState(x0);
  for (let i = 0; i < steps; i++) {
    const cur = s;
    const next = tidy(() => stepper.step(cur, grid[i], grid[i + 1], stepper.noiseDraws ? noise.step(i, grid[i], grid[i + 1], stepper.noiseDraws, cur.x, rowOffset) : []));
    const held = new Set<Tensor>([next.x, ...next.past.map((p) => p.value)]);
    for (const p of cur.past) if (!held.has(p.value)) p.value.dispose();
    if (traj) traj.push(keep(next.x));
    else if (cur.x !== x0 && !held.has(cur.x)) cur.x.dispose();
    s = next;
    if (opts.checkFinite && ((i + 1) % opts.checkFinite === 0 || i + 1 === steps)) checkStateFinite(s.x, stepper, i, grid[i], grid[i + 1]);
    opts.onProgress?.({ step: i + 1, total: steps });
  }
  for (const p of s.past) if (p.value !== s.x) p.value.dispose();
  let nfe = steps * stepper.nfePerStep;
  if (stepper.nfeAt) {
    nfe = 0;
    for (let i = 0; i < steps; i++) nfe += stepper.nfeAt(i);
  }
  return { x: s.x, nfe, trajectory: traj };
}
