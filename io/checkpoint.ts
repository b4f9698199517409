/**
 * Checkpoint files (Node): written atomically (a temporary file in the same directory, fsync'ed, then
 * renamed over the target), so a crash never leaves a half-written checkpoint; read with every
 * format check of core/checkpoint/format.ts. A path ending in `.safetensors` is written as safetensors
 * (core/checkpoint/safetensors-checkpoint.ts), any other in the SKCKPT format; reading goes by the
 * file's first bytes (SKCKPT v1/v2 by their magic, safetensors by its header length and '{').
 */
import { promises as fs } from 'node:fs';
import { readInput } from './files.js';
import { tempPathFor, trackTemp, untrackTemp, writeNewFileSynced } from './outputs.js';
import { CHECKPOINT_MAGIC, type CheckpointContents, CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../core/checkpoint/format.js';
import { decodeSafetensorsCheckpoint, encodeSafetensorsCheckpoint } from '../core/checkpoint/safetensors-checkpoint.js';
import { looksLikeSafetensors } from '../core/checkpoint/safetensors.js';
import { packageVersion } from './version.js';
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

export type CheckpointFormat = 'skckpt' | 'safetensors';

/** The format a checkpoint path is written in: safetensors for `.safetensors`, else SKCKPT. */
export const checkpointFormatOf = (path: string): CheckpointFormat => (/\.safetensors$/i.test(path) ? 'safetensors' : 'skckpt');

export function encodeCheckpointAs(contents: CheckpointContents, format: CheckpointFormat = 'skckpt'): Uint8Array {
  return format === 'safetensors' ? encodeSafetensorsCheckpoint(contents, packageVersion()) : encodeCheckpoint(contents);
}

/** Decode checkpoint bytes of either format (SKCKPT by its magic bytes, else safetensors). */
export function decodeAnyCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents {
  const skckpt = bytes.length >= 6 && CHECKPOINT_MAGIC.subarray(0, 6).every((b, i) => bytes[i] === b);
  if (skckpt) return decodeCheckpoint(bytes, source);
  if (!looksLikeSafetensors(bytes)) throw new CheckpointError(`${source}: not a scorekit checkpoint (neither the SKCKPT magic bytes nor a safetensors header)`);
  const { meta, tensors } = decodeSafetensorsCheckpoint(bytes, source);
  return { meta, tensors };
}

export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, encodeCheckpointAs(contents, checkpointFormatOf(path)));
}

export async function loadCheckpoint(path: string): Promise<CheckpointContents> {
  return decodeAnyCheckpoint(await readInput(path, 'checkpoint'), path);
}

/** The checkpoint bytes of a training state (parameters, Adam moments, EMA, step) with metadata. */
export async function encodeTrainState<P>(state: TrainState<P>, meta: Record<string, unknown>, format: CheckpointFormat = 'skckpt'): Promise<Uint8Array> {
  const tensors = [
    ...(await storeTree(state.params, 'params')),
    ...(await storeTree(state.opt.m, 'adam.m')),
    ...(await storeTree(state.opt.v, 'adam.v')),
    ...(state.ema !== undefined ? await storeTree(state.ema, 'ema') : []),
  ];
  return encodeCheckpointAs({ meta: { ...meta, step: state.step, adamStep: state.opt.step, hasEma: state.ema !== undefined }, tensors }, format);
}

/** Save a training state (parameters, Adam moments, EMA, step) with metadata, atomically. */
export async function saveTrainState<P>(path: string, state: TrainState<P>, meta: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, await encodeTrainState(state, meta, checkpointFormatOf(path)));
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
