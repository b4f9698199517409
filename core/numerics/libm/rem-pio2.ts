/**
 * Argument reduction modulo π/2 for the sin and cos ports: x = n·π/2 + (y₀ + y₁), |y₀ + y₁| ≤ ~π/4,
 * bit for bit as in Node 20's V8 (11.3), whose src/base/ieee754.cc carries fdlibm's e_rem_pio2.c
 * (__ieee754_rem_pio2) and k_rem_pio2.c (__kernel_rem_pio2); this file is written after those two.
 *
 * Method, by the size of |x|:
 *  - |x| ≤ ~π/4: no reduction (n = 0, y = x, 0);
 *  - |x| < 3π/4: n = ±1 with π/2 as 33 + 53 bits (33 + 33 + 53 bits when x's high word is π/2's);
 *  - |x| ≤ ~2¹⁹·π/2: n = ⌊|x|·2/π + ½⌋ and Cody–Waite subtraction of n·π/2 in up to three 33-bit
 *    pieces, each further piece taken only when the exponent shows cancellation;
 *  - larger finite x: __kernel_rem_pio2, Payne–Hanek style: x cut into three 24-bit chunks, multiplied
 *    by the 24-bit chunks of 2/π that matter modulo 8 (the table below), with recomputation when the
 *    fraction cancels, and the fraction times π/2 summed into y₀ + y₁ (the 64-bit "prec 2" path, as
 *    fdlibm's e_rem_pio2.c calls it);
 *  - ±Infinity and NaN: y = NaN, n = 0.
 * The remainder is written into the module-level `REM_PIO2_Y` (no allocation per call), which also
 * carries the argument of `remPio2InPlace`, the form sin and cos call; scratch arrays for the
 * large-argument path are module-level too. One of fdlibm's exponent tests (the cancellation check of
 * the medium range) is made as a comparison of |y₀| with the power of two it implies.
 *
 * fdlibm notice (e_rem_pio2.c, k_rem_pio2.c):
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunSoft, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted, provided that
 *   this notice is preserved.
 */
import { fromWords, highWord, lowWord } from './words.js';

/** y₀ (index 0) and y₁ (index 1) of the last reduction; remPio2InPlace's argument goes in at index 0. */
export const REM_PIO2_Y = new Float64Array(2);

/** 2/π after the binary point in 24-bit chunks: chunk i is bits 24i+1 … 24i+24 (66 chunks, 1584 bits). */
const TWO_OVER_PI = new Int32Array([
  0xa2f983, 0x6e4e44, 0x1529fc, 0x2757d1, 0xf534dd, 0xc0db62, 0x95993c, 0x439041, 0xfe5163, 0xabdebb, 0xc561b7,
  0x246e3a, 0x424dd2, 0xe00649, 0x2eea09, 0xd1921c, 0xfe1deb, 0x1cb129, 0xa73ee8, 0x8235f5, 0x2ebb44, 0x84e99c,
  0x7026b4, 0x5f7e41, 0x3991d6, 0x398353, 0x39f49c, 0x845f8b, 0xbdf928, 0x3b1ff8, 0x97ffde, 0x05980f, 0xef2f11,
  0x8b5a0a, 0x6d1f6d, 0x367ecf, 0x27cb09, 0xb74f46, 0x3f669e, 0x5fea2d, 0x7527ba, 0xc7ebe5, 0xf17b3d, 0x0739f7,
  0x8a5292, 0xea6bfb, 0x5fb11f, 0x8d5d08, 0x560330, 0x46fc7b, 0x6babf0, 0xcfbc20, 0x9af436, 0x1da9e3, 0x91615e,
  0xe61b08, 0x659985, 0x5f14a0, 0x68408d, 0xffd880, 0x4d7327, 0x310606, 0x1556ca, 0x73a8c9, 0x60e27b, 0xc08c6b,
]);

/** High words of n·π/2 for n = 1 … 32 (a quotient whose multiple shares x's high word may cancel). */
const NPIO2_HW = new Int32Array([
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb, 0x402c463a,
  0x402f6a7a, 0x4031475c, 0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb, 0x403ab41b, 0x403c463a,
  0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c, 0x4043a28c, 0x40446b9c, 0x404534ac,
  0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
]);

