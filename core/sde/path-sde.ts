/**
 * A Gaussian path of the newer formulations (EDM, cosine VP, rectified flow, VP linear in log-SNR)
 * as an SDE of the library: the forward SDE dx = f(t)x dt + g(t)dW whose marginals the path is
 * (gaussian-path.ts), its reverse SDE (η = 1) and probability-flow ODE (η = 0). So every sampler
 * that applies to a scalar SDE (Euler–Maruyama, the probability-flow Runge–Kutta solvers, Dormand–
 * Prince), the exact mixture oracle, Tweedie denoising and the weak-order tool run on these paths.
 * VE, VP and sub-VP stay their own SDEs (linear.ts); linearSdePath views them as paths.
 */
import type { Tensor } from '../tensor/tensor.js';
import { mul } from '../tensor/ops/elementwise.js';
import { edmPath, type EdmConfig, type GaussianPath, type GaussianPathKind, linearSdePath, rfPath, vpCosinePath, type CosineConfig, vpLogSnrPath, type LogSnrConfig } from './gaussian-path.js';
import type { SdeBase } from './types.js';
import { pathTimeGrid } from './path-grid.js';
import { type Sde, unknownSde } from './sde.js';

export type PathSdeKind = Exclude<GaussianPathKind, 've' | 'vp' | 'subvp'>;

export interface PathSde extends SdeBase {
  readonly kind: PathSdeKind;
  readonly path: GaussianPath;
}

/** `T`: where sampling starts, at most the path's T (default the path's T). */
export function pathSde(path: GaussianPath, o: { readonly T?: number } = {}): PathSde {
  const T = o.T ?? path.T;
  if (!(T > 0 && T <= path.T)) throw new RangeError(`pathSde: T must lie in (0, ${path.T}], got ${T}`);
  if (path.kind === 've' || path.kind === 'vp' || path.kind === 'subvp') throw new RangeError(`pathSde: ${path.kind} is an SDE of its own (veSde, vpSde, subVpSde)`);
  const g = (t: number): number => Math.sqrt(path.g2(t));
  return {
    kind: path.kind,
    path,
    T,
    config: path.config,
    stateDim: (d) => d,
    drift: (x, t) => path.drift(x, t),
    reverseDrift: (x, t, score, probabilityFlow) => path.reverseDrift(x, t, score, probabilityFlow ? 0 : 1),
    diffusion: g,
    applyDiffusion: (z: Tensor, t: number) => mul(z, g(t)),
    priorSample: (k, n, d, opts) => path.priorSample(k, n, d, opts),
    priorLogp: (x) => path.priorLogp(x),
  };
}

/** EDM (Karras et al. 2022): α = 1, σ = t. */
export const edmSde = (cfg: EdmConfig = {}): PathSde => pathSde(edmPath(cfg));
/**
 * Rectified flow / the linear interpolant: α = 1 − t, σ = t. Its drift f = −1/(1 − t) is singular at
 * t = 1, so the SDE runs on [0, 1 − δ] (δ = 1e-3 by default) from the prior N(0, I); the marginal
 * there is N(δ·x₀, (1 − δ)² I), within O(δ) of the prior, as VP's prior is within O(e^{−B}) of its p_T.
 */
export const rfSde = (o: { readonly delta?: number } = {}): PathSde => pathSde(rfPath(), { T: 1 - (o.delta ?? 1e-3) });
/** The cosine VP schedule of improved DDPM (Nichol & Dhariwal 2021). */
export const vpCosineSde = (cfg: CosineConfig = {}): PathSde => pathSde(vpCosinePath(cfg));
/** The VP path linear in log-SNR. */
export const vpLogSnrSde = (cfg: LogSnrConfig = {}): PathSde => pathSde(vpLogSnrPath(cfg));

/** The Gaussian path whose marginals an SDE has, or undefined (CLD's (x, v) state is not one). */
export function gaussianPathOf(sde: Sde): GaussianPath | undefined {
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': return linearSdePath(sde);
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': return sde.path;
    case 'cld': return undefined;
    default: return unknownSde(sde);
  }
}

/**
 * A sampling grid of an SDE on its Gaussian path (path-grid.ts), from its start time T to eps:
 * - 'karras': the ρ-grid in σ̃ = σ/α from σ̃(T) to σ̃(eps), then a last step to t = 0 (EDM's sampler
 *   ends on the data: no denoising step);
 * - 'logsnr': uniform in log-SNR from λ(T) to λ(eps) (DPM-Solver's).
 * The first time is T itself, where the prior is drawn.
 */
export function sdePathGrid(sde: Sde, kind: 'karras' | 'logsnr', steps: number, eps: number, rho = 7): Float64Array {
  const path = gaussianPathOf(sde);
  if (!path) throw new RangeError(`a ${kind} grid needs a Gaussian path; ${sde.kind} is not one (use uniform or quadratic)`);
  if (!(eps > 0 && eps < sde.T)) throw new RangeError(`${kind} grid: eps must lie in (0, ${sde.T}), got ${eps}`);
  const st = (t: number): number => path.sigma(t) / path.alpha(t);
  const g = kind === 'karras'
    ? pathTimeGrid(path, { kind, steps, sigmaMin: st(eps), sigmaMax: st(sde.T), rho })
    : pathTimeGrid(path, { kind, steps, tMin: eps, tMax: sde.T });
  g[0] = sde.T;
  return g;
}

/** The Karras ρ-grid of sdePathGrid. */
export const karrasGrid = (sde: Sde, steps: number, eps: number, rho = 7): Float64Array => sdePathGrid(sde, 'karras', steps, eps, rho);
