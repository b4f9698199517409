/**
 * A small U-Net score network in the style of DDPM / NCSN++ (Ho et al. 2020, appendix B; Song et al.
 * 2021, score_sde's ncsnpp.py): a 3×3 input convolution; per resolution level `resBlocks` residual
 * blocks (GroupNorm → SiLU → 3×3 conv, plus a projection of the time embedding, → GroupNorm → SiLU →
 * 3×3 conv, skip added and the sum scaled by 1/√2), self-attention after each block of one level,
 * and 2×2 average pooling between levels; a middle block (residual, attention, residual); a decoder
 * mirroring the encoder with resBlocks + 1 blocks per level, each taking the concatenated skip
 * activation of the encoder, nearest ×2 upsampling followed by a 3×3 conv between levels; and
 * GroupNorm → SiLU → 3×3 conv to the image's channels. The time embedding is DDPM's sinusoidal
 * features of timeScale·t through dense → SiLU → dense.
 *
 * As a ScoreModel it maps x [n, H·W·C] (images flattened row-major, channels last) and t [n] to
 * [n, H·W·C], so the losses and samplers use it as any other model. Weights start LeCun-normal
 * (variance 1/fan-in), biases and norm shifts at 0, norm scales at 1.
 */
import { libm } from '../numerics/libm/index.js';
import { type PRNGKey, split } from '../random/key.js';
import { normal } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray, ones, zeros } from '../tensor/create.js';
import { add, cos, mul, silu, sin } from '../tensor/ops/elementwise.js';
import { concat, expandDims, reshape, sliceAxis } from '../tensor/ops/manipulate.js';
import { matmul } from '../tensor/ops/linalg.js';
import { avgPool2d, conv2d, upsampleNearest2d } from '../tensor/ops/conv.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import { tidy } from '../tensor/scope.js';
import type { ScoreModel } from './score-model.js';
import { type Dense, denseInit, type ModelOptions, parameterCount } from './mlp.js';
import { groupNorm } from './group-norm.js';
import { attention } from './attention.js';

export interface UnetConfig {
  /** Image height, width and channels. */
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Channels of the first level (default 32). */
  readonly baseChannels?: number;
  /** Channels of level l = baseChannels·channelMults[l] (default [1, 2, 2]: 28 → 14 → 7 on MNIST). */
  readonly channelMults?: readonly number[];
  /** Residual blocks per encoder level (default 1). */
  readonly resBlocks?: number;
  /** The level with self-attention (default the lowest resolution); the middle block always has it. */
  readonly attentionLevel?: number;
  /** Groups of every GroupNorm (default 8). */
  readonly groups?: number;
  /** t is embedded as timeScale·t (default 1000, DDPM's step index for t ∈ [0, 1]). */
  readonly timeScale?: number;
}

export interface ConvParams {
  readonly w: Tensor;
  readonly b: Tensor;
}
export interface NormParams {
  readonly gamma: Tensor;
  readonly beta: Tensor;
}
export interface ResBlockParams {
  readonly norm1: NormParams;
  readonly conv1: ConvParams;
  readonly temb: Dense;
  readonly norm2: NormParams;
  readonly conv2: ConvParams;
  /** A 1×1 convolution where the channel count changes, else empty. */
  readonly skip: readonly ConvParams[];
}
export interface AttentionParams {
  readonly norm: NormParams;
  /** C → 3C: queries, keys and values. */
  readonly qkv: Dense;
  readonly proj: Dense;
}
export interface UnetLevelParams {
  readonly res: readonly ResBlockParams[];
  readonly attn: readonly AttentionParams[];
}
export interface UnetParams {
  readonly temb1: Dense;
  readonly temb2: Dense;
  readonly convIn: ConvParams;
  readonly down: readonly UnetLevelParams[];
  readonly mid: { readonly res1: ResBlockParams; readonly attn: AttentionParams; readonly res2: ResBlockParams };
  /** Decoder levels, lowest resolution first; `upConv` (empty on the top level) follows each. */
  readonly up: readonly (UnetLevelParams & { readonly upConv: readonly ConvParams[] })[];
  readonly normOut: NormParams;
  readonly convOut: ConvParams;
}

export interface Unet {
  readonly config: Required<UnetConfig>;
  readonly init: UnetParams;
  readonly apply: ScoreModel<UnetParams>;
  readonly parameterCount: number;
  /** Floating-point operations of one sample's forward pass: 2 per multiply-add of its convolutions and matrix products. */
  readonly flopsPerSample: number;
}

/** Counts 2·(multiply-adds) of convolutions and matrix products when present. */
type Meter = { flops: number } | null;

