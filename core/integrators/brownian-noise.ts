/**
 * A Brownian path as the step noise of a fixed-grid sampler (stepper.ts NoiseSource): the step from
 * t to tNext gets draw 0 = ±W_{a,b}/√h and draw 1 = H_{a,b}/√(h/12) on [a, b] = [min, max] of the
 * two times, h = b − a, read off one virtual Brownian tree (random/brownian-tree.ts). Each draw is
 * standard normal and the two are independent, as the default per-step stream's are, but every grid
 * sees the same path: coarse increments are sums of fine ones, so strong errors can be measured
 * against step size and steps may be chosen adaptively.
 * - Reverse-time steps (tNext < t) use the reversed path B_τ = W_{T−τ}: its increment is −W_{a,b}
 *   and its space-time Lévy area is H_{a,b} (the substitution ρ ↦ T − ρ leaves H unchanged).
 * - Draw 1 is the Lévy area of draw 0's increment, which solvers of strong order 1.5 need (SRA1,
 *   ShARK). A stepper whose second draw is an independent sub-step noise still gets the right law,
 *   but not a path that refines consistently.
 * Values are computed in float64 on the host and uploaded in the state's dtype.
 */
import type { PRNGKey } from '../random/key.js';
import { type BrownianTree, type BrownianTreeOptions, virtualBrownianTree } from '../random/brownian-tree.js';
import { fromArray } from '../tensor/create.js';
import type { NoiseSource } from './stepper.js';

export function brownianNoise(tree: BrownianTree): NoiseSource {
  return {
    step(_i, t, tNext, draws, like, rowOffset) {
      if (draws > 2) throw new RangeError(`a Brownian path gives 2 draws per step (the increment and its space-time Lévy area), not ${draws}`);
      const a = Math.min(t, tNext);
      const b = Math.max(t, tNext);
      const rows = like.rank === 0 ? 1 : like.shape[0];
      const width = rows === 0 ? 0 : like.size / rows;
      const inc = tree.increment(a, b, rows, width, rowOffset);
      const h = b - a;
      const cw = (tNext < t ? -1 : 1) / Math.sqrt(h);
      const ch = Math.sqrt(12 / h);
      const opts = { backend: like.backend, dtype: like.dtype, shape: like.shape };
      const zw = fromArray(inc.w.map((v) => v * cw), opts);
      return draws === 1 ? [zw] : [zw, fromArray(inc.h.map((v) => v * ch), opts)];
    },
  };
}

/** The Brownian-path noise of a key on [t0, t1] (a tree with leaves of (t1 − t0)·2⁻²⁰ unless tol is given). */
export const brownianPath = (k: PRNGKey, o: BrownianTreeOptions): NoiseSource => brownianNoise(virtualBrownianTree(k, o));

/**
 * The tree of a measurement over several grids of one time span: on [min, max] of `grid`'s end times,
 * with leaves of 1/8 of the smallest step of `finest` uniform steps, so no two grid points share a leaf.
 */
export function gridBrownianTree(k: PRNGKey, grid: ArrayLike<number>, finest: number): BrownianTree {
  const a = Math.min(grid[0], grid[grid.length - 1]);
  const b = Math.max(grid[0], grid[grid.length - 1]);
  return virtualBrownianTree(k, { t0: a, t1: b, tol: (b - a) / (finest * 8) });
}
