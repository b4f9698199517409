/**
 * The CPU backend: pure TypeScript on typed arrays, float64 (the reference of every comparison) or
 * float32 (stored as Float32Array, each result rounded once from a double computation).
 * Handles are ndarray views, so transpose, slice, reshape-of-contiguous and broadcast are O(1).
 */
import ndarray from 'ndarray';
import type { Backend, BinaryOp, CompareOp, Conv2dParams, LogicalOp, MixtureParams, ReduceOp, TensorInfo, UnaryOp } from '../../core/tensor/backend.js';
import { allocTyped, type DType, type FloatDType, type TypedArray } from '../../core/tensor/dtype.js';
import { rowMajorStrides, type Shape, sizeOf } from '../../core/tensor/shape.js';
import { alignedStrides, contiguousData, copyStrided, forBlocks, forRows, isContiguous, mergeAxes, type View } from './strided.js';
import { binaryLoop, linCombLoop, sumLoop, unaryLoop } from './kernels.js';
import { mixtureScoreKernel } from './mixture.js';
import { gemmWasm } from './gemm-wasm.js';
import { conv2dIm2col } from './conv.js';
import { ZIP_WASM_MIN, zipWasm } from './elementwise-wasm.js';
import { BufferPool } from './pool.js';

type T = TensorInfo<View>;

/**
 * The period of a contiguous operand broadcast over the leading axes of `shape` (its size, when its
 * shape, leading ones aside, is a suffix of `shape`), or 0 when it is not of that form.
 */
function periodOf(v: View, shape: Shape): number {
  if (!isContiguous(v)) return 0;
  const lead = shape.length - v.shape.length;
  let i = 0;
  while (i < v.shape.length && v.shape[i] === 1) i++;
  for (let k = i; k < v.shape.length; k++) if (v.shape[k] !== shape[lead + k]) return 0;
  return v.shape.reduce((p, d) => p * d, 1);
}

function view(data: TypedArray, shape: Shape, stride?: readonly number[], offset = 0): View {
  return ndarray(data, [...shape], stride ? [...stride] : rowMajorStrides(shape), offset) as View;
}

/**
 * Products with at least this many multiply-adds run on the WASM-SIMD kernel (gemm-wasm.ts: the same
 * bits, 3.9× the JS loop at 512³); below it the copies in and out cost more than they save.
 */
const WASM_GEMM_MIN_WORK = 4096;

/** Rows of B per block: a block of B (KB × n doubles) stays in the L2 cache while every row of A uses it. */
const KB = 64;

/**
 * C = A·B for row-major A (m×k at offA) and B (k×n at offB), accumulated in float64. k is blocked so
 * that a panel of B stays in cache, and four rows of A share each load of a B row (2.5× faster than
 * the plain i-k-j loop in V8: 2.0 vs 0.8 GFLOP/s at 512², measured).
 */
function gemmAccumulate(A: TypedArray, offA: number, B: TypedArray, offB: number, C: Float64Array, m: number, k: number, n: number): void {
  C.fill(0);
  for (let p0 = 0; p0 < k; p0 += KB) {
    const p1 = Math.min(k, p0 + KB);
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const r0 = i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      const a = offA + i * k;
      for (let p = p0; p < p1; p++) {
        const a0 = A[a + p];
        const a1 = A[a + k + p];
        const a2 = A[a + 2 * k + p];
        const a3 = A[a + 3 * k + p];
        const rowB = offB + p * n;
        for (let j = 0; j < n; j++) {
          const b = B[rowB + j];
          C[r0 + j] += a0 * b;
          C[r1 + j] += a1 * b;
          C[r2 + j] += a2 * b;
          C[r3 + j] += a3 * b;
        }
      }
    }
    for (; i < m; i++) {
      const rowC = i * n;
      const rowA = offA + i * k;
      for (let p = p0; p < p1; p++) {
        const aip = A[rowA + p];
        const rowB = offB + p * n;
        for (let j = 0; j < n; j++) C[rowC + j] += aip * B[rowB + j];
      }
    }
  }
}

export class CpuBackend implements Backend<View> {
  readonly name: string;
  /** Recycled output arrays (disposed tensors' storage). */
  readonly pool = new BufferPool();
  readonly dtypes: readonly DType[] = ['float64', 'float32', 'int32', 'bool'];

  constructor(readonly defaultFloat: FloatDType = 'float64', name?: string) {
    this.name = name ?? `cpu:${defaultFloat}`;
  }

  private contiguous(x: T): TypedArray {
    return contiguousData(x.handle, (n) => allocTyped(x.dtype, n));
  }

