/**
 * Sample-based distances between point clouds (host float64 after one readback):
 * - sliced Wasserstein-p (Rabin et al. 2011; Bonneel et al. 2015): the mean over random unit directions
 *   of the 1-D Wasserstein-p distance between the projections (sorted; quantile-matched when sizes differ);
 * - energy distance (Székely & Rizzo): 2E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ (U-statistics within samples).
 */
import { libm } from '../numerics/libm/index.js';
import type { PRNGKey } from '../random/key.js';
import { normalHost } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import { requireFinite } from './finite.js';

function check(x: Tensor, y: Tensor, what: string): number {
  if (x.rank !== 2 || y.rank !== 2 || x.shape[1] !== y.shape[1]) {
    throw new ShapeError(`${what}: samples must be [n, D] and [m, D], got ${shapeToString(x.shape)} and ${shapeToString(y.shape)}`);
  }
  return x.shape[1];
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

/** Sliced Wasserstein-p with `projections` random directions from the key (default 200, p = 2). */
export async function slicedWasserstein(x: Tensor, y: Tensor, k: PRNGKey, opts: { projections?: number; p?: number } = {}): Promise<number> {
  const D = check(x, y, 'slicedWasserstein');
  const L = opts.projections ?? 200;
  const p = opts.p ?? 2;
  const X = await x.data();
  const Y = await y.data();
  requireFinite(X, D, 'slicedWasserstein', 'x');
  requireFinite(Y, D, 'slicedWasserstein', 'y');
  const n = x.shape[0];
  const m = y.shape[0];
  const dirs = normalHost(k, L * D);
  let total = 0;
  const px = new Float64Array(n);
  const py = new Float64Array(m);
  for (let l = 0; l < L; l++) {
    let norm = 0;
    for (let c = 0; c < D; c++) norm += dirs[l * D + c] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < D; c++) s += X[i * D + c] * dirs[l * D + c];
      px[i] = s / norm;
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let c = 0; c < D; c++) s += Y[i * D + c] * dirs[l * D + c];
      py[i] = s / norm;
    }
    px.sort();
    py.sort();
    const q = Math.max(n, m);
    let w = 0;
    for (let i = 0; i < q; i++) {
      const a = n === q ? px[i] : quantile(px, i / (q - 1));
      const b = m === q ? py[i] : quantile(py, i / (q - 1));
      w += libm.pow(Math.abs(a - b), p);
    }
    total += w / q;
  }
  return libm.pow(total / L, 1 / p);
}

/** Energy distance between two samples. */
export async function energyDistance(x: Tensor, y: Tensor): Promise<number> {
  const D = check(x, y, 'energyDistance');
  const X = await x.data();
  const Y = await y.data();
  requireFinite(X, D, 'energyDistance', 'x');
  requireFinite(Y, D, 'energyDistance', 'y');
  const n = x.shape[0];
  const m = y.shape[0];
  const mean = (A: ArrayLike<number>, na: number, B: ArrayLike<number>, nb: number, same: boolean): number => {
    let s = 0;
    for (let i = 0; i < na; i++) {
      for (let j = same ? i + 1 : 0; j < nb; j++) {
        let d = 0;
        for (let c = 0; c < D; c++) d += (A[i * D + c] - B[j * D + c]) ** 2;
        s += Math.sqrt(d);
      }
    }
    return same ? (2 * s) / (na * (na - 1)) : s / (na * nb);
  };
  return 2 * mean(X, n, Y, m, false) - mean(X, n, X, n, true) - mean(Y, m, Y, m, true);
}
