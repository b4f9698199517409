/**
 * Step-size controllers of adaptive solvers: from the scaled error norm err of an attempted step
 * (accept when small) to the factor of the next step size, as pure functions of an immutable state.
 * - 'standard' (Hairer, Nørsett & Wanner, I.II.4; scipy's RK45): accept err ≤ 1, factor
 *   min(5, max(0.2, 0.9·err^{−1/order})) (5 at err = 0);
 * - PID (Söderlind 2003, "Digital filters in adaptive time-stepping"; k-diffusion sampling.py
 *   `PIDStepSizeController`): with ε_n = 1/(err_n + 1e-8) of this and the last two accepted steps,
 *   factor = 1 + atan(ε_n^{β₁} ε_{n−1}^{β₂} ε_{n−2}^{β₃} − 1), β₁ = (p + i + d)/order,
 *   β₂ = −(p + 2d)/order, β₃ = d/order; accept when factor ≥ 0.81. k-diffusion's defaults p = 0,
 *   i = 1, d = 0 (an integral controller with its arctan limiter).
 * A non-finite error rejects the step and shrinks it ×0.2 in both.
 */
import { libm } from '../numerics/libm/index.js';
export interface PidGains {
  readonly p: number;
  readonly i: number;
  readonly d: number;
}

export type ControllerKind = 'standard' | { readonly pid: Partial<PidGains> };

/** The inverse errors ε of the last two accepted steps (null before the first attempt). */
export type ControllerState = readonly [number, number] | null;

export interface ControllerDecision {
  readonly accept: boolean;
  readonly factor: number;
  readonly state: ControllerState;
}

export const PID_DEFAULTS: PidGains = { p: 0, i: 1, d: 0 };
const PID_ACCEPT = 0.81;
const PID_EPS = 1e-8;

/** Validate a controller choice: a RangeError naming the bad gain. */
export function checkController(c: ControllerKind, who: string): void {
  if (c === 'standard') return;
  if (typeof c !== 'object' || c === null || typeof c.pid !== 'object' || c.pid === null) throw new RangeError(`${who}: controller must be 'standard' or { pid: { p, i, d } }, got ${String(c)}`);
  for (const k of ['p', 'i', 'd'] as const) {
    const v = c.pid[k];
    if (v !== undefined && !Number.isFinite(v)) throw new RangeError(`${who}: PID gain ${k} must be a finite number, got ${v}`);
  }
}

/** Decide on a step with scaled error `err` for a method whose error falls as h^order. */
export function controlStep(c: ControllerKind, state: ControllerState, err: number, order: number): ControllerDecision {
  if (!Number.isFinite(err)) return { accept: false, factor: 0.2, state };
  if (c === 'standard') return { accept: err <= 1, factor: err === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * libm.pow(err, -1 / order))), state };
  const g = { ...PID_DEFAULTS, ...c.pid };
  const b1 = (g.p + g.i + g.d) / order;
  const b2 = -(g.p + 2 * g.d) / order;
  const b3 = g.d / order;
  const inv = 1 / (err + PID_EPS);
  const [e1, e2] = state ?? [inv, inv];
  const factor = 1 + libm.atan(libm.pow(inv, b1) * libm.pow(e1, b2) * libm.pow(e2, b3) - 1);
  const accept = factor >= PID_ACCEPT;
  return { accept, factor, state: accept ? [inv, e1] : [e1, e2] };
}
