/**
 * Maximum mean discrepancy (Gretton et al. 2012), unbiased estimator of MMD²:
 *   (1/(n(n−1)))Σ_{i≠j}k(x_i, x_j) + (1/(m(m−1)))Σ_{i≠j}k(y_i, y_j) − (2/(nm))Σ_{i,j}k(x_i, y_j),
 * with the RBF kernel k(a, b) = exp(−‖a − b‖²/(2ℓ²)). The bandwidth ℓ is fixed, or the median
 * heuristic: the median pairwise distance of the pooled samples (first 500 of each). Evaluated on the
 * host in float64 after one readback (metrics are evaluation, not a hot loop).
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import { requireFinite } from './finite.js';

export interface MmdOptions {
  /** RBF length scale ℓ; default: median heuristic. */
  readonly bandwidth?: number;
}

function rows(d: ArrayLike<number>, n: number, D: number, limit: number): number[][] {
  const k = Math.min(n, limit);
  return Array.from({ length: k }, (_, i) => Array.from({ length: D }, (_, j) => d[i * D + j]));
}

export function medianDistance(x: ArrayLike<number>, y: ArrayLike<number>, D: number): number {
  const pts = [...rows(x, x.length / D, D, 500), ...rows(y, y.length / D, D, 500)];
  const ds = new Float64Array((pts.length * (pts.length - 1)) / 2);
  let k = 0;
  for (let i = 0; i < pts.length; i++) {
    for (let j = i + 1; j < pts.length; j++) {
      let s = 0;
      for (let c = 0; c < D; c++) s += (pts[i][c] - pts[j][c]) ** 2;
      ds[k++] = Math.sqrt(s);
    }
  }
  ds.sort();
  return ds[Math.floor(ds.length / 2)];
}

/** Unbiased MMD² between host sample arrays (row-major [n, D] and [m, D]). */
export function mmd2Host(x: ArrayLike<number>, y: ArrayLike<number>, D: number, opts: MmdOptions = {}): number {
  const n = x.length / D;
  const m = y.length / D;
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 2 || m < 2) throw new RangeError(`MMD: need at least 2 samples of dimension ${D} on each side`);
  const l = opts.bandwidth ?? medianDistance(x, y, D);
  if (!(l > 0)) throw new RangeError(`MMD: bandwidth must be > 0, got ${l}`);
  const g = -1 / (2 * l * l);
  const block = (a: ArrayLike<number>, na: number, b: ArrayLike<number>, nb: number, same: boolean): number => {
    let s = 0;
    for (let i = 0; i < na; i++) {
      for (let j = same ? i + 1 : 0; j < nb; j++) {
        let d2 = 0;
        for (let c = 0; c < D; c++) {
          const t = a[i * D + c] - b[j * D + c];
          d2 += t * t;
        }
        s += libm.exp(g * d2);
      }
    }
    return same ? 2 * s : s;
  };
  return block(x, n, x, n, true) / (n * (n - 1)) + block(y, m, y, m, true) / (m * (m - 1)) - (2 * block(x, n, y, m, false)) / (n * m);
}

/** Unbiased MMD² between two sample tensors [n, D] and [m, D]. */
export async function mmd2(x: Tensor, y: Tensor, opts: MmdOptions = {}): Promise<number> {
  if (x.rank !== 2 || y.rank !== 2 || x.shape[1] !== y.shape[1]) {
    throw new ShapeError(`MMD: samples must be [n, D] and [m, D], got ${shapeToString(x.shape)} and ${shapeToString(y.shape)}`);
  }
  const X = await x.data();
  const Y = await y.data();
  requireFinite(X, x.shape[1], 'MMD', 'x');
  requireFinite(Y, y.shape[1], 'MMD', 'y');
  return mmd2Host(X, Y, x.shape[1], opts);
}
