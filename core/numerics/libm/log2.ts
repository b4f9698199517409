/**
 * log2(x), bit for bit as Node 20's Math.log2 (V8 11.3). After FreeBSD msun's e_log2.c and
 * k_log.h (fdlibm lineage), as in V8's src/base/ieee754.cc.
 *
 * Method:
 *  1. Argument reduction exactly as in log: x = 2^k·(1 + f) with √2/2 < 1 + f < √2 (subnormals
 *     first scaled by 2^54).
 *  2. The kernel k_log1p(f) = s·(hfsq + R(s²)), s = f/(2 + f), hfsq = f²/2, with log's degree-14
 *     Remez polynomial R (Lg1…Lg7, error below 2^-58.45), gives log(1 + f) − (f − hfsq).
 *  3. log2(x) = (f − hfsq + k_log1p(f))/ln2 + k, in extra precision: f − hfsq is split as hi + lo
 *     with hi's low word cleared, 1/ln2 as ivln2hi + ivln2lo (ivln2hi has 33 bits, so hi·ivln2hi is
 *     exact), and k + val_hi is added by Dekker's fast two-sum before the final rounding.
 * Accuracy: about 1 ulp (msun states no bound); log2(2^n) = n exactly. log2(±0) = −Infinity,
 * log2(x < 0) = NaN, log2(Infinity) = Infinity, log2(NaN) = NaN, log2(1) = +0.
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { highWord, lowWord, normalFromWords, pow2 } from './words.js';

const TWO54 = 1.8014398509481984e16; // 2^54, 0x43500000 00000000
const IVLN2_HI = 1.44269504072144627571; // 0x3FF71547 65200000
const IVLN2_LO = 1.67517131648865118353e-10; // 0x3DE705FC 2EEFA200
const LG1 = 6.666666666666735130e-1; // 0x3FE55555 55555593
const LG2 = 3.999999999940941908e-1; // 0x3FD99999 9997FA04
const LG3 = 2.857142874366239149e-1; // 0x3FD24924 94229359
const LG4 = 2.222219843214978396e-1; // 0x3FCC71C5 1D8E78AF
const LG5 = 1.818357216161805012e-1; // 0x3FC74664 96CB03DE
const LG6 = 1.531383769920937332e-1; // 0x3FC39A09 D078C69F
const LG7 = 1.479819860511658591e-1; // 0x3FC2F112 DF3E5244

/** The base-2 logarithm, the same float64 as Node 20's Math.log2(x) for every x. */
export function log2(x: number): number {
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
  if (hx === 0x3ff00000 && lowWord(x) === 0) return 0;
  // Normalise x to [√2/2, √2) by an exact power-of-two scaling (the same bits as fdlibm's
  // SET_HIGH_WORD of the exponent field).
  const e = (hx >> 20) - 1023 + ((((hx & 0x000fffff) + 0x95f64) & 0x100000) >> 20);
  k += e;
  const f = x * pow2(-e) - 1;
  const hfsq = 0.5 * f * f;

  const r = kLog1p(f, hfsq);

  // f − hfsq with its low word cleared; f is 0 or at least 2^-53 in magnitude, so f − hfsq is
  // 0 or normal and its high word alone rebuilds it.
  const v = f - hfsq;
  const hi = v === 0 ? 0 : normalFromWords(highWord(v), 0);
  const lo = f - hi - hfsq + r;
  let valHi = hi * IVLN2_HI;
  let valLo = (lo + hi) * IVLN2_LO + lo * IVLN2_HI;
  const sum = k + valHi;
  valLo += k - sum + valHi;
  valHi = sum;
  return valLo + valHi;
}

/** k_log1p: log(1 + f) − (f − f²/2) for 1 + f in [√2/2, √2), given hfsq = f²/2. */
function kLog1p(f: number, hfsq: number): number {
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  return s * (hfsq + (t2 + t1));
}