// Cody–Waite pieces of π/2 (the hex words are fdlibm's; each literal rounds to exactly that double).
const INVPIO2 = 6.36619772367581382433e-1; /* 0x3FE45F30 6DC9C883, 53 bits of 2/π */
const PIO2_1 = 1.57079632673412561417; /* 0x3FF921FB 54400000, first 33 bits of π/2 */
const PIO2_1T = 6.07710050650619224932e-11; /* 0x3DD0B461 1A626331, π/2 − PIO2_1 */
const PIO2_2 = 6.0771005063039659766e-11; /* 0x3DD0B461 1A600000, second 33 bits */
const PIO2_2T = 2.02226624879595063154e-21; /* 0x3BA3198A 2E037073, π/2 − (PIO2_1 + PIO2_2) */
const PIO2_3 = 2.0222662487111664558e-21; /* 0x3BA3198A 2E000000, third 33 bits */
const PIO2_3T = 8.47842766036889956997e-32; /* 0x397B839A 252049C1, π/2 − (PIO2_1 + PIO2_2 + PIO2_3) */

/** π/2 in 24-bit pieces (__kernel_rem_pio2's PIo2[]). */
const PIO2_24 = new Float64Array([
  1.57079625129699707031 /* 0x3FF921FB 40000000 */, 7.54978941586159635335e-8 /* 0x3E74442D 00000000 */,
  5.39030252995776476554e-15 /* 0x3CF84698 80000000 */, 3.28200341580791294123e-22 /* 0x3B78CC51 60000000 */,
  1.27065575308067607349e-29 /* 0x39F01B83 80000000 */, 1.22933308981111328932e-36 /* 0x387A2520 40000000 */,
  2.73370053816464559624e-44 /* 0x36E38222 80000000 */, 2.16741683877804819444e-51 /* 0x3569F31D 00000000 */,
]);
/** 2^(j − 1023 − 16) for the medium range's biased exponents j = 0x400 … 0x413, at j − 0x400. */
const CANCEL16 = new Float64Array(20);
for (let k = 0; k < 20; k++) CANCEL16[k] = fromWords((0x400 + k - 16) << 20, 0);
const TWO24 = 16777216; /* 0x41700000 00000000 */
const TWON24 = 5.9604644775390625e-8; /* 0x3E700000 00000000 */

/** Exactly 2^k for -1022 ≤ k ≤ 1023 (scalbn(1, k) of the kernel, whose exponents stay in that range). */
function pow2(k: number): number {
  return fromWords((0x3ff + k) << 20, 0);
}

/**
 * Reduces x = REM_PIO2_Y[0]: writes the remainder's two parts into REM_PIO2_Y and returns n (as a
 * signed 32-bit integer; callers use n & 3), as V8 11.3's __ieee754_rem_pio2 for every float64. A float64 argument of a call that V8 does
 * not inline is boxed (an allocation per call), so x travels in the buffer and only integers are
 * passed, here and to the out-of-line cases below; the common medium range is done here, and the
 * function kept small enough for V8 to inline it, with the kernels, into sin and cos and those into
 * their callers.
 */
export function remPio2InPlace(): number {
  const Y = REM_PIO2_Y;
  const x = Y[0];
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c || ix > 0x413921fb) return remPio2Ends(hx);
  // 3π/4 ≤ |x| ~<= 2^19·π/2: medium size; the first round of Cody–Waite, good to 85 bits
  const t = Math.abs(x);
  const n = (t * INVPIO2 + 0.5) | 0;
  const r = t - n * PIO2_1;
  const w = n * PIO2_1T;
  const y0 = r - w;
  // where n·π/2 may share x's leading bits (its high word, or n ≥ 32), fdlibm checks how many bits
  // cancelled and takes further rounds past 16 (rare: out of line, recomputed from the start)
  // (fdlibm's test j − exponent(y0) > 16, j = x's biased exponent, as |y0| < 2^(j − 1023 − 16))
  if ((n >= 32 || ix === NPIO2_HW[n - 1]) && Math.abs(y0) < CANCEL16[(ix >> 20) - 0x400]) {
    Y[0] = t;
    return remPio2Medium(hx, n);
  }
  const y1 = r - y0 - w;
  if (hx < 0) {
    Y[0] = -y0;
    Y[1] = -y1;
    return -n;
  }
  Y[0] = y0;
  Y[1] = y1;
  return n;
}

