/**
 * Sampling driver: draw from the prior p_T, integrate a stepper along a time grid from T to ε,
 * optionally denoise. NFE counts every score evaluation, the denoising one included.
 */
import { type PRNGKey, split } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Backend } from '../tensor/backend.js';
import type { ScoreFn, StateOptions } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import { type GridKind, timeGrid } from '../sde/timegrid.js';
import { type DenoiseKind, denoise } from './denoise.js';
import { type AnyStepper, checkRowOffset, type IntegrateResult, integrate, type NoiseSource, type Progress } from './stepper.js';
import { adoptArray, resolveBackend } from '../tensor/create.js';
import { tidy } from '../tensor/scope.js';
import { sliceAxis } from '../tensor/ops/manipulate.js';

export interface SampleOptions extends StateOptions {
  readonly sde: Sde;
  readonly stepper: AnyStepper;
  /** Number of samples and data dimension (the state has sde.stateDim(d) columns). */
  readonly n: number;
  readonly d: number;
  /** Steps of the stepper (the grid has steps + 1 points). */
  readonly steps: number;
  /** Sampling end time ε (default 1e-3). */
  readonly eps?: number;
  /**
   * A grid kind (timeGrid from T to eps), or the grid itself: `steps` + 1 decreasing times from T
   * (pathTimeGrid gives Karras and log-SNR grids on any Gaussian path); eps is then its last time.
   */
  readonly grid?: GridKind | ArrayLike<number>;
  /** Final denoising step (and the score it uses). */
  readonly denoise?: { readonly kind: DenoiseKind; readonly score: ScoreFn };
  /** Start from this state instead of a prior draw. */
  readonly x0?: Tensor;
  readonly trajectory?: boolean;
  readonly onProgress?: (p: Progress) => void;
  /**
   * The n samples are rows rowOffset … rowOffset + n − 1 of a larger batch under the same key: the
   * prior draw and the noise are those rows of the larger batch's, so the result is those rows of
   * the larger run, bit for bit, for any stepper that treats rows independently.
   */
  readonly rowOffset?: number;
  /** The step noise (default: the per-step stream of the key's second half, stepStream). */
  readonly noise?: NoiseSource;
  /** Check the state for NaN and ±∞ every this many steps (integrate's checkFinite; default 0: off). */
  readonly checkFinite?: number;
}

export interface SampleResult extends IntegrateResult {
  readonly grid: Float64Array;
}

/** A given grid: steps + 1 finite times decreasing from T. */
function explicitGrid(g: ArrayLike<number>, steps: number, T: number): Float64Array {
  const grid = Float64Array.from(g);
  if (grid.length !== steps + 1) throw new RangeError(`sample: a grid of ${grid.length} times has ${grid.length - 1} steps, but steps is ${steps}`);
  if (grid[0] !== T) throw new RangeError(`sample: the grid must start at T = ${T} (the prior's time), got ${grid[0]}`);
  for (let i = 1; i < grid.length; i++) if (!(grid[i] < grid[i - 1]) || !(grid[i] >= 0)) throw new RangeError(`sample: grid times must decrease to t ≥ 0, but t_${i} = ${grid[i]} after t_${i - 1} = ${grid[i - 1]}`);
  return grid;
}

/** The keys of a sampling run: the prior draw's and the step noise's (every driver splits k the same way). */
export function samplingKeys(k: PRNGKey): { readonly prior: PRNGKey; readonly noise: PRNGKey } {
  const [prior, noise] = split(k, 2);
  return { prior, noise };
}

/** A given start x0: n rows of the SDE's state dimension, on the run's backend and dtype when those are given. */
function checkStart(o: SampleOptions): void {
  const x0 = o.x0!;
  const cols = o.sde.stateDim(o.d);
  if (x0.rank !== 2 || x0.shape[0] !== o.n || x0.shape[1] !== cols) throw new RangeError(`sample: x0 has shape [${x0.shape.join(', ')}], the run needs [${o.n}, ${cols}] (n rows of the ${o.sde.kind} state)`);
  if (o.backend !== undefined && resolveBackend(o.backend) !== x0.backend) {
    throw new RangeError(`sample: x0 lives on backend ${x0.backend.name}, the run's backend is ${resolveBackend(o.backend).name}; move it with toBackend() or leave out backend`);
  }
  if (o.dtype !== undefined && x0.dtype !== o.dtype) throw new RangeError(`sample: x0 is ${x0.dtype}, the run's dtype is ${o.dtype}`);
}

