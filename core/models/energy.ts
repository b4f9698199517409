/**
 * Constrained (conservative) score models: s_θ(x, t) = −∇ₓE_θ(x, t) for a scalar energy per sample
 * (Chao et al. 2023's CSGMs; Salimans & Ho 2021). The score is a gradient field, so its Jacobian is a
 * Hessian (symmetric) by construction; training any loss of this library differentiates through the
 * gradient (second-order autodiff).
 */
import type { Tensor } from '../tensor/tensor.js';
import { neg } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import { grad } from '../autodiff/transforms.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { ScoreModel } from './score-model.js';

/** An energy model: (params, x: [n, D], t: [n]) → E: [n]. */
export type EnergyModel<P> = (params: P, x: Tensor, t: Tensor) => Tensor;

export function energyScore<P>(energy: EnergyModel<P>): ScoreModel<P> {
  return (params, x, t) =>
    neg(
      grad((y: Tensor) => {
        const e = energy(params, y, t);
        if (e.rank !== 1 || e.shape[0] !== x.shape[0]) {
          throw new ShapeError(`energyScore: the energy must have shape [${x.shape[0]}] (one per sample), got ${shapeToString(e.shape)}`);
        }
        return sum(e);
      })(x),
    );
}
