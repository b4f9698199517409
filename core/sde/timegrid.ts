/**
 * Sampling time grids, as forward times decreasing from T to the sampling end ε (reverse-time
 * integration runs along them). With `steps` intervals:
 * - 'uniform': τ_i = T − i(T − ε)/steps;
 * - 'quadratic' (CLD-SGM's striding): reverse time s_i = (T − ε)(1 − ((steps − i)/steps)²), τ_i = T − s_i:
 *   large steps near the prior, small steps near the data.
 * CLD-SGM's convention for denoising samplers: with a final denoising step, the grid gets steps − 1
 * intervals so that the number of score evaluations (NFE) stays `steps`.
 */
export type GridKind = 'uniform' | 'quadratic';

export interface GridOptions {
  readonly steps: number;
  readonly T?: number;
  /** Sampling end time ε ∈ (0, T) (score_sde: 1e-3 for VP/sub-VP/CLD, 1e-5 for VE). */
  readonly eps: number;
  readonly kind?: GridKind;
}

export function timeGrid(o: GridOptions): Float64Array {
  const T = o.T ?? 1;
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new RangeError(`time grid: steps must be a positive integer, got ${o.steps}`);
  if (!(o.eps > 0 && o.eps < T)) throw new RangeError(`time grid: the end time eps must lie in (0, T = ${T}), got ${o.eps}`);
  const n = o.steps;
  const kind = o.kind ?? 'uniform';
  if (kind !== 'uniform' && kind !== 'quadratic') throw new RangeError(`time grid: unknown kind '${String(kind)}' (uniform, quadratic)`);
  const out = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const frac = kind === 'uniform' ? i / n : 1 - ((n - i) / n) ** 2;
    out[i] = T - (T - o.eps) * frac;
  }
  out[n] = o.eps;
  return out;
}
