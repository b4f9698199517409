/**
 * The adaptive reverse-SDE sampler of Jolicoeur-Martineau et al. 2021 ("Gotta go fast when
 * generating data with score-based models", Alg. 1; AlexiaJM/score_sde_fast_sampling
 * `AdaptivePredictor`), with a step size per sample. From (x, t) with step h and one normal z:
 *   K₁ = −h f̄(x, t) + g(t)√h z,  x' = x + K₁ (Euler–Maruyama),
 *   K₂ = −h f̄(x', t − h) + g(t − h)√h z,  x'' = x + ½(K₁ + K₂) (improved Euler, the extrapolated result),
 * where f̄ = f x − g² s is the reverse drift; the error E = ½(K₂ − K₁) is scaled by
 * δ = max(atol, rtol·max(|x'_prev|, |x'|)) (x'_prev: the Euler value of the row's last accepted step),
 * e = √(mean (E/δ)²) per row; the step is accepted when e ≤ 1 (x ← x'', x'_prev ← x'), and
 * h ← min(t − ε, θ h e^{−r}), θ = 0.9, r = 0.9, from h₀ = 0.01·T.
 * The noise of a step is the increment of one Brownian path per row, z = (W(t − h) − W(t))/√h: a
 * rejected step is retried on the same path (the shorter step's W from the Brownian bridge to the
 * point already drawn), so the error control selects step sizes, not noise draws. Redrawing z on
 * rejection (`retry: 'redraw'`), as the reference code does, selects the draws that pass and biases
 * the samples (experiments/adaptive-sde.ts measures it). Every row keeps
 * its own t, h and path (draw j of row i from foldIn(key, j) at the row's global index), so a row's
 * result and evaluation count do not depend on the rows it is batched with. Defaults atol = 0.0078
 * (the paper's, 1/128 of the data range [−1, 1]) and rtol = 0.01. On the Gaussian paths (VE, VP,
 * sub-VP and the path SDEs); scores are evaluated at one time per row (row-time-score.ts).
 * Two options beyond the paper: `norm: 'propagated'` scales δ by w(t') = (α²s² + σ²)/(αs²) at the
 * step's end t' = t − h, the factor by which the reverse SDE shrinks an error at t' on its way to the
 * data for data of scale s (for N(0, s²) data the reverse SDE's posterior mean of x₀ given x_{t'} is
 * αs²/(α²s² + σ²)·x_{t'}), so errors are weighed by what they do to the samples; `maxGrowth` bounds
 * h_new/h, which cuts the rejections that follow a lucky small error estimate (the estimate depends
 * on the step's noise).
 */
import { libm } from '../numerics/libm/index.js';
import { foldIn, type PRNGKey } from '../random/key.js';
import { normalHost } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import { abs, add, div, maximum, mul, sqrt, square, sub } from '../tensor/ops/elementwise.js';
import { mean } from '../tensor/ops/reduce.js';
import { gather, scatterAdd } from '../tensor/ops/manipulate.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Sde } from '../sde/sde.js';
import { gaussianPathOf } from '../sde/path-sde.js';
import { type RowTimeScoreFn, scoreAtRows } from '../sde/row-time-score.js';
import type { StateOptions } from '../sde/types.js';

export interface AdaptiveSdeOptions extends StateOptions {
  readonly n: number;
  readonly d: number;
  readonly eps?: number;
  readonly rtol?: number;
  readonly atol?: number;
  /** Initial step (default 0.01·T). */
  readonly h0?: number;
  /** Safety factor θ and exponent r of the step update (0.9, 0.9). */
  readonly safety?: number;
  readonly exponent?: number;
  /** The largest factor by which a step may grow after an accepted one (default ∞, the paper's rule). */
  readonly maxGrowth?: number;
  /** The rows are rows rowOffset … of a larger batch (their noise and prior are those rows'). */
  readonly rowOffset?: number;
  /** Give up after this many attempts of one row (default 100 000). */
  readonly maxAttempts?: number;
  /**
   * The noise of a retried step: 'path' (default) the same Brownian path, 'redraw' a fresh normal
   * per attempt, as the reference code does (biased; kept to measure the bias).
   */
  readonly retry?: 'path' | 'redraw';
  /**
   * The error norm: 'local' (default, the paper's) scales E by δ; 'propagated' by δ·w(t − h), the
   * factor by which the reverse SDE shrinks an error at t on its way to the data (see the head).
   */
  readonly norm?: 'local' | 'propagated';
  /** The data scale s of the 'propagated' norm (default 0.5, EDM's σ_data). */
  readonly dataStd?: number;
}

export interface AdaptiveSdeResult {
  readonly x: Tensor;
  /** Mean score evaluations per row. */
  readonly nfe: number;
  readonly nfePerRow: Int32Array;
  readonly rejected: number;
}

export const ADAPTIVE_SDE_DEFAULTS = { rtol: 0.01, atol: 0.0078, safety: 0.9, exponent: 0.9 } as const;

