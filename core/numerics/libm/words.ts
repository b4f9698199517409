/**
 * The two 32-bit words of a float64, for the bit-level argument reductions of the libm ports
 * (fdlibm's __HI, __LO and INSERT_WORDS). One shared scratch view: callers read or write a word and
 * use the value before the next call.
 */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high word in U32 (1 on little-endian hosts). */
const H = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000 ? 1 : 0;
const L = 1 - H;

/** The high word (sign, exponent, top 20 fraction bits) as a signed 32-bit integer. */
export function highWord(x: number): number {
  F64[0] = x;
  return U32[H] | 0;
}

/** The low word (bottom 32 fraction bits) as an unsigned 32-bit integer. */
export function lowWord(x: number): number {
  F64[0] = x;
  return U32[L];
}

/** The float64 with high word hi and low word lo. */
export function fromWords(hi: number, lo: number): number {
  U32[H] = hi >>> 0;
  U32[L] = lo >>> 0;
  return F64[0];
}

/** x with its low word replaced by lo (fdlibm's SET_LOW_WORD). */
export function withLowWord(x: number, lo: number): number {
  F64[0] = x;
  U32[L] = lo >>> 0;
  return F64[0];
}

/**
 * 2^e for the integers e in [-1074, 1023], at index e + 1074, from the exponent (or, below
 * 2^-1022, the fraction) bits. Scaling by a power of two read from here gives the same bits as
 * rewriting a normal number's exponent field (fdlibm's SET_HIGH_WORD normalisations, INSERT_WORDS
 * of 2^k), without writing words and reading the float64 back, which defeats the CPU's store
 * forwarding.
 */
const POW2 = new Float64Array(2098);
for (let e = -1074; e <= 1023; e++) {
  if (e >= -1022) POW2[e + 1074] = fromWords((e + 1023) << 20, 0);
  else if (e >= -1042) POW2[e + 1074] = fromWords(1 << (e + 1042), 0); // subnormal, bit in the high word
  else POW2[e + 1074] = fromWords(0, 1 << (e + 1074)); // subnormal, bit in the low word
}

/** 2^e exactly, for an integer e in [-1074, 1023]. */
export function pow2(e: number): number {
  return POW2[e + 1074];
}

/**
 * The normal float64 with high word hi and low word lo, by exact arithmetic (the 53-bit
 * significand times a power of two): the same bits as fromWords(hi, lo) when the exponent field of
 * hi is neither 0 nor 0x7ff, without the store-forwarding stall of writing words and reading the
 * float64 back.
 */
export function normalFromWords(hi: number, lo: number): number {
  const significand = ((hi & 0xfffff) | 0x100000) * 4294967296 + (lo >>> 0); // < 2^53, exact
  const v = significand * POW2[((hi >>> 20) & 0x7ff) - 1]; // 2^(exponent field − 1075)
  return hi < 0 ? -v : v;
}
