/**
 * x^y with the float64 bits of Node 20's Math.pow and `**` (V8 11.3), for every pair of arguments:
 * written after fdlibm's e_pow.c as V8 carries it in src/base/ieee754.cc (in current V8 as
 * `ieee754::legacy::pow`, which `math::pow` of src/numbers/ieee754.cc calls unless
 * --use-std-math-pow; Node 20 gives these bits, as the tests against its Math.pow confirm). V8's
 * version already has the ECMAScript special cases that C's pow lacks: x^NaN is NaN even for x = 1
 * (checked only after y = ±0, so NaN^0 = 1), and (±1)^(±Infinity) is NaN.
 *
 * Method (x = 2^m·(1 + f)):
 *  1. log₂|x| = m + log₂ a in two pieces t1 + t2, t1 with its low word zero: a = |x|/2^m in [√3/2, √3),
 *     b = 1 (a < √(3/2)) or 1.5, s = (a − b)/(a + b), log₂ a = log₂ b + (2/(3 ln 2))·s·(3 + s² + R),
 *     R = s⁴·(L1 + … + s¹⁰·L6), in double-double arithmetic (log₂ 1.5 = dp_h + dp_l); for |y| > 2³¹
 *     with x near 1, the series t − t²/2 + t³/3 − t⁴/4 of log(1 + t) instead;
 *  2. y·log₂|x| = p_h + p_l with y split into y1 (low word zero) and y − y1, so y1·t1 is exact;
 *     overflow and underflow are decided here (z ≥ 1024, z ≤ −1075, with the half-ulp tail check);
 *  3. z = n + r, |r| ≤ ½, and 2^r = exp(r·ln 2) with fdlibm's exp polynomial P1 … P5, then 2^n by
 *     adding n to the exponent (scalbn for a subnormal result).
 * Where fdlibm reads or writes words only to test a value or scale by a power of two (the overflow
 * tests on z, n = [z + ½], the exponent changes), this port does the same with exact floating-point
 * operations, which are cheaper in JavaScript than a round trip through the shared word buffer; every
 * split that clears a low word still goes through words.ts.
 * Special cases in fdlibm's order: y = ±0 → 1; NaN → NaN; |y| = ∞; y = ±1, 2, ½ (x ≥ +0: √x);
 * x = ±0, ±∞, ±1; negative x with non-integer y → NaN; negative x with odd y flips the sign.
 *
 * fdlibm notice (e_pow.c):
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunSoft, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted, provided that
 *   this notice is preserved.
 */
import { fromWords, highWord, lowWord, withLowWord } from './words.js';

// constants (hex words are fdlibm's; each literal rounds to exactly that double)
const DP_H1 = 5.84962487220764160156e-1; /* 0x3FE2B803 40000000, log2(1.5) high */
const DP_L1 = 1.35003920212974897128e-8; /* 0x3E4CFDEB 43CFD006, log2(1.5) tail */
const TWO53 = 9007199254740992; /* 0x43400000 00000000 */
const HUGE = 1e300;
const TINY = 1e-300;
// polynomial for (3/2)·(log(x) − 2s − (2/3)·s³)
const L1 = 5.99999999999994648725e-1; /* 0x3FE33333 33333303 */
const L2 = 4.28571428578550184252e-1; /* 0x3FDB6DB6 DB6FABFF */
const L3 = 3.33333329818377432918e-1; /* 0x3FD55555 518F264D */
const L4 = 2.72728123808534006489e-1; /* 0x3FD17460 A91D4101 */
const L5 = 2.30660745775561754067e-1; /* 0x3FCD864A 93C9DB65 */
const L6 = 2.06975017800338417784e-1; /* 0x3FCA7E28 4A454EEF */
// exp polynomial
const P1 = 1.66666666666666019037e-1; /* 0x3FC55555 5555553E */
const P2 = -2.77777777770155933842e-3; /* 0xBF66C16C 16BEBD93 */
const P3 = 6.61375632143793436117e-5; /* 0x3F11566A AF25DE2C */
const P4 = -1.6533902205465251539e-6; /* 0xBEBBBD41 C5D26BF1 */
const P5 = 4.13813679705723846039e-8; /* 0x3E663769 72BEA4D0 */
const LG2 = 6.93147180559945286227e-1; /* 0x3FE62E42 FEFA39EF */
const LG2_H = 6.93147182464599609375e-1; /* 0x3FE62E43 00000000 */
const LG2_L = -1.90465429995776804525e-9; /* 0xBE205C61 0CA86C39 */
const OVT = 8.0085662595372944372e-17; /* -(1024 - log2(ovfl + .5ulp)) */
const CP = 9.61796693925975554329e-1; /* 0x3FEEC709 DC3A03FD, 2/(3 ln 2) */
const CP_H = 9.61796700954437255859e-1; /* 0x3FEEC709 E0000000, (float)CP */
const CP_L = -7.02846165095275826516e-9; /* 0xBE3E2FE0 145B01F5, tail of CP_H */
const IVLN2 = 1.442695040888963387; /* 0x3FF71547 652B82FE, 1/ln 2 */
const IVLN2_H = 1.44269502162933349609; /* 0x3FF71547 60000000, 24 bits of 1/ln 2 */
const IVLN2_L = 1.92596299112661746887e-8; /* 0x3E54AE0B F85DDF44, tail of IVLN2_H */