/** x = REM_PIO2_Y[0] with high word hx outside the medium range. */
function remPio2Ends(hx: number): number {
  const Y = REM_PIO2_Y;
  const x = Y[0];
  const ix = hx & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    // |x| ~<= π/4: nothing to reduce
    Y[1] = 0;
    return 0;
  }
  if (ix < 0x4002d97c) {
    // |x| < 3π/4: n = ±1
    if (hx > 0) {
      let z = x - PIO2_1;
      let tail = PIO2_1T;
      if (ix === 0x3ff921fb) {
        // near π/2: one more 33-bit piece
        z -= PIO2_2;
        tail = PIO2_2T;
      }
      const y0 = z - tail;
      Y[0] = y0;
      Y[1] = z - y0 - tail;
      return 1;
    }
    let z = x + PIO2_1;
    let tail = PIO2_1T;
    if (ix === 0x3ff921fb) {
      z += PIO2_2;
      tail = PIO2_2T;
    }
    const y0 = z + tail;
    Y[0] = y0;
    Y[1] = z - y0 + tail;
    return -1;
  }
  if (ix >= 0x7ff00000) {
    // Infinity or NaN
    const nan = x - x;
    Y[0] = nan;
    Y[1] = nan;
    return 0;
  }
  return remPio2Large(hx);
}

/**
 * The medium range when the first round cancelled more than 16 bits: the second and third rounds,
 * for |x| = REM_PIO2_Y[0] with high word hx and the quotient n.
 */
function remPio2Medium(hx: number, n: number): number {
  const fn = n;
  const j = (hx & 0x7fffffff) >> 20;
  let t = REM_PIO2_Y[0];
  let r = t - fn * PIO2_1;
  // second round, good to 118 bits
  t = r;
  let w = fn * PIO2_2;
  r = t - w;
  w = fn * PIO2_2T - (t - r - w);
  let y0 = r - w;
  if (j - ((highWord(y0) >> 20) & 0x7ff) > 49) {
    // third round, 151 bits, covers every case
    t = r;
    w = fn * PIO2_3;
    r = t - w;
    w = fn * PIO2_3T - (t - r - w);
    y0 = r - w;
  }
  const y1 = r - y0 - w;
  if (hx < 0) {
    REM_PIO2_Y[0] = -y0;
    REM_PIO2_Y[1] = -y1;
    return -n;
  }
  REM_PIO2_Y[0] = y0;
  REM_PIO2_Y[1] = y1;
  return n;
}

// scratch of the large-argument path (fdlibm's tx[3], and the kernel's f, q, fq, iq of 20 entries)
const TX = new Float64Array(3);
const F = new Float64Array(20);
const Q = new Float64Array(20);
const FQ = new Float64Array(20);
const IQ = new Int32Array(20);

/**
 * |x| > 2^19·π/2, finite, x = REM_PIO2_Y[0] with high word hx: x in 24-bit chunks for the kernel
 * (the tail of __ieee754_rem_pio2).
 */
function remPio2Large(hx: number): number {
  const ix = hx & 0x7fffffff;
  // z = scalbn(|x|, ilogb(x) - 23), so 2^23 ≤ z < 2^24
  const e0 = (ix >> 20) - 1046;
  let z = fromWords(ix - (e0 << 20), lowWord(REM_PIO2_Y[0]));
  for (let i = 0; i < 2; i++) {
    const c = z | 0;
    TX[i] = c;
    z = (z - c) * TWO24;
  }
  TX[2] = z;
  let nx = 3;
  while (TX[nx - 1] === 0) nx--; // skip zero terms
  const n = kernelRemPio2(e0, nx);
  if (hx < 0) {
    REM_PIO2_Y[0] = -REM_PIO2_Y[0];
    REM_PIO2_Y[1] = -REM_PIO2_Y[1];
    return -n;
  }
  return n;
}

/**
 * __kernel_rem_pio2(TX, REM_PIO2_Y, e0, nx, prec = 2, two_over_pi): the last three bits of N and
 * y = x − N·π/2 in two parts, for the positive x = Σ TX[i]·2^(e0 − 24i).
 */
