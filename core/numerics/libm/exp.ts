/**
 * exp(x), bit for bit as Node 20's Math.exp (V8 11.3). After fdlibm's e_exp.c, as in V8's
 * src/base/ieee754.cc (including V8's special case exp(1) = E).
 *
 * Method:
 *  1. Argument reduction: x = k·ln2 + r with |r| ≤ 0.5·ln2, k an integer; r is carried as hi − lo
 *     with ln2 split into ln2HI (whose products with |k| < 2048 are exact) and ln2LO. For
 *     0.5·ln2 < |x| < 1.5·ln2, k = ±1 directly; for |x| < 2^-28 the result is 1 + x.
 *  2. On [0, 0.34658] a Remez polynomial of degree 5 in z = r² approximates
 *     R(z) = r·(e^r + 1)/(e^r − 1) to within 2^-59; with c = r − (P1·z + … + P5·z⁵),
 *     e^r = 1 + r + r·c/(2 − c).
 *  3. Scale back by 2^k (with an extra 2^-1000 for k < −1021, so that subnormal results round
 *     once, and 2·2^1023 for k = 1024). fdlibm forms 2^k from its exponent bits (INSERT_WORDS);
 *     here it is read from a table of powers of two (the same value, without writing words).
 * Accuracy: below 1 ulp. Overflow for x > 709.782712893384 (+Infinity), underflow to +0 for
 * x < −745.1332191019411; exp(±Infinity) = {Infinity, 0}, exp(NaN) = NaN.
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { highWord, pow2 } from './words.js';

const O_THRESHOLD = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
const U_THRESHOLD = -7.45133219101941108420e2; // 0xC0874910 D52D3051
const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2 = 1.44269504088896338700; // 0x3FF71547 652B82FE
const P1 = 1.66666666666666019037e-1; // 0x3FC55555 5555553E
const P2 = -2.77777777770155933842e-3; // 0xBF66C16C 16BEBD93
const P3 = 6.61375632143793436117e-5; // 0x3F11566A AF25DE2C
const P4 = -1.65339022054652515390e-6; // 0xBEBBBD41 C5D26BF1
const P5 = 4.13813679705723846039e-8; // 0x3E663769 72BEA4D0
const E = 2.718281828459045; // 0x4005BF0A 8B145769
const TWO_M1000 = 9.33263618503218878990e-302; // 2^-1000, 0x01700000 00000000
const TWO_1023 = 8.988465674311579539e307; // 2^1023, 0x7FE00000 00000000

/** e^x, the same float64 as Node 20's Math.exp(x) for every x. */
export function exp(x: number): number {
  let hx = highWord(x);
  const neg = hx < 0;
  hx &= 0x7fffffff;

  // |x| ≥ 709.78…: NaN, ±Infinity, overflow and underflow leave here; the rest goes on.
  if (hx >= 0x40862e42 && !(x <= O_THRESHOLD && x >= U_THRESHOLD)) return outside(x);

  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > 0.5·ln2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5·ln2: k = ±1
      if (x === 1) return E;
      if (neg) {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      } else {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      }
    } else {
      k = (INV_LN2 * x + (neg ? -0.5 : 0.5)) | 0; // truncation, as C's (int)
      hi = x - k * LN2_HI; // exact
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    return 1 + x;
  }

  // x is now in [-0.5·ln2, 0.5·ln2].
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * TWO_1023;
    return y * pow2(k);
  }
  return y * pow2(k + 1000) * TWO_M1000;
}

/** e^x for NaN, ±Infinity and finite x beyond the overflow and underflow thresholds. */
function outside(x: number): number {
  if (x !== x) return x + x; // NaN
  return x > 0 ? Infinity : 0;
}
