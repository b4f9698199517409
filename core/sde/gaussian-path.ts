/**
 * Gaussian paths x_t = α(t)·x₀ + σ(t)·ε, ε ~ N(0, I), t ∈ [0, T] (Kingma et al. 2021, "Variational
 * diffusion models", section 2; Karras et al. 2022, "Elucidating the design space", eq. 4 and table 1).
 * Every such path is the marginal of the scalar linear SDE dx = f(t)x dt + g(t) dW with
 *   f(t) = d log α/dt,   g²(t) = dσ²/dt − 2 f(t) σ²(t)            (Kingma et al. 2021, appendix A.1);
 * log-SNR λ(t) = log(α/σ), decreasing in t. Its reverse SDE, probability-flow ODE and the family
 * between them (Karras et al. 2022, eq. 6; Zhang & Chen 2023, DEIS, eq. 7):
 *   dx = [f x − ½(1 + η²) g² ∇log p_t(x)] dt + η g dW̄,
 * η = 1 the reverse SDE (Song et al. 2021, eq. 6), η = 0 the probability-flow ODE (eq. 13).
 * All coefficients are host float64 functions of t (DESIGN principle 6).
 *
 * Instances: VE, VP and sub-VP are views of the scalar linear SDEs (linear.ts), delegating to their
 * closed forms (meanCoef, std, f, g) so their numbers are unchanged; EDM, cosine VP, rectified flow
 * and the VP path linear in log-SNR are built here.
 */
import { libm } from '../numerics/libm/index.js';
import type { PRNGKey } from '../random/key.js';
import { normal } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul, square, sub } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import type { ScalarLinearSde } from './linear.js';
import type { PriorOptions, ScoreFn } from './types.js';

export type GaussianPathKind = 've' | 'vp' | 'subvp' | 'edm' | 'vp-cosine' | 'rf' | 'vp-logsnr';

export interface GaussianPath {
  readonly family: 'gaussian';
  readonly kind: GaussianPathKind;
  /** The time domain is [0, T]; t = 0 is the data, t = T the prior. */
  readonly T: number;
  alpha(t: number): number;
  sigma(t: number): number;
  /** λ(t) = log(α/σ) (+∞ where σ = 0, −∞ where α = 0). */
  logSnr(t: number): number;
  /** The time with log-SNR λ, for λ in [λ(T), λ(0)]. */
  timeOfLogSnr(lambda: number): number;
  /** dα/dt and dσ/dt. */
  dAlpha(t: number): number;
  dSigma(t: number): number;
  /** f(t) = d log α/dt. */
  f(t: number): number;
  /** g²(t) = dσ²/dt − 2 f σ². */
  g2(t: number): number;
  /** Prior p_T = N(0, priorStd² I). */
  readonly priorStd: number;
  priorSample(k: PRNGKey, n: number, d: number, opts?: PriorOptions): Tensor;
  /** log p_T(x) per sample: [n]. */
  priorLogp(x: Tensor): Tensor;
  /** Forward drift f(t)·x. */
  drift(x: Tensor, t: number): Tensor;
  /** f x − ½(1 + η²) g² s(x, t): η = 1 the reverse SDE, η = 0 the probability-flow ODE. */
  reverseDrift(x: Tensor, t: number, score: ScoreFn, eta: number): Tensor;
  /** η·g(t), the scale of the reverse-time Brownian increment. */
  reverseDiffusion(t: number, eta: number): number;
  readonly config: Readonly<Record<string, number>>;
}

/** A RangeError unless t lies in the path's domain [0, T]. */
export function checkPathTime(p: { readonly kind: string; readonly T: number }, t: number): void {
  if (!(t >= 0 && t <= p.T)) throw new RangeError(`${p.kind} path: time ${t} is outside its domain [0, ${p.T}]`);
}

function gaussianLogp(x: Tensor, std: number): Tensor {
  const d = x.shape[x.rank - 1];
  return sub(mul(sum(square(x), -1), -0.5 / (std * std)), (d / 2) * libm.log(2 * Math.PI * std * std));
}

