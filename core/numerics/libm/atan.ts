/**
 * atan(x), bit for bit as Node 20's Math.atan (V8 11.3). After fdlibm's s_atan.c, as in V8's
 * src/base/ieee754.cc.
 *
 * Method:
 *  1. atan(−x) = −atan(x); |x| is reduced by its high word to one of five intervals:
 *       [0, 7/16]        atan(x) = x − x·P(x²)
 *       [7/16, 11/16]    atan(x) = atan(1/2) + atan((2x − 1)/(2 + x))
 *       [11/16, 19/16]   atan(x) = atan(1)   + atan((x − 1)/(x + 1))
 *       [19/16, 39/16]   atan(x) = atan(3/2) + atan((x − 1.5)/(1 + 1.5x))
 *       [39/16, 2^66)    atan(x) = atan(∞)   + atan(−1/x)
 *     with each atan(c) split as atanhi + atanlo.
 *  2. atan(t) = t − t·P(t²), P(z) = aT0·z + … + aT10·z¹¹, evaluated as its odd and even halves
 *     in w = z².
 * Accuracy: about 1 ulp (fdlibm states no bound). |x| < 2^-27 gives x (±0 kept); |x| ≥ 2^66
 * gives ±π/2; atan(±Infinity) = ±π/2, atan(NaN) = NaN.
 *
 * fdlibm notice: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
 * SunSoft, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */
import { highWord, lowWord } from './words.js';

const ATAN_HALF_HI = 4.63647609000806093515e-1; // 0x3FDDAC67 0561BB4F
const ATAN_ONE_HI = 7.85398163397448278999e-1; // 0x3FE921FB 54442D18
const ATAN_3_2_HI = 9.82793723247329054082e-1; // 0x3FEF730B D281F69B
const ATAN_INF_HI = 1.57079632679489655800; // 0x3FF921FB 54442D18
const ATAN_HALF_LO = 2.26987774529616870924e-17; // 0x3C7A2B7F 222F65E2
const ATAN_ONE_LO = 3.06161699786838301793e-17; // 0x3C81A626 33145C07
const ATAN_3_2_LO = 1.39033110312309984516e-17; // 0x3C700788 7AF0CBBD
const ATAN_INF_LO = 6.12323399573676603587e-17; // 0x3C91A626 33145C07
const AT0 = 3.33333333333329318027e-1; // 0x3FD55555 5555550D
const AT1 = -1.99999999998764832476e-1; // 0xBFC99999 9998EBC4
const AT2 = 1.42857142725034663711e-1; // 0x3FC24924 920083FF
const AT3 = -1.11111104054623557880e-1; // 0xBFBC71C6 FE231671
const AT4 = 9.09088713343650656196e-2; // 0x3FB745CD C54C206E
const AT5 = -7.69187620504482999495e-2; // 0xBFB3B0F2 AF749A6D
const AT6 = 6.66107313738753120669e-2; // 0x3FB10D66 A0D03D51
const AT7 = -5.83357013379057348645e-2; // 0xBFADDE2D 52DEFD9A
const AT8 = 4.97687799461593236017e-2; // 0x3FA97B4B 24760DEB
const AT9 = -3.65315727442169155270e-2; // 0xBFA2B444 2C6A6C2F
const AT10 = 1.62858201153657823623e-2; // 0x3F90AD3A E322DA11

/** The arctangent, the same float64 as Node 20's Math.atan(x) for every x. */
export function atan(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x44100000) {
    // |x| ≥ 2^66, Infinity or NaN
    if (ix > 0x7ff00000 || (ix === 0x7ff00000 && lowWord(x) !== 0)) return x + x; // NaN
    return hx > 0 ? ATAN_INF_HI + ATAN_INF_LO : -ATAN_INF_HI - ATAN_INF_LO;
  }

  let hiPart = 0;
  let loPart = 0;
  let reduced = true;
  if (ix < 0x3fdc0000) {
    // |x| < 0.4375
    if (ix < 0x3e400000) return x; // |x| < 2^-27
    reduced = false;
  } else {
    x = Math.abs(x);
    if (ix < 0x3ff30000) {
      // |x| < 1.1875
      if (ix < 0x3fe60000) {
        // 7/16 ≤ |x| < 11/16
        hiPart = ATAN_HALF_HI;
        loPart = ATAN_HALF_LO;
        x = (2 * x - 1) / (2 + x);
      } else {
        // 11/16 ≤ |x| < 19/16
        hiPart = ATAN_ONE_HI;
        loPart = ATAN_ONE_LO;
        x = (x - 1) / (x + 1);
      }
    } else if (ix < 0x40038000) {
      // 19/16 ≤ |x| < 2.4375
      hiPart = ATAN_3_2_HI;
      loPart = ATAN_3_2_LO;
      x = (x - 1.5) / (1 + 1.5 * x);
    } else {
      // 2.4375 ≤ |x| < 2^66
      hiPart = ATAN_INF_HI;
      loPart = ATAN_INF_LO;
      x = -1 / x;
    }
  }

  const t = tail(x);
  if (!reduced) return x - t;
  const r = hiPart - ((t - loPart) - x);
  return hx < 0 ? -r : r;
}

/** x·P(x²): the sum over i of aT[i]·x^(2i+3), as its odd and even halves in x⁴. */
function tail(x: number): number {
  const z = x * x;
  const w = z * z;
  const s1 = z * (AT0 + w * (AT2 + w * (AT4 + w * (AT6 + w * (AT8 + w * AT10)))));
  const s2 = w * (AT1 + w * (AT3 + w * (AT5 + w * (AT7 + w * AT9))));
  return x * (s1 + s2);
}
