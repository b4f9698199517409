/**
 * Threefry-2x32 with 20 rounds (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11), the counter-based generator JAX uses. A pure function of a 64-bit key and a
 * 64-bit counter, so any backend can reproduce the same bits, and streams split without state.
 */

const PARITY = 0x1bd11bda;
/** The key-schedule parity constant and the 8 rotation distances (Salmon et al., Table 4), for kernels that reproduce the rounds. */
export const THREEFRY_PARITY = PARITY;
export const THREEFRY_ROTATIONS: readonly number[] = Object.freeze([13, 15, 26, 6, 17, 29, 16, 24]);

/**
 * Blocks j = start … start + count − 1 of the stream of key (k0, k1) (counter (⌊j/2³²⌋, j mod 2³²)),
 * written as words out[2(j − start)], out[2(j − start) + 1].
 */
export function threefryBlocks(k0: number, k1: number, start: number, count: number, out: Uint32Array): void {
  for (let i = 0; i < count; i++) {
    const j = start + i;
    threefry2x32(k0, k1, Math.floor(j / 4294967296), j >>> 0, out, 2 * i);
  }
}

/**
 * One block: encrypt counter (c0, c1) under key (k0, k1); writes two uint32 words to out[at], out[at+1].
 * The 20 rounds are unrolled with the key schedule in locals (V8 keeps them in registers, which a
 * rolled loop over an array key schedule does not allow).
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array, at: number): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = (PARITY ^ k0 ^ k1) | 0;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0; x1 = (x1 + ks2 + 1) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + ks0 + 2) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) | 0; x1 = (x1 + ks1 + 3) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) | 0; x1 = (x1 + ks2 + 4) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + ks0 + 5) | 0;
  out[at] = x0 >>> 0;
  out[at + 1] = x1 >>> 0;
}
