/**
 * The gpu.js backend: the kernel set as gpu.js kernels, modes 'webgpu' (WGSL compute shaders on
 * storage buffers, through Dawn in Node), 'wasm' (gpu.js's WebAssembly + SIMD compiler) and 'cpu'
 * (gpu.js's JavaScript translation). float32 only: int32 and bool tensors are stored as floats
 * (exact: indices below 2^24, which `upload` checks, and 0/1). A handle is a view on a shared,
 * reference-counted Store, so reshape and float casts are free; everything else runs a kernel.
 */
import type { Backend, BinaryOp, CompareOp, Conv2dParams, LogicalOp, ReduceOp, TensorInfo, UnaryOp } from '../../core/tensor/backend.js';
import type { DType, TypedArray } from '../../core/tensor/dtype.js';
import type { Shape } from '../../core/tensor/shape.js';
import { rowMajorStrides, sizeOf } from '../../core/tensor/shape.js';
import {
  CHUNK, binarySource, concat2Source, DENSE_ACTIVATIONS, denseSource, fillSource, gatherSource, im2colSource,
  linearCombinationSource, matmulSource, padSource, reduceChunkSource, scatterAddSource, stridedSource,
  truncSource, unarySource, whereSource, type DenseActivation, type Layout,
} from './kernels.js';
import { Store, type Arg, type Runner } from './runtime.js';

/** Handles: views on a shared Store. */
export class GpuHandle {
  constructor(readonly store: Store) {}
}

type T = TensorInfo<GpuHandle>;

/** float32 holds every integer below 2^24 exactly: the bound on sizes (float indexing) and int32 values. */
export const MAX_ELEMENTS = 2 ** 24;

/** Strides of `shape` broadcast against `out` (left-padded with ones; 0 where broadcast). */
function broadcastStrides(shape: Shape, out: Shape): number[] {
  const r = out.length;
  const padded = [...new Array<number>(r - shape.length).fill(1), ...shape];
  const cs = rowMajorStrides(padded);
  return padded.map((d, i) => (d === 1 && out[i] !== 1 ? 0 : cs[i]));
}

function layoutOf(shape: Shape, out: Shape): Layout {
  const n = sizeOf(shape);
  if (n === sizeOf(out)) return 'same';
  if (n === 1) return 'scalar';
  return 'strided';
}

const meta = (...parts: readonly (readonly number[])[]): Float32Array => {
  const flat = parts.flat();
  return Float32Array.from(flat.length ? flat : [0]);
};

/**
 * How broadcasting operands map onto `out`: each one's layout, and — when any is strided — the rank
 * and meta [outDims, strides of each operand] of the strided kernels (rank 0 and empty meta otherwise).
 */
function operands(xs: readonly TensorInfo<unknown>[], out: Shape): { layouts: Layout[]; r: number; m: Float32Array } {
  const layouts = xs.map((x) => layoutOf(x.shape, out));
  if (!layouts.includes('strided')) return { layouts, r: 0, m: meta() };
  return { layouts, r: out.length, m: meta(out, ...xs.map((x) => broadcastStrides(x.shape, out))) };
}

export class GpujsBackend implements Backend<GpuHandle> {
  readonly name: string;
  readonly defaultFloat = 'float32' as const;
  readonly dtypes: readonly DType[] = ['float32', 'int32', 'bool'];
  readonly maxElements = MAX_ELEMENTS;
  /**
   * WGSL allows sin/cos an absolute error of 2^-11 on [−π, π] (4096 ε), and hardware GPUs use it;
   * Mesa's llvmpipe measured 0.6 ε absolute on a dense grid of [−10, 10], so nothing is declared there.
   */
  readonly accuracy: Backend['accuracy'];
  readonly readSync?: (x: T) => TypedArray;

  constructor(readonly runner: Runner, readonly description: string) {
    this.name = `gpujs:${runner.mode}`;
    const hardware = runner.mode === 'webgpu' && !/llvmpipe|swiftshader/i.test(description);
    this.accuracy = hardware ? { sin: { absoluteUlps: 4096 }, cos: { absoluteUlps: 4096 } } : undefined;
    if (runner.synchronous) this.readSync = (x: T) => this.toTyped(runner.readSync(x.handle.store), x.dtype);
  }

  private wrap(s: Store): GpuHandle {
    return new GpuHandle(s);
  }

  private checkSize(n: number): void {
    if (n > MAX_ELEMENTS) throw new RangeError(`${this.name}: ${n} elements exceed the backend's limit of 2^24 (float32 indexing)`);
  }

