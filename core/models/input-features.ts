/**
 * Gaussian Fourier features of a model's input (Tancik et al. 2020, "Fourier features let networks
 * learn high frequency functions in low dimensional domains", eq. 5): γ(x) = [x, sin 2πxB, cos 2πxB]
 * with a fixed B ~ N(0, σ²) of shape [D, m]. An MLP on γ(x) fits the sharp edges of low-dimensional
 * densities (a checkerboard's cells) in far fewer steps than one on x, whose spectral bias favours
 * smooth fields. B is drawn from an explicit key, so the model is rebuilt exactly from its key.
 */
import type { PRNGKey } from '../random/key.js';
import { normalHost } from '../random/distributions.js';
import { fromArray } from '../tensor/create.js';
import { cos, sin } from '../tensor/ops/elementwise.js';
import { concat } from '../tensor/ops/manipulate.js';
import { matmul } from '../tensor/ops/linalg.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ModelOptions } from './mlp.js';
import type { ScoreModel } from './score-model.js';

export interface InputFeatures {
  /** Input dimension D. */
  readonly inDim: number;
  /** Output dimension D + 2m. */
  readonly outDim: number;
  /** B, [D, m]. */
  readonly B: Tensor;
  readonly apply: (x: Tensor) => Tensor;
}

/** m Gaussian Fourier features of a D-dimensional input at frequency scale σ. */
export function inputFourierFeatures(k: PRNGKey, inDim: number, m: number, sigma: number, opts: ModelOptions = {}): InputFeatures {
  const errs: string[] = [];
  if (!(Number.isInteger(inDim) && inDim >= 1)) errs.push(`input dimension must be a positive integer, got ${inDim}`);
  if (!(Number.isInteger(m) && m >= 1)) errs.push(`the number of features must be a positive integer, got ${m}`);
  if (!(sigma > 0 && Number.isFinite(sigma))) errs.push(`the frequency scale must be finite and > 0, got ${sigma}`);
  if (errs.length) throw new RangeError(`Fourier features: ${errs.join('; ')}`);
  const B = fromArray(normalHost(k, inDim * m).map((v) => 2 * Math.PI * sigma * v), { ...opts, shape: [inDim, m] });
  const apply = (x: Tensor): Tensor => {
    if (x.rank !== 2 || x.shape[1] !== inDim) throw new ShapeError(`Fourier features: input must have shape [n, ${inDim}], got ${shapeToString(x.shape)}`);
    const z = matmul(x, B);
    return concat([x, sin(z), cos(z)], 1);
  };
  return { inDim, outDim: inDim + 2 * m, B, apply };
}

/** s(θ, x, t) = model(θ, γ(x), t): a model of the features' output dimension seen as one of x. */
export function withInputFeatures<P>(model: ScoreModel<P>, f: InputFeatures): ScoreModel<P> {
  return (p, x, t) => model(p, f.apply(x), t);
}