/** Sample from x0 (consumed: the sampler releases it). */
export async function adaptiveSde(k: PRNGKey, sde: Sde, score: RowTimeScoreFn, x0: Tensor, o: AdaptiveSdeOptions): Promise<AdaptiveSdeResult> {
  const path = gaussianPathOf(sde);
  if (!path) throw new RangeError(`the adaptive SDE sampler needs a Gaussian path (a scalar diffusion); ${sde.kind} is not one`);
  const rtol = o.rtol ?? ADAPTIVE_SDE_DEFAULTS.rtol;
  const atol = o.atol ?? ADAPTIVE_SDE_DEFAULTS.atol;
  if (!(rtol > 0 && Number.isFinite(rtol)) || !(atol > 0 && Number.isFinite(atol))) throw new RangeError(`adaptive SDE sampler: rtol and atol must be finite numbers > 0, got ${rtol}, ${atol}`);
  const eps = o.eps ?? 1e-3;
  if (!(eps > 0 && eps < sde.T)) throw new RangeError(`adaptive SDE sampler: eps must lie in (0, ${sde.T}), got ${eps}`);
  const theta = o.safety ?? ADAPTIVE_SDE_DEFAULTS.safety;
  const expo = o.exponent ?? ADAPTIVE_SDE_DEFAULTS.exponent;
  const h0 = o.h0 ?? 0.01 * sde.T;
  if (!(h0 > 0)) throw new RangeError(`adaptive SDE sampler: h0 must be > 0, got ${h0}`);
  const maxAttempts = o.maxAttempts ?? 100000;
  const maxGrowth = o.maxGrowth ?? Infinity;
  if (!(maxGrowth > 1)) throw new RangeError(`adaptive SDE sampler: maxGrowth must be > 1, got ${maxGrowth}`);
  const retry = o.retry ?? 'path';
  if (retry !== 'path' && retry !== 'redraw') throw new RangeError(`adaptive SDE sampler: retry must be 'path' or 'redraw', got '${String(retry)}'`);
  const redraw = retry === 'redraw';
  const norm = o.norm ?? 'local';
  if (norm !== 'local' && norm !== 'propagated') throw new RangeError(`adaptive SDE sampler: norm must be 'local' or 'propagated', got '${String(norm)}'`);
  const s2d = (o.dataStd ?? 0.5) ** 2;
  if (!(s2d > 0 && Number.isFinite(s2d))) throw new RangeError(`adaptive SDE sampler: dataStd must be a finite number > 0, got ${o.dataStd}`);
  const weight = (ti: number): number => {
    const a = path.alpha(ti);
    return (a * a * s2d + path.sigma(ti) ** 2) / (a * s2d);
  };
  const { n, d } = o;
  const rowOffset = o.rowOffset ?? 0;
  const t = new Float64Array(n).fill(sde.T);
  const h = new Float64Array(n).fill(h0);
  const attempts = new Int32Array(n);
  const nfe = new Int32Array(n);
  let rejected = 0;
  const opts = { backend: x0.backend, dtype: x0.dtype };
  const col = (v: Float64Array): Tensor => fromArray(v, { ...opts, shape: [v.length, 1] });
  const f̄ = (x: Tensor, ts: Float64Array): Tensor => sub(mul(x, col(ts.map((ti) => path.f(ti)))), mul(scoreAtRows(score, x, ts), col(ts.map((ti) => path.g2(ti)))));
  let x = x0;
  let xPrev = keep(add(x0, 0));
  const paths = Array.from({ length: n }, (_, r) => new RowBrownian(k, rowOffset + r, d, sde.T));
  const done = (r: number): boolean => t[r] - eps <= 1e-6 * sde.T;
  for (;;) {
    const active: number[] = [];
    for (let r = 0; r < n; r++) if (!done(r)) active.push(r);
    if (active.length === 0) break;
    const m = active.length;
    const ta = Float64Array.from(active, (r) => t[r]);
    const ha = Float64Array.from(active, (r) => Math.min(h[r], t[r] - eps));
    const t1 = ta.map((ti, j) => ti - ha[j]);
    const zh = new Float64Array(m * d);
    active.forEach((r, j) => {
      if (attempts[r] >= maxAttempts) throw new Error(`adaptive SDE sampler: row ${rowOffset + r} took more than ${maxAttempts} attempts at t = ${t[r]}; loosen rtol/atol`);
      if (redraw) {
        zh.set(normalHost(foldIn(k, attempts[r]), d, (rowOffset + r) * d), j * d);
        return;
      }
      const dw = paths[r].incrementTo(t1[j]);
      const c = 1 / Math.sqrt(ha[j]);
      for (let q = 0; q < d; q++) zh[j * d + q] = dw[q] * c;
    });
    const idx = fromArray(Int32Array.from(active), { backend: x0.backend, dtype: 'int32' });
    const step = tidy(() => {
      const xa = gather(x, idx, 0);
      const z = fromArray(zh, { ...opts, shape: [m, d] });
      const noise1 = mul(z, col(ta.map((ti, j) => Math.sqrt(path.g2(ti) * ha[j]))));
      const K1 = add(mul(f̄(xa, ta), col(ha.map((v) => -v))), noise1);
      const xe = add(xa, K1);
      const noise2 = mul(z, col(t1.map((ti, j) => Math.sqrt(path.g2(ti) * ha[j]))));
      const K2 = add(mul(f̄(xe, t1), col(ha.map((v) => -v))), noise2);
      const xn = add(xa, mul(add(K1, K2), 0.5));
      const E = mul(sub(K2, K1), 0.5);
      const local = maximum(mul(maximum(abs(gather(xPrev, idx, 0)), abs(xe)), rtol), atol);
      const delta = norm === 'local' ? local : mul(local, col(t1.map(weight)));
      const err = sqrt(mean(square(div(E, delta)), -1));
      return { xa: keep(xa), xe: keep(xe), xn: keep(xn), err: keep(err) };
    });
    const e = await step.err.data();
    const accept = new Float64Array(m);
    active.forEach((r, j) => {
      attempts[r]++;
      nfe[r] += 2;
      const ej = e[j];
      if (!(ej >= 0)) throw new Error(`adaptive SDE sampler: row ${rowOffset + r} has a non-finite error estimate at t = ${t[r]}`);
      if (ej <= 1) {
        accept[j] = 1;
        t[r] = t1[j];
        if (!redraw) paths[r].advance(t1[j]);
      } else rejected++;
      const grow = Math.min(ej === 0 ? Infinity : theta * ha[j] * libm.pow(ej, -expo), maxGrowth * ha[j]);
      h[r] = Math.min(Math.max(t[r] - eps, 0), grow);
    });
    const next = tidy(() => {
      const a = col(accept);
      const xNew = add(x, scatterAdd(mul(sub(step.xn, step.xa), a), idx, 0, x.shape));
      const pNew = add(xPrev, scatterAdd(mul(sub(step.xe, gather(xPrev, idx, 0)), a), idx, 0, x.shape));
      return { xNew: keep(xNew), pNew: keep(pNew) };
    });
    for (const v of [x, xPrev, step.xa, step.xe, step.xn, step.err, idx]) v.dispose();
    x = next.xNew;
    xPrev = next.pNew;
  }
  xPrev.dispose();
  const mean_ = nfe.reduce((s, v) => s + v, 0) / n;
  return { x, nfe: mean_, nfePerRow: nfe, rejected };
}

