/**
 * tan with the float64 bits of Node 20's Math.tan (V8 11.3), for every argument: written after
 * fdlibm's s_tan.c and k_tan.c (__kernel_tan), as in V8's src/base/ieee754.cc. The reduction is
 * rem-pio2.ts (x = n·π/2 + (y₀ + y₁)); tan x = T(y) for even n and −1/T(y) for odd n.
 *
 * Kernel on [−π/4, π/4]: T(x + y) = x + (T0·x³ + (x²·(x³·(r + v) + y) + y)), fdlibm's degree-27 odd
 * polynomial (|tan x / x − poly| ≤ 2^−59.2) split into its odd and even halves r, v in x⁴; for
 * |x| ≥ 0.6744 the argument is first mapped to π/4 − x (tan(π/4 − y) = 1 − 2(tan y − tan²y/(1 + tan y)));
 * −1/(x + r) is computed with its head and tail (low words cleared) to stay within an ulp; |x| < 2⁻²⁸
 * gives x (or −1/(x + y), or 1/|x| at zero for the odd case).
 *
 * fdlibm notice (s_tan.c, k_tan.c):
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunSoft, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted, provided that
 *   this notice is preserved.
 */
import { REM_PIO2_Y, remPio2InPlace } from './rem-pio2.js';
import { highWord, lowWord, withLowWord } from './words.js';

// __kernel_tan coefficients T0 … T12 (hex words are fdlibm's; each literal rounds to exactly that double)
const T0 = 3.33333333333334091986e-1; /* 3FD55555 55555563 */
const T1 = 1.33333333333201242699e-1; /* 3FC11111 1110FE7A */
const T2 = 5.39682539762260521377e-2; /* 3FABA1BA 1BB341FE */
const T3 = 2.18694882948595424599e-2; /* 3F9664F4 8406D637 */
const T4 = 8.86323982359930005737e-3; /* 3F8226E3 E96E8493 */
const T5 = 3.59207910759131235356e-3; /* 3F6D6D22 C9560328 */
const T6 = 1.45620945432529025516e-3; /* 3F57DBC8 FEE08315 */
const T7 = 5.88041240820264096874e-4; /* 3F4344D8 F2F26501 */
const T8 = 2.46463134818469906812e-4; /* 3F3026F7 1A8D1068 */
const T9 = 7.81794442939557092300e-5; /* 3F147E88 A03792A6 */
const T10 = 7.14072491382608190305e-5; /* 3F12B80F 32F0A7E9 */
const T11 = -1.85586374855275456654e-5; /* BEF375CB DB605373 */
const T12 = 2.59073051863633712884e-5; /* 3EFB2A70 74BF7AD4 */
const PIO4 = 7.85398163397448278999e-1; /* 3FE921FB 54442D18 */
const PIO4LO = 3.06161699786838301793e-17; /* 3C81A626 33145C07 */

/** −1/w for w = x + r, with head and tail so that the result is within an ulp (fdlibm's careful path). */
function negReciprocal(w: number, x: number, r: number): number {
  const z = withLowWord(w, 0);
  const v = r - (z - x); // z + v = x + r
  const a = -1 / w;
  const t = withLowWord(a, 0);
  const s = 1 + t * z;
  return t + a * (s + t * v);
}

/** tan(x + y) for iy = 1, −1/tan(x + y) for iy = −1; |x| ≤ ~π/4, y the tail of x. */
function kernelTan(x: number, y: number, iy: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x3e300000) {
    // |x| < 2^-28
    if ((ix | lowWord(x)) === 0 && iy === -1) return 1 / Math.abs(x);
    if (iy === 1) return x;
    return negReciprocal(x + y, x, y);
  }
  const big = ix >= 0x3fe59428; // |x| ≥ 0.6744
  if (big) {
    if (hx < 0) {
      x = -x;
      y = -y;
    }
    x = PIO4 - x + (PIO4LO - y);
    y = 0;
  }
  const z = x * x;
  const w = z * z;
  let r = T1 + w * (T3 + w * (T5 + w * (T7 + w * (T9 + w * T11))));
  const v = z * (T2 + w * (T4 + w * (T6 + w * (T8 + w * (T10 + w * T12)))));
  const s = z * x;
  r = y + z * (s * (r + v) + y);
  r += T0 * s;
  const sum = x + r;
  if (big) return (1 - ((hx >> 30) & 2)) * (iy - 2 * (x - ((sum * sum) / (sum + iy) - r)));
  if (iy === 1) return sum;
  return negReciprocal(sum, x, r);
}

/** tan x, bit-identical to Node 20's Math.tan. */
export function tan(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelTan(x, 0, 1);
  if (ix >= 0x7ff00000) return x - x; // ±Infinity, NaN
  REM_PIO2_Y[0] = x;
  const n = remPio2InPlace();
  return kernelTan(REM_PIO2_Y[0], REM_PIO2_Y[1], 1 - ((n & 1) << 1));
}
