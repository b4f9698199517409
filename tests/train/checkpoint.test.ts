import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const net = sk.mlp({ inDim: 2, outDim: 2, width: 8, depth: 2, embedding: { kind: 'fourier', dim: 4 } }, sk.random.key(1));

async function contents(): Promise<sk.CheckpointContents> {
  const st = sk.trainInit(net.init, { optimizer: { lr: 1e-3 } });
  return {
    meta: { model: net.config, step: 7 },
    tensors: [...(await sk.storeTree(st.params, 'params')), ...(await sk.storeTree(st.opt.m, 'adam.m')), ...(await sk.storeTree({ z: sk.fromArray([1, 2], { dtype: 'int32' }) }, 'extra'))],
  };
}

describe('checkpoints', () => {
  it('round-trip: params, optimiser state and meta come back bit-identical', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'sk-'));
    const path = join(dir, 'model.ckpt');
    const c = await contents();
    await sk.saveCheckpoint(path, c);
    const back = await sk.loadCheckpoint(path);
    assert.deepEqual(back.meta, JSON.parse(JSON.stringify(c.meta)));
    const params = sk.restoreTree(net.init, back.tensors, 'params');
    for (const [i, l] of params.layers.entries()) assert.deepEqual([...l.W.dataSync()], [...net.init.layers[i].W.dataSync()]);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['model.ckpt'], 'no temporary file left behind');
  });
  it('truncated, corrupted, foreign and mismatched files give errors naming the problem', async () => {
    const bytes = sk.encodeCheckpoint(await contents());
    assert.throws(() => sk.decodeCheckpoint(bytes.subarray(0, 5)), /truncated: 5 bytes/);
    assert.throws(() => sk.decodeCheckpoint(bytes.subarray(0, bytes.length - 9)), /CRC-32 mismatch over the header and data/);
    const flipped = bytes.slice();
    flipped[flipped.length - 7] ^= 0xff;
    assert.throws(() => sk.decodeCheckpoint(flipped), /corrupted \(CRC-32 mismatch over the header and data\)/);
    const badHeader = bytes.slice();
    badHeader[14] = 0x7b ^ 0x01;
    assert.throws(() => sk.decodeCheckpoint(badHeader), /CRC-32 mismatch over the header and data/);
    assert.throws(() => sk.decodeCheckpoint(new TextEncoder().encode('{"weights": [1], "means": [[0]]}')), /not a scorekit checkpoint \(bad magic bytes\)/);
    const v3 = bytes.slice();
    v3[7] = 3;
    assert.throws(() => sk.decodeCheckpoint(v3), /format version 3 is not supported \(this scorekit reads versions 1 and 2\)/);
    // version 1 (a CRC of the data only) still reads, with its own checks
    const v1 = sk.encodeCheckpoint(await contents(), { version: 1 });
    assert.equal(v1[7], 1);
    assert.deepEqual(sk.decodeCheckpoint(v1), sk.decodeCheckpoint(bytes));
    assert.throws(() => sk.decodeCheckpoint(v1.subarray(0, v1.length - 9)), /truncated: the data needs/);
    assert.throws(() => sk.decodeCheckpoint(v1.subarray(0, 40)), /truncated: the header needs/);
    const v1flipped = v1.slice();
    v1flipped[v1flipped.length - 3] ^= 0xff;
    assert.throws(() => sk.decodeCheckpoint(v1flipped), /corrupted data \(CRC-32 mismatch\)/);
    const c = sk.decodeCheckpoint(bytes);
    const other = sk.mlp({ inDim: 4, outDim: 2, width: 8, depth: 2, embedding: { kind: 'fourier', dim: 4 } }, sk.random.key(1));
    assert.throws(() => sk.restoreTree(other.init, c.tensors, 'params'), /tensor 'params.layers.0.W' has shape \[6, 8\] in the checkpoint, the model expects \[8, 8\]/);
    const deeper = sk.mlp({ inDim: 2, outDim: 2, width: 8, depth: 3, embedding: { kind: 'fourier', dim: 4 } }, sk.random.key(1));
    assert.throws(() => sk.restoreTree(deeper.init, c.tensors, 'params'), /tensor 'params.layers.2.W' has shape \[8, 2\] in the checkpoint, the model expects \[8, 8\]/);
    const shallower = sk.mlp({ inDim: 2, outDim: 2, width: 8, depth: 1, embedding: { kind: 'fourier', dim: 4 } }, sk.random.key(1));
    assert.throws(() => sk.restoreTree(shallower.init, c.tensors, 'params'), /tensor 'params.layers.1.W' has shape \[8, 8\] in the checkpoint, the model expects \[8, 2\]/);
    const extra = [...c.tensors, { name: 'params.bonus', dtype: 'float64' as const, shape: [1], data: new Float64Array(1) }];
    assert.throws(() => sk.restoreTree(net.init, extra, 'params'), /tensors the model does not: params.bonus/);
    await assert.rejects(sk.loadCheckpoint('/nonexistent/x.ckpt'), /cannot read checkpoint \/nonexistent\/x.ckpt: ENOENT/);
  });
  it('a training state (params, Adam moments, EMA, step) survives save and load; resuming continues identically', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'sk-'));
    const path = join(dir, 'state.ckpt');
    const loss: sk.LossFn<sk.MlpParams> = (p, b, k) => sk.sdeDsmLoss(sk.vpSde(), net.apply, p, b, k);
    const cfg = { optimizer: { lr: 1e-2 }, emaDecay: 0.9 };
    const batch = (_i: number, k: sk.PRNGKey): sk.Tensor => sk.random.normal(k, [32, 2]);
    const a = await sk.train(sk.trainInit(net.init, cfg), sk.random.key(3), { ...cfg, loss, batch, steps: 5 });
    await sk.saveTrainState(path, a.state, { note: 'test' });
    const { state, meta } = await sk.loadTrainState(path, net.init);
    assert.equal(meta.note, 'test');
    assert.equal(state.step, 5);
    assert.equal(state.opt.step, 5);
    const next = (s: sk.TrainState<sk.MlpParams>) => sk.trainStep(loss, cfg, s, batch(0, sk.random.key(9)), sk.random.key(10)).state;
    assert.deepEqual([...next(state).params.layers[0].W.dataSync()], [...next(a.state).params.layers[0].W.dataSync()]);
    assert.deepEqual([...state.ema!.layers[2].b.dataSync()], [...a.state.ema!.layers[2].b.dataSync()]);
    await sk.saveCheckpoint(path, await contents());
    await assert.rejects(sk.loadTrainState(path, net.init), /not a training-state checkpoint/);
  });
  it('an interrupted write leaves the old file intact (atomic rename)', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'sk-'));
    const path = join(dir, 'a.ckpt');
    await sk.saveCheckpoint(path, await contents());
    const before = await fs.readFile(path);
    // writing into a directory that vanished fails before the rename: the target is untouched
    await assert.rejects(sk.writeFileAtomic(join(dir, 'missing', 'b.ckpt'), new Uint8Array(10)));
    await assert.rejects(sk.saveCheckpoint(path, { meta: {}, tensors: [{ name: 'x', dtype: 'float64', shape: [3], data: new Float64Array(2) }] }), /16 bytes for shape \[3\]/);
    assert.deepEqual(await fs.readFile(path), before);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['a.ckpt']);
  });
});
