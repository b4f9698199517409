/**
 * tanh(x), bit for bit as Node 20's Math.tanh (V8 11.3). After fdlibm's s_tanh.c in the form of
 * FreeBSD msun and V8 11.3's src/base/ieee754.cc (tanh(x) = x below 2^-28, where Sun's original
 * returns x·(1 + x) below 2^-55; the difference is visible, and Node 20 gives x), on top of the
 * expm1 port. (Newer V8 calls the C library's tanh instead.)
 *
 * Method (tanh(−x) = −tanh(x), so x ≥ 0 below):
 *  - 0 ≤ x < 2^-28:  tanh(x) = x (±0 kept).
 *  - 2^-28 ≤ x < 1:  tanh(x) = −t/(t + 2),     t = expm1(−2x).
 *  - 1 ≤ x < 22:     tanh(x) = 1 − 2/(t + 2),  t = expm1(2x).
 *  - x ≥ 22:         tanh(x) = 1 (1 − 10^-300 rounds to 1).
 * Accuracy: fdlibm states no bound (expm1's error, below 1 ulp, carried through one division).
 * tanh(±Infinity) = ±1, tanh(NaN) = NaN.
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { expm1 } from './expm1.js';
import { highWord } from './words.js';

/** The hyperbolic tangent, the same float64 as Node 20's Math.tanh(x) for every x. */
export function tanh(x: number): number {
  const jx = highWord(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    // Infinity or NaN
    if (x !== x) return x + x;
    return jx >= 0 ? 1 : -1;
  }
  let z = 1; // |x| ≥ 22: 1 − 10^-300 rounds to 1
  if (ix < 0x40360000) {
    // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28
    // One call site for expm1, so that it is inlined once.
    const big = ix >= 0x3ff00000; // |x| ≥ 1
    const t = expm1(big ? 2 * Math.abs(x) : -2 * Math.abs(x));
    z = big ? 1 - 2 / (t + 2) : -t / (t + 2);
  }
  return jx >= 0 ? z : -z;
}
