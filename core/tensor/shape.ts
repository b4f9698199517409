/**
 * Shapes, strides and NumPy-style broadcasting (array-API "broadcasting" section):
 * align shapes on the right; two dimensions are compatible when equal or when one is 1.
 */
export type Shape = readonly number[];

export class ShapeError extends Error {
  override name = 'ShapeError';
}

export function shapeToString(s: Shape): string {
  return `[${s.join(', ')}]`;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major (C-order) strides of a contiguous array of this shape. */
export function rowMajorStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

export function checkShape(shape: Shape, what = 'shape'): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what} ${shapeToString(shape)} must contain non-negative integers`);
    }
  }
}

/** Broadcast result of several shapes, or a ShapeError naming all of them. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i];
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(shapeToString).join(' and ')} are not broadcast-compatible ` +
            `(dimension ${j - rank} is ${out[j]} vs ${d})`,
        );
      }
    }
  }
  return out;
}

/** Normalise an axis (negative counts from the end) against a rank, or throw. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    if (!(rank === 0 && (axis === 0 || axis === -1))) {
      throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
    }
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalise a set of axes (undefined = all), sorted and without duplicates. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(a, rank, op));
  const sorted = [...out].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new ShapeError(`${op}: axis ${sorted[i]} is repeated in [${list.join(', ')}]`);
  }
  return sorted;
}

/** Shape after reducing `axes`, with or without kept unit dimensions. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const set = new Set(axes);
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/**
 * Resolve a reshape target that may contain one -1, checking the element count.
 */
export function resolveReshape(from: Shape, to: Shape): number[] {
  const n = sizeOf(from);
  let unknown = -1;
  let known = 1;
  to.forEach((d, i) => {
    if (d === -1) {
      if (unknown >= 0) throw new ShapeError(`reshape: target ${shapeToString(to)} has more than one -1`);
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`reshape: target ${shapeToString(to)} has an invalid dimension ${d}`);
    } else known *= d;
  });
  const out = [...to];
  if (unknown >= 0) {
    if (known === 0 || n % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${shapeToString(from)} (${n} elements) into ${shapeToString(to)}`);
    }
    out[unknown] = n / known;
  } else if (known !== n) {
    throw new ShapeError(`reshape: cannot reshape ${shapeToString(from)} (${n} elements) into ${shapeToString(to)} (${known} elements)`);
  }
  return out;
}

/** Check that `perm` is a permutation of 0..rank-1. */
export function checkPermutation(perm: readonly number[], rank: number, op: string): number[] {
  if (perm.length !== rank) throw new ShapeError(`${op}: permutation [${perm.join(', ')}] has length ${perm.length}, tensor has rank ${rank}`);
  const p = perm.map((a) => normalizeAxis(a, rank, op));
  const seen = new Set(p);
  if (seen.size !== rank) throw new ShapeError(`${op}: [${perm.join(', ')}] is not a permutation of the axes 0..${rank - 1}`);
  return p;
}

export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}
