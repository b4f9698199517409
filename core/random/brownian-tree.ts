/**
 * A virtual Brownian tree (Gaines & Lyons 1997; Li et al. 2020; diffrax's VirtualBrownianTree and
 * torchsde's BrownianTree): a Brownian motion W on [t0, t1] with its time integral, as a pure
 * function of (key, time, row), so every grid, chunk, thread count and backend sees the same path.
 *
 * The root draws W_{t0,t1} ~ N(0, L) and the space-time Lévy area H_{t0,t1} ~ N(0, L/12), where
 *   H_{s,u} = (1/h)∫_s^u (W_{s,r} − ((r − s)/h)·W_{s,u}) dr,  h = u − s,
 * is independent of W_{s,u}. A query descends the dyadic tree: a node (s, u) splits at its midpoint
 * by the conditional law of its halves given (W_{s,u}, H_{s,u}) (derived from the two halves being
 * independent and h(W/2 + H) = ∫_s^u W_{s,r} dr):
 *   W_L = W/2 + (3/2)H + z,  z ~ N(0, h/16);   H_{L,R} = H/4 − z/2 ± n/2,  n ~ N(0, h/12),
 * with the node's draws from its own key (children: foldIn(key, 0 | 1), draws: foldIn(key, 2 | 3)).
 * Inside a leaf (length ≤ tol) the value at r is drawn from its Gaussian law given the leaf's W and
 * H (two constraints on the independent pieces [s, r], [r, u]), with the leaf's key: two queries
 * inside one leaf share those draws, so tol must be below half the smallest step (as in diffrax).
 * All arithmetic is float64 on the host (principle 3: the bits do not depend on the backend); rows
 * are independent paths, drawn at their global row index.
 */
import { foldIn, type PRNGKey } from './key.js';
import { fillNormal, normalHost } from './distributions.js';

export interface BrownianTreeOptions {
  readonly t0: number;
  readonly t1: number;
  /** Leaf length (default (t1 − t0)·2⁻²⁰). Queries closer than 2·tol are refused. */
  readonly tol?: number;
}

/** W and K = ∫_{t0}^r W dρ at one time, per element (rows × width, row-major). */
export interface BrownianValue {
  readonly w: Float64Array;
  readonly k: Float64Array;
}

/** The increment W_{s,t} and space-time Lévy area H_{s,t} over [s, t], s < t. */
export interface BrownianIncrement {
  readonly w: Float64Array;
  readonly h: Float64Array;
}

export interface BrownianTree {
  readonly t0: number;
  readonly t1: number;
  readonly tol: number;
  /** (W_r, ∫_{t0}^r W) for rows rowOffset … rowOffset + rows − 1, each `width` independent paths. */
  at(r: number, rows: number, width: number, rowOffset?: number): BrownianValue;
  /** W_{s,t} and H_{s,t} for s < t. */
  increment(s: number, t: number, rows: number, width: number, rowOffset?: number): BrownianIncrement;
}

const scaled = (k: PRNGKey, n: number, offset: number, sd: number): Float64Array => {
  const z = normalHost(k, n, offset);
  for (let i = 0; i < n; i++) z[i] *= sd;
  return z;
};

/**
 * Coefficients of (W_{s,r}, ∫_s^r W_{s,ρ}dρ) given (W, Q = ∫_s^u W_{s,ρ}dρ) on a leaf: the pieces
 * x = (W₁, H₁, W₂, H₂) on [s, r] and [r, u] (lengths a, b) are independent with covariance
 * diag(a, a/12, b, b/12) and satisfy Cx = (W, Q), C = [[1, 0, 1, 0], [a/2 + b, a, b/2, b]]. The
 * conditional mean is M·(W, Q) and the covariance LLᵀ (Cholesky, 2×2).
 */
