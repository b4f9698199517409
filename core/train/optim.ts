/**
 * Optimisers as pure functions on parameter trees (optax-style): Adam (Kingma & Ba 2015) and AdamW
 * (decoupled weight decay, Loshchilov & Hutter 2019), linear learning-rate warm-up, cosine decay
 * (SGDR, Loshchilov & Hutter 2017, without restarts), clipping of the
 * global gradient norm, and an exponential moving average of the parameters (score_sde: EMA 0.999
 * for CLD toys, 0.9999 on images).
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/create.js';
import { add, div, minimum, mul, sqrt, square, sub } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import { mapTree, treeLeaves } from '../tree/index.js';

export interface AdamConfig {
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** Decoupled weight decay (AdamW); 0 gives Adam. */
  readonly weightDecay?: number;
  /** Linear warm-up over this many steps (score_sde: 5000 on images; 0 = none). */
  readonly warmup?: number;
  /** Clip the global gradient norm to this value (score_sde: 1). */
  readonly gradClip?: number;
  /**
   * Cosine decay after the warm-up: lr·(f + (1 − f)·(1 + cos(π·s/S))/2) at step s after the warm-up, S = `steps`
   * (the run's length), f = `final` (the fraction of lr left at the end); lr·f after S.
   */
  readonly decay?: { readonly kind: 'cosine'; readonly steps: number; readonly final: number };
}

export interface AdamState<P> {
  readonly step: number;
  readonly m: P;
  readonly v: P;
}

export function checkAdam(c: AdamConfig): void {
  const errs: string[] = [];
  if (!(c.lr > 0 && Number.isFinite(c.lr))) errs.push(`lr must be a finite number > 0, got ${c.lr}`);
  for (const [k, v] of [['beta1', c.beta1], ['beta2', c.beta2]] as const) if (v !== undefined && !(v >= 0 && v < 1)) errs.push(`${k} must lie in [0, 1), got ${v}`);
  if (c.eps !== undefined && !(c.eps > 0)) errs.push(`eps must be > 0, got ${c.eps}`);
  if (c.weightDecay !== undefined && !(c.weightDecay >= 0)) errs.push(`weightDecay must be ≥ 0, got ${c.weightDecay}`);
  if (c.warmup !== undefined && !(Number.isInteger(c.warmup) && c.warmup >= 0)) errs.push(`warmup must be an integer ≥ 0, got ${c.warmup}`);
  if (c.gradClip !== undefined && !(c.gradClip > 0)) errs.push(`gradClip must be > 0, got ${c.gradClip}`);
  if (c.decay !== undefined) {
    if (!(Number.isInteger(c.decay.steps) && c.decay.steps >= 1)) errs.push(`decay.steps must be an integer ≥ 1, got ${c.decay.steps}`);
    if (!(c.decay.final >= 0 && c.decay.final <= 1)) errs.push(`decay.final must lie in [0, 1], got ${c.decay.final}`);
  }
  if (errs.length) throw new RangeError(`Adam: ${errs.join('; ')}`);
}

export function adamInit<P>(params: P): AdamState<P> {
  return { step: 0, m: mapTree((x) => zerosLike(x), params), v: mapTree((x) => zerosLike(x), params) };
}

/** √(Σ ‖g‖²) over all leaves: a scalar tensor. */
export function globalNorm(tree: unknown): Tensor {
  const leaves = treeLeaves(tree);
  let acc = sum(square(leaves[0]));
  for (let i = 1; i < leaves.length; i++) acc = add(acc, sum(square(leaves[i])));
  return sqrt(acc);
}

export function learningRate(c: AdamConfig, step: number): number {
  const warm = c.warmup ? Math.min(1, step / c.warmup) : 1;
  if (!c.decay) return c.lr * warm;
  const f = c.decay.final;
  const s = Math.min(Math.max(step - (c.warmup ?? 0), 0), c.decay.steps) / c.decay.steps;
  return c.lr * warm * (f + ((1 - f) * (1 + libm.cos(Math.PI * s))) / 2);
}

/** One Adam(W) update; `step` counts from 1. */
export function adamUpdate<P>(params: P, grads: P, state: AdamState<P>, c: AdamConfig): { params: P; state: AdamState<P> } {
  const b1 = c.beta1 ?? 0.9;
  const b2 = c.beta2 ?? 0.999;
  const eps = c.eps ?? 1e-8;
  const wd = c.weightDecay ?? 0;
  const step = state.step + 1;
  let g = grads;
  if (c.gradClip !== undefined) {
    // scale = min(1, clip/‖g‖), computed on the device (‖g‖ = 0 gives ∞ → 1)
    const scale = minimum(div(c.gradClip, globalNorm(grads)), 1);
    g = mapTree((x) => mul(x, scale), grads);
  }
  const m = mapTree((mi, gi) => add(mul(mi, b1), mul(gi, 1 - b1)), state.m, g);
  const v = mapTree((vi, gi) => add(mul(vi, b2), mul(square(gi), 1 - b2)), state.v, g);
  const lr = learningRate(c, step);
  const c1 = 1 / (1 - libm.pow(b1, step));
  const c2 = 1 / (1 - libm.pow(b2, step));
  const newParams = mapTree(
    (p, mi, vi) => {
      const upd = div(mul(mi, c1), add(sqrt(mul(vi, c2)), eps));
      const withDecay = wd > 0 ? add(upd, mul(p, wd)) : upd;
      return sub(p, mul(withDecay, lr));
    },
    params, m, v,
  );
  return { params: newParams, state: { step, m, v } };
}

/** EMA of parameters: ema ← decay·ema + (1 − decay)·params. */
export function emaUpdate<P>(ema: P, params: P, decay: number): P {
  if (!(decay >= 0 && decay < 1)) throw new RangeError(`EMA decay must lie in [0, 1), got ${decay}`);
  return mapTree((e, p) => add(mul(e, decay), mul(p, 1 - decay)), ema, params);
}
