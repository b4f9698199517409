/**
 * Dormand–Prince 5(4) with a step size per sample: every row r of the state [n, d] has its own time
 * t_r, step h_r, FSAL derivative and controller state (step-size-controller.ts), so a row's result
 * and its evaluation count do not depend on the rows it is batched with (dopri5.ts takes one step for
 * the batch, from the RMS error over all rows). Each attempt runs the DOPRI5 stages for all rows at
 * their own times, t_r + c_s h_r (the field takes one time per row); err_r is the RMS over the row of
 * the embedded error scaled by atol + rtol·max(|x_r|, |x_r,new|), read back per row; a row that is
 * rejected or already at t1 keeps its state bit for bit (a select, not arithmetic). Rows that have
 * reached t1 ride along with h = 0 and count no evaluations. The field must be row-wise (row r of
 * its output depends on row r of its input and t_r only), as scores are.
 */
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import { abs, add, div, greater, maximum, mul, sqrt, square, sub, where } from '../tensor/ops/elementwise.js';
import { mean } from '../tensor/ops/reduce.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Sde } from '../sde/sde.js';
import { gaussianPathOf } from '../sde/path-sde.js';
import { type RowTimeScoreFn, scoreAtRows } from '../sde/row-time-score.js';
import { DOPRI5 } from './runge-kutta.js';
import type { AdaptiveOptions } from './dopri5.js';
import { checkController, type ControllerState, controlStep } from './step-size-controller.js';

/** A vector field with one time per row. */
export type RowField = (x: Tensor, t: Float64Array) => Tensor;

export interface PerSampleAdaptiveResult {
  readonly x: Tensor;
  /** Mean evaluations per row. */
  readonly nfe: number;
  readonly nfePerRow: Int32Array;
  readonly acceptedPerRow: Int32Array;
  readonly rejectedPerRow: Int32Array;
}

/** The probability-flow ODE dx/dt = f(t)x − ½g²(t)s(x, t) of a Gaussian path at per-row times. */
export function rowProbabilityFlow(sde: Sde, score: RowTimeScoreFn): RowField {
  const path = gaussianPathOf(sde);
  if (!path) throw new RangeError(`per-sample Dormand–Prince needs a Gaussian path (a scalar diffusion); ${sde.kind} is not one`);
  return (x, t) => {
    const col = (v: Float64Array): Tensor => fromArray(v, { backend: x.backend, dtype: x.dtype, shape: [v.length, 1] });
    return sub(mul(x, col(t.map((ti) => path.f(ti)))), mul(scoreAtRows(score, x, t), col(t.map((ti) => 0.5 * path.g2(ti)))));
  };
}

