/**
 * Score models as the losses and samplers see them: pure functions (params, x, t) → s_θ(x, t) with
 * x: [n, D] and per-sample times (or noise levels) t: [n]. The output has x's shape (for CLD models:
 * the velocity half, [n, d]).
 */
import type { Tensor } from '../tensor/tensor.js';

export type ScoreModel<P> = (params: P, x: Tensor, t: Tensor) => Tensor;
