/**
 * Shared test helpers: closeness checks, finite differences, and a fast-check runner that prints
 * the seed, the shrink path and the command that replays a failure.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../index.js';
import { normalHost, uniformHost } from '../core/random/distributions.js';
import { key } from '../core/random/key.js';
import { fromArray } from '../core/tensor/create.js';
import type { Tensor } from '../core/tensor/tensor.js';
import type { Shape } from '../core/tensor/shape.js';
import { sizeOf } from '../core/tensor/shape.js';

/** Number of runs per property: SCOREKIT_FC_RUNS overrides the default given by the suite. */
export function runs(defaultRuns: number): number {
  const env = process.env.SCOREKIT_FC_RUNS;
  return env ? Number(env) : defaultRuns;
}

/**
 * Run a fast-check property; on failure throw an error with the counterexample, the seed and path,
 * and the command that replays exactly that case.
 */
export function checkProperty<Ts>(name: string, prop: fc.IProperty<Ts>, numRuns: number): void {
  const seedEnv = process.env.SCOREKIT_FC_SEED;
  const pathEnv = process.env.SCOREKIT_FC_PATH;
  const params: fc.Parameters<Ts> = { numRuns: runs(numRuns) };
  if (seedEnv) params.seed = Number(seedEnv);
  if (pathEnv) params.path = pathEnv;
  const r = fc.check(prop, params);
  if (r.failed) {
    const cause = r.errorInstance instanceof Error ? r.errorInstance.message : String(r.errorInstance);
    throw new Error(
      `property '${name}' failed after ${r.numRuns} run(s), shrunk ${r.numShrinks} time(s)\n` +
        `counterexample: ${fc.stringify(r.counterexample)}\n` +
        `cause: ${cause}\n` +
        `seed: ${r.seed}, path: ${r.counterexamplePath}\n` +
        `replay: SCOREKIT_FC_SEED=${r.seed} SCOREKIT_FC_PATH='${r.counterexamplePath}' npm test`,
    );
  }
}

/** |a − b| ≤ atol + rtol·|b| elementwise, with the worst index in the message. */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    const excess = Math.abs(a - b) - (atol + rtol * Math.abs(b));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    assert.fail(`${what}: index ${worst}: ${actual[worst]} vs expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

export function assertClose(actual: number, expected: number, rtol: number, atol: number, what = ''): void {
  assertAllClose([actual], [expected], rtol, atol, what);
}

/** Deterministic host values from a seed: uniform on [lo, hi) or standard normal. */
export function hostUniform(seed: number, n: number, lo: number, hi: number): Float64Array {
  const u = uniformHost(key(seed), n);
  for (let i = 0; i < n; i++) u[i] = lo + (hi - lo) * u[i];
  return u;
}

export function hostNormal(seed: number, n: number): Float64Array {
  return normalHost(key(seed), n);
}

export function tensorUniform(seed: number, shape: Shape, lo: number, hi: number, backend?: string): Tensor {
  return fromArray(hostUniform(seed, sizeOf(shape), lo, hi), { shape, backend: backend ?? 'cpu' });
}

export function tensorNormal(seed: number, shape: Shape, backend?: string): Tensor {
  return fromArray(hostNormal(seed, sizeOf(shape)), { shape, backend: backend ?? 'cpu' });
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Indices of the elements that are not the same value bit for bit: typed float arrays of one kind are
 * compared by their bytes (−0 and 0 differ, NaNs by payload), anything else by Object.is.
 */
export function differingIndices(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  assert.equal(a.length, b.length, 'lengths differ');
  const out: number[] = [];
  const bytes = (x: ArrayLike<number>): Uint8Array | null =>
    x instanceof Float32Array || x instanceof Float64Array ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : null;
  const A = bytes(a);
  const B = bytes(b);
  if (A && B && (a as Float64Array).BYTES_PER_ELEMENT === (b as Float64Array).BYTES_PER_ELEMENT) {
    const w = (a as Float64Array).BYTES_PER_ELEMENT;
    for (let i = 0; i < a.length; i++) {
      for (let j = 0; j < w; j++) {
        if (A[i * w + j] !== B[i * w + j]) {
          out.push(i);
          break;
        }
      }
    }
    return out;
  }
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** mulberry32: a small seeded generator of uint32s, for the argument sweeps of bit-level tests. */
export function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const BITS64 = new Float64Array(1);
const BITS32 = new Uint32Array(BITS64.buffer);
const HIGH = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000 ? 1 : 0;

/** The 16 hex digits of a float64's bits, high word first (every NaN as 7ff8000000000000). */
export function float64Hex(x: number): string {
  if (Number.isNaN(x)) return '7ff8000000000000';
  BITS64[0] = x;
  return BITS32[HIGH].toString(16).padStart(8, '0') + BITS32[1 - HIGH].toString(16).padStart(8, '0');
}

/** The float64 of 16 hex digits (float64Hex's inverse). */
export function float64FromHex(h: string): number {
  BITS32[HIGH] = parseInt(h.slice(0, 8), 16);
  BITS32[1 - HIGH] = parseInt(h.slice(8), 16);
  return BITS64[0];
}

/** A finite x ≠ 0 moved k ulps away from zero (k < 0: towards zero), through its low word with the carry. */
export function ulpStep(x: number, k: number): number {
  BITS64[0] = x;
  const lo = BITS32[1 - HIGH] + k;
  const carry = Math.floor(lo / 4294967296);
  BITS32[HIGH] += carry;
  BITS32[1 - HIGH] = lo - carry * 4294967296;
  return BITS64[0];
}
