import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { INTEROP_FIXTURES, INTEROP_META, interopNet, interopTrainState } from '../fixtures/interop-checkpoint.js';

const fixture = (name: string): string => join(INTEROP_FIXTURES, name);
const hasPythonReader = spawnSync('/usr/bin/python3', ['-c', 'import json, struct'], { encoding: 'utf8' }).status === 0;

const mixed = (): sk.CheckpointContents => ({
  meta: { model: { kind: 'mlp', width: 3 }, step: 5 },
  tensors: [
    { name: 'b', dtype: 'float32', shape: [3], data: Float32Array.from([1.5, -2, 3]) },
    { name: 'a', dtype: 'float64', shape: [2, 2], data: Float64Array.from([Math.PI, -0, 1e-300, 7]) },
    { name: 'i', dtype: 'int32', shape: [1], data: Int32Array.from([-9]) },
    { name: 'z', dtype: 'bool', shape: [3], data: Uint8Array.from([1, 0, 1]) },
    { name: 'e', dtype: 'float64', shape: [0], data: new Float64Array(0) },
  ],
});

describe('safetensors checkpoints', () => {
  it('round-trip every dtype; the header is space-padded to 8 bytes and the data tiles the buffer', () => {
    const bytes = sk.encodeSafetensorsCheckpoint(mixed(), '9.9.9');
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + n) % 8, 0);
    assert.match(new TextDecoder().decode(bytes.subarray(8, 8 + n)), /^\{.*\} *$/);
    const back = sk.decodeSafetensorsCheckpoint(bytes);
    assert.equal(back.version, '9.9.9');
    assert.deepEqual(back.meta, mixed().meta);
    const byName = new Map(back.tensors.map((t) => [t.name, t]));
    for (const t of mixed().tensors) assert.deepEqual(byName.get(t.name), t);
    assert.deepEqual(sk.decodeAnyCheckpoint(bytes).meta, mixed().meta);
  });

  it('every flipped header or data byte is refused with an error naming the problem', () => {
    const bytes = sk.encodeSafetensorsCheckpoint(mixed(), '1.0.0');
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] ^= 0x01;
      assert.throws(() => sk.decodeAnyCheckpoint(bad, 'm.safetensors'), (e: Error) => e instanceof sk.CheckpointError && /^m\.safetensors: (corrupted|truncated|\d+ unexpected|tensor|not a scorekit checkpoint)/.test(e.message), `byte ${i}`);
    }
    const flipData = bytes.slice();
    flipData[bytes.length - 20] ^= 0x80;
    assert.throws(() => sk.decodeAnyCheckpoint(flipData, 'm'), /m: corrupted \(CRC-32 mismatch over the header and data\)/);
    assert.throws(() => sk.decodeAnyCheckpoint(bytes.subarray(0, bytes.length - 1), 'm'), /m: truncated: the data needs/);
    assert.throws(() => sk.decodeAnyCheckpoint(bytes.subarray(0, 5), 'm'), /m: not a scorekit checkpoint/);
    assert.throws(() => sk.decodeSafetensors(bytes.subarray(0, 5), 'm'), /m: truncated: 5 bytes/);
    assert.throws(() => sk.decodeAnyCheckpoint(new TextEncoder().encode('hello, no checkpoint'), 'm'), /m: not a scorekit checkpoint \(neither the SKCKPT magic bytes nor a safetensors header\)/);
  });

  it('training states save as .safetensors by extension; SKCKPT files (v1, v2) still load', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'sk-st-'));
    const st = interopTrainState();
    const net = interopNet();
    for (const file of ['m.safetensors', 'm.ckpt']) {
      await sk.saveTrainState(join(dir, file), st, INTEROP_META);
      const { state, meta } = await sk.loadTrainState(join(dir, file), net.init);
      assert.equal(meta.note, INTEROP_META.note);
      assert.equal(state.opt.step, 3);
      for (const [k, tree] of [['params', st.params], ['m', st.opt.m], ['v', st.opt.v], ['ema', st.ema!]] as const) {
        const got = k === 'params' ? state.params : k === 'm' ? state.opt.m : k === 'v' ? state.opt.v : state.ema!;
        assert.deepEqual([...got.layers[1].W.dataSync()], [...tree.layers[1].W.dataSync()], `${file} ${k}`);
      }
    }
    const head = await fs.readFile(join(dir, 'm.ckpt'));
    assert.equal(new TextDecoder().decode(head.subarray(0, 6)), 'SKCKPT');
    const v1 = sk.encodeCheckpoint(mixed(), { version: 1 });
    assert.deepEqual(sk.decodeAnyCheckpoint(v1).meta, mixed().meta);
  });

  it('a file scorekit wrote reads in the from-the-spec Python reader (committed values)', async () => {
    const bytes = readFileSync(fixture('scorekit-written.safetensors'));
    const read = JSON.parse(readFileSync(fixture('scorekit-written.read.json'), 'utf8')) as Record<string, { dtype: string; shape: number[]; values: number[] }> & { __metadata__: Record<string, string> };
    const ours = sk.decodeSafetensorsCheckpoint(bytes, 'fixture');
    assert.deepEqual(JSON.parse(read.__metadata__['scorekit.meta']), ours.meta);
    assert.equal(Object.keys(read).length - 1, ours.tensors.length);
    for (const t of ours.tensors) {
      assert.deepEqual(read[t.name].shape, t.shape, t.name);
      assert.deepEqual(read[t.name].values, [...t.data], t.name);
    }
    // the fixture is the current writer's output for the fixture state
    const fresh = sk.decodeSafetensorsCheckpoint(await sk.encodeTrainState(interopTrainState(), INTEROP_META, 'safetensors'));
    assert.deepEqual(fresh.tensors, ours.tensors);
  });

  it('the Python reader reads a freshly written file (when python3 is present)', { skip: hasPythonReader ? false : 'no /usr/bin/python3' }, async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'sk-st-'));
    await sk.saveCheckpoint(join(dir, 'x.safetensors'), mixed());
    const r = spawnSync('/usr/bin/python3', [join(INTEROP_FIXTURES, '../../../tools/fixtures/read_safetensors.py'), join(dir, 'x.safetensors')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const read = JSON.parse(r.stdout) as Record<string, { values: number[] }>;
    for (const t of mixed().tensors) assert.deepEqual(read[t.name].values.map(Number), [...t.data].map(Number), t.name);
  });

  it('a safetensors file written by Python loads into the MLP through the torch name map', async () => {
    const c = await sk.loadCheckpoint(fixture('mlp-vp.safetensors'));
    assert.deepEqual(c.meta, {});
    const stored = sk.torchMlpToScorekit(c.tensors);
    assert.deepEqual(stored.map((t) => `${t.name}[${t.shape.join(',')}]`), ['params.layers.0.W[3,16]', 'params.layers.0.b[16]', 'params.layers.1.W[16,16]', 'params.layers.1.b[16]', 'params.layers.2.W[16,2]', 'params.layers.2.b[2]']);
    const net = sk.mlp({ inDim: 2, outDim: 2, width: 16, depth: 2, embedding: { kind: 'raw' } }, sk.random.key(0));
    const params = sk.restoreTree(net.init, stored, 'params');
    const e = JSON.parse(readFileSync(fixture('mlp-vp.expected.json'), 'utf8')) as { x: number[][]; t: number[]; score: number[][] };
    const y = net.apply(params, sk.fromArray(e.x), sk.fromArray(e.t)).dataSync();
    const want = e.score.flat();
    assert.ok(want.every((v, i) => Math.abs(v - y[i]) <= 1e-5), `native MLP vs torch: ${[...y].slice(0, 4)} vs ${want.slice(0, 4)}`);
    assert.throws(() => sk.torchMlpToScorekit([{ name: 'fc.weight', dtype: 'float32', shape: [2, 2], data: new Float32Array(4) }]), /'fc.weight' is not a weight or bias of an nn.Sequential Linear layer/);
    assert.throws(() => sk.torchMlpToScorekit(c.tensors.filter((t) => t.name !== 'net.2.bias')), /layer net.2 has no bias/);
  });
});
