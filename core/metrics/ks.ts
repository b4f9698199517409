/**
 * One-sample Kolmogorov–Smirnov test: D = sup |F_n − F| and its asymptotic p-value
 * P(K > (√n + 0.12 + 0.11/√n)·D) with K Kolmogorov-distributed (Stephens 1970 correction).
 * Used to test noise generators and samplers against known distributions.
 */
import { libm } from '../numerics/libm/index.js';
export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly n: number;
}

/** Survival function of the Kolmogorov distribution: 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²x²}. */
export function kolmogorovSf(x: number): number {
  if (x <= 0) return 1;
  if (x < 0.2) return 1; // the series converges slowly here and the value is 1 to double precision
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = libm.exp(-2 * k * k * x * x);
    s += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

export function ksTest(samples: ArrayLike<number>, cdf: (x: number) => number): KsResult {
  const n = samples.length;
  if (n === 0) throw new RangeError('ksTest: no samples');
  const xs = Float64Array.from(samples).sort();
  let d = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(xs[i])) throw new RangeError('ksTest: samples contain NaN');
    const f = cdf(xs[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  const sn = Math.sqrt(n);
  return { statistic: d, pValue: kolmogorovSf((sn + 0.12 + 0.11 / sn) * d), n };
}