/** Bisection for the decreasing λ(t) on [0, T]: to the last representable time (≤ 80 halvings). */
function invertLogSnr(logSnr: (t: number) => number, T: number, lambda: number): number {
  let lo = 0;
  let hi = T;
  for (let i = 0; i < 200 && hi - lo > 0; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (logSnr(mid) > lambda) lo = mid;
    else hi = mid;
  }
  return Math.abs(logSnr(lo) - lambda) <= Math.abs(logSnr(hi) - lambda) ? lo : hi;
}

interface PathSpec {
  readonly kind: GaussianPathKind;
  readonly T: number;
  readonly priorStd: number;
  readonly alpha: (t: number) => number;
  readonly sigma: (t: number) => number;
  readonly dAlpha: (t: number) => number;
  readonly dSigma: (t: number) => number;
  readonly f: (t: number) => number;
  readonly g2: (t: number) => number;
  readonly logSnr?: (t: number) => number;
  readonly timeOfLogSnr?: (lambda: number) => number;
  readonly config: Readonly<Record<string, number>>;
}

/** A Gaussian path from its coefficient functions (host float64). */
export function gaussianPath(s: PathSpec): GaussianPath {
  const { kind, T, priorStd, f, g2 } = s;
  const checked = <R>(fn: (t: number) => R) => (t: number): R => {
    checkPathTime(s, t);
    return fn(t);
  };
  const logSnr = s.logSnr ?? ((t: number) => libm.log(s.alpha(t)) - libm.log(s.sigma(t)));
  const lamT = logSnr(T);
  const lam0 = logSnr(0);
  return {
    family: 'gaussian',
    kind,
    T,
    priorStd,
    config: s.config,
    alpha: checked(s.alpha),
    sigma: checked(s.sigma),
    dAlpha: checked(s.dAlpha),
    dSigma: checked(s.dSigma),
    f: checked(f),
    g2: checked(g2),
    logSnr: checked(logSnr),
    timeOfLogSnr(lambda: number): number {
      if (!(lambda >= lamT && lambda <= lam0)) throw new RangeError(`${kind} path: log-SNR ${lambda} is outside its range [${lamT}, ${lam0}]`);
      return s.timeOfLogSnr ? s.timeOfLogSnr(lambda) : invertLogSnr(logSnr, T, lambda);
    },
    drift(x: Tensor, t: number): Tensor {
      checkPathTime(s, t);
      return mul(x, f(t));
    },
    reverseDrift(x: Tensor, t: number, score: ScoreFn, eta: number): Tensor {
      checkPathTime(s, t);
      if (!(eta >= 0) || !Number.isFinite(eta)) throw new RangeError(`${kind} path: the noise scale η must be a finite number ≥ 0, got ${eta}`);
      return sub(mul(x, f(t)), mul(score(x, t), 0.5 * (1 + eta * eta) * g2(t)));
    },
    reverseDiffusion(t: number, eta: number): number {
      checkPathTime(s, t);
      return eta * Math.sqrt(g2(t));
    },
    priorSample: (k: PRNGKey, n: number, d: number, opts: PriorOptions = {}) =>
      normal(k, [n, d], { backend: opts.backend, dtype: opts.dtype, scale: priorStd, offset: (opts.rowOffset ?? 0) * d }),
    priorLogp: (x: Tensor) => gaussianLogp(x, priorStd),
  };
}

/**
 * VE, VP or sub-VP as a Gaussian path: α = meanCoef, σ = std, f and g² = g(t)² of the SDE itself
 * (the same closed forms, so the same numbers). dσ/dt = (g² + 2fσ²)/(2σ), dα/dt = f α.
 */
export function linearSdePath(sde: ScalarLinearSde): GaussianPath {
  const g2 = (t: number): number => sde.g(t) ** 2;
  return gaussianPath({
    kind: sde.kind,
    T: sde.T,
    priorStd: sde.priorStd,
    alpha: sde.meanCoef,
    sigma: sde.std,
    dAlpha: (t) => sde.f(t) * sde.meanCoef(t),
    dSigma: (t) => (g2(t) + 2 * sde.f(t) * sde.std(t) ** 2) / (2 * sde.std(t)),
    f: sde.f,
    g2,
    config: sde.config,
  });
}

const posFinite = (v: number, name: string, errs: string[]): void => {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) errs.push(`${name} must be a finite number > 0, got ${String(v)}`);
};
const fail = (what: string, errs: string[]): void => {
  if (errs.length) throw new RangeError(`${what}: ${errs.join('; ')}`);
};

