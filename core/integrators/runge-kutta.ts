/**
 * Explicit Runge–Kutta methods as data (Butcher tableaux, as diffrax's `ButcherTableau`) and one
 * generic step for all of them. A stage is y_s = x + h·Σ_{j<s} a_sj k_j, k_s = F(y_s, t + c_s h), and
 * the step x' = x + h·Σ_s b_s k_s; each sum is one fused linear combination over its non-zero terms.
 * An embedded pair carries bErr = b − b̂ for the error estimate h·Σ bErr_s k_s; an FSAL method
 * (first same as last) has b as its last row of a, so its last stage is F(x', t + h) and starts the
 * next step.
 */
import type { Tensor } from '../tensor/tensor.js';
import { linearCombination } from '../tensor/ops/fused.js';

export interface ButcherTableau {
  readonly name: string;
  /** Stage times as fractions of the step. */
  readonly c: readonly number[];
  /** Strictly lower-triangular stage weights: row s has s entries. */
  readonly a: readonly (readonly number[])[];
  readonly b: readonly number[];
  /** Classical order of the step (b). */
  readonly order: number;
  /** b − b̂ of an embedded lower-order solution, for error estimates. */
  readonly bErr?: readonly number[];
  /** Order of the embedded solution b̂. */
  readonly embeddedOrder?: number;
  /** The last row of a equals b and its c is 1: the last stage is F at the new state. */
  readonly fsal?: boolean;
}

/** Forward Euler (order 1). */
export const EULER: ButcherTableau = { name: 'euler', c: [0], a: [[]], b: [1], order: 1 };

/** Heun's method, the explicit trapezoidal rule (order 2). */
export const HEUN: ButcherTableau = { name: 'heun', c: [0, 1], a: [[], [1]], b: [1 / 2, 1 / 2], order: 2 };

/** The explicit midpoint rule (order 2). */
export const MIDPOINT: ButcherTableau = { name: 'midpoint', c: [0, 1 / 2], a: [[], [1 / 2]], b: [0, 1], order: 2 };

/** The classical Runge–Kutta method (order 4). */
export const RK4: ButcherTableau = {
  name: 'rk4', c: [0, 1 / 2, 1 / 2, 1], a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6], order: 4,
};

/** Dormand & Prince 1980, RK5(4)7M: order 5 with an embedded order-4 solution, FSAL. */
export const DOPRI5: ButcherTableau = {
  name: 'dopri5',
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  bErr: [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40],
  order: 5,
  embeddedOrder: 4,
  fsal: true,
};

/** x + h·Σ_j w_j k_j over the non-zero weights (x itself when all are zero). */
export function rkCombine(x: Tensor, ks: readonly Tensor[], h: number, w: readonly number[]): Tensor {
  const xs: Tensor[] = [x];
  const cs: number[] = [1];
  w.forEach((wj, j) => {
    if (wj !== 0) {
      xs.push(ks[j]);
      cs.push(h * wj);
    }
  });
  return xs.length === 1 ? x : linearCombination(xs, cs);
}

/** h·Σ_j w_j k_j over the non-zero weights. */
function weighted(ks: readonly Tensor[], h: number, w: readonly number[]): Tensor {
  const live = w.map((wj, j) => [wj, j] as const).filter(([wj]) => wj !== 0);
  return linearCombination(live.map(([, j]) => ks[j]), live.map(([wj]) => h * wj));
}

export interface RkStepResult {
  readonly x: Tensor;
  /** The stage derivatives k_1 … k_s (for FSAL methods the last is F at the new state). */
  readonly ks: readonly Tensor[];
  /** h·Σ bErr_s k_s, for embedded pairs. */
  readonly err?: Tensor;
}

/**
 * One step of `tab` of size h from (x, t). Stages at c = 1 are evaluated at tEnd (the grid's next
 * time, which t + h need not equal to the last bit). `k1` is F(x, t) when the caller has it (FSAL).
 */
export function rkStep(F: (x: Tensor, t: number) => Tensor, tab: ButcherTableau, x: Tensor, t: number, h: number, tEnd = t + h, k1?: Tensor): RkStepResult {
  const ks: Tensor[] = [k1 ?? F(x, t)];
  let y = x;
  for (let s = 1; s < tab.c.length; s++) {
    y = rkCombine(x, ks, h, tab.a[s]);
    ks.push(F(y, tab.c[s] === 1 ? tEnd : t + tab.c[s] * h));
  }
  const xNew = tab.fsal ? y : rkCombine(x, ks, h, tab.b);
  return { x: xNew, ks, err: tab.bErr && weighted(ks, h, tab.bErr) };
}
