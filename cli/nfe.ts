/**
 * `--nfe N`: the step count of a fixed-grid run from its number of score evaluations, counted as
 * CLD-SGM reports NFE (Dockhorn et al. 2022, sampling.py: `n_discrete_steps` is the NFE, and with
 * denoising the grid has one step fewer, the final denoising step being the last evaluation):
 *   NFE = Σ_steps (evaluations of the step) + [--denoise],
 * with the evaluations per step of the sampler's registry entry (nfePerStep, or its nfeOn count along
 * the grid). `--steps` and `--nfe` may both be given when they agree.
 */
import * as sk from '../index.js';
import { InputError } from './errors.js';
import { gridOf } from './specs.js';

/** Steps of the grid when none is asked for. */
export const DEFAULT_STEPS = 100;

/** Score evaluations of a fixed-grid run of `steps` steps on the --grid named (and its final denoising step). */
export function nfeOfRun(s: sk.FixedGridSampler, sde: sk.Sde, steps: number, o: { grid?: string; eps: number; denoise: boolean }): number {
  const extra = o.denoise ? 1 : 0;
  if (!s.nfeOn) return steps * s.nfePerStep! + extra;
  const g = gridOf(sde, o.grid, steps, o.eps);
  return s.nfeOn(sde, typeof g === 'string' ? sk.timeGrid({ steps, eps: o.eps, T: sde.T, kind: g }) : g) + extra;
}

/** The steps of a run given --steps, --nfe, both (when they agree) or neither (DEFAULT_STEPS). */
export function stepsOf(s: sk.Sampler, sde: sk.Sde, o: { steps?: number; nfe?: number; grid?: string; eps: number; denoise: boolean }): number {
  if (o.nfe === undefined) return o.steps ?? DEFAULT_STEPS;
  if (s.grid !== 'fixed') throw new InputError(`--nfe needs a fixed-grid sampler; ${s.name} chooses its own steps (give --steps)`);
  if (o.steps !== undefined) {
    const got = nfeOfRun(s, sde, o.steps, o);
    if (got !== o.nfe) throw new InputError(`--steps ${o.steps} and --nfe ${o.nfe} disagree: ${o.steps} steps of ${s.name}${o.denoise ? ' with --denoise' : ''} take ${got} score evaluations`);
    return o.steps;
  }
  // NFE grows with the steps: the first count that reaches N, if it is exact
  let near: number[] = [];
  for (let n = 1; n <= o.nfe; n++) {
    const got = nfeOfRun(s, sde, n, o);
    if (got === o.nfe) return n;
    if (got > o.nfe) {
      near = [n > 1 ? nfeOfRun(s, sde, n - 1, o) : undefined, got].filter((v): v is number => v !== undefined);
      break;
    }
  }
  const per = s.nfeOn ? 'score evaluations that depend on the grid' : `${s.nfePerStep} score evaluation${s.nfePerStep === 1 ? '' : 's'} per step`;
  throw new InputError(`--nfe ${o.nfe} is not reachable with ${s.name} (${per}${o.denoise ? ', plus 1 for --denoise' : ''}); nearest: ${near.length ? near.join(' or ') : 'none'}`);
}