  private run(src: Parameters<Runner['call']>[0], n: number, args: readonly Arg[]): GpuHandle {
    this.checkSize(n);
    return this.wrap(this.runner.call(src, n, args));
  }

  private alias(x: T): GpuHandle {
    x.handle.store.refs++;
    return this.wrap(x.handle.store);
  }

  private toTyped(v: Float32Array, dtype: DType): TypedArray {
    if (dtype === 'int32') return Int32Array.from(v);
    if (dtype === 'bool') return Uint8Array.from(v);
    return v;
  }

  upload(data: TypedArray, shape: Shape, dtype: DType): GpuHandle {
    const n = sizeOf(shape);
    this.checkSize(n);
    if (dtype === 'float64') throw new TypeError(`${this.name} stores float32 only; cast to float32 first`);
    if (dtype === 'int32') {
      for (let i = 0; i < data.length; i++) {
        if (Math.abs(data[i]) > MAX_ELEMENTS) throw new RangeError(`${this.name}: int32 value ${data[i]} is beyond ±2^24, which float32 storage cannot hold exactly`);
      }
    }
    const f = data instanceof Float32Array ? data : Float32Array.from(data);
    return this.wrap(this.runner.upload(f));
  }

  fill(shape: Shape, dtype: DType, value: number): GpuHandle {
    const v = dtype === 'bool' ? (value ? 1 : 0) : dtype === 'int32' ? Math.trunc(value) : value;
    const n = sizeOf(shape);
    this.checkSize(n);
    if (this.runner.synchronous) return this.wrap(this.runner.upload(new Float32Array(n).fill(v)));
    return this.run(fillSource(), n, [v]);
  }

  async read(x: T): Promise<TypedArray> {
    return this.toTyped(await this.runner.read(x.handle.store), x.dtype);
  }

  dispose(h: GpuHandle): void {
    const s = h.store;
    if (--s.refs === 0) this.runner.release(s);
  }

  memory(): { numHandles: number; numBytes: number } {
    return { numHandles: this.runner.live.stores, numBytes: this.runner.live.bytes };
  }

  unary(op: UnaryOp, x: T): GpuHandle {
    return this.run(unarySource(op, 'same', 0), sizeOf(x.shape), [x.handle.store, meta()]);
  }

  private elementwise(op: BinaryOp | CompareOp | LogicalOp, a: T, b: T, out: Shape): GpuHandle {
    const { layouts: [la, lb], r, m } = operands([a, b], out);
    return this.run(binarySource(op, la, lb, r), sizeOf(out), [a.handle.store, b.handle.store, m]);
  }

  binary(op: BinaryOp, a: T, b: T, outShape: Shape): GpuHandle {
    const h = this.elementwise(op, a, b, outShape);
    if (a.dtype !== 'int32' || (op !== 'div' && op !== 'pow')) return h;
    const t = this.run(truncSource(), sizeOf(outShape), [h.store]);
    this.dispose(h);
    return t;
  }

  compare(op: CompareOp, a: T, b: T, outShape: Shape): GpuHandle {
    return this.elementwise(op, a, b, outShape);
  }

  logical(op: LogicalOp, a: T, b: T, outShape: Shape): GpuHandle {
    return this.elementwise(op, a, b, outShape);
  }

  /** x compared with a host scalar (logicalNot, casts to bool). */
  private compareScalar(op: CompareOp, x: T, value: number): GpuHandle {
    return this.run(binarySource(op, 'same', 'scalar', 0), sizeOf(x.shape), [x.handle.store, Float32Array.of(value), meta()]);
  }

  logicalNot(x: T): GpuHandle {
    return this.compareScalar('equal', x, 0);
  }

  where(cond: T, a: T, b: T, outShape: Shape): GpuHandle {
    const { layouts: ls, r, m } = operands([cond, a, b], outShape);
    return this.run(whereSource(ls[0], ls[1], ls[2], r), sizeOf(outShape), [cond.handle.store, a.handle.store, b.handle.store, m]);
  }

  /** Strided gather of a view: out[c] = x[base + Σ c_k s_k]. */
  private strided(x: T, outShape: Shape, strides: readonly number[], base: number): GpuHandle {
    const r = outShape.length;
    return this.run(stridedSource(r), sizeOf(outShape), [x.handle.store, meta(outShape, strides, [base])]);
  }

  /** Sequential chunk passes over the last axis of [outer, R] until one value per row is left. */
  private reduceRows(op: ReduceOp, h: GpuHandle, outer: number, R: number, owned: boolean): GpuHandle {
    let cur = h;
    let own = owned;
    while (R > 1) {
      const Rn = Math.ceil(R / CHUNK);
      const next = this.run(reduceChunkSource(op), outer * Rn, [cur.store, meta([R, Rn])]);
      if (own) this.dispose(cur);
      cur = next;
      own = true;
      R = Rn;
    }
    if (!own) {
      cur.store.refs++;
      return this.wrap(cur.store);
    }
    return cur;
  }

