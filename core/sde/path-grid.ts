/**
 * Sampling grids on a Gaussian path, as times t_0 > t_1 > … > t_n decreasing towards the data
 * (n steps, n + 1 points), for any path through its log-SNR λ and σ̃ = σ/α = e^{−λ}:
 * - 'karras' (Karras et al. 2022, eq. 5; NVlabs/edm `edm_sampler`, k-diffusion `get_sigmas_karras`):
 *   σ̃_i = (σmax^{1/ρ} + i/(n−1)(σmin^{1/ρ} − σmax^{1/ρ}))^ρ, i = 0 … n−1, t_i = λ⁻¹(−log σ̃_i),
 *   then t_n = 0 (σ̃ = 0: a last step to the data). Defaults σmin 0.002, σmax 80, ρ 7.
 * - 'logsnr' (DPM-Solver `get_time_steps`): λ uniform from λ(tMax) to λ(tMin), t = λ⁻¹.
 * - 'uniform': t uniform from tMax to tMin; 'quadratic': t = (linspace(√tMax, √tMin))².
 * tMax defaults to the path's T; tMin (> 0 where λ(0) = ∞) is required for the last three.
 */
import { libm } from '../numerics/libm/index.js';
import type { GaussianPath } from './gaussian-path.js';

export type PathGridKind = 'karras' | 'logsnr' | 'uniform' | 'quadratic';
export const PATH_GRID_KINDS: readonly PathGridKind[] = ['karras', 'logsnr', 'uniform', 'quadratic'];

export interface PathGridOptions {
  readonly kind: PathGridKind;
  readonly steps: number;
  /** End time (logsnr, uniform, quadratic). */
  readonly tMin?: number;
  /** Start time (default T). */
  readonly tMax?: number;
  /** Karras: smallest and largest σ̃ = σ/α, and ρ. */
  readonly sigmaMin?: number;
  readonly sigmaMax?: number;
  readonly rho?: number;
}

export function pathTimeGrid(path: GaussianPath, o: PathGridOptions): Float64Array {
  const what = `${path.kind} path, ${String(o.kind)} grid`;
  const n = o.steps;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: steps must be a positive integer, got ${n}`);
  const out = new Float64Array(n + 1);
  switch (o.kind) {
    case 'karras': {
      const sMin = o.sigmaMin ?? 0.002;
      const sMax = o.sigmaMax ?? 80;
      const rho = o.rho ?? 7;
      if (!(rho > 0) || !Number.isFinite(rho)) throw new RangeError(`${what}: ρ must be a finite number > 0, got ${rho}`);
      if (!(sMin > 0) || !Number.isFinite(sMax)) throw new RangeError(`${what}: σmin must be > 0 and σmax finite, got ${sMin}, ${sMax}`);
      if (!(sMin < sMax)) throw new RangeError(`${what}: σmin (${sMin}) must be below σmax (${sMax})`);
      const lo = path.sigma(0) / path.alpha(0);
      const hi = path.sigma(path.T) / path.alpha(path.T);
      if (!(sMin >= lo && sMax <= hi)) throw new RangeError(`${what}: σ/α ∈ [${sMin}, ${sMax}] is outside the path's range [${lo}, ${hi}]`);
      const a = libm.pow(sMax, 1 / rho);
      const b = libm.pow(sMin, 1 / rho);
      for (let i = 0; i < n; i++) {
        const s = n === 1 ? sMax : libm.pow(a + (i / (n - 1)) * (b - a), rho);
        out[i] = path.timeOfLogSnr(-libm.log(s));
      }
      out[n] = 0;
      return out;
    }
    case 'logsnr': case 'uniform': case 'quadratic': {
      const tMax = o.tMax ?? path.T;
      const tMin = o.tMin;
      if (tMin === undefined) throw new RangeError(`${what}: the end time tMin is required`);
      if (!(tMin >= 0 && tMin < tMax && tMax <= path.T)) throw new RangeError(`${what}: need 0 ≤ tMin < tMax ≤ T = ${path.T}, got tMin = ${tMin}, tMax = ${tMax}`);
      if (o.kind === 'logsnr') {
        const l0 = path.logSnr(tMax);
        const l1 = path.logSnr(tMin);
        if (!Number.isFinite(l0) || !Number.isFinite(l1)) throw new RangeError(`${what}: λ must be finite at both ends, got λ(${tMax}) = ${l0}, λ(${tMin}) = ${l1}`);
        for (let i = 0; i <= n; i++) out[i] = path.timeOfLogSnr(l0 + (i / n) * (l1 - l0));
      } else if (o.kind === 'uniform') {
        for (let i = 0; i <= n; i++) out[i] = tMax + (i / n) * (tMin - tMax);
      } else {
        const a = Math.sqrt(tMax);
        const b = Math.sqrt(tMin);
        for (let i = 0; i <= n; i++) out[i] = (a + (i / n) * (b - a)) ** 2;
      }
      out[0] = tMax;
      out[n] = tMin;
      return out;
    }
    default: {
      const never: never = o.kind;
      throw new RangeError(`unknown grid kind '${String(never)}' (${PATH_GRID_KINDS.join(', ')})`);
    }
  }
}