function leafBridge(a: number, b: number): { readonly M: readonly number[]; readonly L: readonly number[] } {
  const S = [a, a / 12, b, b / 12];
  const C = [[1, 0, 1, 0], [a / 2 + b, a, b / 2, b]];
  // G = C S Cᵀ (2×2), SCᵀ (4×2)
  const SCt = S.map((s, i) => [s * C[0][i], s * C[1][i]]);
  const G = [0, 1].map((p) => [0, 1].map((q) => C[p].reduce((acc, c, i) => acc + c * SCt[i][q], 0)));
  const det = G[0][0] * G[1][1] - G[0][1] * G[1][0];
  const Gi = [[G[1][1] / det, -G[0][1] / det], [-G[1][0] / det, G[0][0] / det]];
  // the wanted quantities y = (W₁, a(W₁/2 + H₁)) = E x with E = [[1, 0, 0, 0], [a/2, a, 0, 0]]
  const E = [[1, 0, 0, 0], [a / 2, a, 0, 0]];
  const ESCt = E.map((e) => [0, 1].map((q) => e.reduce((acc, v, i) => acc + v * SCt[i][q], 0)));
  const M = ESCt.map((row) => [0, 1].map((q) => row[0] * Gi[0][q] + row[1] * Gi[1][q]));
  const ESEt = E.map((e) => E.map((f) => e.reduce((acc, v, i) => acc + v * S[i] * f[i], 0)));
  const P = [0, 1].map((p) => [0, 1].map((q) => ESEt[p][q] - (M[p][0] * ESCt[q][0] + M[p][1] * ESCt[q][1])));
  const l11 = Math.sqrt(Math.max(0, P[0][0]));
  const l21 = l11 > 0 ? P[1][0] / l11 : 0;
  const l22 = Math.sqrt(Math.max(0, P[1][1] - l21 * l21));
  return { M: [M[0][0], M[0][1], M[1][0], M[1][1]], L: [l11, l21, l22] };
}