export interface EdmConfig {
  /** σ_data (EDM: 0.5). */
  readonly sigmaData?: number;
  /** Largest noise level σ_max = T (EDM: 80). */
  readonly sigmaMax?: number;
  /** Smallest noise level used for grids and sampling ends (EDM: 0.002). */
  readonly sigmaMin?: number;
}

export interface EdmPath extends GaussianPath {
  readonly kind: 'edm';
  readonly sigmaData: number;
  readonly sigmaMin: number;
}

/**
 * EDM (Karras et al. 2022, table 1): α = 1, σ(t) = t on [0, σ_max], f = 0, g² = 2t;
 * prior N(0, σ_max² I). λ = −log t, t(λ) = e^{−λ}.
 */
export function edmPath(cfg: EdmConfig = {}): EdmPath {
  const sigmaData = cfg.sigmaData ?? 0.5;
  const sigmaMax = cfg.sigmaMax ?? 80;
  const sigmaMin = cfg.sigmaMin ?? 0.002;
  const errs: string[] = [];
  posFinite(sigmaData, 'sigmaData', errs);
  posFinite(sigmaMax, 'sigmaMax', errs);
  posFinite(sigmaMin, 'sigmaMin', errs);
  if (!errs.length && !(sigmaMin < sigmaMax)) errs.push(`sigmaMin (${sigmaMin}) must be below sigmaMax (${sigmaMax})`);
  fail('EDM path', errs);
  const p = gaussianPath({
    kind: 'edm',
    T: sigmaMax,
    priorStd: sigmaMax,
    alpha: () => 1,
    sigma: (t) => t,
    dAlpha: () => 0,
    dSigma: () => 1,
    f: () => 0,
    g2: (t) => 2 * t,
    logSnr: (t) => -libm.log(t),
    timeOfLogSnr: (l) => libm.exp(-l),
    config: { sigmaData, sigmaMin, sigmaMax },
  });
  return { ...p, kind: 'edm', sigmaData, sigmaMin };
}

/**
 * EDM preconditioning (Karras et al. 2022, table 1; NVlabs/edm training/networks.py `EDMPrecond`):
 * D(x, σ) = c_skip x + c_out F(c_in x, c_noise) with c_skip = σ_d²/(σ² + σ_d²),
 * c_out = σσ_d/√(σ² + σ_d²), c_in = 1/√(σ² + σ_d²), c_noise = ¼ ln σ.
 */
export function edmPrecond(sigma: number, sigmaData: number): { cSkip: number; cOut: number; cIn: number; cNoise: number } {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new RangeError(`EDM preconditioning: σ must be a finite number > 0, got ${sigma}`);
  const r = sigma * sigma + sigmaData * sigmaData;
  return { cSkip: (sigmaData * sigmaData) / r, cOut: (sigma * sigmaData) / Math.sqrt(r), cIn: 1 / Math.sqrt(r), cNoise: 0.25 * libm.log(sigma) };
}

export interface CosineConfig {
  /** Offset s (Nichol & Dhariwal: 0.008). */
  readonly s?: number;
  /** End time T < 1 (uni_pc.py: 0.9946, where α is still > 0). */
  readonly T?: number;
}

/**
 * Cosine VP (Nichol & Dhariwal 2021, eq. 17; continuous form of wl-zhao/UniPC uni_pc.py):
 * log α = log cos(π/2·(t+s)/(1+s)) − log cos(π/2·s/(1+s)), σ = √(−expm1(2 log α)),
 * f = −(π/2)/(1+s)·tan(π/2·(t+s)/(1+s)), g² = −2f (variance preserving); prior N(0, I).
 */