function conv(m: Meter, x: Tensor, p: ConvParams, pad: number): Tensor {
  const y = conv2d(x, p.w, { padding: pad });
  if (m) m.flops += 2 * y.size * p.w.shape[0] * p.w.shape[1] * p.w.shape[2];
  return add(y, p.b);
}

function linear(m: Meter, x: Tensor, p: Dense): Tensor {
  if (m) m.flops += 2 * (x.size / x.shape[x.rank - 1]) * p.W.shape[0] * p.W.shape[1];
  return add(matmul(x, p.W), p.b);
}

const SQRT1_2 = Math.SQRT1_2;

function resBlock(m: Meter, x: Tensor, emb: Tensor, p: ResBlockParams, G: number): Tensor {
  const [N] = x.shape;
  let h = conv(m, silu(groupNorm(x, G, p.norm1.gamma, p.norm1.beta)), p.conv1, 1);
  const e = linear(m, silu(emb), p.temb);
  h = add(h, reshape(e, [N, 1, 1, e.shape[1]]));
  h = conv(m, silu(groupNorm(h, G, p.norm2.gamma, p.norm2.beta)), p.conv2, 1);
  const skip = p.skip.length ? conv(m, x, p.skip[0], 0) : x;
  return mul(add(h, skip), SQRT1_2);
}

function attnBlock(m: Meter, x: Tensor, p: AttentionParams, G: number): Tensor {
  const [N, H, W, C] = x.shape;
  const h = reshape(groupNorm(x, G, p.norm.gamma, p.norm.beta), [N, H * W, C]);
  const qkv = linear(m, h, p.qkv);
  const [q, k, v] = [0, 1, 2].map((i) => sliceAxis(qkv, 2, i * C, C));
  if (m) m.flops += 2 * 2 * N * (H * W) * (H * W) * C; // QKᵀ and its product with V
  const o = linear(m, attention(q, k, v), p.proj);
  return mul(add(x, reshape(o, [N, H, W, C])), SQRT1_2);
}

function checkConfig(c: Required<UnetConfig>): void {
  const posInt = (v: number, name: string): void => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`U-Net: ${name} must be a positive integer, got ${v}`);
  };
  posInt(c.height, 'height');
  posInt(c.width, 'width');
  posInt(c.channels, 'channels');
  posInt(c.baseChannels, 'baseChannels');
  posInt(c.resBlocks, 'resBlocks');
  posInt(c.groups, 'groups');
  if (c.baseChannels % 2 !== 0) throw new RangeError(`U-Net: baseChannels must be even (sine and cosine time features), got ${c.baseChannels}`);
  if (c.channelMults.length < 1) throw new RangeError('U-Net: channelMults must list at least one level');
  c.channelMults.forEach((v) => posInt(v, 'every channel multiplier'));
  const f = 2 ** (c.channelMults.length - 1);
  if (c.height % f !== 0 || c.width % f !== 0) {
    throw new RangeError(`U-Net: ${c.height}×${c.width} does not halve ${c.channelMults.length - 1} times (needs multiples of ${f})`);
  }
  for (const mult of c.channelMults) {
    if ((c.baseChannels * mult) % c.groups !== 0) throw new RangeError(`U-Net: ${c.baseChannels * mult} channels do not split into ${c.groups} groups`);
  }
  if (!Number.isInteger(c.attentionLevel) || c.attentionLevel < 0 || c.attentionLevel >= c.channelMults.length) {
    throw new RangeError(`U-Net: attentionLevel ${c.attentionLevel} is not a level (0 … ${c.channelMults.length - 1})`);
  }
}

