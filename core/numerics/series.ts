/**
 * Exponential remainders without cancellation: E_n(y) = e^y − Σ_{k<n} y^k/k!.
 * For |y| < 1 they are summed as series (E_n(y) = Σ_{k≥n} y^k/k!); elsewhere computed directly.
 * The CLD kernel covariances and the SSCS half-steps at tiny times are built from these (the direct
 * forms lose all digits in float64 when y ~ 1e-5).
 */
import { libm } from './libm/index.js';
export function expRemainder(n: number, y: number): number {
  if (Math.abs(y) >= 1) {
    let s = libm.exp(y);
    let term = 1;
    for (let k = 0; k < n; k++) {
      s -= term;
      term *= y / (k + 1);
    }
    return s;
  }
  let term = 1;
  for (let k = 1; k <= n; k++) term *= y / k; // y^n / n!
  let s = 0;
  for (let k = n; k < n + 40; k++) {
    s += term;
    if (Math.abs(term) <= 1e-18 * Math.abs(s)) break;
    term *= y / (k + 1);
  }
  return s;
}
