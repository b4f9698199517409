/**
 * A natural logarithm defined by its operations, so that the scalar code here and the WASM-SIMD
 * normal kernel (core/random/normal-wasm.ts) give the same bits: Math.log is not specified to the
 * bit, and WASM has no log instruction. Used by the Box–Muller transform (log u for u ∈ (0, 1]).
 *
 * Method (the classical reduction, e.g. Muller, "Elementary Functions", §11): x = 2^e·m with
 * m ∈ (√½, √2] read off the bits, f = m − 1 (exact, Sterbenz), s = f/(2 + f), and
 * log m = 2 atanh s = 2s·(1 + s²/3 + s⁴/5 + … + s²⁰/21), |s| ≤ 3 − 2√2 ≈ 0.1716 (the first omitted
 * term is below 1e-18 relative); log x = e·ln 2 + log m. Only +, −, ×, ÷ in a fixed order, each
 * correctly rounded in IEEE-754 binary64, so any implementation that follows the order is exact
 * to the bit. Measured error against Math.log: within 2 ulp (tests/core/random.test.ts).
 */
import { highWord, pow2 } from './libm/words.js';

/** The series' coefficients 1/(2k + 1), k = 0 … 10, innermost last (Horner from the end). */
export const LOG_SERIES: readonly number[] = Object.freeze(Array.from({ length: 11 }, (_, k) => 1 / (2 * k + 1)));
export const LN2 = Math.LN2;
export const SQRT2 = Math.SQRT2;

const [A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10] = LOG_SERIES;

/**
 * log x for a positive, finite, normal float64 x (the callers pass 1 − u with u on the 2⁻⁵³ grid,
 * so x ≥ 2⁻⁵³). Outside that domain the result is meaningless; this is an internal kernel, not a
 * replacement for Math.log.
 */
export function logPositive(x: number): number {
  let e = (highWord(x) >>> 20) - 1023;
  let m = x * pow2(-e); // x·2^−e ∈ [1, 2), exact
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  const p = A0 + z * (A1 + z * (A2 + z * (A3 + z * (A4 + z * (A5 + z * (A6 + z * (A7 + z * (A8 + z * (A9 + z * A10)))))))));
  return e * LN2 + (s + s) * p;
}
