/**
 * Distributions from a key. Values are computed on the host in float64 from Threefry bits and
 * rounded once to the requested dtype, then uploaded: every backend sees bit-identical noise.
 * `*Host` variants return the Float64Array for host-side use (tests, data generation).
 */
import type { Shape } from '../tensor/shape.js';
import { checkShape, sizeOf } from '../tensor/shape.js';
import { adoptArray, checkElements, type CreateOptions, fromArray, resolveBackend } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FloatDType } from '../tensor/dtype.js';
import { type PRNGKey, randomBits } from './key.js';
import { threefryBlocks } from './threefry.js';
import { cosSin2Pi } from '../numerics/trig.js';
import { logPositive } from '../numerics/log.js';
import { normalWasm, normalWasmUnavailable, WASM_CHUNK_VALUES, WASM_GROUPS } from './normal-wasm.js';

const TWO_M53 = 2 ** -53;

/** The 53-bit uniform in [0, 1) of one Threefry block (words w0, w1): 27 bits of w0, 26 of w1. */
const uniform53 = (w0: number, w1: number): number => ((w0 >>> 5) * 67108864 + (w1 >>> 6)) * TWO_M53;

/** n uniforms in [0, 1) with 53 random bits each (one Threefry block per value). */
export function uniformHost(k: PRNGKey, n: number): Float64Array {
  const bits = randomBits(k, 2 * n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = uniform53(bits[2 * i], bits[2 * i + 1]);
  return out;
}

/** n uniforms in [0, 1) on the float32 grid (24 bits each), so rounding can never produce 1. */
export function uniform24Host(k: PRNGKey, n: number): Float64Array {
  const bits = randomBits(k, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (bits[i] >>> 8) * 2 ** -24;
  return out;
}

/**
 * n standard normals by the Box–Muller transform of pairs of 53-bit uniforms
 * (u₁ ∈ (0, 1] so log u₁ is finite): z₀ = √(−2 log u₁) cos 2πu₂, z₁ = √(−2 log u₁) sin 2πu₂.
 * Value i depends only on (key, i): a longer draw extends a shorter one, and `offset` gives values
 * offset … offset + n − 1 of the same stream (a slice of a larger draw, computed alone).
 */
export function normalHost(k: PRNGKey, n: number, offset = 0): Float64Array {
  const out = new Float64Array(n);
  fillNormal(k, out, 0, 1, offset);
  return out;
}

/** Threefry blocks per scratch chunk (even: a Box–Muller pair never straddles two chunks). */
const CHUNK = 4096;
const scratch = new Uint32Array(2 * CHUNK);
const cs = new Float64Array(2);

function checkOffset(offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`normal: offset must be a non-negative integer, got ${offset}`);
}

/**
 * loc + scale·(values offset … offset + out.length − 1 of the normal stream) written straight into
 * `out` (rounded once when it is a Float32Array). Value j comes from Threefry blocks 2⌊j/2⌋ and
 * 2⌊j/2⌋ + 1: z = √(−2 log(1 − u₁))·(cos 2πu₂, sin 2πu₂), with the logarithm of core/numerics/log.ts
 * and the cos/sin of core/numerics/trig.ts, both defined to the bit. Runs the WASM-SIMD kernel where
 * the platform has it (the same bits, faster; `normalKernel` says which runs) and
 * `fillNormalScalar` elsewhere.
 */
export function fillNormal(k: PRNGKey, out: Float64Array | Float32Array, loc: number, scale: number, offset = 0): void {
  if (normalWasm()) fillNormalWasm(k, out, loc, scale, offset);
  else fillNormalScalar(k, out, loc, scale, offset);
}

/** Which implementation `fillNormal` runs here: 'wasm-simd', or 'scalar' with the reason. */
export function normalKernel(): { readonly kind: 'wasm-simd' } | { readonly kind: 'scalar'; readonly reason: string } {
  return normalWasm() ? { kind: 'wasm-simd' } : { kind: 'scalar', reason: normalWasmUnavailable() ?? 'unknown' };
}

/**
 * The scalar reference of `fillNormal`: the bits are generated chunk by chunk and never stored as
 * uniforms (one pass instead of bits → uniforms → normals → storage as separate passes).
 */
export function fillNormalScalar(k: PRNGKey, out: Float64Array | Float32Array, loc: number, scale: number, offset = 0): void {
  checkOffset(offset);
  const n = out.length;
  const first = offset - (offset & 1); // the stream index of the first pair's first value
  const blocks = 2 * Math.ceil((offset + n) / 2) - first;
  const affine = loc !== 0 || scale !== 1;
  for (let b0 = 0; b0 < blocks; b0 += CHUNK) {
    const cnt = Math.min(CHUNK, blocks - b0);
    threefryBlocks(k.k0, k.k1, first + b0, cnt, scratch);
    for (let q = 0; q < cnt; q += 2) {
      const u1 = uniform53(scratch[2 * q], scratch[2 * q + 1]);
      const u2 = uniform53(scratch[2 * q + 2], scratch[2 * q + 3]);
      const r = Math.sqrt(-2 * logPositive(1 - u1));
      cosSin2Pi(u2, cs);
      const i = first + b0 + q - offset; // output index of the pair's first value (−1 when it precedes the slice)
      const z0 = r * cs[0];
      const z1 = r * cs[1];
      if (i >= 0) out[i] = affine ? loc + scale * z0 : z0;
      if (i + 1 < n) out[i + 1] = affine ? loc + scale * z1 : z1;
    }
  }
}

/**
 * `fillNormal` by the WASM-SIMD kernel (core/random/normal-wasm.ts), which writes up to
 * WASM_CHUNK_VALUES values at a time (a multiple of 4, from an even stream index) into its memory;
 * the wanted ones are copied out. Throws where the kernel is unavailable.
 */
export function fillNormalWasm(k: PRNGKey, out: Float64Array | Float32Array, loc: number, scale: number, offset = 0): void {
  checkOffset(offset);
  const w = normalWasm();
  if (!w) throw new Error(`normal: the WASM-SIMD kernel is not available here (${normalWasmUnavailable()})`);
  const f32 = out instanceof Float32Array;
  const affine = loc !== 0 || scale !== 1;
  const kern = f32 ? (affine ? w.f32Affine : w.f32) : affine ? w.f64Affine : w.f64;
  const src = f32 ? w.out32 : w.out64;
  const n = out.length;
  const first = offset - (offset & 1);
  const total = offset + n - first; // values from `first` up to the slice's end
  for (let v0 = 0; v0 < total; v0 += WASM_CHUNK_VALUES) {
    const cnt = Math.min(WASM_CHUNK_VALUES, total - v0);
    const block = first + v0; // value j's pair starts at block j (j even)
    kern(k.k0, k.k1, Math.floor(block / 4294967296), block >>> 0, 2 * WASM_GROUPS * Math.ceil(cnt / (4 * WASM_GROUPS)), loc, scale);
    const from = v0 === 0 ? offset - first : 0;
    out.set(src.subarray(from, cnt), block + from - offset);
  }
}

/** n values ±1 with probability ½ each (one bit per value). */
export function rademacherHost(k: PRNGKey, n: number): Float64Array {
  const bits = randomBits(k, Math.ceil(n / 32));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (bits[i >>> 5] >>> (i & 31)) & 1 ? 1 : -1;
  return out;
}

export interface RandomOptions extends CreateOptions {
  readonly dtype?: FloatDType;
}

function floatDtype(opts: RandomOptions): FloatDType {
  const d = opts.dtype ?? resolveBackend(opts.backend).defaultFloat;
  if (d !== 'float32' && d !== 'float64') throw new TypeError(`random: dtype must be float32 or float64, got ${String(d)}`);
  return d;
}

function upload(values: Float64Array, shape: Shape, opts: RandomOptions, dtype: FloatDType): Tensor {
  return fromArray(values, { backend: opts.backend, dtype, shape });
}

/** Uniform on [minval, maxval). */
export function uniform(k: PRNGKey, shape: Shape, opts: RandomOptions & { minval?: number; maxval?: number } = {}): Tensor {
  checkShape(shape);
  const dtype = floatDtype(opts);
  const lo = opts.minval ?? 0;
  const hi = opts.maxval ?? 1;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`uniform: need finite minval < maxval, got [${lo}, ${hi})`);
  const n = sizeOf(shape);
  checkElements(resolveBackend(opts.backend), n, 'uniform');
  const u = dtype === 'float64' ? uniformHost(k, n) : uniform24Host(k, n);
  if (lo !== 0 || hi !== 1) for (let i = 0; i < n; i++) u[i] = lo + (hi - lo) * u[i];
  return upload(u, shape, opts, dtype);
}

