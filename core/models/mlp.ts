/**
 * MLP score networks (the toy models of score_sde, CLD-SGM and QCSGM): input concat(x, emb(t)),
 * `depth` hidden layers of `width` units with an activation (SiLU by default, as CLD-SGM's toy MLP),
 * a linear output. Time embeddings:
 * - 'fourier': Gaussian Fourier features [sin 2πtW, cos 2πtW], W ~ N(0, scale²) fixed at construction
 *   (Tancik et al. 2020; score_sde's GaussianFourierProjection, scale 16);
 * - 'sinusoidal': transformer/DDPM features sin(t'·f_i), cos(t'·f_i) with t' = 1000t, f_i = 10000^{−i/(k−1)};
 * - 'raw': t itself as one extra input (CLD-SGM's toy model); 'none': unconditional.
 * `outputScale` divides the output by a per-sample scale of t, e.g. σ(t) (score_sde's `scale_by_sigma`).
 * Weights start LeCun-normal (variance 1/fan_in), biases at zero; all from explicit keys.
 */
import { libm } from '../numerics/libm/index.js';
import { type PRNGKey, split } from '../random/key.js';
import { normal, normalHost } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Backend } from '../tensor/backend.js';
import type { FloatDType } from '../tensor/dtype.js';
import { fromArray, zeros } from '../tensor/create.js';
import { dense } from '../tensor/ops/fused.js';
import { cos, div, elu, leakyRelu, mul, relu, silu, sin, softplus, tanh } from '../tensor/ops/elementwise.js';
import { concat, expandDims, reshape } from '../tensor/ops/manipulate.js';
import { matmul } from '../tensor/ops/linalg.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { ScoreModel } from './score-model.js';
import { treeLeaves } from '../tree/index.js';

export type Activation = 'silu' | 'tanh' | 'relu' | 'elu' | 'softplus' | 'leaky_relu';
export const ACTIVATIONS: Record<Activation, (x: Tensor) => Tensor> = {
  silu, tanh, relu, elu, softplus, leaky_relu: (x) => leakyRelu(x, 0.1),
};

export type Embedding =
  | { readonly kind: 'fourier'; readonly dim: number; readonly scale?: number }
  | { readonly kind: 'sinusoidal'; readonly dim: number }
  | { readonly kind: 'raw' }
  | { readonly kind: 'none' };

export interface MlpConfig {
  readonly inDim: number;
  readonly outDim: number;
  readonly width?: number;
  readonly depth?: number;
  readonly activation?: Activation;
  readonly embedding?: Embedding;
}

export interface Dense {
  readonly W: Tensor;
  readonly b: Tensor;
}
export interface MlpParams {
  readonly layers: readonly Dense[];
}

export interface Mlp {
  readonly config: Required<MlpConfig>;
  /** Fixed (untrained) buffers, e.g. the Fourier projection; rebuilt from the construction key. */
  readonly buffers: { readonly fourierW?: Tensor };
  readonly init: MlpParams;
  /** (params, x: [n, inDim], t: [n]) → [n, outDim]. */
  readonly apply: ScoreModel<MlpParams>;
}

export interface ModelOptions {
  readonly backend?: Backend | string;
  readonly dtype?: FloatDType;
}

/** A dense layer with LeCun-normal weights (variance 1/fanIn) and zero bias. */
export function denseInit(k: PRNGKey, fanIn: number, fanOut: number, opts: ModelOptions = {}): Dense {
  return { W: normal(k, [fanIn, fanOut], { ...opts, scale: 1 / Math.sqrt(fanIn) }), b: zeros([fanOut], opts) };
}

function embedDim(e: Embedding): number {
  return e.kind === 'raw' ? 1 : e.kind === 'none' ? 0 : e.dim;
}