const HALF_UP = fromWords(0x3fe00001, 0); /* 0.5 + 2^-21, the least |z| whose high word exceeds ½'s */

/** 2^k for −1024 ≤ k ≤ 1023 at index k + 1024 (2^−1023 and 2^−1024 are subnormal, still exact). */
const POW2 = new Float64Array(2048);
for (let k = -1022; k <= 1023; k++) POW2[k + 1024] = fromWords((0x3ff + k) << 20, 0);
POW2[1] = POW2[2] * 0.5;
POW2[0] = POW2[1] * 0.5;

/**
 * z·2^n rounded once, for |z| in [½, 2) and −1100 < n ≤ 1024: what fdlibm gets by adding n to the
 * exponent (exact for a normal result) or by scalbn (a subnormal result, one rounding).
 */
function scale(z: number, n: number): number {
  if (n >= -1022) return n <= 1023 ? z * POW2[n + 1024] : z * 2 * POW2[2047];
  // the first product is exact (normal), the second rounds once
  return z * POW2[n + 2024] * POW2[24];
}

/** Arguments and result of powInPlace: x, y in, x^y out at index 0. */
const IO = new Float64Array(2);

/** x^y, bit-identical to Node 20's Math.pow(x, y) and x ** y. */
export function pow(x: number, y: number): number {
  // a small wrapper that V8 inlines into callers; the work is in powInPlace, which is too large to be
  // inlined, and takes and gives its float64s through IO (a float64 argument or result of a call that
  // is not inlined is boxed, an allocation per call)
  IO[0] = x;
  IO[1] = y;
  powInPlace();
  return IO[0];
}

