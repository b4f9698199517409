/**
 * Between trees of tensors and stored tensors: `storeTree` names every leaf by its path; `restoreTree`
 * rebuilds a tree like a template (e.g. a freshly initialised model), checking that every name exists
 * with the same shape and a compatible dtype (floats for floats: float64 ↔ float32 is rounding, int32 is
 * not a parameter), and that nothing is left over, so a checkpoint of another model is refused with
 * the first difference named.
 */
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import type { Backend } from '../tensor/backend.js';
import { shapesEqual } from '../tensor/shape.js';
import { namedLeaves, treeFlatten } from '../tree/index.js';
import { CheckpointError, type StoredTensor } from './format.js';

export async function storeTree(tree: unknown, prefix: string): Promise<StoredTensor[]> {
  const out: StoredTensor[] = [];
  for (const [name, t] of namedLeaves(tree, prefix)) out.push({ name, dtype: t.dtype, shape: [...t.shape], data: await t.data() });
  return out;
}

export function restoreTree<T>(template: T, stored: readonly StoredTensor[], prefix: string, opts: { backend?: Backend | string } = {}): T {
  const byName = new Map(stored.filter((s) => s.name === prefix || s.name.startsWith(`${prefix}.`)).map((s) => [s.name, s]));
  const [, def] = treeFlatten(template);
  const leaves: Tensor[] = namedLeaves(template, prefix).map(([name, t]) => {
    const s = byName.get(name);
    if (!s) throw new CheckpointError(`the checkpoint has no tensor '${name}' (is it a checkpoint of another model?)`);
    if (!shapesEqual(s.shape, t.shape)) {
      throw new CheckpointError(`tensor '${name}' has shape [${s.shape.join(', ')}] in the checkpoint, the model expects [${t.shape.join(', ')}]`);
    }
    if ((t.dtype === 'float32' || t.dtype === 'float64') !== (s.dtype === 'float32' || s.dtype === 'float64')) {
      throw new CheckpointError(`tensor '${name}' is ${s.dtype} in the checkpoint, the model expects ${t.dtype}`);
    }
    byName.delete(name);
    return fromArray(s.data, { backend: opts.backend ?? t.backend, dtype: t.dtype, shape: t.shape });
  });
  if (byName.size > 0) throw new CheckpointError(`the checkpoint has tensors the model does not: ${[...byName.keys()].slice(0, 5).join(', ')}`);
  return def.rebuild(leaves) as T;
}
