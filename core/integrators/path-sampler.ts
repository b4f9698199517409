/**
 * Sampling a Gaussian path x = αx₀ + σε along a decreasing time grid t_0 > … > t_n with a model of
 * any parameterisation (converted per step, parameterisation.ts), on the reverse family with noise η
 * (gaussian-path.ts): dx = [u − ½η² g² s] dt + η g dW̄, where u = f x − ½g² s is the
 * probability-flow velocity (η = 0: the ODE; η = 1: the reverse SDE).
 * - 'euler': x' = x + (t' − t)(u − ½η²g²s) + η g(t)√(t − t') z (Euler–Maruyama; Euler for η = 0);
 * - 'heun' (η = 0 only; Karras et al. 2022, Alg. 1 without churn): the trapezoidal correction with
 *   u at t', except on a step to σ(t') = 0.
 * A step to a time where σ = 0 returns the denoiser D(x, t) (DDIM's and EDM's last step, x' = α'D).
 * The start is x_{t_0} ~ N(0, σ(t_0)² I): the prior when t_0 = T (σ(T) = priorStd on every path here),
 * and its α(t_0) → 0 limit otherwise. Normals are keyed by step index (DESIGN principle 3).
 */
import type { PRNGKey } from '../random/key.js';
import { foldIn } from '../random/key.js';
import { normal } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../tensor/ops/elementwise.js';
import { tidy } from '../tensor/scope.js';
import type { GaussianPath } from '../sde/gaussian-path.js';
import { convertPrediction, type Parameterisation } from '../sde/parameterisation.js';

export interface PathSampleOptions {
  readonly n: number;
  readonly d: number;
  /** Decreasing times in [0, T] (pathTimeGrid). */
  readonly grid: Float64Array;
  readonly method?: 'euler' | 'heun';
  /** Noise scale of the reverse family (default 0: the probability-flow ODE). */
  readonly eta?: number;
}

export interface PathSampleResult {
  readonly x: Tensor;
  /** Model evaluations. */
  readonly nfe: number;
}

export function samplePath(
  path: GaussianPath,
  model: (x: Tensor, t: number) => Tensor,
  param: Parameterisation,
  k: PRNGKey,
  o: PathSampleOptions,
): PathSampleResult {
  const method = o.method ?? 'euler';
  const eta = o.eta ?? 0;
  const g = o.grid;
  if (g.length < 2) throw new RangeError(`samplePath: the grid needs at least 2 times, got ${g.length}`);
  for (let i = 0; i < g.length; i++) {
    if (!(g[i] >= 0 && g[i] <= path.T)) throw new RangeError(`samplePath: grid time ${g[i]} is outside the ${path.kind} path's domain [0, ${path.T}]`);
    if (i > 0 && !(g[i] < g[i - 1])) throw new RangeError(`samplePath: the grid must decrease strictly (t_${i} = ${g[i]} ≥ t_${i - 1} = ${g[i - 1]})`);
  }
  if (!(eta >= 0) || !Number.isFinite(eta)) throw new RangeError(`samplePath: η must be a finite number ≥ 0, got ${eta}`);
  if (method === 'heun' && eta !== 0) throw new RangeError('samplePath: heun integrates the probability-flow ODE (η = 0) only');
  if (method !== 'euler' && method !== 'heun') throw new RangeError(`samplePath: unknown method '${String(method)}' (euler, heun)`);
  let nfe = 0;
  const as = (x: Tensor, t: number, to: Parameterisation): Tensor => {
    nfe++;
    return convertPrediction(path, param, to, t, x, model(x, t));
  };
  let x = normal(foldIn(k, 0), [o.n, o.d], { scale: path.sigma(g[0]) });
  for (let i = 0; i + 1 < g.length; i++) {
    const t = g[i];
    const t1 = g[i + 1];
    const h = t1 - t;
    const prev = x;
    x = tidy(() => {
      if (path.sigma(t1) === 0) return as(prev, t, 'x0');
      if (eta === 0) {
        const u = as(prev, t, 'velocity');
        const xe = add(prev, mul(u, h));
        if (method === 'euler') return xe;
        const u1 = as(xe, t1, 'velocity');
        return add(prev, mul(add(u, u1), 0.5 * h));
      }
      // one model call gives both the velocity and the score
      nfe++;
      const pred = model(prev, t);
      const u = convertPrediction(path, param, 'velocity', t, prev, pred);
      const s = convertPrediction(path, param, 'score', t, prev, pred);
      const g2 = path.g2(t);
      const drift = sub(u, mul(s, 0.5 * eta * eta * g2));
      const z = normal(foldIn(k, i + 1), [o.n, o.d]);
      return add(add(prev, mul(drift, h)), mul(z, eta * Math.sqrt(g2 * -h)));
    });
    prev.dispose();
  }
  return { x, nfe };
}