export function virtualBrownianTree(key: PRNGKey, o: BrownianTreeOptions): BrownianTree {
  const { t0, t1 } = o;
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || !(t1 > t0)) throw new RangeError(`virtualBrownianTree: need finite t0 < t1, got [${t0}, ${t1}]`);
  const tol = o.tol ?? (t1 - t0) * 2 ** -20;
  if (!(tol > 0) || !(tol <= t1 - t0)) throw new RangeError(`virtualBrownianTree: tol must lie in (0, t1 − t0 = ${t1 - t0}], got ${tol}`);
  const L = t1 - t0;
  const kRoot = foldIn(key, 0);
  const kW = foldIn(key, 1);
  const kH = foldIn(key, 2);

  // the last four queries: consecutive increments of a grid share their common end point
  const memo: { r: number; rows: number; width: number; rowOffset: number; v: BrownianValue }[] = [];
  function cachedAt(r: number, rows: number, width: number, rowOffset: number): BrownianValue {
    const hit = memo.find((e) => e.r === r && e.rows === rows && e.width === width && e.rowOffset === rowOffset);
    if (hit) return hit.v;
    const v = at(r, rows, width, rowOffset);
    memo.unshift({ r, rows, width, rowOffset, v });
    if (memo.length > 4) memo.pop();
    return v;
  }

  function at(r: number, rows: number, width: number, rowOffset = 0): BrownianValue {
    if (!(r >= t0 && r <= t1)) throw new RangeError(`Brownian tree on [${t0}, ${t1}]: time ${r} is outside it`);
    if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(width) || width < 1) throw new RangeError(`Brownian tree: rows and width must be positive integers, got ${rows} × ${width}`);
    if (!Number.isSafeInteger(rowOffset) || rowOffset < 0) throw new RangeError(`Brownian tree: rowOffset must be a non-negative integer, got ${rowOffset}`);
    const n = rows * width;
    const off = rowOffset * width;
    let s = t0;
    let u = t1;
    let node = kRoot;
    const Ws = new Float64Array(n);
    const Ks = new Float64Array(n);
    let W: Float64Array = scaled(kW, n, off, Math.sqrt(L));
    let H: Float64Array = scaled(kH, n, off, Math.sqrt(L / 12));
    // scratch reused across levels: the draws, and the halves' values (swapped with W and H)
    const z = new Float64Array(n);
    const nn = new Float64Array(n);
    let WL: Float64Array = new Float64Array(n);
    let HL: Float64Array = new Float64Array(n);
    let HR: Float64Array = new Float64Array(n);
    while (u - s > tol && r !== s && r !== u) {
      const h = u - s;
      const m = s + h / 2;
      fillNormal(foldIn(node, 2), z, 0, Math.sqrt(h / 16), off);
      fillNormal(foldIn(node, 3), nn, 0, Math.sqrt(h / 12), off);
      for (let i = 0; i < n; i++) {
        WL[i] = W[i] / 2 + 1.5 * H[i] + z[i];
        HL[i] = H[i] / 4 - z[i] / 2 + nn[i] / 2;
        HR[i] = H[i] / 4 - z[i] / 2 - nn[i] / 2;
      }
      if (r < m) {
        u = m;
        [W, WL] = [WL, W];
        [H, HL] = [HL, H];
        node = foldIn(node, 0);
      } else {
        // move the left end to m: K gains ∫_s^m W = (h/2)(W_s + W_L/2 + H_L), W gains W_L
        for (let i = 0; i < n; i++) {
          Ks[i] += (h / 2) * (Ws[i] + WL[i] / 2 + HL[i]);
          Ws[i] += WL[i];
          W[i] -= WL[i];
        }
        [H, HR] = [HR, H];
        s = m;
        node = foldIn(node, 1);
      }
    }
    const h = u - s;
    if (r === s) return { w: Ws, k: Ks };
    if (r === u) {
      const w = new Float64Array(n);
      const k = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        w[i] = Ws[i] + W[i];
        k[i] = Ks[i] + h * (Ws[i] + W[i] / 2 + H[i]);
      }
      return { w, k };
    }
    const a = r - s;
    const { M, L: Lc } = leafBridge(a, u - r);
    const n1 = normalHost(foldIn(node, 4), n, off);
    const n2 = normalHost(foldIn(node, 5), n, off);
    const w = new Float64Array(n);
    const k = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const Q = h * (W[i] / 2 + H[i]);
      const w1 = M[0] * W[i] + M[1] * Q + Lc[0] * n1[i];
      const i1 = M[2] * W[i] + M[3] * Q + Lc[1] * n1[i] + Lc[2] * n2[i];
      w[i] = Ws[i] + w1;
      k[i] = Ks[i] + a * Ws[i] + i1;
    }
    return { w, k };
  }

  function increment(s: number, t: number, rows: number, width: number, rowOffset = 0): BrownianIncrement {
    if (!(t > s)) throw new RangeError(`Brownian tree: an increment needs s < t, got [${s}, ${t}]`);
    if (t - s < 2 * tol) throw new RangeError(`Brownian tree: the interval [${s}, ${t}] is shorter than twice the tree's tolerance ${tol}; build the tree with a smaller tol`);
    const A = cachedAt(s, rows, width, rowOffset);
    const B = cachedAt(t, rows, width, rowOffset);
    const h = t - s;
    const w = new Float64Array(A.w.length);
    const hh = new Float64Array(A.w.length);
    for (let i = 0; i < w.length; i++) {
      w[i] = B.w[i] - A.w[i];
      // ∫_s^t W_{s,ρ} dρ = K_t − K_s − h·W_s, and H = that/h − W_{s,t}/2
      hh[i] = (B.k[i] - A.k[i] - h * A.w[i]) / h - w[i] / 2;
    }
    return { w, h: hh };
  }

  return { t0, t1, tol, at, increment };
}