export function vpCosinePath(cfg: CosineConfig = {}): GaussianPath {
  const s = cfg.s ?? 0.008;
  const T = cfg.T ?? 0.9946;
  const errs: string[] = [];
  posFinite(s, 's', errs);
  posFinite(T, 'T', errs);
  if (!errs.length && !(T < 1)) errs.push(`T (${T}) must be below 1 (α(1) = 0)`);
  fail('cosine VP path', errs);
  const c = Math.PI / 2 / (1 + s);
  const logCos0 = libm.log(libm.cos(c * s));
  const logAlpha = (t: number): number => libm.log(libm.cos(c * (t + s))) - logCos0;
  const sigma = (t: number): number => Math.sqrt(-libm.expm1(2 * logAlpha(t)));
  const f = (t: number): number => -c * libm.tan(c * (t + s));
  return gaussianPath({
    kind: 'vp-cosine',
    T,
    priorStd: 1,
    alpha: (t) => libm.exp(logAlpha(t)),
    sigma,
    dAlpha: (t) => f(t) * libm.exp(logAlpha(t)),
    dSigma: (t) => (-f(t) * libm.exp(2 * logAlpha(t))) / sigma(t),
    f,
    g2: (t) => -2 * f(t),
    // λ = log α − ½ log(−expm1(2 log α))
    logSnr: (t) => logAlpha(t) - 0.5 * libm.log(-libm.expm1(2 * logAlpha(t))),
    // log α(λ) = −½ log1p(e^{−2λ}); t = acos(α cos(cs))/c − s
    timeOfLogSnr: (l) => libm.acos(libm.exp(-0.5 * libm.log1p(libm.exp(-2 * l)) + logCos0)) / c - s,
    config: { s, T },
  });
}

/**
 * Rectified flow / linear interpolant (Liu et al. 2023; Lipman et al. 2023 with σ_min = 0):
 * α = 1 − t, σ = t on [0, 1], velocity dx/dt = ε − x₀; f = −1/(1 − t), g² = 2t/(1 − t)
 * (both unbounded at t = 1, where the path is the prior N(0, I)). λ = log((1−t)/t), t(λ) = 1/(1 + e^λ).
 */
export function rfPath(): GaussianPath {
  return gaussianPath({
    kind: 'rf',
    T: 1,
    priorStd: 1,
    alpha: (t) => 1 - t,
    sigma: (t) => t,
    dAlpha: () => -1,
    dSigma: () => 1,
    f: (t) => -1 / (1 - t),
    g2: (t) => (2 * t) / (1 - t),
    logSnr: (t) => libm.log1p(-t) - libm.log(t),
    timeOfLogSnr: (l) => 1 / (1 + libm.exp(l)),
    config: {},
  });
}

export interface LogSnrConfig {
  /** λ at t = 0 (largest) and t = 1 (smallest). */
  readonly lambdaMax?: number;
  readonly lambdaMin?: number;
}

/**
 * The VP path linear in log-SNR (Kingma et al. 2021, section 3: a learned/fixed λ(t) schedule):
 * λ(t) = λ_max + t(λ_min − λ_max) on [0, 1], α² = sigmoid(2λ), σ² = sigmoid(−2λ),
 * f = d log α/dt = σ²λ', g² = −2f; prior N(0, I).
 */
export function vpLogSnrPath(cfg: LogSnrConfig = {}): GaussianPath {
  const lambdaMax = cfg.lambdaMax ?? 10;
  const lambdaMin = cfg.lambdaMin ?? -10;
  const errs: string[] = [];
  if (!Number.isFinite(lambdaMax) || !Number.isFinite(lambdaMin)) errs.push(`lambdaMin and lambdaMax must be finite, got ${lambdaMin}, ${lambdaMax}`);
  else if (!(lambdaMin < lambdaMax)) errs.push(`lambdaMin (${lambdaMin}) must be below lambdaMax (${lambdaMax})`);
  fail('log-SNR VP path', errs);
  const dl = lambdaMin - lambdaMax;
  const lam = (t: number): number => lambdaMax + t * dl;
  const alpha = (t: number): number => libm.exp(-0.5 * libm.log1p(libm.exp(-2 * lam(t))));
  const sigma = (t: number): number => libm.exp(-0.5 * libm.log1p(libm.exp(2 * lam(t))));
  const f = (t: number): number => sigma(t) ** 2 * dl;
  return gaussianPath({
    kind: 'vp-logsnr',
    T: 1,
    priorStd: 1,
    alpha,
    sigma,
    dAlpha: (t) => f(t) * alpha(t),
    dSigma: (t) => (-f(t) * alpha(t) ** 2) / sigma(t),
    f,
    g2: (t) => -2 * f(t),
    logSnr: lam,
    timeOfLogSnr: (l) => (l - lambdaMax) / dl,
    config: { lambdaMin, lambdaMax },
  });
}
