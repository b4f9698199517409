/**
 * log(x), the natural logarithm, bit for bit as Node 20's Math.log (V8 11.3). After fdlibm's
 * e_log.c, as in V8's src/base/ieee754.cc.
 *
 * Method:
 *  1. Argument reduction: x = 2^k·(1 + f) with √2/2 < 1 + f < √2, found from the exponent and
 *     fraction bits (subnormals are first scaled by 2^54).
 *  2. With s = f/(2 + f), log(1 + f) = log(1 + s) − log(1 − s) = 2s + s·R(s²); a Remez polynomial
 *     of degree 14 (Lg1·s² + … + Lg7·s¹⁴, evaluated as two interleaved halves) gives R to within
 *     2^-58.45 on [0, 0.1716]. Then log(1 + f) = f − (hfsq − s·(hfsq + R)) with hfsq = f²/2, or
 *     f − s·(f − R) where f is small enough; for |f| < 2^-20 a short series f − f²/2 + f³/3.
 *  3. log(x) = k·ln2_hi + (f − (hfsq − (s·(hfsq + R) + k·ln2_lo))), ln2 split so that k·ln2_hi is
 *     exact.
 * Accuracy: below 1 ulp. log(±0) = −Infinity, log(x < 0) = NaN, log(Infinity) = Infinity,
 * log(NaN) = NaN, log(1) = +0.
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { highWord, lowWord, pow2 } from './words.js';

const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const TWO54 = 1.8014398509481984e16; // 2^54, 0x43500000 00000000
const LG1 = 6.666666666666735130e-1; // 0x3FE55555 55555593
const LG2 = 3.999999999940941908e-1; // 0x3FD99999 9997FA04
const LG3 = 2.857142874366239149e-1; // 0x3FD24924 94229359
const LG4 = 2.222219843214978396e-1; // 0x3FCC71C5 1D8E78AF
const LG5 = 1.818357216161805012e-1; // 0x3FC74664 96CB03DE
const LG6 = 1.531383769920937332e-1; // 0x3FC39A09 D078C69F
const LG7 = 1.479819860511658591e-1; // 0x3FC2F112 DF3E5244

/** The natural logarithm, the same float64 as Node 20's Math.log(x) for every x. */
export function log(x: number): number {
  let hx = highWord(x);
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: zero, negative or subnormal
    if (hx < 0 || (hx | lowWord(x)) === 0) return x === 0 ? -Infinity : NaN;
    k = -54;
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  // Normalise x to [√2/2, √2): fdlibm rewrites the exponent field (SET_HIGH_WORD); scaling by
  // the power of two is exact and gives the same bits.
  const e = (hx >> 20) - 1023 + ((((hx & 0x000fffff) + 0x95f64) & 0x100000) >> 20);
  hx &= 0x000fffff;
  k += e;
  const f = x * pow2(-e) - 1;

  if ((0x000fffff & (2 + hx)) < 3) return nearPowerOfTwo(f, k); // −2^-20 ≤ f < 2^-20

  const s = f / (2 + f);
  const r = polynomial(s * s);
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    // hx in [0x6147a, 0x6b851], 1 + f near √2 or √2/2 (f ≥ 0.38 or f ≤ −0.29): the form with hfsq
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + r));
    return k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f);
  }
  if (k === 0) return f - s * (f - r);
  return k * LN2_HI - ((s * (f - r) - k * LN2_LO) - f);
}

/** k·ln2 + log(1 + f) for −2^-20 ≤ f < 2^-20, by the series f − f²/2 + f³/3. */
function nearPowerOfTwo(f: number, k: number): number {
  if (f === 0) {
    if (k === 0) return 0;
    return k * LN2_HI + k * LN2_LO;
  }
  const r = f * f * (0.5 - 0.33333333333333333 * f);
  if (k === 0) return f - r;
  return k * LN2_HI - ((r - k * LN2_LO) - f);
}

/** R(z) = Lg1·z + … + Lg7·z⁷ (z = s²), as its odd and even halves in z². */
function polynomial(z: number): number {
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  return t2 + t1;
}
