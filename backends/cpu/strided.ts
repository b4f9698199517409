/**
 * Strided iteration for the CPU backend: views (data, shape, stride, offset) as ndarray keeps them,
 * broadcast by zero strides, walked row by row after merging dimensions that are contiguous in every
 * operand (NumPy's iterator does the same), so that the common cases run as one flat loop.
 */
import type { NdArray } from 'ndarray';
import type { TypedArray } from '../../core/tensor/dtype.js';
import { rowMajorStrides } from '../../core/tensor/shape.js';

export type View = NdArray<TypedArray>;

/** Strides of `v` aligned to `shape` (which `v.shape` broadcasts to): zero on broadcast axes. */
export function alignedStrides(v: { shape: readonly number[]; stride: readonly number[] }, shape: readonly number[]): number[] {
  const lead = shape.length - v.shape.length;
  const out = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < v.shape.length; i++) out[lead + i] = v.shape[i] === 1 && shape[lead + i] !== 1 ? 0 : v.stride[i];
  return out;
}

export function isContiguous(v: View): boolean {
  let expect = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    if (v.shape[i] !== 1 && v.stride[i] !== expect) return false;
    expect *= v.shape[i];
  }
  return true;
}

/**
 * Call `row(offsets, innerStrides, n)` for every innermost row of `shape`, where offsets[k] is the
 * position in operand k (strides[k] aligned to shape, starting at starts[k]).
 */
export function forRows(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  starts: readonly number[],
  row: (offs: number[], inner: number[], n: number) => void,
): void {
  const nOps = strides.length;
  // Merge adjacent axes that are contiguous for every operand; drop unit axes.
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 1) continue;
    if (d === 0) return;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k][last] === s[i] * d)) {
      dims[last] *= d;
      for (let k = 0; k < nOps; k++) st[k][last] = strides[k][i];
    } else {
      dims.push(d);
      for (let k = 0; k < nOps; k++) st[k].push(strides[k][i]);
    }
  }
  const offs = [...starts];
  if (dims.length === 0) {
    row(offs, new Array(nOps).fill(0), 1);
    return;
  }
  const r = dims.length - 1;
  const n = dims[r];
  const inner = st.map((s) => s[r]);
  if (r === 0) {
    row(offs, inner, n);
    return;
  }
  const counter = new Array<number>(r).fill(0);
  const base = [...starts];
  for (;;) {
    for (let k = 0; k < nOps; k++) offs[k] = base[k];
    row(offs, inner, n);
    let ax = r - 1;
    while (ax >= 0) {
      counter[ax]++;
      for (let k = 0; k < nOps; k++) base[k] += st[k][ax];
      if (counter[ax] < dims[ax]) break;
      for (let k = 0; k < nOps; k++) base[k] -= st[k][ax] * dims[ax];
      counter[ax] = 0;
      ax--;
    }
    if (ax < 0) return;
  }
}

/** Copy a (possibly strided, broadcast) view into a destination view of the same shape. */
export function copyStrided(dst: View, src: View): void {
  const D = dst.data;
  const S = src.data;
  forRows(dst.shape, [dst.stride, alignedStrides(src, dst.shape)], [dst.offset, src.offset], (o, s, n) => {
    let i = o[0];
    let j = o[1];
    const di = s[0];
    const sj = s[1];
    for (let k = 0; k < n; k++) {
      D[i] = S[j];
      i += di;
      j += sj;
    }
  });
}

/** Contiguous row-major values of a view; shares storage when the view already is contiguous. */
export function contiguousData(v: View, alloc: (n: number) => TypedArray): TypedArray {
  const size = v.shape.reduce((a, b) => a * b, 1);
  if (isContiguous(v)) return v.offset === 0 && v.data.length === size ? v.data : v.data.subarray(v.offset, v.offset + size);
  const out = alloc(size);
  const outView = { data: out, shape: v.shape, stride: rowMajorStrides(v.shape), offset: 0 } as unknown as View;
  copyStrided(outView, v);
  return out;
}
