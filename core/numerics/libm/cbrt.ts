/**
 * cbrt(x), the real cube root, bit for bit as Node 20's Math.cbrt (V8 11.3). After FreeBSD msun's
 * s_cbrt.c (fdlibm lineage), as in V8's src/base/ieee754.cc.
 *
 * Method:
 *  1. A rough cube root to about 5 bits from the bits: dividing the biased exponent-and-fraction
 *     high word by 3 and adding the bias B1 (subnormals are first scaled by 2^54 and use B2),
 *     cbrt(2^e·(1 + m)) ≈ 2^(e/3)·(1 + (e%3 + m)/3 − 0.033).
 *  2. To 23 bits with a degree-4 polynomial P(r) ≈ 1/cbrt(r), r = t³/x (error below 2^-23.5 for
 *     |r − 1| < 1/10): t = t·P(t³/x).
 *  3. t rounded away from zero to 23 bits (add 2^31 to the 64-bit pattern, clear the low 30 bits),
 *     so that t·t is exact, then one Newton step t + t·(x/t² − t)/(2t + x/t²) to 53 bits.
 * The float64s that fdlibm assembles from words (all normal) are built by exact arithmetic,
 * significand times a power of two (normalFromWords), which gives the same bits.
 * Accuracy: below 0.667 ulp. cbrt(±0) = ±0, cbrt(±Infinity) = ±Infinity, cbrt(NaN) = NaN.
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { highWord, lowWord, normalFromWords } from './words.js';

const B1 = 715094163; // (1023 − 1023/3 − 0.03306235651)·2^20
const B2 = 696219795; // (1023 − 1023/3 − 54/3 − 0.03306235651)·2^20
const TWO54 = 1.8014398509481984e16; // 2^54, 0x43500000 00000000
// |1/cbrt(x) − P(x)| < 2^-23.5 (about [−7.93e-8, 7.929e-8])
const P0 = 1.87595182427177009643; // 0x3FFE03E6 0F61E692
const P1 = -1.88497979543377169875; // 0xBFFE28E0 92F02420
const P2 = 1.621429720105354466140; // 0x3FF9F160 4A49D6C2
const P3 = -0.758397934778766047437; // 0xBFE844CB BEE751D9
const P4 = 0.145996192886612446982; // 0x3FC2B000 D4E4EDD7

/** The cube root, the same float64 as Node 20's Math.cbrt(x) for every x. */
export function cbrt(x: number): number {
  const hx0 = highWord(x);
  const sign = hx0 & 0x80000000;
  const hx = hx0 & 0x7fffffff;
  if (hx >= 0x7ff00000) return x + x; // NaN, ±Infinity

  let t: number;
  if (hx < 0x00100000) {
    // zero or subnormal
    if ((hx | lowWord(x)) === 0) return x;
    const high = highWord(TWO54 * x) & 0x7fffffff;
    t = normalFromWords(sign | (((high / 3) | 0) + B2), 0);
  } else {
    t = normalFromWords(sign | (((hx / 3) | 0) + B1), 0);
  }

  // To 23 bits.
  let r = t * t * (t / x);
  t = t * (P0 + r * (P1 + r * P2) + r * r * r * (P3 + r * P4));

  // Round away from zero to 23 bits: (bits + 2^31) & ~(2^30 − 1) on the 64-bit pattern.
  const lo = lowWord(t);
  t = normalFromWords((highWord(t) + (lo >>> 31)) | 0, (lo ^ 0x80000000) & 0xc0000000);

  // One Newton step to 53 bits.
  const s = t * t; // exact
  r = x / s;
  const w = t + t; // exact
  r = (r - t) / (w + r);
  return t + t * r;
}
