/**
 * The TensorFlow.js backend: the kernel set on tfjs tensors, engines 'cpu' and 'wasm' (XNNPACK; SIMD
 * and threads where available), float32 (tfjs has no float64). tfjs keeps one active engine per process:
 * every kernel selects its engine first (a synchronous switch once the engine is initialised), so
 * tfjs:cpu and tfjs:wasm tensors can live side by side. Intermediates inside a kernel are released by
 * tf.tidy; handles are released through core's scopes (dispose).
 */
import type * as TF from '@tensorflow/tfjs';
import type { Backend, BinaryOp, CompareOp, Conv2dParams, LogicalOp, ReduceOp, TensorInfo, UnaryOp } from '../../core/tensor/backend.js';
import type { DType, TypedArray } from '../../core/tensor/dtype.js';
import type { Shape } from '../../core/tensor/shape.js';
import { sizeOf } from '../../core/tensor/shape.js';

type T = TensorInfo<TF.Tensor>;
type TfDType = 'float32' | 'int32' | 'bool';

/**
 * Absolute accuracy per engine, measured on a dense grid of [−10, 10] against float64 and declared
 * with a 2–3× margin. wasm: sin/cos/log1p err by up to 2.4e-7, 2.7e-7, 2.1e-7 (≈ 2ε; relative errors
 * reach thousands of ulps near zeros of sin/cos and 390 ulps for log1p at 1e-3, a naive log(1 + x)).
 * webgpu (llvmpipe): tanh, expm1, log1p and softplus are naive formulas over the shader's exp/log:
 * absolute errors 1.2ε, 1.5ε (|x| < 1), 3.8ε and 10.2ε, relative errors up to 10⁴ ulps near 0.
 * cpu and webgpu compute erf by Abramowitz–Stegun 7.1.26 (1.5e-7 absolute): 1.4ε and 4.7ε absolute
 * measured on [−5, 5], relative errors of hundreds (cpu) and 6·10⁴ ulps (webgpu) near 0.
 */
const ENGINE_ACCURACY: Record<string, Backend['accuracy']> = {
  cpu: { erf: { absoluteUlps: 4 } },
  wasm: { sin: { absoluteUlps: 4 }, cos: { absoluteUlps: 4 }, log1p: { absoluteUlps: 4 } },
  webgpu: { tanh: { absoluteUlps: 4 }, expm1: { absoluteUlps: 4 }, log1p: { absoluteUlps: 8 }, softplus: { absoluteUlps: 24 }, erf: { absoluteUlps: 12 } },
};

/** The tfjs op of each unary primitive. */
const UNARY: Record<UnaryOp, (tf: typeof TF, x: TF.Tensor) => TF.Tensor> = {
  neg: (tf, x) => tf.neg(x),
  exp: (tf, x) => tf.exp(x),
  log: (tf, x) => tf.log(x),
  sqrt: (tf, x) => tf.sqrt(x),
  tanh: (tf, x) => tf.tanh(x),
  sigmoid: (tf, x) => tf.sigmoid(x),
  softplus: (tf, x) => tf.softplus(x),
  sin: (tf, x) => tf.sin(x),
  cos: (tf, x) => tf.cos(x),
  abs: (tf, x) => tf.abs(x),
  sign: (tf, x) => tf.sign(x),
  log1p: (tf, x) => tf.log1p(x),
  expm1: (tf, x) => tf.expm1(x),
  floor: (tf, x) => tf.floor(x),
  erf: (tf, x) => tf.erf(x),
};