  reduce(op: ReduceOp, x: T, axes: readonly number[]): GpuHandle {
    const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outer = keep.reduce((p, i) => p * x.shape[i], 1);
    const R = axes.reduce((p, i) => p * x.shape[i], 1);
    if (R === 0) return this.fill(keep.map((i) => x.shape[i]), x.dtype, op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity);
    const perm = [...keep, ...axes];
    const moved = perm.every((p, i) => p === i) ? undefined : this.transpose(x, perm);
    return this.reduceRows(op, moved ?? x.handle, outer, R, moved !== undefined);
  }

  matmul(a: T, b: T, outShape: Shape): GpuHandle {
    const r = outShape.length;
    const [M, N] = [outShape[r - 2], outShape[r - 1]];
    const K = a.shape[a.shape.length - 1];
    const batch = outShape.slice(0, r - 2);
    const Bt = sizeOf(batch);
    if (K === 0) return this.fill(outShape, a.dtype, 0);
    const full = (t: T, tail: readonly number[]): { h: GpuHandle; owned: boolean } => {
      const want = [...batch, ...tail];
      if (sizeOf(t.shape) === sizeOf(want)) return { h: t.handle, owned: false };
      return { h: this.broadcastTo(t, want), owned: true };
    };
    const A = full(a, [M, K]);
    const B = full(b, [K, N]);
    const C = Math.ceil(K / CHUNK);
    const partial = this.run(matmulSource(), Bt * M * N * C, [A.h.store, B.h.store, meta([N, M, K, C])]);
    if (A.owned) this.dispose(A.h);
    if (B.owned) this.dispose(B.h);
    return this.reduceRows('sum', partial, Bt * M * N, C, true);
  }

  /**
   * im2col (kernels.ts) onto the matrix product, per group and per block of output pixels (a block's
   * patch matrix stays below MAX_ELEMENTS); the groups' columns and the blocks' rows are concatenated.
   */
  conv2d(x: T, w: T, p: Conv2dParams, outShape: Shape): GpuHandle {
    const [, H, W, C] = x.shape;
    const [KH, KW, Cg, O] = w.shape;
    const [N, Ho, Wo] = outShape;
    const G = p.groups;
    const Og = O / G;
    const K = KH * KW * Cg;
    const M = N * Ho * Wo;
    const R = Math.max(1, Math.min(M, Math.floor((MAX_ELEMENTS - 1) / K)));
    const dt = x.dtype;
    const wk: T = { handle: w.handle, shape: [K, O], dtype: dt };
    const cols: GpuHandle[] = [];
    for (let g = 0; g < G; g++) {
      const wg: T = G === 1 ? wk : { handle: this.slice(wk, [0, g * Og], [K, (g + 1) * Og], [1, 1]), shape: [K, Og], dtype: dt };
      const blocks: T[] = [];
      for (let r0 = 0; r0 < M; r0 += R) {
        const rows = Math.min(R, M - r0);
        const m = meta([Cg, KW, KH, Wo, Ho, H, W, C, p.strides[0], p.strides[1], p.dilations[0], p.dilations[1], p.padding[0], p.padding[2], g * Cg, r0]);
        const patches = this.run(im2colSource(), rows * K, [x.handle.store, m]);
        blocks.push({ handle: this.matmul({ handle: patches, shape: [rows, K], dtype: dt }, wg, [rows, Og]), shape: [rows, Og], dtype: dt });
        this.dispose(patches);
      }
      if (G !== 1) this.dispose(wg.handle);
      cols.push(blocks.length === 1 ? blocks[0].handle : this.concat(blocks, 0));
      if (blocks.length !== 1) for (const b of blocks) this.dispose(b.handle);
    }
    if (G === 1) return cols[0];
    const out = this.concat(cols.map((h) => ({ handle: h, shape: [M, Og], dtype: dt })), 1);
    for (const h of cols) this.dispose(h);
    return out;
  }

  transpose(x: T, perm: readonly number[]): GpuHandle {
    const cs = rowMajorStrides(x.shape);
    return this.strided(x, perm.map((p) => x.shape[p]), perm.map((p) => cs[p]), 0);
  }

  reshape(x: T): GpuHandle {
    return this.alias(x);
  }

