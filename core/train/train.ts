/**
 * Training: a pure `trainStep(state, batch, key) → { state, loss }` for any loss of the library
 * (second-order ones included: the loss is differentiated by the core autodiff), and a driver that
 * draws batches, reports progress (steps/s, loss) and runs periodic evaluations. Intermediates are
 * released each step; the state's tensors are the only ones kept.
 */
import { foldIn, type PRNGKey, split } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import { dispose, keep, tidy } from '../tensor/scope.js';
import { valueAndGrad } from '../autodiff/transforms.js';
import { treeLeaves } from '../tree/index.js';
import { type AdamConfig, adamInit, type AdamState, adamUpdate, checkAdam, emaUpdate } from './optim.js';

export type LossFn<P> = (params: P, batch: Tensor, key: PRNGKey) => Tensor;

export interface TrainState<P> {
  readonly params: P;
  readonly opt: AdamState<P>;
  /** EMA of the parameters (absent when emaDecay is not set). */
  readonly ema?: P;
  readonly step: number;
}

export interface TrainConfig {
  readonly optimizer: AdamConfig;
  /** EMA decay (e.g. 0.999); none when undefined. */
  readonly emaDecay?: number;
}

export function trainInit<P>(params: P, cfg: TrainConfig): TrainState<P> {
  checkAdam(cfg.optimizer);
  return { params, opt: adamInit(params), ema: cfg.emaDecay !== undefined ? params : undefined, step: 0 };
}

/** One optimisation step. Pure: returns a new state (the old one's tensors stay valid until disposed). */
export function trainStep<P>(loss: LossFn<P>, cfg: TrainConfig, state: TrainState<P>, batch: Tensor, k: PRNGKey): { state: TrainState<P>; loss: Tensor } {
  const { value, grad } = valueAndGrad((p: P) => loss(p, batch, k))(state.params);
  const upd = adamUpdate(state.params, grad, state.opt, cfg.optimizer);
  const ema = state.ema !== undefined && cfg.emaDecay !== undefined ? emaUpdate(state.ema, upd.params, cfg.emaDecay) : undefined;
  return { state: { params: upd.params, opt: upd.state, ema, step: state.step + 1 }, loss: value };
}

export interface TrainProgress {
  readonly step: number;
  readonly total: number;
  readonly loss: number;
  readonly stepsPerSecond: number;
}

export interface TrainOptions<P> extends TrainConfig {
  readonly loss: LossFn<P>;
  /** Batch for a step (e.g. a fresh draw from a data generator keyed by the step's key). */
  readonly batch: (step: number, key: PRNGKey) => Tensor;
  readonly steps: number;
  /** Called every `progressEvery` steps (default: 10% of the run). */
  readonly onProgress?: (p: TrainProgress) => void;
  readonly progressEvery?: number;
  /** Evaluation every `evalEvery` steps with the current state. */
  readonly evalEvery?: number;
  readonly onEval?: (state: TrainState<P>) => void | Promise<void>;
}

export interface TrainResult<P> {
  readonly state: TrainState<P>;
  /** Loss per step (read back once per step: training is host-driven). */
  readonly losses: Float64Array;
  readonly seconds: number;
}

export async function train<P>(init: TrainState<P>, k: PRNGKey, o: TrainOptions<P>): Promise<TrainResult<P>> {
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new RangeError(`train: steps must be a positive integer, got ${o.steps}`);
  const every = o.progressEvery ?? Math.max(1, Math.floor(o.steps / 10));
  const losses = new Float64Array(o.steps);
  const initLeaves = new Set(treeLeaves(init));
  let state = init;
  const t0 = performance.now();
  for (let i = 0; i < o.steps; i++) {
    const [kb, kl] = split(foldIn(k, i), 2);
    const r = tidy(() => {
      const out = trainStep(o.loss, o, state, o.batch(i, kb), kl);
      return { state: keep(out.state), loss: keep(out.loss) };
    });
    losses[i] = await r.loss.item();
    r.loss.dispose();
    if (!Number.isFinite(losses[i])) throw new Error(`train: the loss is ${losses[i]} at step ${i + 1}; lower the learning rate or check the data`);
    releaseReplaced(state, r.state, init, initLeaves);
    state = r.state;
    if (o.onProgress && ((i + 1) % every === 0 || i + 1 === o.steps)) {
      o.onProgress({ step: i + 1, total: o.steps, loss: losses[i], stepsPerSecond: (i + 1) / ((performance.now() - t0) / 1000) });
    }
    if (o.onEval && o.evalEvery && (i + 1) % o.evalEvery === 0) await o.onEval(state);
  }
  return { state, losses, seconds: (performance.now() - t0) / 1000 };
}

/** Dispose the tensors of the previous state that the new one does not reuse (never those of the initial state). */
function releaseReplaced<P>(prev: TrainState<P>, next: TrainState<P>, init: TrainState<P>, initLeaves: ReadonlySet<Tensor>): void {
  if (prev === init) return;
  const keepSet = new Set(treeLeaves(next));
  dispose(treeLeaves(prev).filter((t) => !keepSet.has(t) && !initLeaves.has(t)));
}
