/**
 * Checkpoint files (Node): written atomically (a temporary file in the same directory, fsync'ed, then
 * renamed over the target), so a crash never leaves a half-written checkpoint; read with every
 * format check of core/checkpoint/format.ts.
 */
import { promises as fs } from 'node:fs';
import { readInput } from './files.js';
import { tempPathFor, trackTemp, untrackTemp, writeNewFileSynced } from './outputs.js';
import { type CheckpointContents, CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../core/checkpoint/format.js';
import { restoreTree, storeTree } from '../core/checkpoint/restore.js';
import type { TrainState } from '../core/train/train.js';
import type { Backend } from '../core/tensor/backend.js';

/** Write bytes to `path` atomically. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = tempPathFor(path);
  trackTemp(tmp);
  try {
    await writeNewFileSynced(tmp, bytes);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  } finally {
    untrackTemp(tmp);
  }
}

export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(contents));
}

export async function loadCheckpoint(path: string): Promise<CheckpointContents> {
  return decodeCheckpoint(await readInput(path, 'checkpoint'), path);
}

/** The checkpoint bytes of a training state (parameters, Adam moments, EMA, step) with metadata. */
export async function encodeTrainState<P>(state: TrainState<P>, meta: Record<string, unknown>): Promise<Uint8Array> {
  const tensors = [
    ...(await storeTree(state.params, 'params')),
    ...(await storeTree(state.opt.m, 'adam.m')),
    ...(await storeTree(state.opt.v, 'adam.v')),
    ...(state.ema !== undefined ? await storeTree(state.ema, 'ema') : []),
  ];
  return encodeCheckpoint({ meta: { ...meta, step: state.step, adamStep: state.opt.step, hasEma: state.ema !== undefined }, tensors });
}

/** Save a training state (parameters, Adam moments, EMA, step) with metadata, atomically. */
export async function saveTrainState<P>(path: string, state: TrainState<P>, meta: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, await encodeTrainState(state, meta));
}

/** Load a training state saved by saveTrainState into the structure of `template` (e.g. a fresh model's params). */
export async function loadTrainState<P>(path: string, template: P, opts: { backend?: Backend | string } = {}): Promise<{ state: TrainState<P>; meta: Record<string, unknown> }> {
  const c = await loadCheckpoint(path);
  const adamStep = c.meta.adamStep;
  const step = c.meta.step;
  if (!Number.isInteger(adamStep) || !Number.isInteger(step)) throw new CheckpointError(`${path}: not a training-state checkpoint (no step counters in its metadata)`);
  const state: TrainState<P> = {
    params: restoreTree(template, c.tensors, 'params', opts),
    opt: { step: adamStep as number, m: restoreTree(template, c.tensors, 'adam.m', opts), v: restoreTree(template, c.tensors, 'adam.v', opts) },
    ema: c.meta.hasEma ? restoreTree(template, c.tensors, 'ema', opts) : undefined,
    step: step as number,
  };
  return { state, meta: c.meta };
}