  broadcastTo(x: T, shape: Shape): GpuHandle {
    if (sizeOf(x.shape) === sizeOf(shape)) return this.alias(x);
    return this.strided(x, shape, broadcastStrides(x.shape, shape), 0);
  }

  slice(x: T, begin: readonly number[], end: readonly number[], step: readonly number[]): GpuHandle {
    const cs = rowMajorStrides(x.shape);
    const out = begin.map((b, i) => Math.max(0, Math.ceil((end[i] - b) / step[i])));
    const base = begin.reduce((s, b, i) => s + b * cs[i], 0);
    return this.strided(x, out, cs.map((c, i) => c * step[i]), base);
  }

  pad(x: T, before: readonly number[], after: readonly number[], value: number): GpuHandle {
    const out = x.shape.map((d, i) => d + before[i] + after[i]);
    const r = out.length;
    if (sizeOf(x.shape) === 0) return this.fill(out, x.dtype, value);
    return this.run(padSource(r), sizeOf(out), [x.handle.store, meta(out, before, x.shape, rowMajorStrides(x.shape)), value]);
  }

  concat(xs: readonly T[], axis: number): GpuHandle {
    const parts = xs.filter((x) => sizeOf(x.shape) > 0);
    if (parts.length === 0) {
      const shape = [...xs[0].shape];
      shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
      return this.fill(shape, xs[0].dtype, 0);
    }
    let acc: T = parts[0];
    let owned = false;
    for (const next of parts.slice(1)) {
      const shape = [...acc.shape];
      shape[axis] += next.shape[axis];
      const r = shape.length;
      const h = this.run(concat2Source(r, axis), sizeOf(shape),
        [acc.handle.store, next.handle.store, meta(shape, rowMajorStrides(acc.shape), rowMajorStrides(next.shape), [acc.shape[axis]])]);
      if (owned) this.dispose(acc.handle);
      acc = { handle: h, shape, dtype: acc.dtype };
      owned = true;
    }
    return owned ? acc.handle : this.alias(acc);
  }

  gather(x: T, indices: T, axis: number): GpuHandle {
    const Q = sizeOf(x.shape.slice(axis + 1));
    const P = sizeOf(x.shape.slice(0, axis));
    const I = sizeOf(indices.shape);
    return this.run(gatherSource(), P * I * Q, [x.handle.store, indices.handle.store, meta([Q, I, x.shape[axis]])]);
  }

  scatterAdd(updates: T, indices: T, axis: number, outShape: Shape): GpuHandle {
    const Q = sizeOf(outShape.slice(axis + 1));
    const P = sizeOf(outShape.slice(0, axis));
    const A = outShape[axis];
    const L = sizeOf(indices.shape);
    if (L === 0) return this.fill(outShape, updates.dtype, 0);
    const C = Math.ceil(L / CHUNK);
    const partial = this.run(scatterAddSource(), P * A * Q * C, [updates.handle.store, indices.handle.store, meta([Q, A, L, C])]);
    return this.reduceRows('sum', partial, P * A * Q, C, true);
  }

  cast(x: T, dtype: DType): GpuHandle {
    if (dtype === 'bool') return x.dtype === 'bool' ? this.alias(x) : this.compareScalar('notEqual', x, 0);
    if (dtype === 'int32' && x.dtype === 'float32') return this.run(truncSource(), sizeOf(x.shape), [x.handle.store]);
    if (dtype === 'float64') throw new TypeError(`${this.name} stores float32 only`);
    return this.alias(x);
  }

  // ---- fused primitives -------------------------------------------------------------------------

  linearCombination(xs: readonly T[], coeffs: readonly number[], outShape: Shape): GpuHandle {
    const { layouts: ls, r, m } = operands(xs, outShape);
    return this.run(linearCombinationSource(ls, r), sizeOf(outShape), [...xs.map((x) => x.handle.store), Float32Array.from(coeffs), m]);
  }

  dense(x: T, w: T, b: T, activation: string): GpuHandle | undefined {
    const K = w.shape[0];
    if (!DENSE_ACTIVATIONS.includes(activation as DenseActivation) || K > 4 * CHUNK || K === 0) return undefined;
    const [Bn, N] = [x.shape[0], w.shape[1]];
    return this.run(denseSource(activation as DenseActivation, K), Bn * N, [x.handle.store, w.handle.store, b.handle.store, meta([N, K])]);
  }

  /** Resolves once every operation issued so far has run (webgpu mode; immediate elsewhere). */
  flush(): Promise<void> {
    return this.runner.flush();
  }

  /** Kernels compiled so far (one per op, layout and rank: sizes are dynamic). */
  get compiledKernels(): number {
    return this.runner.compiled;
  }
}
