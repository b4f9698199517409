/**
 * acos(x), bit for bit as Node 20's Math.acos (V8 11.3). After fdlibm's e_acos.c, as in V8's
 * src/base/ieee754.cc.
 *
 * Method (acos(x) = π/2 − asin(x), asin(x) = x + x·x²·R(x²) on [0, 0.5]):
 *  - |x| < 0.5:  acos(x) = π/2 − (x + x·z·R(z)), z = x², with π/2 = pio2_hi + pio2_lo.
 *  - x > 0.5:    acos(x) = 2·asin(√((1 − x)/2)) = 2f + (2c + 2s·z·R(z)), z = (1 − x)/2, s = √z,
 *                f = s with its low word cleared and c = (z − f²)/(s + f) so that f + c ≈ √z.
 *  - x < −0.5:   acos(x) = π − 2·(s + s·z·R(z)), z = (1 + x)/2, s = √z.
 *  R(z) = P(z)/Q(z) is fdlibm's rational approximation of (asin(x) − x)/x³ (pS0…pS5, qS1…qS4),
 *  with Remez error below 2^-58.75. √ is Math.sqrt (correctly rounded, as C's sqrt).
 * Accuracy: about 1 ulp (fdlibm states no bound; the Remez error of R is below 2^-58.75).
 * Special values: acos(1) = +0, acos(−1) = π, |x| < 2^-57 gives π/2, acos(|x| > 1) = NaN,
 * acos(NaN) = NaN.
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { highWord, lowWord, normalFromWords } from './words.js';

const PI = 3.14159265358979311600; // 0x400921FB 54442D18
const PIO2_HI = 1.57079632679489655800; // 0x3FF921FB 54442D18
const PIO2_LO = 6.12323399573676603587e-17; // 0x3C91A626 33145C07
const PS0 = 1.66666666666666657415e-1; // 0x3FC55555 55555555
const PS1 = -3.25565818622400915405e-1; // 0xBFD4D612 03EB6F7D
const PS2 = 2.01212532134862925881e-1; // 0x3FC9C155 0E884455
const PS3 = -4.00555345006794114027e-2; // 0xBFA48228 B5688F3B
const PS4 = 7.91534994289814532176e-4; // 0x3F49EFE0 7501B288
const PS5 = 3.47933107596021167570e-5; // 0x3F023DE1 0DFDF709
const QS1 = -2.40339491173441421878; // 0xC0033A27 1C8A2D4B
const QS2 = 2.02094576023350569471; // 0x40002AE5 9C598AC8
const QS3 = -6.88283971605453293030e-1; // 0xBFE6066C 1B8D0159
const QS4 = 7.70381505559019352791e-2; // 0x3FB3B8C5 B12E9282

/** The arccosine, the same float64 as Node 20's Math.acos(x) for every x. */
export function acos(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x3ff00000) {
    // |x| ≥ 1 or NaN
    if (((ix - 0x3ff00000) | lowWord(x)) === 0) return hx > 0 ? 0 : PI + 2 * PIO2_LO;
    return NaN;
  }
  const small = ix < 0x3fe00000; // |x| < 0.5
  if (small && ix <= 0x3c600000) return PIO2_HI + PIO2_LO; // |x| < 2^-57
  // z = x² for |x| < 0.5, else (1 − |x|)/2 (fdlibm's (1 + x)/2 for x < 0 is the same float64).
  const z = small ? x * x : (1 - Math.abs(x)) * 0.5;
  const r = rational(z); // one call site, so that it is inlined once
  if (small) return PIO2_HI - (x - (PIO2_LO - x * r));
  const s = Math.sqrt(z);
  if (hx < 0) return PI - 2 * (s + (r * s - PIO2_LO)); // x ≤ −0.5
  // x ≥ 0.5
  const df = normalFromWords(highWord(s), 0); // s with its low word cleared (s ≥ 2^-27 is normal)
  const c = (z - df * df) / (s + df);
  return 2 * (df + (r * s + c));
}

/** R(z) = P(z)/Q(z), fdlibm's rational approximation of (asin(x) − x)/x³ in z = x². */
function rational(z: number): number {
  const p = z * (PS0 + z * (PS1 + z * (PS2 + z * (PS3 + z * (PS4 + z * PS5)))));
  const q = 1 + z * (QS1 + z * (QS2 + z * (QS3 + z * QS4)));
  return p / q;
}
