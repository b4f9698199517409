/**
 * What a sampler is to the registry (samplers.ts), after score_sde's predictor registry and diffrax's
 * solvers that declare their orders: a name, the SDEs it applies to (with the reason when it does
 * not), how it moves along time (a fixed grid of steps, an adaptive step size, or noise levels), its
 * declared weak and strong orders, its noise draws and score evaluations per step, and whether the
 * rows of a batch interact. A fixed-grid sampler is a Stepper factory driven by `sample`; the others
 * bring their own driver. `runSampler` runs any of them from the prior.
 */
import type { PRNGKey } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ScoreFn, StateOptions } from '../sde/types.js';
import { type Sde, type SdeKind, unknownSde } from '../sde/sde.js';
import { denoise, type DenoiseKind } from './denoise.js';
import { sample } from './sample.js';
import type { NoiseSource, Progress, Stepper } from './stepper.js';
import type { GridKind } from '../sde/timegrid.js';

/** Tuning options; each sampler lists the ones it reads in `options`. */
export interface SamplerOptions {
  /** Steps of the grid (fixed-grid samplers), or the total Langevin steps over the levels. */
  readonly steps: number;
  /** Sampling end time ε (default 1e-3). */
  readonly eps?: number;
  /** Signal-to-noise ratio of the Langevin corrector (score_sde: 0.16 for VE, 0.01 for VP; default 0.16). */
  readonly snr?: number;
  /** Noise levels of annealed Langevin (NCSN: 10). */
  readonly levels?: number;
  /** Annealed Langevin's step size at the last level as a multiple of σ_L² (default 0.2). */
  readonly stepRatio?: number;
  /** Tolerances of adaptive solvers (score_sde and CLD-SGM: 1e-5). */
  readonly rtol?: number;
  readonly atol?: number;
}

export type SamplerOptionName = Exclude<keyof SamplerOptions, 'steps' | 'eps'>;

interface SamplerInfo {
  readonly name: string;
  /** A line for tables: the method and its source. */
  readonly title: string;
  /** Null when the sampler applies to this SDE, else why not. */
  supports(sde: Sde): string | null;
  /** Weak order of the discretisation (null: not a convergent discretisation of the reverse dynamics, or not declared). */
  readonly weakOrder: number | null;
  /** Strong order on the additive-noise reverse SDEs here (null: not declared or not applicable). */
  readonly strongOrder: number | null;
  /**
   * The SDEs on which the declared weak order is tested (exact moments, Gaussian data, ε = 1e-3),
   * with step counts in which it is asymptotic there. VE is absent: its oracle follows score_sde's
   * marginal std σ(t) (see linear.ts), which the exact reverse SDE does not reproduce to better than
   * about 1e-5, a floor that hides the order.
   */
  readonly orderSteps?: Readonly<Partial<Record<SdeKind, readonly number[]>>>;
  /** Standard-normal draws of the state's shape per step. */
  readonly noiseDraws: number;
  /** Score evaluations per step (null: adaptive). */
  readonly nfePerStep: number | null;
  /** A row's update depends on other rows: no row chunks, no threads. */
  readonly batchCoupled: boolean;
  /** Options it reads besides steps and eps. */
  readonly options: readonly SamplerOptionName[];
}

export interface FixedGridSampler extends SamplerInfo {
  readonly grid: 'fixed';
  stepper(sde: Sde, score: ScoreFn, o: SamplerOptions): Stepper;
}

export interface DriverSampler extends SamplerInfo {
  /** 'adaptive': the step size follows an error estimate; 'levels': Langevin over noise levels. */
  readonly grid: 'adaptive' | 'levels';
  drive(k: PRNGKey, sde: Sde, score: ScoreFn, o: DriveOptions): Promise<SampleRun>;
}

export type Sampler = FixedGridSampler | DriverSampler;

/** A registry entry: a sampler without its name (the registry's key). */
export type SamplerEntry = Sampler extends infer S ? (S extends Sampler ? Omit<S, 'name'> : never) : never;

export interface DriveOptions extends SamplerOptions, StateOptions {
  readonly n: number;
  /** Data dimension (the state has sde.stateDim(d) columns). */
  readonly d: number;
  readonly onProgress?: (p: Progress) => void;
}

export interface RunOptions extends DriveOptions {
  /** The final denoising step (and the score it uses). */
  readonly denoise?: { readonly kind: DenoiseKind; readonly score: ScoreFn };
  /** Keep the state after every step (fixed-grid samplers). */
  readonly trajectory?: boolean;
  /** The step noise of a fixed-grid sampler (default: the key's per-step stream). */
  readonly noise?: NoiseSource;
  /** A fixed-grid sampler's grid: a kind, or the times themselves (see SampleOptions.grid). */
  readonly grid?: GridKind | ArrayLike<number>;
  /** A fixed-grid sampler checks its state for NaN and ±∞ every this many steps (SampleOptions.checkFinite). */
  readonly checkFinite?: number;
}

export interface SampleRun {
  readonly x: Tensor;
  readonly nfe: number;
  readonly trajectory?: readonly Tensor[];
  readonly grid?: Float64Array;
}

/** The denoising a sampler's last step uses by default: Tweedie for a full score, a mean step for CLD's velocity score. */
export function defaultDenoise(sde: Sde): DenoiseKind {
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': return 'tweedie';
    case 'cld': return 'mean-step';
    default: return unknownSde(sde);
  }
}

/** Throw the reason when `s` does not apply to `sde`. */
export function checkSupports(s: Sampler, sde: Sde): void {
  const why = s.supports(sde);
  if (why !== null) throw new RangeError(`sampler '${s.name}' ${why}`);
}

/** Run a sampler from the prior with the key k (the fixed-grid ones through `sample`, the same bits). */
export async function runSampler(k: PRNGKey, s: Sampler, sde: Sde, score: ScoreFn, o: RunOptions): Promise<SampleRun> {
  checkSupports(s, sde);
  if (s.grid === 'fixed') return sample(k, { ...o, sde, stepper: s.stepper(sde, score, o) });
  if (o.trajectory) throw new RangeError(`a trajectory needs a fixed-grid sampler, not ${s.name}`);
  if (o.noise) throw new RangeError(`${s.name} draws its own noise: a noise source needs a fixed-grid sampler`);
  if (o.grid !== undefined) throw new RangeError(`${s.name} chooses its own times: a grid needs a fixed-grid sampler`);
  const r = await s.drive(k, sde, score, o);
  if (!o.denoise) return r;
  const x = denoise(sde, o.denoise.score, r.x, o.eps ?? 1e-3, o.denoise.kind);
  r.x.dispose();
  return { x, nfe: r.nfe + 1 };
}
