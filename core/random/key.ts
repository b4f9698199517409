/**
 * Explicit PRNG keys (JAX style): a key is an immutable value; `split` and `foldIn` derive new keys;
 * every stochastic function takes its key as an argument. There is no global random state.
 *
 * Counter layout under a key (Threefry-2x32-20):
 * - random bits: counters (hi, lo) = block index j as a 64-bit number, j < 2^63;
 * - split:  counter (0x80000000, i) gives child i;
 * - foldIn: counter (0xC0000000, data) gives the key folded with a 32-bit integer.
 * The high bit separates key derivation from bit streams, so no derived key repeats a stream block.
 */
import { threefry2x32, threefryBlocks } from './threefry.js';

export class PRNGKey {
  constructor(readonly k0: number, readonly k1: number) {
    Object.freeze(this);
  }
  toString(): string {
    return `PRNGKey(0x${this.k0.toString(16).padStart(8, '0')}, 0x${this.k1.toString(16).padStart(8, '0')})`;
  }
  /** The key's two words, e.g. to store it in a checkpoint. */
  toJSON(): [number, number] {
    return [this.k0, this.k1];
  }
}

/** A key from an integer seed in [0, 2^53). */
export function key(seed: number): PRNGKey {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`key: seed must be an integer in [0, 2^53), got ${seed}`);
  return new PRNGKey(Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0);
}

/** A key from its two uint32 words (as stored by toJSON). */
export function keyFromWords(words: readonly number[]): PRNGKey {
  if (words.length !== 2 || !words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
    throw new RangeError(`keyFromWords: expected two uint32 words, got [${words.join(', ')}]`);
  }
  return new PRNGKey(words[0], words[1]);
}

const tmp = new Uint32Array(2);

function derive(k: PRNGKey, tag: number, data: number): PRNGKey {
  threefry2x32(k.k0, k.k1, tag, data, tmp, 0);
  return new PRNGKey(tmp[0], tmp[1]);
}

/** `n` independent child keys. */
export function split(k: PRNGKey, n = 2): PRNGKey[] {
  if (!Number.isInteger(n) || n < 1 || n >= 2 ** 32) throw new RangeError(`split: n must be a positive integer below 2^32, got ${n}`);
  return Array.from({ length: n }, (_, i) => derive(k, 0x80000000, i));
}

/**
 * Fold a non-negative 32-bit integer (a step index, a sample index) into a key. Integrators key
 * each step as foldIn(key, k) with the integer step index, never with a float time.
 */
export function foldIn(k: PRNGKey, data: number): PRNGKey {
  if (!Number.isInteger(data) || data < 0 || data >= 2 ** 32) throw new RangeError(`foldIn: data must be an integer in [0, 2^32), got ${data}`);
  return derive(k, 0xc0000000, data);
}

/** `n` uint32 words of the key's stream (block j gives words 2j, 2j+1). */
export function randomBits(k: PRNGKey, n: number): Uint32Array {
  const blocks = Math.ceil(n / 2);
  const out = new Uint32Array(blocks * 2);
  threefryBlocks(k.k0, k.k1, 0, blocks, out);
  return n === out.length ? out : out.subarray(0, n);
}