function kernelRemPio2(e0: number, nx: number): number {
  const jk = 4; // init_jk[prec = 2]
  const jp = jk;
  const jx = nx - 1;
  let jv = ((e0 - 3) / 24) | 0; // C division truncates, as |0 does
  if (jv < 0) jv = 0;
  let q0 = e0 - 24 * (jv + 1);

  // f[0 … jx + jk] = the chunks of 2/π that matter (f[jx + jk] = ipio2[jv + jk])
  const m = jx + jk;
  for (let i = 0, j = jv - jx; i <= m; i++, j++) F[i] = j < 0 ? 0 : TWO_OVER_PI[j];

  // q[0 … jk]
  for (let i = 0; i <= jk; i++) {
    let fw = 0;
    for (let j = 0; j <= jx; j++) fw += TX[j] * F[jx + i - j];
    Q[i] = fw;
  }

  let jz = jk;
  let z = 0;
  let n = 0;
  let ih = 0;
  for (;;) {
    // distill q[] into iq[], reversed
    z = Q[jz];
    for (let i = 0, j = jz; j > 0; i++, j--) {
      const fw = (TWON24 * z) | 0;
      IQ[i] = (z - TWO24 * fw) | 0;
      z = Q[j - 1] + fw;
    }

    // n
    z *= pow2(q0); // scalbn(z, q0)
    z -= 8 * Math.floor(z * 0.125); // drop the integer part ≥ 8
    n = z | 0;
    z -= n;
    ih = 0;
    if (q0 > 0) {
      // iq[jz-1] holds bits of n
      const i = IQ[jz - 1] >> (24 - q0);
      n += i;
      IQ[jz - 1] -= i << (24 - q0);
      ih = IQ[jz - 1] >> (23 - q0);
    } else if (q0 === 0) {
      ih = IQ[jz - 1] >> 23;
    } else if (z >= 0.5) {
      ih = 2;
    }

    if (ih > 0) {
      // the fraction is ≥ 0.5: take 1 − fraction, and n + 1
      n += 1;
      let carry = 0;
      for (let i = 0; i < jz; i++) {
        const j = IQ[i];
        if (carry === 0) {
          if (j !== 0) {
            carry = 1;
            IQ[i] = 0x1000000 - j;
          }
        } else {
          IQ[i] = 0xffffff - j;
        }
      }
      if (q0 === 1) IQ[jz - 1] &= 0x7fffff;
      else if (q0 === 2) IQ[jz - 1] &= 0x3fffff;
      if (ih === 2) {
        z = 1 - z;
        if (carry !== 0) z -= pow2(q0);
      }
    }

    // recompute with more chunks of 2/π if the fraction cancelled
    if (z === 0) {
      let j = 0;
      for (let i = jz - 1; i >= jk; i--) j |= IQ[i];
      if (j === 0) {
        let k = 1;
        while (jk >= k && IQ[jk - k] === 0) k++; // k = number of terms needed
        for (let i = jz + 1; i <= jz + k; i++) {
          F[jx + i] = TWO_OVER_PI[jv + i];
          let fw = 0;
          for (let jj = 0; jj <= jx; jj++) fw += TX[jj] * F[jx + i - jj];
          Q[i] = fw;
        }
        jz += k;
        continue;
      }
    }
    break;
  }

  // chop off zero terms, or break z into 24-bit chunks
  if (z === 0) {
    jz -= 1;
    q0 -= 24;
    while (IQ[jz] === 0) {
      jz--;
      q0 -= 24;
    }
  } else {
    z *= pow2(-q0);
    if (z >= TWO24) {
      const fw = (TWON24 * z) | 0;
      IQ[jz] = (z - TWO24 * fw) | 0;
      jz += 1;
      q0 += 24;
      IQ[jz] = fw;
    } else {
      IQ[jz] = z | 0;
    }
  }

  // the integer chunks as floating-point values
  let fw = pow2(q0);
  for (let i = jz; i >= 0; i--) {
    Q[i] = fw * IQ[i];
    fw *= TWON24;
  }

  // fq = PIo2[0 … jp] · q[jz … 0]
  for (let i = jz; i >= 0; i--) {
    fw = 0;
    for (let k = 0; k <= jp && k <= jz - i; k++) fw += PIO2_24[k] * Q[i + k];
    FQ[jz - i] = fw;
  }

  // compress fq[] into y[0], y[1] (prec 2)
  fw = 0;
  for (let i = jz; i >= 0; i--) fw += FQ[i];
  REM_PIO2_Y[0] = ih === 0 ? fw : -fw;
  fw = FQ[0] - fw;
  for (let i = 1; i <= jz; i++) fw += FQ[i];
  REM_PIO2_Y[1] = ih === 0 ? fw : -fw;
  return n & 7;
}
