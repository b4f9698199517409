/**
 * A small convolutional classifier of 28×28 grey-scale digits (LeNet-style, LeCun et al. 1998):
 *   x [n, 784] → [n, 28, 28, 1] → conv 5×5/2 'same' → ReLU → [n, 14, 14, c1]
 *   → conv 5×5/2 'same' → ReLU → [n, 7, 7, c2] → flatten → dense → logits [n, 10].
 * Pixels are in [−1, 1] (the data convention of the score models). Weights start He-normal
 * (variance 2/fan-in, He et al. 2015), biases at 0, all from one explicit key.
 */
import { type PRNGKey, split } from '../random/key.js';
import { normal } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { add, relu } from '../tensor/ops/elementwise.js';
import { reshape } from '../tensor/ops/manipulate.js';
import { matmul } from '../tensor/ops/linalg.js';
import { conv2d } from '../tensor/ops/conv.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { ModelOptions, Dense } from './mlp.js';
import type { ConvParams } from './unet.js';

export const DIGIT_SIDE = 28;
export const DIGIT_CLASSES = 10;

export interface DigitClassifierConfig {
  /** Channels of the two convolutions (default 16 and 32). */
  readonly channels?: readonly [number, number];
}

export interface DigitClassifierParams {
  readonly conv1: ConvParams;
  readonly conv2: ConvParams;
  readonly out: Dense;
}

export interface DigitClassifier {
  readonly channels: readonly [number, number];
  readonly init: DigitClassifierParams;
  /** (params, x [n, 784]) → logits [n, 10]. */
  readonly apply: (params: DigitClassifierParams, x: Tensor) => Tensor;
}

export function digitClassifier(key: PRNGKey, cfg: DigitClassifierConfig = {}, opts: ModelOptions = {}): DigitClassifier {
  const channels = cfg.channels ?? [16, 32];
  if (!channels.every((c) => Number.isInteger(c) && c >= 1)) throw new RangeError(`digitClassifier: channels must be positive integers, got ${JSON.stringify(channels)}`);
  const [c1, c2] = channels;
  const [k1, k2, k3] = split(key, 3);
  const he = (k: PRNGKey, shape: number[], fanIn: number): Tensor => normal(k, shape, { ...opts, scale: Math.sqrt(2 / fanIn) });
  const flat = 7 * 7 * c2;
  const init: DigitClassifierParams = {
    conv1: { w: he(k1, [5, 5, 1, c1], 25), b: zeros([c1], opts) },
    conv2: { w: he(k2, [5, 5, c1, c2], 25 * c1), b: zeros([c2], opts) },
    out: { W: normal(k3, [flat, DIGIT_CLASSES], { ...opts, scale: 1 / Math.sqrt(flat) }), b: zeros([DIGIT_CLASSES], opts) },
  };
  const apply = (p: DigitClassifierParams, x: Tensor): Tensor => {
    if (x.rank !== 2 || x.shape[1] !== DIGIT_SIDE * DIGIT_SIDE) throw new ShapeError(`digitClassifier: input must be [n, 784] (28×28 digits), got ${shapeToString(x.shape)}`);
    const n = x.shape[0];
    const h1 = relu(add(conv2d(reshape(x, [n, DIGIT_SIDE, DIGIT_SIDE, 1]), p.conv1.w, { strides: 2, padding: 'same' }), p.conv1.b));
    const h2 = relu(add(conv2d(h1, p.conv2.w, { strides: 2, padding: 'same' }), p.conv2.b));
    return add(matmul(reshape(h2, [n, flat]), p.out.W), p.out.b);
  };
  return { channels, init, apply };
}