function checkConfig(c: Required<MlpConfig>): void {
  const errs: string[] = [];
  const posInt = (v: number, name: string): void => void (Number.isInteger(v) && v >= 1 ? 0 : errs.push(`${name} must be a positive integer, got ${v}`));
  posInt(c.inDim, 'inDim');
  posInt(c.outDim, 'outDim');
  posInt(c.width, 'width');
  if (!(Number.isInteger(c.depth) && c.depth >= 0)) errs.push(`depth must be an integer ≥ 0, got ${c.depth}`);
  if (!(c.activation in ACTIVATIONS)) errs.push(`unknown activation '${c.activation}' (${Object.keys(ACTIVATIONS).join(', ')})`);
  const e = c.embedding;
  if (!['fourier', 'sinusoidal', 'raw', 'none'].includes(e.kind)) errs.push(`unknown embedding '${(e as { kind: string }).kind}' (fourier, sinusoidal, raw, none)`);
  if ((e.kind === 'fourier' || e.kind === 'sinusoidal') && !(Number.isInteger(e.dim) && e.dim >= 2 && e.dim % 2 === 0)) {
    errs.push(`embedding dim must be an even integer ≥ 2, got ${e.dim}`);
  }
  if (errs.length) throw new RangeError(`MLP: ${errs.join('; ')}`);
}

export function mlp(cfg: MlpConfig, k: PRNGKey, opts: ModelOptions = {}): Mlp {
  const config: Required<MlpConfig> = {
    inDim: cfg.inDim, outDim: cfg.outDim, width: cfg.width ?? 128, depth: cfg.depth ?? 4,
    activation: cfg.activation ?? 'silu', embedding: cfg.embedding ?? { kind: 'fourier', dim: 32, scale: 16 },
  };
  checkConfig(config);
  const [kb, kp] = split(k, 2);
  const e = config.embedding;
  const fourierW = e.kind === 'fourier'
    ? fromArray(normalHost(kb, e.dim / 2).map((v) => v * (e.scale ?? 16)), { ...opts, shape: [1, e.dim / 2] })
    : undefined;
  const dims = [config.inDim + embedDim(e), ...new Array<number>(config.depth).fill(config.width), config.outDim];
  const keys = split(kp, dims.length - 1);
  const layers = keys.map((kk, i) => denseInit(kk, dims[i], dims[i + 1], opts));
  const act = ACTIVATIONS[config.activation];

  const embed = (t: Tensor): Tensor | null => {
    const tc = reshape(t, [t.shape[0], 1]);
    switch (e.kind) {
      case 'none': return null;
      case 'raw': return tc;
      case 'fourier': {
        const a = mul(matmul(tc, fourierW!), 2 * Math.PI);
        return concat([sin(a), cos(a)], 1);
      }
      case 'sinusoidal': {
        const half = e.dim / 2;
        const f = Float64Array.from({ length: half }, (_, i) => libm.exp((-libm.log(10000) * i) / Math.max(1, half - 1)));
        const a = mul(mul(tc, 1000), expandDims(fromArray(f, { backend: t.backend, dtype: t.dtype }), 0));
        return concat([sin(a), cos(a)], 1);
      }
    }
  };

  const apply: ScoreModel<MlpParams> = (p, x, t) => {
    if (x.rank !== 2 || x.shape[1] !== config.inDim) throw new ShapeError(`MLP: input must have shape [n, ${config.inDim}], got ${shapeToString(x.shape)}`);
    if (t.rank !== 1 || t.shape[0] !== x.shape[0]) throw new ShapeError(`MLP: t must have shape [${x.shape[0]}], got ${shapeToString(t.shape)}`);
    const emb = embed(t);
    let h = emb ? concat([x, emb], 1) : x;
    const last = p.layers.length - 1;
    p.layers.forEach((l, i) => {
      h = i < last ? dense(h, l.W, l.b, config.activation, act) : dense(h, l.W, l.b, 'none', (z) => z);
    });
    return h;
  };
  return { config, buffers: { fourierW }, init: { layers }, apply };
}

/** Divide a model's output by a per-sample scale s(t) (e.g. σ(t)), given as a function of the t tensor. */
export function scaleOutput<P>(model: ScoreModel<P>, scale: (t: Tensor) => Tensor): ScoreModel<P> {
  return (p, x, t) => div(model(p, x, t), reshape(scale(t), [t.shape[0], 1]));
}

/** Number of scalar parameters in a tree of tensors. */
export function parameterCount(tree: unknown): number {
  return treeLeaves(tree).reduce((n, t) => n + t.size, 0);
}