  upload(data: TypedArray, shape: Shape): View {
    return view(data, shape);
  }

  /** Recycled storage, counted once: upload() of it keeps it as the tensor's storage. */
  hostBuffer(dtype: DType, n: number): TypedArray {
    return this.pool.take(dtype, n);
  }

  fill(shape: Shape, dtype: DType, value: number): View {
    const d = this.pool.take(dtype, sizeOf(shape), value === 0);
    if (value !== 0) d.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
    return view(d, shape);
  }

  readSync(x: T): TypedArray {
    const d = this.contiguous(x);
    return d === x.handle.data || d.buffer === x.handle.data.buffer ? d.slice() : d;
  }

  read(x: T): Promise<TypedArray> {
    return Promise.resolve(this.readSync(x));
  }

  /** A disposed tensor's view no longer holds its array (see pool.ts). */
  dispose(h: View): void {
    this.pool.release(h.data);
  }

  unary(op: UnaryOp, x: T): View {
    const out = this.pool.take(x.dtype, sizeOf(x.shape));
    const f = unaryLoop(op);
    const v = x.handle;
    const X = v.data;
    forBlocks(x.shape, [rowMajorStrides(x.shape), v.stride], [0, v.offset], (o, s, n, q, m) => f(out, o[0], s[0], q[0], X, o[1], s[1], q[1], n, m));
    return view(out, x.shape);
  }

  private zip(op: BinaryOp | CompareOp | LogicalOp, a: T, b: T, outShape: Shape, outDtype: DType): View {
    const out = this.pool.take(outDtype, sizeOf(outShape));
    if (this.zipSimd(op, a, b, outShape, out)) return view(out, outShape);
    const f = binaryLoop(op);
    const A = a.handle;
    const B = b.handle;
    forBlocks(
      outShape,
      [rowMajorStrides(outShape), alignedStrides(A, outShape), alignedStrides(B, outShape)],
      [0, A.offset, B.offset],
      (o, s, n, q, m) => f(out, o[0], s[0], q[0], A.data, o[1], s[1], q[1], B.data, o[2], s[2], q[2], n, m),
    );
    return view(out, outShape);
  }