export function unet(cfg: UnetConfig, key: PRNGKey, opts: ModelOptions = {}): Unet {
  const mults = cfg.channelMults ?? [1, 2, 2];
  const config: Required<UnetConfig> = {
    baseChannels: 32, resBlocks: 1, groups: 8, timeScale: 1000, attentionLevel: mults.length - 1, ...cfg, channelMults: mults,
  };
  checkConfig(config);
  const { height: H, width: W, channels: C, baseChannels: B, resBlocks: R, groups: G } = config;
  const E = 4 * B;
  let keyCount = 0;
  const keys = split(key, 4096);
  const next = (): PRNGKey => keys[keyCount++];
  const convInit = (kh: number, cin: number, cout: number): ConvParams => ({
    w: normal(next(), [kh, kh, cin, cout], { ...opts, scale: 1 / Math.sqrt(kh * kh * cin) }),
    b: zeros([cout], opts),
  });
  const normInit = (c: number): NormParams => ({ gamma: ones([c], opts), beta: zeros([c], opts) });
  const resInit = (cin: number, cout: number): ResBlockParams => ({
    norm1: normInit(cin), conv1: convInit(3, cin, cout), temb: denseInit(next(), E, cout, opts),
    norm2: normInit(cout), conv2: convInit(3, cout, cout), skip: cin === cout ? [] : [convInit(1, cin, cout)],
  });
  const attnInit = (c: number): AttentionParams => ({ norm: normInit(c), qkv: denseInit(next(), c, 3 * c, opts), proj: denseInit(next(), c, c, opts) });

  const L = mults.length;
  const chans: number[] = [B]; // channels of the encoder's skip activations, in order
  let ch = B;
  const down: UnetLevelParams[] = [];
  for (let l = 0; l < L; l++) {
    const out = B * mults[l];
    const res: ResBlockParams[] = [];
    const attn: AttentionParams[] = [];
    for (let r = 0; r < R; r++) {
      res.push(resInit(ch, out));
      ch = out;
      if (l === config.attentionLevel) attn.push(attnInit(ch));
      chans.push(ch);
    }
    if (l < L - 1) chans.push(ch);
    down.push({ res, attn });
  }
  const mid = { res1: resInit(ch, ch), attn: attnInit(ch), res2: resInit(ch, ch) };
  const up: UnetParams['up'][number][] = [];
  for (let l = L - 1; l >= 0; l--) {
    const out = B * mults[l];
    const res: ResBlockParams[] = [];
    const attn: AttentionParams[] = [];
    for (let r = 0; r <= R; r++) {
      res.push(resInit(ch + chans.pop()!, out));
      ch = out;
      if (l === config.attentionLevel) attn.push(attnInit(ch));
    }
    up.push({ res, attn, upConv: l > 0 ? [convInit(3, ch, ch)] : [] });
  }
  const init: UnetParams = {
    temb1: denseInit(next(), B, E, opts), temb2: denseInit(next(), E, E, opts),
    convIn: convInit(3, C, B), down, mid, up, normOut: normInit(ch), convOut: convInit(3, ch, C),
  };

  const half = B / 2;
  const freqs = Float64Array.from({ length: half }, (_, i) => libm.exp((-libm.log(10000) * i) / Math.max(1, half - 1)));

  const forward = (m: Meter, p: UnetParams, x: Tensor, t: Tensor): Tensor => {
    if (x.rank !== 2 || x.shape[1] !== H * W * C) throw new ShapeError(`U-Net: input must have shape [n, ${H * W * C}] (${H}×${W}×${C} images), got ${shapeToString(x.shape)}`);
    if (t.rank !== 1 || t.shape[0] !== x.shape[0]) throw new ShapeError(`U-Net: t must have shape [${x.shape[0]}], got ${shapeToString(t.shape)}`);
    const N = x.shape[0];
    const a = mul(mul(reshape(t, [N, 1]), config.timeScale), expandDims(fromArray(freqs, { backend: t.backend, dtype: x.dtype }), 0));
    const emb = linear(m, silu(linear(m, concat([sin(a), cos(a)], 1), p.temb1)), p.temb2);
    let h = conv(m, reshape(x, [N, H, W, C]), p.convIn, 1);
    const hs: Tensor[] = [h];
    p.down.forEach((lv, l) => {
      lv.res.forEach((rp, r) => {
        h = resBlock(m, h, emb, rp, G);
        if (lv.attn.length) h = attnBlock(m, h, lv.attn[r], G);
        hs.push(h);
      });
      if (l < L - 1) {
        h = avgPool2d(h, 2);
        hs.push(h);
      }
    });
    h = resBlock(m, h, emb, p.mid.res1, G);
    h = attnBlock(m, h, p.mid.attn, G);
    h = resBlock(m, h, emb, p.mid.res2, G);
    for (const lv of p.up) {
      lv.res.forEach((rp, r) => {
        h = resBlock(m, concat([h, hs.pop()!], 3), emb, rp, G);
        if (lv.attn.length) h = attnBlock(m, h, lv.attn[r], G);
      });
      if (lv.upConv.length) h = conv(m, upsampleNearest2d(h, 2), lv.upConv[0], 1);
    }
    h = conv(m, silu(groupNorm(h, G, p.normOut.gamma, p.normOut.beta)), p.convOut, 1);
    return reshape(h, [N, H * W * C]);
  };

  const apply: ScoreModel<UnetParams> = (p, x, t) => forward(null, p, x, t);
  const meter = { flops: 0 };
  tidy(() => {
    forward(meter, init, zeros([1, H * W * C], opts), zeros([1], opts));
  });
  return { config, init, apply, parameterCount: parameterCount(init), flopsPerSample: meter.flops };
}
