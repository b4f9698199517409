/**
 * sin and cos with the float64 bits of Node 20's Math.sin and Math.cos (V8 11.3), for every argument:
 * written after fdlibm's s_sin.c, s_cos.c, k_sin.c (__kernel_sin) and k_cos.c (__kernel_cos), as in
 * V8's src/base/ieee754.cc (whose fdlibm branch Node 20 takes; newer V8 builds may use other sin/cos
 * code, which is why these ports exist). The reduction is in rem-pio2.ts.
 *
 * Method: |x| ≤ ~π/4 goes straight to the kernels; otherwise x = n·π/2 + (y₀ + y₁) and, by n mod 4,
 *     n:    0      1      2      3
 *   sin:    S      C     −S     −C
 *   cos:    C     −S     −C      S
 * with S, C the kernels on [−π/4, π/4]:
 *  - S(x + y) = x + (S1·x³ + (x²·(x³·r − y/2) + y)), r = S2 + x²(S3 + … + x²·S6): fdlibm's degree-13
 *    odd polynomial (|sin x / x − poly| ≤ 2⁻⁵⁸) with the first-order correction for the tail y;
 *  - C(x + y) = 1 − (x²/2 − (x⁴·poly − x·y)), and for |x| ≥ 0.3 the split (1 − qx) − ((x²/2 − qx) − …)
 *    with qx = |x|/4 truncated (or 0.28125 above 0.78125) so that both differences are exact;
 *  - |x| < 2⁻²⁷: S = x, C = 1.
 * ±Infinity and NaN give NaN. fdlibm's tests of high words against bounds are made here as
 * comparisons of |x| with the float64 those bounds imply (the same outcome, with no trip through the
 * word buffer), and each kernel has one call site, so that V8 can inline sin or cos with their kernels
 * and the reduction into a caller's loop.
 *
 * fdlibm notice (s_sin.c, s_cos.c, k_sin.c, k_cos.c):
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunSoft, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted, provided that
 *   this notice is preserved.
 */
import { REM_PIO2_Y, remPio2InPlace } from './rem-pio2.js';
import { fromWords, withLowWord } from './words.js';

// __kernel_sin coefficients (hex words are fdlibm's; each literal rounds to exactly that double)
const S1 = -1.66666666666666324348e-1; /* 0xBFC55555 55555549 */
const S2 = 8.33333333332248946124e-3; /* 0x3F811111 1110F8A6 */
const S3 = -1.98412698298579493134e-4; /* 0xBF2A01A0 19C161D5 */
const S4 = 2.75573137070700676789e-6; /* 0x3EC71DE3 57B1FE7D */
const S5 = -2.50507602534068634195e-8; /* 0xBE5AE5E6 8A2B9CEB */
const S6 = 1.58969099521155010221e-10; /* 0x3DE5D93A 5ACFD57C */

// __kernel_cos coefficients
const C1 = 4.16666666666666019037e-2; /* 0x3FA55555 5555554C */
const C2 = -1.38888888888741095749e-3; /* 0xBF56C16C 16C15177 */
const C3 = 2.48015872894767294178e-5; /* 0x3EFA01A0 19CB1590 */
const C4 = -2.75573143513906633035e-7; /* 0xBE927E4F 809C52AD */
const C5 = 2.0875723212981748279e-9; /* 0x3E21EE9E BDB4B1C4 */
const C6 = -1.13596475577881948265e-11; /* 0xBDA8FAE9 BE8838D4 */

// the kernels' and sin/cos's tests on high words, as comparisons of |x| with the bounds they imply
const TWO_M27 = fromWords(0x3e400000, 0); // high word < 0x3e400000 ⇔ |x| < 2^-27
const COS_SMALL = fromWords(0x3fd33333, 0); // high word < 0x3fd33333 ⇔ |x| < this (~0.3)
const COS_LARGE = fromWords(0x3fe90001, 0); // high word > 0x3fe90000 ⇔ |x| ≥ this (~0.78125)
const PIO4_UP = fromWords(0x3fe921fc, 0); // high word ≤ 0x3fe921fb ⇔ |x| < this (~π/4)

/** sin(x + y) for |x| ≲ π/4, y the tail of x; iy = 0 says y is 0 (fdlibm's __kernel_sin). */
function kernelSin(x: number, y: number, iy: number): number {
  if (Math.abs(x) < TWO_M27) return x;
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

/** cos(x + y) for |x| ≲ π/4, y the tail of x (fdlibm's __kernel_cos). */
function kernelCos(x: number, y: number): number {
  const ax = Math.abs(x);
  if (ax < TWO_M27) return 1;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ax < COS_SMALL) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  // qx = |x|/4 with its low word cleared (fdlibm: INSERT_WORDS(qx, ix - 0x00200000, 0)), or 0.28125
  // for |x| > 0.78125
  const qx = ax >= COS_LARGE ? 0.28125 : withLowWord(ax * 0.25, 0);
  const iz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (iz - (z * r - x * y));
}

/** sin x, bit-identical to Node 20's Math.sin. */
export function sin(x: number): number {
  // |x| ~<= π/4: the kernel on x itself (iy = 0); one call site per kernel keeps sin small enough to
  // be inlined with them
  let y0 = x;
  let y1 = 0;
  let n = 0;
  let iy = 0;
  const ax = Math.abs(x);
  if (!(ax < PIO4_UP)) {
    if (!(ax < Infinity)) return x - x; // ±Infinity, NaN
    REM_PIO2_Y[0] = x;
    n = remPio2InPlace();
    y0 = REM_PIO2_Y[0];
    y1 = REM_PIO2_Y[1];
    iy = 1;
  }
  // n mod 4 = 0: S, 1: C, 2: −S, 3: −C
  const v = (n & 1) === 0 ? kernelSin(y0, y1, iy) : kernelCos(y0, y1);
  return (n & 2) === 0 ? v : -v;
}

/** cos x, bit-identical to Node 20's Math.cos. */
export function cos(x: number): number {
  let y0 = x; // |x| ~<= π/4: the kernel on x itself, tail 0
  let y1 = 0;
  let n = 0;
  const ax = Math.abs(x);
  if (!(ax < PIO4_UP)) {
    if (!(ax < Infinity)) return x - x; // ±Infinity, NaN
    REM_PIO2_Y[0] = x;
    n = remPio2InPlace();
    y0 = REM_PIO2_Y[0];
    y1 = REM_PIO2_Y[1];
  }
  // n mod 4 = 0: C, 1: −S, 2: −C, 3: S
  const v = (n & 1) === 0 ? kernelCos(y0, y1) : kernelSin(y0, y1, 1);
  return ((n + 1) & 2) === 0 ? v : -v;
}
