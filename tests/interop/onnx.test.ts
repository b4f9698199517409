import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as sk from '../../index.js';
import { INTEROP_FIXTURES } from '../fixtures/interop-checkpoint.js';

const fixture = (name: string): string => join(INTEROP_FIXTURES, name);

/** The native MLP of a fixture network (scorekit's MLP with the raw time input), its weights by the torch name map. */
async function native(name: string, inDim: number, outDim: number): Promise<sk.ScoreFn> {
  const net = sk.mlp({ inDim, outDim, width: 16, depth: 2, embedding: { kind: 'raw' } }, sk.random.key(0));
  const params = sk.restoreTree(net.init, sk.torchMlpToScorekit((await sk.loadCheckpoint(fixture(`${name}.safetensors`))).tensors), 'params');
  return (x, t) => net.apply(params, x, sk.full([x.shape[0]], t));
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('ONNX score functions', () => {
  const opened = new Map<string, Promise<sk.OnnxScore>>();
  const open = (name: string): Promise<sk.OnnxScore> => {
    if (!opened.has(name)) opened.set(name, sk.onnxScore(fixture(name)));
    return opened.get(name)!;
  };
  after(async () => {
    for (const o of opened.values()) await (await o).close();
  });

  for (const [name, inDim, outDim] of [['mlp-vp', 2, 2], ['mlp-cld', 4, 2]] as const) {
    it(`${name}: ONNX outputs match PyTorch and the native MLP loaded by the name map to 1e-5`, async () => {
      const o = await open(`${name}.onnx`);
      assert.deepEqual([o.inDim, o.outDim, o.type], [inDim, outDim, 'float32']);
      const e = JSON.parse(readFileSync(fixture(`${name}.expected.json`), 'utf8')) as { x: number[][]; t: number[]; score: number[][] };
      const x = sk.fromArray(e.x);
      const y = o.score.atRows(x, Float64Array.from(e.t)).dataSync();
      assert.ok(maxDiff(y, e.score.flat()) <= 1e-5, `ONNX vs torch: ${maxDiff(y, e.score.flat())}`);
      const net = await native(name, inDim, outDim);
      for (const [i, t] of e.t.entries()) {
        const row = sk.fromArray([e.x[i]]);
        const d = maxDiff(o.score(row, t).dataSync(), net(row, t).dataSync());
        assert.ok(d <= 1e-5, `ONNX vs native at t = ${t}: ${d}`);
      }
    });
  }

  for (const [sampler, name, sdeOf] of [['em', 'mlp-vp', () => sk.vpSde()], ['dpm-solver-2', 'mlp-vp', () => sk.vpSde()], ['sscs', 'mlp-cld', () => sk.cldSde()]] as const) {
    it(`${sampler} through ONNX matches the native run`, async () => {
      const sde = sdeOf();
      const o = await open(`${name}.onnx`);
      const net = await native(name, o.inDim, o.outDim);
      const run = async (score: sk.ScoreFn): Promise<Float64Array> =>
        Float64Array.from((await sk.runSampler(sk.random.key(3), sk.SAMPLERS[sampler], sde, score, { n: 64, d: 2, steps: 10, eps: 1e-3 })).x.dataSync());
      const [a, b] = [await run(o.score), await run(net)];
      const scale = Math.max(...b.map(Math.abs));
      assert.ok(maxDiff(a, b) <= 1e-6 * Math.max(1, scale), `${sampler}: ONNX vs native ${maxDiff(a, b)} (scale ${scale})`);
    });
  }

  it('the likelihood of an ONNX score takes finite differences and matches the native autodiff divergence', async () => {
    const sde = sk.vpSde();
    const o = await open('mlp-vp.onnx');
    const net = await native('mlp-vp', 2, 2);
    const x = sk.fromArray([[0.3, -0.2], [1.1, 0.4], [-0.7, 0.9]]);
    const [a, b] = [await sk.logLikelihood(sde, o.score, x), await sk.logLikelihood(sde, net, x)];
    const d = maxDiff(a.logp.dataSync(), b.logp.dataSync());
    assert.ok(d <= 1e-4, `logp ONNX vs native: ${d}`);
    assert.equal(sk.opaquePrecision(o.score), 2 ** -23);
    assert.equal(sk.opaquePrecision(net), undefined);
  });

  it('models of the wrong signature and files that are no ONNX model are refused naming the problem', async () => {
    await assert.rejects(sk.onnxScore(fixture('one-input.onnx')), /one-input.onnx: the model has 1 input \(x\), not 2; a score model takes x \[n, S\] and t \[n\]/);
    await assert.rejects(sk.onnxScore(fixture('mlp-vp.safetensors')), (e: Error) => e instanceof sk.OnnxModelError && /mlp-vp.safetensors: not an ONNX model onnxruntime can load/.test(e.message));
    await assert.rejects(sk.onnxScore(fixture('absent.onnx')), /cannot read ONNX model .*absent.onnx: ENOENT/);
    assert.throws(() => sk.checkOnnxSignature('m.onnx', [{ name: 'x', isTensor: true, type: 'float32', shape: ['n', 2] }, { name: 't', isTensor: true, type: 'float32', shape: ['n', 1] }], [{ name: 's', isTensor: true, type: 'float32', shape: ['n', 2] }]), /input 't' has shape \[n, 1\], not \[n\]/);
    assert.throws(() => sk.checkOnnxSignature('m.onnx', [{ name: 'x', isTensor: true, type: 'float32', shape: ['n', 'd'] }, { name: 't', isTensor: true, type: 'float32', shape: ['n'] }], [{ name: 's', isTensor: true, type: 'float32', shape: ['n', 2] }]), /input 'x' has shape \[n, d\], not \[n, S\] with a fixed S/);
    assert.throws(() => sk.checkOnnxSignature('m.onnx', [{ name: 'x', isTensor: true, type: 'int64', shape: ['n', 2] }, { name: 't', isTensor: true, type: 'float32', shape: ['n'] }], [{ name: 's', isTensor: true, type: 'float32', shape: ['n', 2] }]), /'x' is a int64 tensor, not float32 or float64/);
    const o = await open('mlp-vp.onnx');
    assert.throws(() => o.score(sk.fromArray([[1, 2, 3]]), 0.5), /the model takes x \[n, 2\] and t \[n\], got x \[1, 3\]/);
  });
});
