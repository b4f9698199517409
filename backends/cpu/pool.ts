/**
 * Storage reuse for the CPU backend. Tensors' arrays are counted by the views the backend hands to
 * the core (an op's output counts 1; transpose, reshape, broadcast and slice views of it add 1);
 * `dispose` of a tensor (explicit, or at the end of a tidy scope) removes its count, and an array
 * whose count reaches 0 goes to a free list by dtype and length, from which the next op of that
 * size takes its output. Without it, dead arrays wait for V8's garbage collector, which lets tens
 * of MiB of them pile up (W4 in bench/: the peak RSS of a sampling run).
 * Counts live in a WeakMap: tensors that are never disposed are collected as before. Arrays the
 * backend did not allocate (uploads) are never recycled, and small ones are not worth it.
 */
import { allocTyped, type DType, type TypedArray } from '../../core/tensor/dtype.js';

/** Arrays below this many elements are left to the garbage collector. */
const MIN_LENGTH = 1024;

export class BufferPool {
  private readonly refs = new WeakMap<TypedArray, number>();
  private readonly free = new Map<string, TypedArray[]>();
  private freeBytes = 0;
  private fresh = 0;

  /** @param capBytes the most bytes the free lists hold (beyond it, released arrays are dropped). */
  constructor(private readonly capBytes = 64 * 2 ** 20) {}

  /** An array for an op's output, counted once; zeroed only when asked (a recycled one holds old values). */
  take(dtype: DType, n: number, zero = false): TypedArray {
    if (n < MIN_LENGTH || dtype === 'bool') return allocTyped(dtype, n);
    const list = this.free.get(`${dtype}:${n}`);
    let a = list?.pop();
    if (a) {
      this.freeBytes -= a.byteLength;
      if (zero) a.fill(0);
    } else {
      a = allocTyped(dtype, n);
      this.fresh++;
    }
    this.refs.set(a, 1);
    return a;
  }

  /** Another view of `a` was handed out. */
  retain(a: TypedArray): void {
    const c = this.refs.get(a);
    if (c !== undefined) this.refs.set(a, c + 1);
  }

  /** A view of `a` was disposed; at count 0 the array is free for reuse. */
  release(a: TypedArray): void {
    const c = this.refs.get(a);
    if (c === undefined) return;
    if (c > 1) {
      this.refs.set(a, c - 1);
      return;
    }
    this.refs.delete(a);
    if (this.freeBytes + a.byteLength > this.capBytes) return;
    const key = `${dtypeOf(a)}:${a.length}`;
    const list = this.free.get(key);
    if (list) list.push(a);
    else this.free.set(key, [a]);
    this.freeBytes += a.byteLength;
  }

  /** Arrays of pooled size allocated new rather than recycled, so far (for tests). */
  get allocations(): number {
    return this.fresh;
  }

  /** Bytes held in the free lists (for tests). */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

const dtypeOf = (a: TypedArray): DType => (a instanceof Float64Array ? 'float64' : a instanceof Float32Array ? 'float32' : a instanceof Int32Array ? 'int32' : 'bool');
