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
import type { AnyStepper, NoiseSource, Progress } from './stepper.js';
import { type GridKind, timeGrid } from '../sde/timegrid.js';
import { sdePathGrid } from '../sde/path-sde.js';
import type { UniPcVariant } from './unipc.js';
import type { SdeSolverType } from './dpm-solver-multistep.js';
import type { SscsVariant } from './sscs.js';

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
  /** Order of a multistep sampler: DEIS's past outputs r (1–3, default 3), UniPC's p (1–3, default 2). */
  readonly order?: number;
  /** UniPC's B(h): 'bh1' (h, default) or 'bh2' (e^h − 1). */
  readonly variant?: UniPcVariant;
  /** Lower-order final steps (DPM-Solver++(kM): default only below 10 steps; UniPC: default on). */
  readonly lowerOrderFinal?: boolean;
  /**
   * Noise scale η: DDIM (0 deterministic … 1, default 0), Euler ancestral (default 1), the
   * DPM-Solver++ SDE variants (default 1; 0 is the ODE solver).
   */
  readonly eta?: number;
  /** The second-order term of DPM-Solver++(2M) SDE: 'midpoint' (default) or 'heun'. */
  readonly solverType?: SdeSolverType;
  /** EDM churn (Karras et al. 2022, Alg. 2): S_churn ≥ 0 (default 0), applied where S_tmin ≤ σ/α ≤ S_tmax (0, ∞). */
  readonly sChurn?: number;
  readonly sTmin?: number;
  readonly sTmax?: number;
  /** Scale S_noise > 0 of the fresh noise (EDM churn, Euler ancestral; default 1). */
  readonly sNoise?: number;
  /** SSCS's splitting: 'strang' (default, symmetric) or 'official' (CLD-SGM's code; sscs.ts). */
  readonly sscsVariant?: SscsVariant;
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
  /**
   * The grid of those step counts: 'uniform' in t (default) or 'logsnr', uniform in λ (DPM-Solver's):
   * the multistep exponential integrators are stated there, where their warm-up steps sit at high
   * noise (on a uniform grid in t their order-1 first step spans most of σ̃ and its O(h²) local error
   * hides the order).
   */
  readonly orderGrid?: 'uniform' | 'logsnr';
  /** Standard-normal draws of the state's shape per step. */
  readonly noiseDraws: number;
  /** Draw 1 is the space-time Lévy area of draw 0's Brownian increment (brownian-noise.ts), not an independent draw. */
  readonly levyArea?: boolean;
  /** Score evaluations per step (null: adaptive). */
  readonly nfePerStep: number | null;
  /** A row's update depends on other rows: no row chunks, no threads. */
  readonly batchCoupled: boolean;
  /** Options it reads besides steps and eps. */
  readonly options: readonly SamplerOptionName[];
  /**
   * Score evaluations along a grid when they are not steps × nfePerStep (a step into σ = 0 that
   * needs fewer, as EDM's last Euler step).
   */
  nfeOn?(sde: Sde, grid: ArrayLike<number>): number;
}

export interface FixedGridSampler extends SamplerInfo {
  readonly grid: 'fixed';
  stepper(sde: Sde, score: ScoreFn, o: SamplerOptions): AnyStepper;
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
  /** A fixed-grid sampler's initial state at the grid's first time (default: a prior draw). */
  readonly x0?: Tensor;
  /** A fixed-grid sampler checks its state for NaN and ±∞ every this many steps (SampleOptions.checkFinite). */
  readonly checkFinite?: number;
}

export interface SampleRun {
  readonly x: Tensor;
  readonly nfe: number;
  readonly trajectory?: readonly Tensor[];
  readonly grid?: Float64Array;
}

/**
 * Whether a sampler's strong error can be measured on one Brownian path (pathStrongOrder): a fixed
 * grid, independent rows, and noise that is the path's increment (one draw), or its increment and
 * Lévy area.
 */
export const strongMeasurable = (s: Sampler): s is FixedGridSampler =>
  s.grid === 'fixed' && !s.batchCoupled && (s.noiseDraws === 1 || (s.noiseDraws === 2 && s.levyArea === true));

/** The grid of a sampler's declared weak order for `steps` steps to eps (see orderGrid). */
export function orderGridOf(s: Pick<SamplerInfo, 'orderGrid'>, sde: Sde, steps: number, eps: number): Float64Array {
  return s.orderGrid === 'logsnr' ? sdePathGrid(sde, 'logsnr', steps, eps) : timeGrid({ steps, eps, T: sde.T });
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

/** Every tuning option (a compiler-checked table: a new option of SamplerOptions must be listed). */
const TUNING_OPTIONS: Record<SamplerOptionName, true> = {
  snr: true, levels: true, stepRatio: true, rtol: true, atol: true, order: true, variant: true, lowerOrderFinal: true, eta: true, solverType: true, sChurn: true, sTmin: true, sTmax: true, sNoise: true, sscsVariant: true,
};
const TUNING_NAMES = Object.keys(TUNING_OPTIONS) as SamplerOptionName[];

/** A RangeError when an option is given that the sampler does not read (churn on a sampler without churn). */
export function checkSamplerOptions(s: Sampler, o: Partial<SamplerOptions>): void {
  for (const name of TUNING_NAMES) {
    if (o[name] !== undefined && !s.options.includes(name)) {
      throw new RangeError(`sampler '${s.name}' has no option ${name}${s.options.length ? ` (it reads ${s.options.join(', ')})` : ' (it reads no tuning options)'}`);
    }
  }
}

/** Run a sampler from the prior with the key k (the fixed-grid ones through `sample`, the same bits). */
export async function runSampler(k: PRNGKey, s: Sampler, sde: Sde, score: ScoreFn, o: RunOptions): Promise<SampleRun> {
  checkSupports(s, sde);
  checkSamplerOptions(s, o);
  if (s.grid === 'fixed') {
    const r = sample(k, { ...o, sde, stepper: s.stepper(sde, score, o) });
    return s.nfeOn ? { ...r, nfe: s.nfeOn(sde, r.grid) + (o.denoise ? 1 : 0) } : r;
  }
  if (o.x0) throw new RangeError(`${s.name} starts from its own prior draw: an initial state needs a fixed-grid sampler`);
  if (o.trajectory) throw new RangeError(`a trajectory needs a fixed-grid sampler, not ${s.name}`);
  if (o.noise) throw new RangeError(`${s.name} draws its own noise: a noise source needs a fixed-grid sampler`);
  if (o.grid !== undefined) throw new RangeError(`${s.name} chooses its own times: a grid needs a fixed-grid sampler`);
  const r = await s.drive(k, sde, score, o);
  if (!o.denoise) return r;
  const x = denoise(sde, o.denoise.score, r.x, o.eps ?? 1e-3, o.denoise.kind);
  r.x.dispose();
  return { x, nfe: r.nfe + 1 };
}
