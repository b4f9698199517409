/**
 * Tensors are immutable values: a shape, a dtype, and a handle owned by one backend.
 * `Tensor` is what user code sees; inside autodiff transforms it may be a tracer (core/autodiff)
 * wrapping another tensor. Reading values back is explicit and asynchronous (`await t.data()`),
 * because GPU readback is; `dataSync()` works only on backends that can (CPU).
 */
import type { Backend } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { type Shape, shapeToString, sizeOf } from './shape.js';
import { registerTensor, releaseTensor } from './scope.js';

export type NestedArray = number | NestedArray[];

export abstract class Tensor {
  abstract readonly shape: Shape;
  abstract readonly dtype: DType;
  abstract readonly backend: Backend;
  /** The concrete tensor at the bottom of any tracer wrapping (the primal value). */
  abstract concrete(): ConcreteTensor;

  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Row-major copy of the values, read back from the device. */
  data(): Promise<TypedArray> {
    const c = this.concrete();
    c.assertAlive();
    return c.backend.read(c);
  }

  /** Synchronous readback: only on backends that provide it (CPU). */
  dataSync(): TypedArray {
    const c = this.concrete();
    c.assertAlive();
    if (!c.backend.readSync) {
      throw new Error(`dataSync() is not available on backend ${c.backend.name}: use 'await tensor.data()'`);
    }
    return c.backend.readSync(c);
  }

  /** Values as nested JS arrays (a number for a scalar). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item(): tensor of shape ${shapeToString(this.shape)} has ${this.size} elements, not 1`);
    return (await this.data())[0];
  }

  itemSync(): number {
    if (this.size !== 1) throw new Error(`item(): tensor of shape ${shapeToString(this.shape)} has ${this.size} elements, not 1`);
    return this.dataSync()[0];
  }

  /**
   * Release the device memory now (concrete tensors). A traced value inside an autodiff transform
   * belongs to the transform, so disposing it does nothing.
   */
  dispose(): void {}

  toString(): string {
    return `Tensor(${shapeToString(this.shape)}, ${this.dtype}, ${this.backend.name})`;
  }
}

let nextId = 1;

/** A tensor that owns a backend handle. */
export class ConcreteTensor<H = unknown> extends Tensor implements Readonly<{ handle: H }> {
  readonly id = nextId++;
  private disposedFlag = false;

  constructor(
    readonly backend: Backend<H>,
    readonly handle: H,
    readonly shape: Shape,
    readonly dtype: DType,
  ) {
    super();
    registerTensor(this);
  }

  concrete(): ConcreteTensor {
    return this as ConcreteTensor;
  }

  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  assertAlive(): void {
    if (this.disposedFlag) {
      throw new Error(`${this.toString()} #${this.id} was disposed (by dispose() or the end of a tidy scope); keep() it to use it later`);
    }
  }

  /** Release the handle now. Idempotent. */
  override dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.backend.dispose(this.handle);
    releaseTensor(this);
  }
}

function nest(data: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0];
  const rec = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim];
    const out: NestedArray[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = data[offset + i];
      return out;
    }
    const stride = sizeOf(shape.slice(dim + 1));
    for (let i = 0; i < n; i++) out[i] = rec(offset + i * stride, dim + 1);
    return out;
  };
  return rec(0, 0);
}
