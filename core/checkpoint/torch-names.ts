/**
 * A name map from PyTorch's MLP state dict to scorekit's MLP parameters (core/models/mlp.ts). A torch
 * MLP `nn.Sequential(Linear, act, Linear, act, …, Linear)` stores `PREFIX.K.weight` [out, in] and
 * `PREFIX.K.bias` [out] for each Linear at position K; scorekit's dense layer i computes h·W + b with
 * W [in, out], so the i-th Linear (in order of K) becomes `params.layers.i.W` = weightᵀ and `params.layers.i.b`.
 */
import { CheckpointError, type StoredTensor } from './format.js';
import { allocTyped } from '../tensor/dtype.js';

/** The transpose of a row-major [rows, cols] array. */
function transpose(t: StoredTensor, rows: number, cols: number): StoredTensor['data'] {
  const out = allocTyped(t.dtype, rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c];
  return out;
}

/** scorekit MLP tensors (named under `prefix`, default 'params') from a torch nn.Sequential MLP's state dict. */
export function torchMlpToScorekit(tensors: readonly StoredTensor[], opts: { prefix?: string } = {}): StoredTensor[] {
  const prefix = opts.prefix ?? 'params';
  const layers = new Map<number, { weight?: StoredTensor; bias?: StoredTensor }>();
  let seq: string | undefined;
  for (const t of tensors) {
    const m = /^(?:(.*)\.)?(\d+)\.(weight|bias)$/.exec(t.name);
    if (!m) throw new CheckpointError(`tensor '${t.name}' is not a weight or bias of an nn.Sequential Linear layer (names like net.0.weight)`);
    const s = m[1] ?? '';
    if (seq !== undefined && s !== seq) throw new CheckpointError(`tensors of two modules, '${seq}' and '${s}': the MLP is one nn.Sequential`);
    seq = s;
    const l = layers.get(Number(m[2])) ?? {};
    l[m[3] as 'weight' | 'bias'] = t;
    layers.set(Number(m[2]), l);
  }
  if (layers.size === 0) throw new CheckpointError('no Linear layers in the state dict');
  const out: StoredTensor[] = [];
  let inDim: number | undefined;
  [...layers.entries()].sort((a, b) => a[0] - b[0]).forEach(([k, { weight, bias }], i) => {
    const at = `${seq ? `${seq}.` : ''}${k}`;
    if (!weight || !bias) throw new CheckpointError(`layer ${at} has no ${weight ? 'bias' : 'weight'}`);
    if (weight.shape.length !== 2) throw new CheckpointError(`${at}.weight has shape [${weight.shape.join(', ')}], expected [out, in]`);
    const [o, n] = weight.shape;
    if (bias.shape.length !== 1 || bias.shape[0] !== o) throw new CheckpointError(`${at}.bias has shape [${bias.shape.join(', ')}], expected [${o}]`);
    if (inDim !== undefined && n !== inDim) throw new CheckpointError(`${at}.weight takes ${n} inputs, the layer before gives ${inDim}`);
    inDim = o;
    out.push({ name: `${prefix}.layers.${i}.W`, dtype: weight.dtype, shape: [n, o], data: transpose(weight, o, n) });
    out.push({ name: `${prefix}.layers.${i}.b`, dtype: bias.dtype, shape: [o], data: bias.data });
  });
  return out;
}
