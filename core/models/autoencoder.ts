/**
 * Models of Chao et al. (QCSGM, ICML 2023):
 * - the energy-based constrained model for 2-D data, E(x, σ) = ‖x − a(g(x, σ))‖²/(2σ), g an MLP with
 *   output dimension D, a = ELU or LeakyReLU(0.1) on the energy head only; s = −∇ₓE (conservative);
 * - the one-layer autoencoder score s(x) = R·h(Wᵀx + b) + c: conservative iff WRᵀ = RWᵀ. The tied
 *   (constrained) form R = W is the score of E(x) = −Σ_j H(w_jᵀx + b_j) − cᵀx with H' = h; the free
 *   (unconstrained) form has R independent.
 */
import type { PRNGKey } from '../random/key.js';
import { split } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { add, div, elu, leakyRelu, mul, softplus, square, sub, tanh, neg } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import { reshape, matrixTranspose } from '../tensor/ops/manipulate.js';
import { matmul } from '../tensor/ops/linalg.js';
import type { ScoreModel } from './score-model.js';
import { type EnergyModel, energyScore } from './energy.js';
import { denseInit, type Mlp, type ModelOptions } from './mlp.js';
import { normal } from '../random/distributions.js';

/** E(x, σ) = ‖x − a(g(x, σ))‖²/(2σ) with σ the conditioning value t (noise level). */
export function aeEnergy<P>(net: Mlp & { apply: ScoreModel<P> }, head: 'elu' | 'leaky_relu' = 'elu'): EnergyModel<P> {
  const a = head === 'elu' ? elu : (x: Tensor) => leakyRelu(x, 0.1);
  return (p, x, t) => div(sum(square(sub(x, a(net.apply(p, x, t)))), -1), mul(t, 2));
}

export interface OneLayerAeParams {
  readonly W: Tensor; // [D, H]
  readonly b: Tensor; // [H]
  readonly c: Tensor; // [D]
  readonly R?: Tensor; // [D, H], only in the free model
}

/** Activation h and its antiderivative H (tanh ↔ log cosh, sigmoid-free softplus ↔ …). */
const logCosh = (x: Tensor): Tensor => sub(add(softplus(mul(x, 2)), neg(x)), Math.LN2); // log cosh x = softplus(2x) − x − log 2

export function oneLayerAeInit(k: PRNGKey, D: number, H: number, free: boolean, opts: ModelOptions = {}): OneLayerAeParams {
  const [kw, kr] = split(k, 2);
  const { W } = denseInit(kw, D, H, opts);
  return { W, b: zeros([H], opts), c: zeros([D], opts), ...(free ? { R: normal(kr, [D, H], { ...opts, scale: 1 / Math.sqrt(D) }) } : {}) };
}

/** Free one-layer autoencoder score s(x) = R tanh(Wᵀx + b) + c (rows: x [n, D] → [n, D]). */
export const oneLayerAeFree: ScoreModel<OneLayerAeParams> = (p, x) => {
  if (!p.R) throw new Error('oneLayerAeFree: parameters have no R (initialise with free = true)');
  return add(matmul(tanh(add(matmul(x, p.W), p.b)), matrixTranspose(p.R)), p.c);
};

/** The tied energy E(x) = −Σ_j log cosh(w_jᵀx + b_j) − cᵀx: its score is W tanh(Wᵀx + b) + c. */
export const oneLayerAeEnergy: EnergyModel<OneLayerAeParams> = (p, x) =>
  neg(add(sum(logCosh(add(matmul(x, p.W), p.b)), -1), reshape(matmul(x, reshape(p.c, [-1, 1])), [x.shape[0]])));

export const oneLayerAeTied: ScoreModel<OneLayerAeParams> = energyScore(oneLayerAeEnergy);
