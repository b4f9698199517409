/**
 * The discrete cosine schedule of improved DDPM (Nichol & Dhariwal 2021, eq. 17;
 * openai/improved-diffusion gaussian_diffusion.py `betas_for_alpha_bar`): with
 * ᾱ(t) = f(t)/f(0), f(t) = cos²(π/2·(t + s)/(1 + s)) and M steps,
 * β_n = min(1 − ᾱ(n/M)/ᾱ((n−1)/M), β_max), n = 1 … M (s = 0.008, β_max = 0.999).
 * Returned 0-based: out[n − 1] = β_n.
 */
import { libm } from '../numerics/libm/index.js';
export function cosineBetas(M: number, opts: { readonly s?: number; readonly betaMax?: number } = {}): Float64Array {
  const s = opts.s ?? 0.008;
  const betaMax = opts.betaMax ?? 0.999;
  if (!Number.isInteger(M) || M < 1) throw new RangeError(`cosine betas: M must be a positive integer, got ${M}`);
  if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`cosine betas: s must be a finite number > 0, got ${s}`);
  if (!(betaMax > 0 && betaMax <= 1)) throw new RangeError(`cosine betas: betaMax must lie in (0, 1], got ${betaMax}`);
  const f = (t: number): number => libm.cos(((t + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const out = new Float64Array(M);
  for (let n = 1; n <= M; n++) out[n - 1] = Math.min(1 - f(n / M) / f((n - 1) / M), betaMax);
  return out;
}