/** The tfjs op of each two-operand primitive (arithmetic, comparisons, logic). */
const BINARY: Record<BinaryOp | CompareOp | LogicalOp, (tf: typeof TF, a: TF.Tensor, b: TF.Tensor) => TF.Tensor> = {
  add: (tf, a, b) => tf.add(a, b),
  sub: (tf, a, b) => tf.sub(a, b),
  mul: (tf, a, b) => tf.mul(a, b),
  div: (tf, a, b) => tf.div(a, b),
  pow: (tf, a, b) => tf.pow(a, b),
  maximum: (tf, a, b) => tf.maximum(a, b),
  minimum: (tf, a, b) => tf.minimum(a, b),
  equal: (tf, a, b) => tf.equal(a, b),
  notEqual: (tf, a, b) => tf.notEqual(a, b),
  less: (tf, a, b) => tf.less(a, b),
  lessEqual: (tf, a, b) => tf.lessEqual(a, b),
  greater: (tf, a, b) => tf.greater(a, b),
  greaterEqual: (tf, a, b) => tf.greaterEqual(a, b),
  logicalAnd: (tf, a, b) => tf.logicalAnd(a, b),
  logicalOr: (tf, a, b) => tf.logicalOr(a, b),
};

export class TfjsBackend implements Backend<TF.Tensor> {
  readonly name: string;
  readonly defaultFloat = 'float32' as const;
  readonly dtypes: readonly DType[] = ['float32', 'int32', 'bool'];

  /** Declared absolute accuracy of this engine's transcendental functions (ENGINE_ACCURACY). */
  readonly accuracy: Partial<Record<UnaryOp, { readonly absoluteUlps: number }>> | undefined;

  /**
   * The wasm engine's heap is 32-bit (at most 4 GiB for every tensor together): one tensor of more
   * than 2^28 float32 elements (1 GiB) is refused before the engine fails with "table index is out
   * of bounds".
   */
  readonly maxElements?: number;

  constructor(private readonly tf: typeof TF, readonly engine: string) {
    this.name = `tfjs:${engine}`;
    if (engine === 'wasm') this.maxElements = 2 ** 28;
    if (engine !== 'webgpu') this.readSync = (x: T) => x.handle.dataSync() as TypedArray;
    this.accuracy = ENGINE_ACCURACY[engine];
  }

  /** Make this engine the active one (synchronous once it is initialised). */
  private on(): typeof TF {
    if (this.tf.getBackend() !== this.engine) void this.tf.setBackend(this.engine);
    return this.tf;
  }

  private run(f: (tf: typeof TF) => TF.Tensor): TF.Tensor {
    const tf = this.on();
    return tf.tidy(() => f(tf));
  }

  upload(data: TypedArray, shape: Shape, dtype: DType): TF.Tensor {
    const d = dtype as TfDType;
    const values = d === 'float32' && !(data instanceof Float32Array) ? Float32Array.from(data) : data;
    return this.on().tensor(values as Float32Array | Int32Array | Uint8Array, [...shape], d);
  }

  fill(shape: Shape, dtype: DType, value: number): TF.Tensor {
    return this.run((tf) => tf.fill([...shape], dtype === 'bool' ? (value ? 1 : 0) : value, dtype as TfDType));
  }

  async read(x: T): Promise<TypedArray> {
    return (await x.handle.data()) as TypedArray;
  }

  /** Synchronous readback; absent on the webgpu engine, whose dataSync does not work in Node. */
  readonly readSync?: (x: T) => TypedArray;

  dispose(h: TF.Tensor): void {
    h.dispose();
  }

  memory(): { numHandles: number; numBytes: number } {
    const m = this.tf.memory();
    return { numHandles: m.numTensors, numBytes: m.numBytes };
  }

  unary(op: UnaryOp, x: T): TF.Tensor {
    return this.run((tf) => UNARY[op](tf, x.handle));
  }

  binary(op: BinaryOp, a: T, b: T): TF.Tensor {
    return this.run((tf) => BINARY[op](tf, a.handle, b.handle));
  }

  compare(op: CompareOp, a: T, b: T): TF.Tensor {
    return this.run((tf) => BINARY[op](tf, a.handle, b.handle));
  }

  logical(op: LogicalOp, a: T, b: T): TF.Tensor {
    return this.run((tf) => BINARY[op](tf, a.handle, b.handle));
  }

  logicalNot(x: T): TF.Tensor {
    return this.run((tf) => tf.logicalNot(x.handle));
  }

  where(c: T, a: T, b: T, outShape: Shape): TF.Tensor {
    const s = [...outShape];
    return this.run((tf) => tf.where(tf.broadcastTo(c.handle, s), tf.broadcastTo(a.handle, s), tf.broadcastTo(b.handle, s)));
  }

