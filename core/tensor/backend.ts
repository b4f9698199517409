/**
 * The kernel set a backend implements (compare tfjs-core's kernel registry: the maths is written once
 * in core/, a backend supplies only these primitives on its own handles).
 *
 * Core validates shapes and dtypes before calling a kernel, so kernels may assume valid input:
 * binary kernels get operands of one dtype whose shapes broadcast to `outShape`, axes are normalised, etc.
 * Every kernel returns a new handle; inputs are never modified (tensors are immutable values).
 */
import type { DType, FloatDType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';
import type { BinaryOp, CompareOp, Conv2dParams, LogicalOp, UnaryOp } from './primitives.js';

/** What a kernel sees of a tensor: its backend handle, shape and dtype. */
export interface TensorInfo<H = unknown> {
  readonly handle: H;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type { BinaryOp, CompareOp, Conv2dParams, LogicalOp, UnaryOp } from './primitives.js';
export type ReduceOp = 'sum' | 'max' | 'min';

export interface BackendMemory {
  /** Live handles as the backend counts them (device buffers, textures, ...). */
  readonly numHandles?: number;
  readonly numBytes?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Backend<H = any> {
  /** Full spec, e.g. 'cpu:float64', 'gpujs:webgpu', 'tfjs:wasm'. */
  readonly name: string;
  /** Dtype of floats created without an explicit dtype. */
  readonly defaultFloat: FloatDType;
  /** Dtypes this backend stores. */
  readonly dtypes: readonly DType[];
  /**
   * Declared accuracy of ops that the backend computes to an absolute rather than a relative error
   * (fast argument reduction, naive log1p): |error| ≤ absoluteUlps·ε on top of the usual relative bound.
   * `verify` honours it for those ops only, and reports it; undeclared ops are held to the relative bound.
   */
  readonly accuracy?: Readonly<Partial<Record<UnaryOp, { readonly absoluteUlps: number }>>>;

  /**
   * Optional: the most elements one tensor may hold (e.g. 2^24 for float32 indexing); host work for a
   * larger tensor (a random draw, an upload) is refused before it starts (checkElements).
   */
  readonly maxElements?: number;

  /** Host → device. `data` has the storage type of `dtype` and length = size; the backend may keep it. */
  upload(data: TypedArray, shape: Shape, dtype: DType): H;
  /**
   * Optional: a host array of n elements (old contents) to fill and then pass to upload, which keeps
   * it as storage (the CPU backend hands out recycled storage, so per-step noise makes no garbage).
   */
  hostBuffer?(dtype: DType, n: number): TypedArray;
  fill(shape: Shape, dtype: DType, value: number): H;
  /** Device → host: a contiguous row-major copy. */
  read(x: TensorInfo<H>): Promise<TypedArray>;
  /** Synchronous readback where the backend can (CPU); absent on GPU backends. */
  readSync?(x: TensorInfo<H>): TypedArray;
  dispose(h: H): void;
  memory?(): BackendMemory;

  unary(op: UnaryOp, x: TensorInfo<H>): H;
  binary(op: BinaryOp, a: TensorInfo<H>, b: TensorInfo<H>, outShape: Shape): H;
  compare(op: CompareOp, a: TensorInfo<H>, b: TensorInfo<H>, outShape: Shape): H;
  logical(op: LogicalOp, a: TensorInfo<H>, b: TensorInfo<H>, outShape: Shape): H;
  logicalNot(x: TensorInfo<H>): H;
  where(cond: TensorInfo<H>, a: TensorInfo<H>, b: TensorInfo<H>, outShape: Shape): H;
  /** Reduce over `axes` (sorted, non-empty); the output drops those axes. */
  reduce(op: ReduceOp, x: TensorInfo<H>, axes: readonly number[]): H;
  /** a: [..., m, k], b: [..., k, n] (rank ≥ 2, batch dims broadcast) → [...batch, m, n]. */
  matmul(a: TensorInfo<H>, b: TensorInfo<H>, outShape: Shape): H;
  /**
   * 2-D convolution, x [N, H, W, C] (NHWC) with w [KH, KW, C/groups, O] (HWIO) → `outShape`
   * [N, Ho, Wo, O] (core/tensor/primitives.ts defines it; core checks that the padded input holds the
   * dilated kernel, so Ho, Wo ≥ 1).
   */
  conv2d(x: TensorInfo<H>, w: TensorInfo<H>, p: Conv2dParams, outShape: Shape): H;
  transpose(x: TensorInfo<H>, perm: readonly number[]): H;
  reshape(x: TensorInfo<H>, shape: Shape): H;
  broadcastTo(x: TensorInfo<H>, shape: Shape): H;
  /** Strided slice: begin ≤ end, step ≥ 1 on every axis (normalised by core). */
  slice(x: TensorInfo<H>, begin: readonly number[], end: readonly number[], step: readonly number[]): H;
  /** Constant padding: `before[i]`/`after[i]` elements on axis i. */
  pad(x: TensorInfo<H>, before: readonly number[], after: readonly number[], value: number): H;
  concat(xs: readonly TensorInfo<H>[], axis: number): H;
  /** out = x indexed along `axis` by int32 `indices` (any shape, values in range). */
  gather(x: TensorInfo<H>, indices: TensorInfo<H>, axis: number): H;
  /** Adjoint of gather: zeros of `outShape` with `updates` added at `indices` along `axis`. */
  scatterAdd(updates: TensorInfo<H>, indices: TensorInfo<H>, axis: number, outShape: Shape): H;
  cast(x: TensorInfo<H>, dtype: DType): H;

  // Optional fused kernels (core/tensor/ops/fused.ts composes primitives where they are absent).
  /** Σ_i coeffs[i]·xs[i], float operands of one dtype broadcasting to `outShape`. */
  linearCombination?(xs: readonly TensorInfo<H>[], coeffs: readonly number[], outShape: Shape): H;
  /**
   * act(x·W + b), x [n, k], W [k, m], b [m]; undefined when this backend does not fuse that
   * activation or size (core then composes).
   */
  dense?(x: TensorInfo<H>, W: TensorInfo<H>, b: TensorInfo<H>, activation: string): H | undefined;
  /**
   * Columns [c0, c0 + nc) of the exact score of a Gaussian mixture at points x [n, D] (see
   * MixtureParams); undefined when not fused for this size (core then composes).
   */
  mixtureScore?(x: TensorInfo<H>, p: MixtureParams, c0: number, nc: number): H | undefined;
}

/**
 * A Gaussian mixture's parameters for the fused score kernel, host float64, row-major:
 * means [K·D], cholInvT [K·D·D] (U_k = L_k⁻ᵀ, upper triangular, S_k = L_k L_kᵀ), logNorm [K]
 * (log w_k − ½ log det S_k − (D/2) log 2π). The score is Σ_k r_k·(−z_k U_kᵀ) with z_k = (x − μ_k)U_k
 * and r = softmax_k(logNorm_k − ½|z_k|²).
 */
export interface MixtureParams {
  readonly K: number;
  readonly D: number;
  readonly means: Float64Array;
  readonly cholInvT: Float64Array;
  readonly logNorm: Float64Array;
}

/**
 * The optional fused kernels of the interface. Each has a composition of primitives that core runs
 * where a backend lacks it (ops/fused.ts, mixture/gmm.ts), and verify checks every backend's kernel
 * against that composition on the same backend (verify/cases.ts FUSED_CASES is keyed by this list,
 * so a kernel without cases does not compile).
 */
export const FUSED_KERNELS = ['linearCombination', 'dense', 'mixtureScore'] as const satisfies readonly (keyof Backend)[];
export type FusedKernel = (typeof FUSED_KERNELS)[number];

/** `be` without fused kernel `k`: core then runs the kernel's composition of primitives on the same backend. */
export function withoutKernel<H>(be: Backend<H>, k: FusedKernel): Backend<H> {
  return Object.create(be, { [k]: { value: undefined }, name: { value: `${be.name} without ${k}` } }) as Backend<H>;
}

