/**
 * Threefry-2x32 with 20 rounds (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11), the counter-based generator JAX uses. A pure function of a 64-bit key and a
 * 64-bit counter, so any backend can reproduce the same bits, and streams split without state.
 */

const ROT = [13, 15, 26, 6, 17, 29, 16, 24];
const PARITY = 0x1bd11bda;

/**
 * One block: encrypt counter (c0, c1) under key (k0, k1); writes two uint32 words to out[at], out[at+1].
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array, at: number): void {
  const ks2 = (PARITY ^ k0 ^ k1) >>> 0;
  let x0 = (c0 + k0) | 0;
  let x1 = (c1 + k1) | 0;
  let s = 0;
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks = [ks0, ks1, ks2 | 0];
  for (let r = 0; r < 20; r++) {
    x0 = (x0 + x1) | 0;
    const rot = ROT[r & 7];
    x1 = (x1 << rot) | (x1 >>> (32 - rot));
    x1 ^= x0;
    if ((r & 3) === 3) {
      s++;
      x0 = (x0 + ks[s % 3]) | 0;
      x1 = (x1 + ks[(s + 1) % 3] + s) | 0;
    }
  }
  out[at] = x0 >>> 0;
  out[at + 1] = x1 >>> 0;
}
