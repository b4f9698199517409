/**
 * log1p(x) = log(1 + x), bit for bit as Node 20's Math.log1p (V8 11.3). After fdlibm's s_log1p.c,
 * as in V8's src/base/ieee754.cc.
 *
 * Method:
 *  1. Argument reduction: 1 + x = 2^k·(1 + f) with √2/2 < 1 + f < √2. For √2/2 − 1 < x < √2 − 1,
 *     k = 0 and f = x exactly; otherwise u = 1 + x is rounded and the correction
 *     c = ((1 + x) − u)/u is added back (log(1 + x) − log(u) ≈ c/u); for x ≥ 2^53, u = x and c = 0.
 *  2. With s = f/(2 + f), log(1 + f) = 2s + s·R(s²), R a Remez polynomial of degree 14
 *     (Lp1·s² + … + Lp7·s¹⁴, error below 2^-58.45 on [0, 0.1716]), computed as
 *     f − (hfsq − s·(hfsq + R)) with hfsq = f²/2; for |f| < 2^-20, hfsq·(1 − 2f/3) replaces the
 *     polynomial.
 *  3. log1p(x) = k·ln2_hi + (f − (hfsq − (s·(hfsq + R) + (k·ln2_lo + c)))).
 * Accuracy: below 1 ulp. |x| < 2^-54 gives x (±0 kept), |x| < 2^-29 gives x − x²/2;
 * log1p(−1) = −Infinity, log1p(x < −1) = NaN, log1p(Infinity) = Infinity, log1p(NaN) = NaN.
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { highWord, pow2 } from './words.js';

const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const LP1 = 6.666666666666735130e-1; // 0x3FE55555 55555593
const LP2 = 3.999999999940941908e-1; // 0x3FD99999 9997FA04
const LP3 = 2.857142874366239149e-1; // 0x3FD24924 94229359
const LP4 = 2.222219843214978396e-1; // 0x3FCC71C5 1D8E78AF
const LP5 = 1.818357216161805012e-1; // 0x3FC74664 96CB03DE
const LP6 = 1.531383769920937332e-1; // 0x3FC39A09 D078C69F
const LP7 = 1.479819860511658591e-1; // 0x3FC2F112 DF3E5244
/** High word of −0.2928932… = √2/2 − 1, as a signed int32. */
const HX_SQRT1_2_M1 = 0xbfd2bec4 | 0;

/** log(1 + x), the same float64 as Node 20's Math.log1p(x) for every x. */
export function log1p(x: number): number {
  const hx = highWord(x);
  const ax = hx & 0x7fffffff;

  let k = 1;
  let f = 0;
  let c = 0;
  let hu = 0;
  if (hx < 0x3fda827a) {
    // 1 + x < √2 (or x negative)
    if (ax >= 0x3ff00000) {
      return x === -1 ? -Infinity : NaN; // x ≤ −1 (or a negative NaN)
    }
    if (ax < 0x3e200000) {
      // |x| < 2^-29
      if (ax < 0x3c900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= HX_SQRT1_2_M1) {
      // √2/2 − 1 ≤ x < √2 − 1
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    // u = 1 + x rounded, with the correction c ≈ ((1 + x) − u)/u; beyond 2^53, u = x and c = 0.
    const u = hx < 0x43400000 ? 1 + x : x;
    hu = highWord(u);
    k = (hu >> 20) - 1023;
    if (hx < 0x43400000) c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u;
    hu &= 0x000fffff;
    if (hu >= 0x6a09e) {
      // normalise u/2 rather than u
      k += 1;
      hu = (0x00100000 - hu) >> 2;
    }
    // u·2^-k in [√2/2, √2): fdlibm rewrites the exponent field (SET_HIGH_WORD); the exact
    // power-of-two scaling gives the same bits.
    f = u * pow2(-k) - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) return nearPowerOfTwo(f, k, c, hfsq); // |f| < 2^-20
  const s = f / (2 + f);
  const r = polynomial(s * s);
  if (k === 0) return f - (hfsq - s * (hfsq + r));
  return k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c))) - f);
}

/** k·ln2 + log(1 + f) + c for |f| < 2^-20 (hfsq = f²/2), by f − hfsq·(1 − 2f/3). */
function nearPowerOfTwo(f: number, k: number, c: number, hfsq: number): number {
  if (f === 0) {
    if (k === 0) return 0;
    c += k * LN2_LO;
    return k * LN2_HI + c;
  }
  const r = hfsq * (1 - 0.66666666666666666 * f);
  if (k === 0) return f - r;
  return k * LN2_HI - ((r - (k * LN2_LO + c)) - f);
}

/** R(z) = Lp1·z + … + Lp7·z⁷ (z = s²), by Horner's rule. */
function polynomial(z: number): number {
  return z * (LP1 + z * (LP2 + z * (LP3 + z * (LP4 + z * (LP5 + z * (LP6 + z * LP7))))));
}
