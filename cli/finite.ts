/**
 * A run's results are finite or the run fails: samples holding NaN or ±∞ (a diverged sampler, an
 * overflowing score) are not written; the error names the first entry and the run's sampler, SDE and steps.
 */
import { InputError } from './errors.js';

export function requireFiniteSamples(values: ArrayLike<number>, dim: number, run: { sampler: string; sde: string; steps: number }): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const bad = Array.from(values).filter((v) => !Number.isFinite(v)).length;
      throw new InputError(`the samples are not finite (${values[i]} at row ${Math.floor(i / dim)}, column ${i % dim}; ${bad} of ${values.length} values) after ${run.sampler} on ${run.sde} with ${run.steps} steps: the run diverged; try more --steps or another --sampler, or check the model or data`);
    }
  }
}
