/**
 * Langevin dynamics samplers.
 * - Unadjusted Langevin: x_{k+1} = x_k + (ε/2)·s(x_k) + √ε·z_k, z_k ~ N(0, I).
 * - Annealed Langevin dynamics (Song & Ermon 2019, "Generative modeling by estimating gradients of
 *   the data distribution", Algorithm 1): for noise levels σ_1 > … > σ_L, step α_i = ε·σ_i²/σ_L²,
 *   T steps per level with the noise-conditional score s(x, σ_i).
 * Both run as stationary steppers through `integrate` (the grid holds the noise level of each step),
 * so the noise of step k is the driver's, foldIn(key, k) with the global integer step index, and
 * intermediates are released each step (memory does not grow).
 */
import { libm } from '../numerics/libm/index.js';
import { foldIn, type PRNGKey, split } from '../random/key.js';
import { normal, uniform } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, astype, less, log, mul, square, sub, where } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import { expandDims } from '../tensor/ops/manipulate.js';
import { onesLike, zeros } from '../tensor/create.js';
import { keep, tidy } from '../tensor/scope.js';
import { vjp } from '../autodiff/transforms.js';
import { isFloat } from '../tensor/dtype.js';
import { integrate, type Progress, type Stepper } from './stepper.js';

export type Score = (x: Tensor) => Tensor;
export type NoiseConditionalScore = (x: Tensor, sigma: number) => Tensor;

export interface LangevinResult {
  readonly x: Tensor;
  /** Score evaluations. */
  readonly nfe: number;
}

function checkPositiveInt(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

function checkPositive(v: number, name: string): void {
  if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`${name} must be a finite number > 0, got ${v}`);
}

/** One unadjusted Langevin step with step size ε. */
export function langevinStep(score: Score, x: Tensor, eps: number, k: PRNGKey): Tensor {
  const z = normal(k, x.shape, { backend: x.backend, dtype: x.dtype as 'float32' | 'float64' });
  return langevinStepper((y) => score(y), () => eps).step(x, 0, 0, [z]);
}

/** MALA's loop: step k from foldIn(key, k), intermediates released each step. */
function run(
  x0: Tensor, total: number, onProgress: ((p: Progress) => void) | undefined, step: (x: Tensor, k: number) => Tensor,
): Tensor {
  if (!isFloat(x0.dtype)) throw new TypeError(`Langevin: the state must be floating point, got ${x0.dtype}`);
  let x = x0;
  for (let k = 0; k < total; k++) {
    const next = tidy(() => step(x, k));
    if (x !== x0) x.dispose();
    x = next;
    onProgress?.({ step: k + 1, total });
  }
  return x;
}

/**
 * The unadjusted Langevin step at level σ of the grid, x + (α/2)·s(x, σ) + √α·z with α = stepSize(σ):
 * a stationary stepper (tNext is not used; the grid lists each step's level).
 */
export function langevinStepper(score: NoiseConditionalScore, stepSize: (level: number) => number): Stepper {
  return {
    name: 'langevin',
    noiseDraws: 1,
    nfePerStep: 1,
    stationary: true,
    step(x, level, _next, [z]) {
      const eps = stepSize(level);
      return add(add(x, mul(score(x, level), eps / 2)), mul(z, Math.sqrt(eps)));
    },
  };
}

/** Unadjusted Langevin dynamics for `steps` steps of size `stepSize`. */
export function langevin(
  score: Score, x0: Tensor, k: PRNGKey, opts: { stepSize: number; steps: number; onProgress?: (p: Progress) => void },
): LangevinResult {
  checkPositive(opts.stepSize, 'stepSize');
  checkPositiveInt(opts.steps, 'steps');
  const r = integrate(langevinStepper((x) => score(x), () => opts.stepSize), x0, new Float64Array(opts.steps + 1), k, { onProgress: opts.onProgress });
  return { x: r.x, nfe: r.nfe };
}

export interface MalaResult extends LangevinResult {
  /** Fraction of accepted proposals over all particles and steps. */
  readonly acceptance: number;
}

/**
 * Metropolis-adjusted Langevin (MALA; Roberts & Tweedie 1996) for a model that gives an energy
 * E(x) = −log p(x) + const per particle ([n, D] → [n]): propose y = x − (ε/2)∇E(x) + √ε z and accept
 * with probability min(1, exp(E(x) − E(y) + log q(x | y) − log q(y | x))),
 * log q(b | a) = −‖b − a + (ε/2)∇E(a)‖²/(2ε). Unlike unadjusted Langevin it leaves p exactly invariant.
 * Acceptance is decided per particle on the device; the count is read back once at the end.
 */
