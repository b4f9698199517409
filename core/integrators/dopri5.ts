/**
 * Adaptive Dormand–Prince 5(4) (Dormand & Prince 1980; the RK45 of scipy that score_sde and CLD-SGM
 * use for the probability-flow ODE, rtol = atol = 1e-5), with FSAL and the standard step-size
 * controller h ← h·min(5, max(0.2, 0.9·err^{−1/5})) or a PID controller (step-size-controller.ts);
 * err is the RMS of the embedded error scaled by
 * atol + rtol·max(|x|, |x_new|). The error norm is read back each step (asynchronously), which is
 * what makes the method adaptive. A non-finite error estimate shrinks the step (×0.2); one that stays
 * non-finite down to steps of 1e-12·max(1, |t|) is a RangeError naming t (the field overflows), not a
 * search to maxSteps.
 */
import type { Tensor } from '../tensor/tensor.js';
import { abs, add, div, maximum, mul, sqrt, square } from '../tensor/ops/elementwise.js';
import { mean } from '../tensor/ops/reduce.js';
import { keep, tidy } from '../tensor/scope.js';
import { DOPRI5, rkStep } from './runge-kutta.js';
import { checkController, type ControllerKind, type ControllerState, controlStep } from './step-size-controller.js';

export interface AdaptiveOptions {
  readonly rtol?: number;
  readonly atol?: number;
  /** Initial step size magnitude (default |t1 − t0|/100). */
  readonly h0?: number;
  readonly maxSteps?: number;
  /** The step-size controller (default 'standard'). */
  readonly controller?: ControllerKind;
}

export interface AdaptiveResult {
  readonly x: Tensor;
  readonly nfe: number;
  readonly accepted: number;
  readonly rejected: number;
}

export async function dopri5(f: (x: Tensor, t: number) => Tensor, x0: Tensor, t0: number, t1: number, o: AdaptiveOptions = {}): Promise<AdaptiveResult> {
  const rtol = o.rtol ?? 1e-5;
  const atol = o.atol ?? 1e-5;
  const maxSteps = o.maxSteps ?? 100000;
  if (!(rtol > 0 && atol > 0)) throw new RangeError(`dopri5: rtol and atol must be > 0, got ${rtol}, ${atol}`);
  if (!(t0 !== t1 && Number.isFinite(t0) && Number.isFinite(t1))) throw new RangeError(`dopri5: need finite t0 ≠ t1, got ${t0}, ${t1}`);
  const controller = o.controller ?? 'standard';
  checkController(controller, 'dopri5');
  let ctl: ControllerState = null;
  const dir = Math.sign(t1 - t0);
  let h = dir * Math.min(Math.abs(o.h0 ?? Math.abs(t1 - t0) / 100), Math.abs(t1 - t0));
  let t = t0;
  let x = x0;
  let k1 = keep(f(x, t));
  let nfe = 1;
  let accepted = 0;
  let rejected = 0;
  while (dir * (t1 - t) > 1e-15 * Math.max(1, Math.abs(t1))) {
    if (accepted + rejected >= maxSteps) throw new Error(`dopri5: more than ${maxSteps} steps between ${t0} and ${t1}; loosen rtol/atol`);
    if (dir * (t + h - t1) > 0) h = t1 - t;
    const hh = h;
    const { xNew, kLast, errT } = tidy(() => {
      const r = rkStep(f, DOPRI5, x, t, hh, t + hh, k1);
      return { xNew: r.x, kLast: r.ks[6], errT: errNorm(r.err!, x, r.x) };
    });
    nfe += 6;
    const err = await errT.item();
    errT.dispose();
    if (!Number.isFinite(err) && Math.abs(hh) <= 1e-12 * Math.max(1, Math.abs(t))) {
      xNew.dispose();
      kLast.dispose();
      throw new RangeError(`dopri5: the state or its derivative is not finite at t = ${t} (the error estimate is ${err} down to steps of ${Math.abs(hh).toExponential(2)}); the vector field overflows there`);
    }
    const decision = controlStep(controller, ctl, err, DOPRI5.order);
    ctl = decision.state;
    if (decision.accept) {
      t += hh;
      if (x !== x0) x.dispose();
      k1.dispose();
      x = xNew;
      k1 = kLast;
      accepted++;
    } else {
      xNew.dispose();
      kLast.dispose();
      rejected++;
    }
    h *= decision.factor;
  }
  k1.dispose();
  return { x, nfe, accepted, rejected };

  /** RMS of the embedded error estimate e, scaled by atol + rtol·max(|x|, |x_new|): a scalar tensor. */
  function errNorm(e: Tensor, xOld: Tensor, xNew: Tensor): Tensor {
    const scale = add(mul(maximum(abs(xOld), abs(xNew)), rtol), atol);
    return sqrt(mean(square(div(e, scale))));
  }
}