export function sample(k: PRNGKey, o: SampleOptions): SampleResult {
  if (!Number.isInteger(o.n) || o.n < 1) throw new RangeError(`sample: n must be a positive integer, got ${o.n}`);
  if (!Number.isInteger(o.d) || o.d < 1) throw new RangeError(`sample: d must be a positive integer, got ${o.d}`);
  const grid = typeof o.grid === 'object' ? explicitGrid(o.grid, o.steps, o.sde.T) : timeGrid({ steps: o.steps, T: o.sde.T, eps: o.eps ?? 1e-3, kind: o.grid });
  const eps = grid[grid.length - 1];
  if (o.denoise && !(eps > 0)) throw new RangeError(`sample: the grid ends at t = ${eps}, on the data; a final denoising step needs a grid that ends at ε > 0`);
  if (o.x0) checkStart(o);
  const { prior: kp, noise: ki } = samplingKeys(k);
  const rowOffset = o.rowOffset ?? 0;
  checkRowOffset(o.stepper, rowOffset);
  const x0 = o.x0 ?? tidy(() => o.sde.priorSample(kp, o.n, o.d, { backend: o.backend, dtype: o.dtype, rowOffset }));
  const r = integrate(o.stepper, x0, grid, ki, { trajectory: o.trajectory, onProgress: o.onProgress, rowOffset, noise: o.noise, checkFinite: o.checkFinite });
  if (!o.x0 && !o.trajectory && r.x !== x0) x0.dispose(); // the prior draw is ours to release (a trajectory keeps it)
  if (!o.denoise) return { ...r, grid };
  const dn = o.denoise;
  const x = tidy(() => denoise(o.sde, dn.score, r.x, eps, dn.kind));
  if (!o.trajectory && r.x !== o.x0) r.x.dispose();
  return { x, nfe: r.nfe + 1, trajectory: r.trajectory ? [...r.trajectory, x] : undefined, grid };
}

export interface ChunkOptions {
  /** Rows per chunk (the last chunk may be shorter). */
  readonly chunk: number;
  /** Called after each step of each chunk, with the steps done over all chunks. */
  readonly onProgress?: (p: Progress) => void;
}

/**
 * `sample` over row chunks of the batch, one chunk at a time: each chunk is rows [a, b) of the
 * batch (rowOffset a), so the result equals sample(k, o) bit for bit, while the memory the sampler
 * holds at once scales with the chunk instead of n (the result is assembled on the host). Steppers
 * that couple rows (the Langevin corrector) are refused; so are trajectories.
 */
export async function sampleChunked(k: PRNGKey, o: SampleOptions, c: ChunkOptions): Promise<SampleResult> {
  checkChunking(o, c.chunk);
  if (o.x0 && o.x0.shape[0] !== o.n) throw new RangeError(`sampleChunked: x0 has ${o.x0.shape[0]} rows, n is ${o.n}`);
  const chunks = Math.ceil(o.n / c.chunk);
  const out = new RowBuffer(o.n);
  let last: SampleResult | undefined;
  for (let j = 0; j < chunks; j++) {
    const a = j * c.chunk;
    const rows = Math.min(c.chunk, o.n - a);
    const done = j * o.steps;
    const x0 = o.x0 && (chunks > 1 ? sliceAxis(o.x0, 0, a, rows) : o.x0);
    const r = sample(k, {
      ...o, n: rows, rowOffset: (o.rowOffset ?? 0) + a, x0, trajectory: false,
      onProgress: c.onProgress && ((p) => c.onProgress!({ step: done + p.step, total: chunks * o.steps })),
    });
    out.put(a, rows, (await r.x.data()) as Float32Array | Float64Array);
    r.x.dispose();
    if (x0 && x0 !== o.x0) x0.dispose();
    last = r;
  }
  return { x: out.tensor(last!.x.backend), nfe: last!.nfe, grid: last!.grid };
}

/**
 * The checks of a run split into row chunks of `chunk` rows (sampleChunked, sampleParallel): a
 * positive chunk and n, no trajectory, and a stepper that treats rows independently when there is
 * more than one chunk.
 */
export function checkChunking(o: Pick<SampleOptions, 'n' | 'stepper' | 'trajectory'>, chunk: number, what = 'sampleChunked'): void {
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`${what}: chunk must be a positive integer, got ${chunk}`);
  if (o.trajectory) throw new RangeError(`${what}: trajectories are not kept when sampling in chunks (use sample)`);
  if (!Number.isInteger(o.n) || o.n < 1) throw new RangeError(`sample: n must be a positive integer, got ${o.n}`);
  checkRowOffset(o.stepper, chunk < o.n ? 1 : 0);
}

/** The host array that a row-chunked run's chunks are written into ([n, cols], the chunks' dtype). */
export class RowBuffer {
  private out?: Float32Array | Float64Array;
  private cols = 0;

  constructor(readonly n: number) {}

  /** Rows a … a + rows − 1, row-major. */
  put(a: number, rows: number, values: Float32Array | Float64Array): void {
    if (!this.out) {
      this.cols = values.length / rows;
      this.out = values instanceof Float64Array ? new Float64Array(this.n * this.cols) : new Float32Array(this.n * this.cols);
    }
    this.out.set(values, a * this.cols);
  }

  /** The assembled [n, cols] tensor (the backend takes the array without a host copy). */
  tensor(backend: Backend | string | undefined): Tensor {
    if (!this.out) throw new Error('RowBuffer: no rows were written');
    return adoptArray(this.out, [this.n, this.cols], { backend });
  }
}