/** Integrate from t0 to t1 with per-row steps; options as dopri5's (h0, maxSteps and the controller per row). */
export async function dopri5PerSample(f: RowField, x0: Tensor, t0: number, t1: number, o: AdaptiveOptions = {}): Promise<PerSampleAdaptiveResult> {
  const rtol = o.rtol ?? 1e-5;
  const atol = o.atol ?? 1e-5;
  const maxSteps = o.maxSteps ?? 100000;
  if (!(rtol > 0 && atol > 0)) throw new RangeError(`dopri5 per sample: rtol and atol must be > 0, got ${rtol}, ${atol}`);
  if (!(t0 !== t1 && Number.isFinite(t0) && Number.isFinite(t1))) throw new RangeError(`dopri5 per sample: need finite t0 ≠ t1, got ${t0}, ${t1}`);
  if (x0.rank !== 2) throw new RangeError(`dopri5 per sample: the state must be [rows, columns], got shape [${x0.shape.join(', ')}]`);
  const controller = o.controller ?? 'standard';
  checkController(controller, 'dopri5 per sample');
  const n = x0.shape[0];
  const dir = Math.sign(t1 - t0);
  const end = 1e-15 * Math.max(1, Math.abs(t1));
  const t = new Float64Array(n).fill(t0);
  const h = new Float64Array(n).fill(dir * Math.min(Math.abs(o.h0 ?? Math.abs(t1 - t0) / 100), Math.abs(t1 - t0)));
  const ctl: ControllerState[] = new Array(n).fill(null);
  const nfe = new Int32Array(n).fill(1);
  const acc = new Int32Array(n);
  const rej = new Int32Array(n);
  const opts = { backend: x0.backend, dtype: x0.dtype };
  const col = (v: Float64Array): Tensor => fromArray(v, { ...opts, shape: [n, 1] });
  const running = (r: number): boolean => dir * (t1 - t[r]) > end;
  let x = x0;
  let k1 = keep(f(x0, t));
  for (;;) {
    const live = Array.from({ length: n }, (_, r) => running(r));
    if (!live.includes(true)) break;
    const hh = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      if (!live[r]) continue;
      if (acc[r] + rej[r] >= maxSteps) throw new Error(`dopri5 per sample: row ${r} took more than ${maxSteps} steps between ${t0} and ${t1}; loosen rtol/atol`);
      hh[r] = dir * (t[r] + h[r] - t1) > 0 ? t1 - t[r] : h[r];
    }
    const ts = t.slice();
    const step = tidy(() => {
      const ks: Tensor[] = [k1];
      // Σ_j w_j h_r k_j over the non-zero weights, added to `base` (x for a stage, none for the error)
      const comb = (w: readonly number[], base: Tensor | null = x): Tensor => {
        let s = base;
        w.forEach((wj, j) => {
          if (wj === 0) return;
          const term = mul(ks[j], col(hh.map((v) => v * wj)));
          s = s ? add(s, term) : term;
        });
        return s!;
      };
      let xNew = x;
      for (let s = 1; s < DOPRI5.c.length; s++) {
        const xs = comb(DOPRI5.a[s]);
        if (s === DOPRI5.c.length - 1) xNew = xs;
        const cs = DOPRI5.c[s];
        ks.push(f(xs, ts.map((ti, r) => ti + cs * hh[r])));
      }
      const e = comb(DOPRI5.bErr!, null);
      const scale = add(mul(maximum(abs(x), abs(xNew)), rtol), atol);
      return { xNew: keep(xNew), kLast: keep(ks[ks.length - 1]), err: keep(sqrt(mean(square(div(e, scale)), -1))) };
    });
    const err = await step.err.data();
    step.err.dispose();
    const accept = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      if (!live[r]) continue;
      nfe[r] += 6;
      const er = err[r];
      if (!Number.isFinite(er) && Math.abs(hh[r]) <= 1e-12 * Math.max(1, Math.abs(t[r]))) {
        step.xNew.dispose();
        step.kLast.dispose();
        throw new RangeError(`dopri5 per sample: row ${r}'s state or derivative is not finite at t = ${t[r]} (the error estimate is ${er} down to steps of ${Math.abs(hh[r]).toExponential(2)}); the vector field overflows there`);
      }
      const d = controlStep(controller, ctl[r], er, DOPRI5.order);
      ctl[r] = d.state;
      if (d.accept) {
        t[r] += hh[r];
        accept[r] = 1;
        acc[r]++;
      } else rej[r]++;
      h[r] = hh[r] * d.factor;
    }
    const next = tidy(() => {
      const m = greater(col(accept), 0.5);
      return { x: keep(where(m, step.xNew, x)), k1: keep(where(m, step.kLast, k1)) };
    });
    for (const v of [step.xNew, step.kLast, k1]) v.dispose();
    if (x !== x0) x.dispose();
    x = next.x;
    k1 = next.k1;
  }
  k1.dispose();
  return { x, nfe: nfe.reduce((s, v) => s + v, 0) / n, nfePerRow: nfe, acceptedPerRow: acc, rejectedPerRow: rej };
}