  reduce(op: ReduceOp, x: T, axes: readonly number[]): TF.Tensor {
    return this.run((tf) => (op === 'sum' ? tf.sum(x.handle, [...axes]) : op === 'max' ? tf.max(x.handle, [...axes]) : tf.min(x.handle, [...axes])));
  }

  matmul(a: T, b: T, outShape: Shape): TF.Tensor {
    const r = outShape.length;
    const batch = outShape.slice(0, -2);
    const m = outShape[r - 2];
    const n = outShape[r - 1];
    const k = a.shape[a.shape.length - 1];
    const B = sizeOf(batch);
    return this.run((tf) => {
      const A3 = tf.reshape(tf.broadcastTo(a.handle, [...batch, m, k]), [B, m, k]);
      const B3 = tf.reshape(tf.broadcastTo(b.handle, [...batch, k, n]), [B, k, n]);
      return tf.reshape(tf.matMul(A3, B3), [...outShape]);
    });
  }

  /**
   * tf.conv2d (NHWC) on the explicitly padded input, one call per group. tfjs rejects strides and
   * dilations both above 1: then the stride-1 convolution is subsampled.
   */
  conv2d(x: T, w: T, p: Conv2dParams, outShape: Shape): TF.Tensor {
    const [pt, pb, pl, pr] = p.padding;
    const [sh, sw] = p.strides;
    const both = (sh > 1 || sw > 1) && (p.dilations[0] > 1 || p.dilations[1] > 1);
    return this.run((tf) => {
      const xp = pt + pb + pl + pr === 0 ? x.handle : tf.pad(x.handle, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
      const one = (xg: TF.Tensor, wg: TF.Tensor): TF.Tensor => {
        const y = tf.conv2d(xg as TF.Tensor4D, wg as TF.Tensor4D, both ? 1 : [sh, sw], 'valid', 'NHWC', [...p.dilations] as [number, number]);
        return both ? tf.stridedSlice(y, [0, 0, 0, 0], [outShape[0], (outShape[1] - 1) * sh + 1, (outShape[2] - 1) * sw + 1, outShape[3]], [1, sh, sw, 1]) : y;
      };
      if (p.groups === 1) return one(xp, w.handle);
      const xs = tf.split(xp, p.groups, 3);
      const ws = tf.split(w.handle, p.groups, 3);
      return tf.concat(xs.map((xg, g) => one(xg, ws[g])), 3);
    });
  }

  transpose(x: T, perm: readonly number[]): TF.Tensor {
    return this.run((tf) => tf.transpose(x.handle, [...perm]));
  }

  reshape(x: T, shape: Shape): TF.Tensor {
    return this.run((tf) => tf.reshape(x.handle, [...shape]));
  }

  /**
   * As a broadcasting product with ones (exact: x·1 = x, −0 and NaN kept), on a view with unit output
   * axes dropped and neighbouring axes of one kind (broadcast or kept) merged. XNNPACK multiplies about
   * 10× faster than tfjs's Tile copies (3.6 against 37 ms for [16, 1, 8, 1] → [16, 784, 8, 4] on the
   * wasm engine), and the webgpu engine's Tile above rank 4 falls back to a canvas readback, absent in Node.
   */
  broadcastTo(x: T, shape: Shape): TF.Tensor {
    const inp = [...new Array<number>(shape.length - x.shape.length).fill(1), ...x.shape];
    const dims: { from: number; to: number; bcast: boolean }[] = [];
    shape.forEach((d, i) => {
      if (d === 1) return;
      const bcast = inp[i] === 1;
      const last = dims[dims.length - 1];
      if (last && last.bcast === bcast) {
        last.from *= inp[i];
        last.to *= d;
      } else dims.push({ from: inp[i], to: d, bcast });
    });
    return this.run((tf) => {
      const r = tf.reshape(x.handle, dims.map((d) => d.from));
      const num = x.dtype === 'bool' ? tf.cast(r, 'int32') : r;
      const y = tf.mul(num, tf.ones(dims.map((d) => d.to), num.dtype as TfDType));
      return tf.reshape(x.dtype === 'bool' ? tf.notEqual(y, tf.scalar(0, 'int32')) : y, [...shape]);
    });
  }

  slice(x: T, begin: readonly number[], end: readonly number[], step: readonly number[]): TF.Tensor {
    return this.run((tf) => tf.stridedSlice(x.handle, [...begin], [...end], [...step]));
  }

  /**
   * Above rank 4 one padded axis at a time, on x viewed as [outer, n, inner]: the wasm engine's pad
   * returns wrong values above rank 6 (XNNPACK's limit) and the webgpu engine's shader does not
   * compile above rank 4 (it indexes a vec5).
   */
  pad(x: T, before: readonly number[], after: readonly number[], value: number): TF.Tensor {
    if (x.shape.length <= 4) return this.run((tf) => tf.pad(x.handle, before.map((b, i) => [b, after[i]] as [number, number]), value));
    return this.run((tf) => {
      let y = x.handle;
      const shape = [...x.shape];
      for (let a = 0; a < shape.length; a++) {
        if (before[a] === 0 && after[a] === 0) continue;
        const outer = sizeOf(shape.slice(0, a));
        const inner = sizeOf(shape.slice(a + 1));
        y = tf.pad(tf.reshape(y, [outer, shape[a], inner]), [[0, 0], [before[a], after[a]], [0, 0]], value);
        shape[a] += before[a] + after[a];
      }
      return tf.reshape(y, shape);
    });
  }

  concat(xs: readonly T[], axis: number): TF.Tensor {
    return this.run((tf) => tf.concat(xs.map((x) => x.handle), axis));
  }

  gather(x: T, indices: T, axis: number): TF.Tensor {
    return this.run((tf) => tf.gather(x.handle, indices.handle, axis));
  }

  /**
   * Adjoint of gather: bring the indexed axis to the front and sum rows by index with a one-hot matrix
   * product (UnsortedSegmentSum is missing from the wasm engine), then move the axis back.
   */
  scatterAdd(updates: T, indices: T, axis: number, outShape: Shape): TF.Tensor {
    const pre = outShape.slice(0, axis);
    const post = outShape.slice(axis + 1);
    const L = sizeOf(indices.shape);
    const size = outShape[axis];
    const rest = sizeOf(pre) * sizeOf(post);
    return this.run((tf) => {
      const u = tf.reshape(updates.handle, [...pre, L, ...post]);
      const front = [pre.length, ...pre.map((_, i) => i), ...post.map((_, i) => pre.length + 1 + i)];
      const rows = tf.reshape(tf.transpose(u, front), [L, rest]);
      const onehot = tf.cast(tf.equal(tf.reshape(indices.handle, [L, 1]), tf.reshape(tf.range(0, size, 1, 'int32'), [1, size])), updates.dtype as TfDType);
      const summed = tf.reshape(tf.matMul(onehot, rows, true, false), [size, ...pre, ...post]);
      const back = [...pre.map((_, i) => i + 1), 0, ...post.map((_, i) => pre.length + 1 + i)];
      return tf.transpose(summed, back);
    });
  }

  /** To bool as x ≠ 0: the wasm engine's Cast to bool keeps the low byte of the truncated value (0.5 → 0, 2 → 2). */
  cast(x: T, dtype: DType): TF.Tensor {
    if (dtype === 'bool') return this.run((tf) => tf.notEqual(x.handle, tf.scalar(0, x.dtype as TfDType)));
    return this.run((tf) => tf.cast(x.handle, dtype as TfDType));
  }

  /** act(x·W + b) as tf.fused.matMul where tfjs fuses the activation (linear, relu); else core composes. */
  dense(x: T, W: T, b: T, activation: string): TF.Tensor | undefined {
    const act = activation === 'none' ? 'linear' : activation === 'relu' ? 'relu' : undefined;
    if (!act) return undefined;
    return this.run((tf) => tf.fused.matMul({ a: x.handle as TF.Tensor2D, b: W.handle as TF.Tensor2D, bias: b.handle, activation: act }));
  }
}