export function mala(energy: (x: Tensor) => Tensor, x0: Tensor, k: PRNGKey, opts: { stepSize: number; steps: number; onProgress?: (p: Progress) => void }): MalaResult {
  checkPositive(opts.stepSize, 'stepSize');
  checkPositiveInt(opts.steps, 'steps');
  const eps = opts.stepSize;
  const n = x0.shape[0];
  const valueAndGradE = (x: Tensor): { e: Tensor; g: Tensor } => {
    const r = vjp(energy, x);
    return { e: r.out, g: r.vjp(onesLike(r.out)) };
  };
  const logq = (to: Tensor, from: Tensor, gFrom: Tensor): Tensor =>
    mul(sum(square(add(sub(to, from), mul(gFrom, eps / 2))), -1), -1 / (2 * eps));
  let accepted = keep(zeros([n], { backend: x0.backend, dtype: x0.dtype }));
  const x = run(x0, opts.steps, opts.onProgress, (x, i) => {
    const [kz, ku] = split(foldIn(k, i), 2);
    const cur = valueAndGradE(x);
    const z = normal(kz, x.shape, { backend: x.backend, dtype: x.dtype as 'float32' | 'float64' });
    const y = add(sub(x, mul(cur.g, eps / 2)), mul(z, Math.sqrt(eps)));
    const prop = valueAndGradE(y);
    const logAlpha = add(sub(cur.e, prop.e), sub(logq(x, y, prop.g), logq(y, x, cur.g)));
    const u = uniform(ku, [n], { backend: x.backend, dtype: x.dtype as 'float32' | 'float64' });
    const accept = less(log(u), logAlpha);
    const next = where(expandDims(accept, 1), y, x);
    const acc = keep(add(accepted, astype(accept, x.dtype)));
    accepted.dispose();
    accepted = acc;
    return next;
  });
  const total = sum(accepted).itemSync();
  accepted.dispose();
  return { x, nfe: 2 * opts.steps, acceptance: total / (n * opts.steps) };
}

/** σ_1 > … > σ_L geometric from sigmaMax to sigmaMin (NCSN: 10 levels from 1 to 0.01). */
export function geometricSigmas(sigmaMax: number, sigmaMin: number, levels: number): number[] {
  checkPositive(sigmaMin, 'sigmaMin');
  checkPositiveInt(levels, 'levels');
  if (!(sigmaMax > sigmaMin)) throw new RangeError(`sigmaMax (${sigmaMax}) must exceed sigmaMin (${sigmaMin})`);
  if (levels === 1) return [sigmaMax];
  return Array.from({ length: levels }, (_, i) => sigmaMax * libm.pow(sigmaMin / sigmaMax, i / (levels - 1)));
}

/** Annealed Langevin dynamics over decreasing noise levels (step ε·σ_i²/σ_L², T steps each). */
export function annealedLangevin(
  score: NoiseConditionalScore, x0: Tensor, k: PRNGKey,
  opts: { sigmas: readonly number[]; stepSize: number; stepsPerLevel: number; onProgress?: (p: Progress) => void },
): LangevinResult {
  const { sigmas, stepSize, stepsPerLevel } = opts;
  checkPositive(stepSize, 'stepSize');
  checkPositiveInt(stepsPerLevel, 'stepsPerLevel');
  if (sigmas.length === 0) throw new RangeError('annealedLangevin: sigmas must not be empty');
  sigmas.forEach((s, i) => {
    checkPositive(s, `sigmas[${i}]`);
    if (i > 0 && !(s < sigmas[i - 1])) throw new RangeError(`annealedLangevin: sigmas must decrease, but sigmas[${i}] = ${s} ≥ sigmas[${i - 1}] = ${sigmas[i - 1]}`);
  });
  const sL = sigmas[sigmas.length - 1];
  const total = sigmas.length * stepsPerLevel;
  const levels = Float64Array.from({ length: total + 1 }, (_, i) => sigmas[Math.min(sigmas.length - 1, Math.floor(i / stepsPerLevel))]);
  const stepper = langevinStepper(score, (sigma) => (stepSize * sigma * sigma) / (sL * sL));
  const r = integrate({ ...stepper, name: 'annealed-langevin' }, x0, levels, k, { onProgress: opts.onProgress });
  return { x: r.x, nfe: r.nfe };
}
