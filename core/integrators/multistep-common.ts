/**
 * What the multistep samplers of a Gaussian path share (x = αx₀ + σε, λ = log(α/σ), σ̃ = σ/α) besides
 * the denoiser and ε̂ of path-denoiser.ts: the order plan of a run (warm-up and lower-order final
 * steps), the order check, exact integrals of Lagrange bases by Gauss–Legendre quadrature, and
 * memoised step coefficients.
 */
import { libm } from '../numerics/libm/index.js';
/**
 * The order of step i (0-based) of an N-step run of a method of order `order`: the warm-up steps use
 * what the past holds, min(order, i + 1); with lower-order final steps also min(·, N − i)
 * (dpm_solver_pytorch.py and uni_pc.py `sample`: min(order, steps + 1 − step), step = i + 1).
 */
export function orderPlan(order: number, steps: number, lowerOrderFinal: boolean): (i: number) => number {
  return (i) => Math.max(1, Math.min(order, i + 1, lowerOrderFinal ? steps - i : order));
}

/** A RangeError unless order is an integer in [1, max] and the grid's steps allow it. */
export function checkOrder(name: string, order: number, max: number, steps: number): void {
  if (!Number.isInteger(order) || order < 1 || order > max) throw new RangeError(`${name}: order must be an integer from 1 to ${max}, got ${order}`);
  if (Number.isInteger(steps) && steps >= 1 && order > steps) throw new RangeError(`${name}: order ${order} needs at least ${order} steps, the grid has ${steps}`);
}

// Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n from the Chebyshev guesses).
function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = libm.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

const GL = new Map<number, { x: Float64Array; w: Float64Array }>();
const glRule = (n: number) => {
  let r = GL.get(n);
  if (!r) GL.set(n, (r = gaussLegendre(n)));
  return r;
};

/** ∫_a^b f(u) du by n-point Gauss–Legendre (exact for polynomials of degree < 2n). */
export function integrateGl(f: (u: number) => number, a: number, b: number, n: number): number {
  const { x, w } = glRule(n);
  const c = 0.5 * (a + b);
  const r = 0.5 * (b - a);
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i] * f(c + r * x[i]);
  return s * r;
}

/** The Lagrange basis polynomial j on the nodes at y. */
export function lagrange(nodes: readonly number[], j: number, y: number): number {
  let p = 1;
  for (let m = 0; m < nodes.length; m++) if (m !== j) p *= (y - nodes[m]) / (nodes[j] - nodes[m]);
  return p;
}

/** The coefficients of a step, memoised by its times (the weak-order tool evaluates a step many times). */
export function memoCoefs(f: (times: readonly number[], t1: number) => number[]): (times: readonly number[], t1: number) => number[] {
  const cache = new Map<string, number[]>();
  return (times, t1) => {
    const key = `${times.join(',')};${t1}`;
    let c = cache.get(key);
    if (!c) {
      if (cache.size > 4096) cache.clear();
      cache.set(key, (c = f(times, t1)));
    }
    return c;
  };
}