/** IO[0] = IO[0]^IO[1]. */
function powInPlace(): void {
  const x = IO[0];
  const y = IO[1];
  const hx = highWord(x);
  const lx = lowWord(x);
  const hy = highWord(y);
  const ly = lowWord(y);
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;

  if ((iy | ly) === 0) return put(1); // x^±0 = 1, NaN too

  // NaN in either: NaN
  if (ix > 0x7ff00000 || (ix === 0x7ff00000 && lx !== 0) || iy > 0x7ff00000 || (iy === 0x7ff00000 && ly !== 0)) {
    return put(x + y);
  }

  // for x < 0: yisint = 0 (y not an integer), 1 (odd integer), 2 (even integer)
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) {
      yisint = 2; // |y| ≥ 2^53: even
    } else if (iy >= 0x3ff00000) {
      const k = (iy >> 20) - 0x3ff; // exponent
      if (k > 20) {
        const j = ly >>> (52 - k);
        if (j << (52 - k) === (ly | 0)) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        const j = iy >> (20 - k);
        if (j << (20 - k) === iy) yisint = 2 - (j & 1);
      }
    }
  }

  // special y
  if (ly === 0) {
    if (iy === 0x7ff00000) {
      // y = ±∞
      if (((ix - 0x3ff00000) | lx) === 0) return put(y - y); // (±1)^±∞ = NaN
      if (ix >= 0x3ff00000) return put(hy >= 0 ? y : 0); // |x| > 1
      return put(hy < 0 ? -y : 0); // |x| < 1
    }
    if (iy === 0x3ff00000) return put(hy < 0 ? 1 / x : x); // y = ±1
    if (hy === 0x40000000) return put(x * x); // y = 2
    if (hy === 0x3fe00000 && hx >= 0) return put(Math.sqrt(x)); // y = ½, x ≥ +0
  }

  let ax = Math.abs(x);
  // special x: ±0, ±∞, ±1
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) {
    let z = ax;
    if (hy < 0) z = 1 / z;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) === 0) z = NaN; // (−1)^non-integer
      else if (yisint === 1) z = -z; // (x < 0)^odd = −(|x|^odd)
    }
    return put(z);
  }

  let n = (hx >> 31) + 1;
  if ((n | yisint) === 0) return put(NaN); // (x < 0)^non-integer

  const s = (n | (yisint - 1)) === 0 ? -1 : 1; // sign of the result: (x < 0)^odd is negative

  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31
    if (iy > 0x43f00000) {
      // |y| > 2^64: overflow or underflow for any x ≠ 1
      if (ix <= 0x3fefffff) return put(hy < 0 ? HUGE * HUGE : TINY * TINY);
      if (ix >= 0x3ff00000) return put(hy > 0 ? HUGE * HUGE : TINY * TINY);
    }
    // overflow or underflow unless x is near 1
    if (ix < 0x3fefffff) return put(hy < 0 ? s * HUGE * HUGE : s * TINY * TINY);
    if (ix > 0x3ff00000) return put(hy > 0 ? s * HUGE * HUGE : s * TINY * TINY);
    // |1 − x| ≤ 2^-20: log(x) by x − x²/2 + x³/3 − x⁴/4
    const t = ax - 1; // 20 trailing zeros
    const w = t * t * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const u = IVLN2_H * t; // IVLN2_H has 21 significant bits
    const v = t * IVLN2_L - w * IVLN2;
    t1 = withLowWord(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) {
      // subnormal x
      ax *= TWO53;
      n -= 53;
      ix = highWord(ax);
    }
    const e = (ix >> 20) - 0x3ff; // exponent of ax
    n += e;
    const j = ix & 0x000fffff;
    // the interval: |x| < √(3/2) (k = 0), < √3 (k = 1), else halve (k = 0, n + 1)
    ix = j | 0x3ff00000;
    let k = 0;
    let shift = e; // ax becomes ax·2^−shift: fdlibm's SET_HIGH_WORD(ax, ix), exact
    if (j <= 0x3988e) {
      k = 0;
    } else if (j < 0xbb67a) {
      k = 1;
    } else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
      shift += 1;
    }
    ax *= POW2[1024 - shift];
    const bp = k === 0 ? 1 : 1.5;
    const dpH = k === 0 ? 0 : DP_H1;
    const dpL = k === 0 ? 0 : DP_L1;

    // ss = s_h + s_l = (x − 1)/(x + 1) or (x − 1.5)/(x + 1.5)
    const u = ax - bp;
    const v = 1 / (ax + bp);
    const ss = u * v;
    const sH = withLowWord(ss, 0);
    // t_h = ax + bp, high part
    const tH = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0);
    const tL = ax - (tH - bp);
    const sL = v * (u - sH * tH - sH * tL);
    // log(ax)
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    const tH2 = withLowWord(3 + s2 + r, 0);
    const tL2 = r - (tH2 - 3 - s2);
    // u2 + v2 = ss·(1 + …)
    const u2 = sH * tH2;
    const v2 = sL * tH2 + tL2 * ss;
    // 2/(3 ln 2)·(ss + …)
    const pH = withLowWord(u2 + v2, 0);
    const pL = v2 - (pH - u2);
    const zH = CP_H * pH; // CP_H + CP_L = 2/(3 ln 2)
    const zL = CP_L * pH + pL * CP + dpL;
    // log2(ax) = (ss + …)·2/(3 ln 2) = n + dp_h + z_h + z_l
    const t = n;
    t1 = withLowWord(zH + zL + dpH + t, 0);
    t2 = zL - (t1 - t - dpH - zH);
  }

  // (y1 + y2)·(t1 + t2) with y1 = y, low word cleared
  const y1 = withLowWord(y, 0);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  // fdlibm tests z's words here (j ≥ 0x40900000 and so on); the same tests on the value:
  if (z >= 1024) {
    if (z !== 1024) return put(s * HUGE * HUGE); // overflow
    if (pL + OVT > z - pH) return put(s * HUGE * HUGE);
  } else if (z <= -1075) {
    if (z !== -1075) return put(s * TINY * TINY); // underflow
    if (pL <= z - pH) return put(s * TINY * TINY);
  }

  // 2^(p_h + p_l): n = sign(z)·⌊|z| + ½⌋ when |z|'s high word exceeds ½'s. fdlibm adds ½ to the high
  // word and clears the fraction bits; |z| + ½ is exact in float64 here or rounds without crossing
  // an integer (|z| < 1076), so the floor gives the same integer.
  n = 0;
  const az = Math.abs(z);
  if (az >= HALF_UP) {
    const m = Math.floor(az + 0.5);
    if (z < 0) {
      n = -m | 0;
      pH += m;
    } else {
      n = m | 0;
      pH -= m;
    }
  }
  let t = withLowWord(pL + pH, 0);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2 + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  t = z * z;
  t1 = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const r = (z * t1) / (t1 - 2 - (w + z * w));
  z = 1 - (r - z);
  return put(s * scale(z, n)); // fdlibm adds n to the exponent, or calls scalbn for a subnormal result
}

/** powInPlace's result. */
function put(v: number): void {
  IO[0] = v;
}
