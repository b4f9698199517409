/**
 * The fused exact score of a Gaussian mixture (core/tensor/backend.ts, MixtureParams): one pass per
 * point, float64 throughout, rounded once. Per component: z = (x − μ)U (U = L⁻ᵀ upper triangular,
 * D(D+1)/2 multiply-adds), the logit log w − ½ log det S − ½|z|², and the requested columns of
 * −zUᵀ; an online softmax (running maximum, rescaled sums: Milakov & Gimelshein 2018) combines the
 * components with one exp each. The composition makes ~10 passes over [K, n, D] arrays instead.
 * For D ≤ 8 the loop is generated per (D, columns) with the D-loops unrolled and the point, the
 * residual and the accumulators in locals (2.6× faster than the generic loop at D = 4, measured).
 */
import { libm } from '../../core/numerics/libm/index.js';
import type { MixtureParams } from '../../core/tensor/backend.js';
import type { TypedArray } from '../../core/tensor/dtype.js';
import { mixtureScoreWasm } from './mixture-wasm.js';

/** The generic loop (any D). */
function mixtureScoreGeneric(X: TypedArray, n: number, p: MixtureParams, c0: number, nc: number, out: TypedArray): void {
  const { K, D, means, cholInvT: U, logNorm } = p;
  const z = new Float64Array(D);
  const acc = new Float64Array(nc);
  const comp = new Float64Array(nc);
  for (let i = 0; i < n; i++) {
    const xi = i * D;
    let mx = -Infinity;
    let s = 0;
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const mk = k * D;
      const uk = k * D * D;
      let q = 0;
      for (let j = 0; j < D; j++) {
        let zj = 0;
        for (let a = 0; a <= j; a++) zj += (X[xi + a] - means[mk + a]) * U[uk + a * D + j];
        z[j] = zj;
        q += zj * zj;
      }
      const logit = logNorm[k] - 0.5 * q;
      for (let c = 0; c < nc; c++) {
        const row = c0 + c;
        let v = 0;
        for (let j = row; j < D; j++) v -= z[j] * U[uk + row * D + j];
        comp[c] = v;
      }
      if (logit > mx) {
        const scale = mx === -Infinity ? 0 : libm.exp(mx - logit);
        s = s * scale + 1;
        for (let c = 0; c < nc; c++) acc[c] = acc[c] * scale + comp[c];
        mx = logit;
      } else {
        const w = libm.exp(logit - mx);
        s += w;
        for (let c = 0; c < nc; c++) acc[c] += w * comp[c];
      }
    }
    for (let c = 0; c < nc; c++) out[i * nc + c] = acc[c] / s;
  }
}

type Kernel = (X: TypedArray, n: number, M: Float64Array, U: Float64Array, L: Float64Array, K: number, out: TypedArray) => void;
const cache = new Map<string, Kernel>();

/** Source of the unrolled kernel for dimension D and output columns [c0, c0 + nc). */
function compile(D: number, c0: number, nc: number): Kernel {
  const r = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  const lines: string[] = ['"use strict";', 'for (let i = 0; i < n; i++) {'];
  lines.push(r(D).map((a) => `const x${a} = X[i * ${D} + ${a}];`).join(' '));
  lines.push('let mx = -Infinity, s = 0;', r(nc).map((c) => `let a${c} = 0;`).join(' '));
  lines.push('for (let k = 0; k < K; k++) {', `const m = k * ${D}, u = k * ${D * D};`);
  lines.push(r(D).map((a) => `const d${a} = x${a} - M[m + ${a}];`).join(' '));
  for (const j of r(D)) lines.push(`const z${j} = ${r(j + 1).map((a) => `d${a} * U[u + ${a * D + j}]`).join(' + ')};`);
  lines.push(`const logit = L[k] - 0.5 * (${r(D).map((j) => `z${j} * z${j}`).join(' + ')});`);
  for (const c of r(nc)) {
    const row = c0 + c;
    lines.push(`const c${c} = -(${r(D - row).map((q) => `z${row + q} * U[u + ${row * D + row + q}]`).join(' + ')});`);
  }
  lines.push('if (logit > mx) {', 'const sc = mx === -Infinity ? 0 : libm.exp(mx - logit);', 's = s * sc + 1;');
  lines.push(r(nc).map((c) => `a${c} = a${c} * sc + c${c};`).join(' '), 'mx = logit;', '} else {', 'const w = libm.exp(logit - mx);', 's += w;');
  lines.push(r(nc).map((c) => `a${c} += w * c${c};`).join(' '), '}', '}');
  lines.push(r(nc).map((c) => `out[i * ${nc} + ${c}] = a${c} / s;`).join(' '), '}');
  return new Function('libm', `return function (X, n, M, U, L, K, out) {\n${lines.join('\n')}\n};`)(libm) as Kernel;
}

/** The WASM-SIMD kernel where it applies (mixture-wasm.ts: 3.5× faster at D = 4, K = 8), else the JS loops. */
export function mixtureScoreKernel(X: TypedArray, n: number, p: MixtureParams, c0: number, nc: number, out: TypedArray): void {
  if (!mixtureScoreWasm(X, n, p, c0, nc, out)) mixtureScoreJs(X, n, p, c0, nc, out);
}

/** The JS loops: generated and unrolled for D ≤ 8, generic above. */
export function mixtureScoreJs(X: TypedArray, n: number, p: MixtureParams, c0: number, nc: number, out: TypedArray): void {
  if (p.D > 8) return mixtureScoreGeneric(X, n, p, c0, nc, out);
  const key = `${p.D}:${c0}:${nc}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = compile(p.D, c0, nc)));
  f(X, n, p.means, p.cholInvT, p.logNorm, p.K, out);
}
