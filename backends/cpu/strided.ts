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

/** Merge adjacent axes that are contiguous for every operand and drop unit axes (null: empty). */
export function mergeAxes(shape: readonly number[], strides: readonly (readonly number[])[]): { dims: number[]; st: number[][] } | null {
  const nOps = strides.length;
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 1) continue;
    if (d === 0) return null;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k][last] === s[i] * d)) {
      dims[last] *= d;
      for (let k = 0; k < nOps; k++) st[k][last] = strides[k][i];
    } else {
      dims.push(d);
      for (let k = 0; k < nOps; k++) st[k].push(strides[k][i]);
    }
  }
  return { dims, st };
}

/** Walk every index of the leading `lead` merged axes, calling visit with each operand's offset. */
function walkOuter(dims: readonly number[], st: readonly (readonly number[])[], lead: number, starts: readonly number[], visit: (offs: number[]) => void): void {
  const nOps = st.length;
  const offs = [...starts];
  if (lead <= 0) {
    visit(offs);
    return;
  }
  const counter = new Array<number>(lead).fill(0);
  const base = [...starts];
  for (;;) {
    for (let k = 0; k < nOps; k++) offs[k] = base[k];
    visit(offs);
    let ax = lead - 1;
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
  const m = mergeAxes(shape, strides);
  if (!m) return;
  const { dims, st } = m;
  if (dims.length === 0) {
    row([...starts], new Array(strides.length).fill(0), 1);
    return;
  }
  const r = dims.length - 1;
  const inner = st.map((s) => s[r]);
  walkOuter(dims, st, r, starts, (offs) => row(offs, inner, dims[r]));
}

/**
 * Like forRows, but a call covers the two innermost merged axes: `block(offs, inner, n, outer, m)`
 * walks m rows of n elements (row r of operand k starts at offs[k] + r·outer[k]). Kernels loop over
 * both, so a [n, 2] slice of an [n, 4] state is one call, not n calls. Callers are elementwise (the
 * order of the visits does not matter), so when the rows are short (n ≤ SHORT_ROW) and many, the two
 * axes swap roles: the kernel's inner loop then runs down the long axis instead of doing 2 elements
 * per trip (concatenating two [100 000, 2] arrays: 1.3 ms instead of 3.1, measured).
 */
export function forBlocks(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  starts: readonly number[],
  block: (offs: number[], inner: number[], n: number, outer: number[], m: number) => void,
): void {
  const mg = mergeAxes(shape, strides);
  if (!mg) return;
  const { dims, st } = mg;
  const zeros = new Array<number>(strides.length).fill(0);
  if (dims.length === 0) {
    block([...starts], zeros, 1, zeros, 1);
    return;
  }
  const r = dims.length - 1;
  const inner = st.map((s) => s[r]);
  if (r === 0) {
    block([...starts], inner, dims[0], zeros, 1);
    return;
  }
  const outer = st.map((s) => s[r - 1]);
  if (dims[r] <= SHORT_ROW && dims[r - 1] > dims[r]) {
    walkOuter(dims, st, r - 1, starts, (offs) => block(offs, outer, dims[r - 1], inner, dims[r]));
  } else {
    walkOuter(dims, st, r - 1, starts, (offs) => block(offs, inner, dims[r], outer, dims[r - 1]));
  }
}

/** Rows of at most this many elements are walked column-wise by forBlocks. */
const SHORT_ROW = 8;

/** Copy a (possibly strided, broadcast) view into a destination view of the same shape. */
export function copyStrided(dst: View, src: View): void {
  const D = dst.data;
  const S = src.data;
  forBlocks(dst.shape, [dst.stride, alignedStrides(src, dst.shape)], [dst.offset, src.offset], (o, s, n, os, m) => {
    const di = s[0];
    const sj = s[1];
    for (let r = 0; r < m; r++) {
      let i = o[0] + r * os[0];
      let j = o[1] + r * os[1];
      for (let k = 0; k < n; k++) {
        D[i] = S[j];
        i += di;
        j += sj;
      }
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
