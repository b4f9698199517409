/**
 * The common shape of the forward SDEs dx = f(x, t) dt + G(t) dW on t ∈ [0, T] (Song et al. 2021,
 * "Score-based generative modeling through stochastic differential equations", eq. 5), and of their
 * reverse-time SDE dx = [f − G Gᵀ ∇log p_t] dt + G dW̄ (eq. 6) and probability-flow ODE
 * dx/dt = f − ½ G Gᵀ ∇log p_t (eq. 13).
 *
 * Times are host numbers (float64), shared by all particles of a step; time-dependent coefficients
 * are computed on the host once per time and passed to the backend as scalars (DESIGN principle 6).
 */
import type { PRNGKey } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Backend } from '../tensor/backend.js';
import type { FloatDType } from '../tensor/dtype.js';

/**
 * A score as the samplers use it: s(x, t) for the state x at time t. For CLD the state is
 * u = (x, v) and the score is the velocity score ∇_v log p_t(u) (only it enters the dynamics).
 */
export type ScoreFn = (x: Tensor, t: number) => Tensor;

export interface StateOptions {
  readonly backend?: Backend | string;
  readonly dtype?: FloatDType;
}

export interface PriorOptions extends StateOptions {
  readonly rowOffset?: number;
}

/**
 * What every SDE of the library provides. The SDEs themselves form the tagged union `Sde` (sde.ts),
 * so code that needs more than this dispatches with an exhaustive switch on `kind`.
 */
export interface SdeBase {
  readonly kind: string;
  readonly T: number;
  /** State dimension for data dimension d: d, or 2d for CLD (x then v on the last axis). */
  stateDim(d: number): number;
  /** Forward drift f(x, t). */
  drift(x: Tensor, t: number): Tensor;
  /** Reverse-time drift f − GGᵀs (SDE) or f − ½GGᵀs (probability-flow ODE), in forward time. */
  reverseDrift(x: Tensor, t: number, score: ScoreFn, probabilityFlow: boolean): Tensor;
  /** Scale of the Brownian increment on the noisy components at time t (x for VE/VP/sub-VP, v for CLD). */
  diffusion(t: number): number;
  /** G(t)·z for a standard normal z of the state's shape (zero on noise-free components, e.g. CLD's x). */
  applyDiffusion(z: Tensor, t: number): Tensor;
  /**
   * n samples of the prior p_T for data dimension d; with rowOffset, rows rowOffset … of a larger
   * draw under the same key (the same bits as slicing that draw).
   */
  priorSample(k: PRNGKey, n: number, d: number, opts?: PriorOptions): Tensor;
  /** log p_T(x) per sample: [n]. */
  priorLogp(x: Tensor): Tensor;
  /** Human-readable parameters, e.g. for reports and checkpoints. */
  readonly config: Readonly<Record<string, number>>;
}