/**
 * Standard normal N(0, 1) (times `scale`, plus `loc`), row-major over `shape`. With `offset`, the
 * values are elements offset … of the key's stream: rows [a, b) of an [n, c] draw equal the [b − a, c]
 * draw at offset a·c (how a batch is sampled in chunks or on several threads with the same noise).
 */
export function normal(k: PRNGKey, shape: Shape, opts: RandomOptions & { loc?: number; scale?: number; offset?: number } = {}): Tensor {
  checkShape(shape);
  const dtype = floatDtype(opts);
  const loc = opts.loc ?? 0;
  const scale = opts.scale ?? 1;
  if (!(Number.isFinite(loc) && Number.isFinite(scale))) throw new RangeError(`normal: loc and scale must be finite, got ${loc}, ${scale}`);
  const be = resolveBackend(opts.backend);
  const n = sizeOf(shape);
  checkElements(be, n, 'normal');
  const z = (be.hostBuffer?.(dtype, n) ?? (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n))) as Float32Array | Float64Array;
  fillNormal(k, z, loc, scale, opts.offset ?? 0);
  return adoptArray(z, shape, { backend: be });
}

/** Rademacher ±1 (probes for Hutchinson estimators and sliced score matching). */
export function rademacher(k: PRNGKey, shape: Shape, opts: RandomOptions = {}): Tensor {
  checkShape(shape);
  checkElements(resolveBackend(opts.backend), sizeOf(shape), 'rademacher');
  return upload(rademacherHost(k, sizeOf(shape)), shape, opts, floatDtype(opts));
}

/** Integers uniform on [lo, hi) as int32 (rejection-free for ranges below 2^21: 53-bit floor). */
export function randint(k: PRNGKey, shape: Shape, lo: number, hi: number, opts: CreateOptions = {}): Tensor {
  checkShape(shape);
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo < hi && hi - lo <= 2 ** 31)) {
    throw new RangeError(`randint: need integers lo < hi with hi − lo ≤ 2^31, got [${lo}, ${hi})`);
  }
  checkElements(resolveBackend(opts.backend), sizeOf(shape), 'randint');
  const u = uniformHost(k, sizeOf(shape));
  const out = new Int32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = lo + Math.floor(u[i] * (hi - lo));
  return fromArray(out, { backend: opts.backend, dtype: 'int32', shape });
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates driven by the key), as numbers. */
export function permutationHost(k: PRNGKey, n: number): Int32Array {
  const u = uniformHost(k, n);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