  /**
   * add/sub/mul/div of two float arrays of one dtype by the WASM-SIMD kernels (elementwise-wasm.ts)
   * where one operand has the output's size and the other that size or a period (broadcast over
   * leading axes), both contiguous; false otherwise.
   */
  private zipSimd(op: BinaryOp | CompareOp | LogicalOp, a: T, b: T, outShape: Shape, out: TypedArray): boolean {
    if (op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div') return false;
    const dtype = a.dtype;
    if ((dtype !== 'float32' && dtype !== 'float64') || b.dtype !== dtype) return false;
    const n = out.length;
    if (n < ZIP_WASM_MIN) return false;
    const pa = periodOf(a.handle, outShape);
    const pb = periodOf(b.handle, outShape);
    if (pa === n && pb > 0) return zipWasm(dtype, op, out, a.handle.data, a.handle.offset, b.handle.data, b.handle.offset, n, pb, false);
    if (pb === n && pa > 0) return zipWasm(dtype, op, out, b.handle.data, b.handle.offset, a.handle.data, a.handle.offset, n, pa, true);
    return false;
  }

  /** Σ c_i x_i in one pass over strided, broadcast operands (accumulated in float64, rounded once). */
  linearCombination(xs: readonly T[], coeffs: readonly number[], outShape: Shape): View {
    const out = this.pool.take(xs[0].dtype, sizeOf(outShape));
    const f = linCombLoop(xs.length);
    const data = xs.map((x) => x.handle.data);
    forBlocks(
      outShape,
      [rowMajorStrides(outShape), ...xs.map((x) => alignedStrides(x.handle, outShape))],
      [0, ...xs.map((x) => x.handle.offset)],
      (o, s, n, q, m) => f(out, o[0], s[0], q[0], data, o.slice(1), s.slice(1), q.slice(1), coeffs, n, m),
    );
    return view(out, outShape);
  }

  mixtureScore(x: T, p: MixtureParams, c0: number, nc: number): View {
    const n = x.shape[0];
    const out = this.pool.take(x.dtype, n * nc);
    mixtureScoreKernel(this.contiguous(x), n, p, c0, nc, out);
    return view(out, [n, nc]);
  }

  binary(op: BinaryOp, a: T, b: T, outShape: Shape): View {
    return this.zip(op, a, b, outShape, a.dtype);
  }

  compare(op: CompareOp, a: T, b: T, outShape: Shape): View {
    return this.zip(op, a, b, outShape, 'bool');
  }

  logical(op: LogicalOp, a: T, b: T, outShape: Shape): View {
    return this.zip(op, a, b, outShape, 'bool');
  }

  logicalNot(x: T): View {
    const d = this.contiguous(x);
    const out = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = d[i] ? 0 : 1;
    return view(out, x.shape);
  }

  where(c: T, a: T, b: T, outShape: Shape): View {
    const out = this.pool.take(a.dtype, sizeOf(outShape));
    const C = c.handle;
    const A = a.handle;
    const B = b.handle;
    const Cd = C.data;
    const Ad = A.data;
    const Bd = B.data;
    forRows(
      outShape,
      [rowMajorStrides(outShape), alignedStrides(C, outShape), alignedStrides(A, outShape), alignedStrides(B, outShape)],
      [0, C.offset, A.offset, B.offset],
      (o, s, n) => {
        let [io, ic, ia, ib] = o;
        for (let k = 0; k < n; k++) {
          out[io] = Cd[ic] ? Ad[ia] : Bd[ib];
          io += s[0];
          ic += s[1];
          ia += s[2];
          ib += s[3];
        }
      },
    );
    return view(out, outShape);
  }

  reduce(op: ReduceOp, x: T, axes: readonly number[]): View {
    const axset = new Set(axes);
    const kept = x.shape.map((_, i) => i).filter((i) => !axset.has(i));
    if (op === 'sum' && axes.every((a, i) => i === 0 || a > axes[i - 1])) return this.sumInPlace(x, kept);
    // Bring the reduced axes last, then reduce contiguous blocks.
    const v = x.handle.transpose(...kept, ...axes) as View;
    const data = contiguousData(v, (n) => allocTyped(x.dtype, n));
    const outShape = kept.map((i) => x.shape[i]);
    const m = sizeOf(outShape);
    const n = sizeOf(axes.map((a) => x.shape[a]));
    const out = this.pool.take(x.dtype, m);
    for (let r = 0; r < m; r++) {
      const base = r * n;
      if (op === 'sum') {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += data[base + k];
        out[r] = acc;
      } else {
        let acc = data[base];
        const isMax = op === 'max';
        for (let k = 1; k < n; k++) {
          const y = data[base + k];
          if (acc !== acc) break;
          if (y !== y || (isMax ? y > acc : y < acc)) acc = y;
        }
        out[r] = acc;
      }
    }
    return view(out, outShape);
  }

  /**
   * A sum over ascending axes without moving the data: the input is walked in its row-major order
   * (one loop nest over its merged axes, sumLoop) and each element added to its output's float64
   * accumulator, so every output sums its elements in the row-major order of the reduced axes from
   * zero, as the transposed walk above does (the same bits), with no copy of the input.
   */
  private sumInPlace(x: T, kept: readonly number[]): View {
    const outShape = kept.map((i) => x.shape[i]);
    const m = sizeOf(outShape);
    const acc = new Float64Array(m);
    const os = rowMajorStrides(outShape);
    const accStrides = x.shape.map(() => 0);
    kept.forEach((axis, j) => (accStrides[axis] = os[j]));
    const merged = mergeAxes(x.shape, [accStrides, x.handle.stride]);
    if (merged) {
      const { dims, st } = merged;
      sumLoop(dims.length)(acc, x.handle.data, x.handle.offset, dims, st[0], st[1]);
    }
    const out = this.pool.take(x.dtype, m);
    for (let r = 0; r < m; r++) out[r] = acc[r];
    return view(out, outShape);
  }

  matmul(a: T, b: T, outShape: Shape): View {
    const A = this.contiguous(a);
    const B = this.contiguous(b);
    const r = outShape.length;
    const m = outShape[r - 2];
    const n = outShape[r - 1];
    const k = a.shape[a.shape.length - 1];
    const batch = outShape.slice(0, -2);
    const out = this.pool.take(a.dtype, sizeOf(outShape));
    // Batch strides in units of matrices, zero where an operand is broadcast.
    const bsA = alignedStrides({ shape: a.shape.slice(0, -2), stride: rowMajorStrides(a.shape.slice(0, -2)) }, batch);
    const bsB = alignedStrides({ shape: b.shape.slice(0, -2), stride: rowMajorStrides(b.shape.slice(0, -2)) }, batch);
    const acc = new Float64Array(m * n);
    let ob = 0;
    forRows(batch, [rowMajorStrides(batch), bsA, bsB], [0, 0, 0], (o, s, cnt) => {
      let ia = o[1];
      let ib = o[2];
      for (let q = 0; q < cnt; q++) {
        if (!(m * k * n >= WASM_GEMM_MIN_WORK && gemmWasm(A, ia * m * k, B, ib * k * n, acc, m, k, n))) gemmAccumulate(A, ia * m * k, B, ib * k * n, acc, m, k, n);
        for (let j = 0; j < m * n; j++) out[ob + j] = acc[j];
        ob += m * n;
        ia += s[1];
        ib += s[2];
      }
    });
    return view(out, outShape);
  }

  /** im2col onto the matrix product (conv.ts). */
  conv2d(x: T, w: T, p: Conv2dParams, outShape: Shape): View {
    const out = this.pool.take(x.dtype, sizeOf(outShape));
    conv2dIm2col(this.contiguous(x), x.shape, this.contiguous(w), w.shape, p, outShape, out, (A, B, C, m, k, n) => {
      if (!(m * k * n >= WASM_GEMM_MIN_WORK && gemmWasm(A, 0, B, 0, C, m, k, n))) gemmAccumulate(A, 0, B, 0, C, m, k, n);
    });
    return view(out, outShape);
  }

  transpose(x: T, perm: readonly number[]): View {
    this.pool.retain(x.handle.data);
    return x.handle.transpose(...perm) as View;
  }

  reshape(x: T, shape: Shape): View {
    const v = x.handle;
    if (isContiguous(v)) return this.share(view(v.data, shape, undefined, v.offset));
    return view(this.contiguous(x), shape);
  }

  broadcastTo(x: T, shape: Shape): View {
    const v = x.handle;
    return this.share(view(v.data, shape, alignedStrides(v, shape), v.offset));
  }

  slice(x: T, begin: readonly number[], end: readonly number[], step: readonly number[]): View {
    const v = x.handle;
    let offset = v.offset;
    const shape: number[] = [];
    const stride: number[] = [];
    for (let a = 0; a < x.shape.length; a++) {
      offset += begin[a] * v.stride[a];
      shape.push(Math.ceil((end[a] - begin[a]) / step[a]));
      stride.push(v.stride[a] * step[a]);
    }
    return this.share(view(v.data, shape, stride, offset));
  }

  /** A view over an existing tensor's array, counted (see pool.ts). */
  private share(v: View): View {
    this.pool.retain(v.data);
    return v;
  }

  pad(x: T, before: readonly number[], after: readonly number[], value: number): View {
    const shape = x.shape.map((d, a) => d + before[a] + after[a]);
    const out = this.fill(shape, x.dtype, value);
    const offset = before.reduce((o, b, a) => o + b * out.stride[a], 0);
    copyStrided(view(out.data, x.shape, out.stride, offset), x.handle);
    return out;
  }

  concat(xs: readonly T[], axis: number): View {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
    const out = this.fill(shape, xs[0].dtype, 0);
    let start = 0;
    for (const x of xs) {
      copyStrided(view(out.data, x.shape, out.stride, start * out.stride[axis]), x.handle);
      start += x.shape[axis];
    }
    return out;
  }

  gather(x: T, indices: T, axis: number): View {
    const X = this.contiguous(x);
    const I = this.contiguous(indices);
    const outer = sizeOf(x.shape.slice(0, axis));
    const size = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = this.pool.take(x.dtype, sizeOf(outShape));
    let o = 0;
    for (let p = 0; p < outer; p++) {
      for (let j = 0; j < I.length; j++) {
        const src = (p * size + I[j]) * inner;
        for (let q = 0; q < inner; q++) out[o++] = X[src + q];
      }
    }
    return view(out, outShape);
  }

  scatterAdd(updates: T, indices: T, axis: number, outShape: Shape): View {
    const U = this.contiguous(updates);
    const I = this.contiguous(indices);
    const outer = sizeOf(outShape.slice(0, axis));
    const size = outShape[axis];
    const inner = sizeOf(outShape.slice(axis + 1));
    const out = this.pool.take(updates.dtype, sizeOf(outShape), true);
    let u = 0;
    for (let p = 0; p < outer; p++) {
      for (let j = 0; j < I.length; j++) {
        const dst = (p * size + I[j]) * inner;
        for (let q = 0; q < inner; q++) out[dst + q] += U[u++];
      }
    }
    return view(out, outShape);
  }

  cast(x: T, dtype: DType): View {
    const d = this.contiguous(x);
    const out = this.pool.take(dtype, d.length);
    if (dtype === 'bool') for (let i = 0; i < d.length; i++) out[i] = d[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32') for (let i = 0; i < d.length; i++) out[i] = Math.trunc(d[i]);
    else out.set(d);
    return view(out, x.shape);
  }
}
