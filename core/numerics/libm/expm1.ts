/**
 * expm1(x) = e^x − 1, bit for bit as Node 20's Math.expm1 (V8 11.3). After fdlibm's s_expm1.c, as
 * in V8's src/base/ieee754.cc.
 *
 * Method:
 *  1. Argument reduction: x = k·ln2 + r with |r| ≤ 0.5·ln2 (k = ±1 directly for |x| < 1.5·ln2),
 *     ln2 split into ln2_hi + ln2_lo; c = (hi − r) − lo is the rounding error of r, corrected for
 *     with expm1(r + c) ≈ expm1(r) + c + r·c.
 *  2. With R1(r²) defined by r·(e^r + 1)/(e^r − 1) = 2 + r²/6·R1(r²), a Remez polynomial of degree
 *     5 in z = r²/2 (coefficients scaled by 2^i) gives R1 to within 2^-61 on [0, 0.347], and
 *     expm1(r) = r + r²/2 + r³/2·(3 − (R1 + R1·r/2))/(6 − r·(3 − R1·r/2)) = r − E.
 *  3. Scale back: expm1(x) = 2^k·(expm1(r) + 1) − 1, arranged per k to avoid cancellation
 *     (k = 0, k = −1, k = 1, k ≤ −2 or k > 56, k < 20, k ≥ 20). The powers of two 2^k, 2^-k and
 *     1 − 2^-k, which fdlibm writes as exponent bits, are read from a table (the same values).
 * Accuracy: below 1 ulp. x < −56·ln2 gives −1; overflow for x > 709.782712893384 (+Infinity);
 * expm1(±Infinity) = {Infinity, −1}; |x| < 2^-54 gives x itself (±0 kept).
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { highWord, pow2 } from './words.js';

const O_THRESHOLD = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2 = 1.44269504088896338700; // 0x3FF71547 652B82FE
// Qn here = 2^n · Qn of R1, for the polynomial in hxs = x²/2.
const Q1 = -3.33333333333331316428e-2; // 0xBFA11111 111110F4
const Q2 = 1.58730158725481460165e-3; // 0x3F5A01A0 19FE5585
const Q3 = -7.93650757867487942473e-5; // 0xBF14CE19 9EAADBB7
const Q4 = 4.00821782732936239552e-6; // 0x3ED0CFCA 86E65239
const Q5 = -2.01099218183624371326e-7; // 0xBE8AFDB7 6E09C32D
const TWO_1023 = 8.98846567431158e307; // 2^1023, 0x7FE00000 00000000

/** e^x − 1, the same float64 as Node 20's Math.expm1(x) for every x. */
export function expm1(x: number): number {
  let hx = highWord(x);
  const neg = hx < 0;
  hx &= 0x7fffffff;

  // |x| ≥ 56·ln2: only 56·ln2 ≤ x ≤ 709.78… goes on.
  if (hx >= 0x4043687a && !(x > 0 && x <= O_THRESHOLD)) return outside(x);

  let k = 0;
  let c = 0;
  if (hx > 0x3fd62e42) {
    // |x| > 0.5·ln2
    let hi: number;
    let lo: number;
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5·ln2
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
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    // |x| < 2^-54
    return x;
  }

  // x is now in [-0.5·ln2, 0.5·ln2].
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs); // c is 0
  e = x * (e - c) - c;
  e -= hxs;
  return scaleBack(k, x, e);
}

/** 2^k·(1 + x − e) − 1 for k ≠ 0, arranged per k against cancellation. */
function scaleBack(k: number, x: number, e: number): number {
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) {
    if (x < -0.25) return -2 * (e - (x + 0.5));
    return 1 + 2 * (x - e);
  }
  if (k <= -2 || k > 56) {
    // e^x − 1 suffices
    let y = 1 - (e - x);
    if (k === 1024) y = y * 2 * TWO_1023;
    else y = y * pow2(k);
    return y - 1;
  }
  if (k < 20) return (1 - pow2(-k) - (e - x)) * pow2(k); // 1 − 2^-k is exact
  return (x - (e + pow2(-k)) + 1) * pow2(k);
}

/** e^x − 1 for NaN, ±Infinity, x < −56·ln2 and x beyond the overflow threshold. */
function outside(x: number): number {
  if (x !== x) return x + x; // NaN
  return x > 0 ? Infinity : -1;
}