/**
 * One row's Brownian path in reverse time, drawn lazily where the sampler asks (a Brownian interval,
 * after torchsde's): W(t) is known at the current time and at the later-drawn points below it; a new
 * time between two known points is drawn from the bridge, W_r ~ N(W_a + (r − a)/(b − a)·(W_b − W_a),
 * (r − a)(b − r)/(b − a)), below the lowest known point as W_a + N(0, a − r). Draw j uses
 * foldIn(key, j) at the row's global index, so the path depends on the key, the row and the row's
 * own queries only.
 */
class RowBrownian {
  private draws = 0;
  /** Known points below the current time, in decreasing time; the current point first. */
  private readonly pts: { t: number; w: Float64Array }[];
  constructor(private readonly key: PRNGKey, private readonly row: number, private readonly d: number, t0: number) {
    this.pts = [{ t: t0, w: new Float64Array(d) }];
  }
  private valueAt(r: number): Float64Array {
    const p = this.pts;
    for (const q of p) if (q.t === r) return q.w;
    let i = 0;
    while (i + 1 < p.length && p[i + 1].t > r) i++;
    const z = normalHost(foldIn(this.key, this.draws++), this.d, this.row * this.d);
    const a = p[i];
    const w = new Float64Array(this.d);
    if (i + 1 < p.length) {
      const b = p[i + 1];
      const f = (a.t - r) / (a.t - b.t);
      const sd = Math.sqrt(((a.t - r) * (r - b.t)) / (a.t - b.t));
      for (let q = 0; q < this.d; q++) w[q] = a.w[q] + f * (b.w[q] - a.w[q]) + sd * z[q];
    } else {
      const sd = Math.sqrt(a.t - r);
      for (let q = 0; q < this.d; q++) w[q] = a.w[q] + sd * z[q];
    }
    p.splice(i + 1, 0, { t: r, w });
    return w;
  }
  /** W(r) − W(now) for r below the current time. */
  incrementTo(r: number): Float64Array {
    const w = this.valueAt(r);
    const w0 = this.pts[0].w;
    return w.map((v, q) => v - w0[q]);
  }
  /** Move the current time down to r (a point already drawn); forget the points above it. */
  advance(r: number): void {
    while (this.pts.length > 1 && this.pts[0].t > r) this.pts.shift();
  }
}
