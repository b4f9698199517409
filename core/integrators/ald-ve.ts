/**
 * Annealed Langevin dynamics as a sampler of a VE SDE (Song & Ermon 2019, Algorithm 1, NCSN): the
 * SDE's marginal stds at T and ε bound `levels` geometric noise levels σ_1 > … > σ_L, each visited
 * for round(steps/levels) Langevin steps of size stepRatio·σ_i² (so stepRatio·σ_L² at the last
 * level; NCSN: ε/σ_L² with 10 levels, stepRatio = 0.2 here by default), with the score evaluated at
 * the time of its level, t(σ) = T·log(σ/σ(0))/log(σ(T)/σ(0)).
 */
import { libm } from '../numerics/libm/index.js';
import type { PRNGKey } from '../random/key.js';
import type { ScoreFn } from '../sde/types.js';
import type { ScalarLinearSde } from '../sde/linear.js';
import { annealedLangevin, geometricSigmas } from './langevin.js';
import { samplingKeys } from './sample.js';
import type { DriveOptions, SampleRun } from './sampler.js';

export const ALD_DEFAULTS = { levels: 10, stepRatio: 0.2 } as const;

export function annealedLangevinVe(k: PRNGKey, ve: ScalarLinearSde, score: ScoreFn, o: DriveOptions): SampleRun {
  const levels = o.levels ?? ALD_DEFAULTS.levels;
  const ratio = o.stepRatio ?? ALD_DEFAULTS.stepRatio;
  if (!(ratio > 0 && Number.isFinite(ratio))) throw new RangeError(`annealed Langevin: stepRatio must be a finite number > 0, got ${ratio}`);
  const per = Math.max(1, Math.round(o.steps / levels));
  const sMax = ve.std(ve.T);
  const sMin = ve.std(o.eps ?? 1e-3);
  const sigmas = geometricSigmas(sMax, sMin, levels);
  const tOf = (s: number): number => (libm.log(s / ve.std(0)) / libm.log(sMax / ve.std(0))) * ve.T;
  const keys = samplingKeys(k);
  const x0 = ve.priorSample(keys.prior, o.n, o.d, { backend: o.backend, dtype: o.dtype });
  const r = annealedLangevin((x, s) => score(x, tOf(s)), x0, keys.noise, { sigmas, stepSize: ratio * sMin * sMin, stepsPerLevel: per, onProgress: o.onProgress });
  if (r.x !== x0) x0.dispose();
  return r;
}
