import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { assertAllClose } from '../helpers.js';

describe('MLP score networks', () => {
  for (const embedding of [{ kind: 'fourier', dim: 16 }, { kind: 'sinusoidal', dim: 8 }, { kind: 'raw' }, { kind: 'none' }] as sk.Embedding[]) {
    it(`shapes and determinism with ${embedding.kind} time embedding`, () => {
      const a = sk.mlp({ inDim: 3, outDim: 2, width: 16, depth: 2, embedding }, sk.random.key(1));
      const b = sk.mlp({ inDim: 3, outDim: 2, width: 16, depth: 2, embedding }, sk.random.key(1));
      const x = sk.random.normal(sk.random.key(2), [5, 3]);
      const t = sk.random.uniform(sk.random.key(3), [5]);
      const y = a.apply(a.init, x, t);
      assert.deepEqual(y.shape, [5, 2]);
      assert.deepEqual([...y.dataSync()], [...b.apply(b.init, x, t).dataSync()]);
      assert.equal(a.init.layers.length, 3);
    });
  }
  it('time conditioning changes the output (fourier); the parameter count is as designed', () => {
    const m = sk.mlp({ inDim: 2, outDim: 2, width: 128, depth: 4, embedding: { kind: 'raw' } }, sk.random.key(1));
    // CLD-SGM's toy MLP: (2 + 1)·128 + 3·128·128 + 128·2 weights + 4·128 + 2 biases
    assert.equal(sk.parameterCount(m.init), 3 * 128 + 3 * 128 * 128 + 128 * 2 + 4 * 128 + 2);
    const f = sk.mlp({ inDim: 2, outDim: 2, width: 16, depth: 1, embedding: { kind: 'fourier', dim: 8, scale: 4 } }, sk.random.key(1));
    const x = sk.zeros([2, 2]);
    const y = f.apply(f.init, x, sk.fromArray([0.1, 0.9])).arraySync() as number[][];
    assert.notDeepEqual(y[0], y[1]);
  });
  it('scaleOutput divides by a per-sample scale', () => {
    const f = sk.mlp({ inDim: 2, outDim: 2, width: 8, depth: 1, embedding: { kind: 'none' } }, sk.random.key(1));
    const t = sk.fromArray([1, 2]);
    const x = sk.ones([2, 2]);
    const scaled = sk.scaleOutput(f.apply, (tt) => sk.mul(tt, 2))(f.init, x, t).arraySync() as number[][];
    const raw = f.apply(f.init, x, t).arraySync() as number[][];
    assert.ok(Math.abs(scaled[1][0] - raw[1][0] / 4) < 1e-15);
  });
  it('bad configurations and inputs are errors', () => {
    assert.throws(() => sk.mlp({ inDim: 0, outDim: 2, activation: 'gelu' as sk.Activation }, sk.random.key(1)), /inDim must be a positive integer.*unknown activation 'gelu'/);
    assert.throws(() => sk.mlp({ inDim: 2, outDim: 2, embedding: { kind: 'fourier', dim: 3 } }, sk.random.key(1)), /even integer/);
    const m = sk.mlp({ inDim: 2, outDim: 2, width: 4, depth: 1 }, sk.random.key(1));
    assert.throws(() => m.apply(m.init, sk.zeros([3, 3]), sk.zeros([3])), /input must have shape \[n, 2\], got \[3, 3\]/);
  });
  it('one-layer autoencoder: the tied model is conservative, the free one is not', () => {
    const x = sk.random.normal(sk.random.key(4), [6, 3]);
    const t = sk.zeros([6]);
    const pt = sk.oneLayerAeInit(sk.random.key(5), 3, 5, false);
    const pf = sk.oneLayerAeInit(sk.random.key(5), 3, 5, true);
    // tied score = W tanh(Wᵀx + b) + c, by autodiff of the energy
    const direct = sk.add(sk.matmul(sk.tanh(sk.add(sk.matmul(x, pt.W), pt.b)), sk.transpose(pt.W)), pt.c);
    assertAllClose(sk.oneLayerAeTied(pt, x, t).dataSync(), direct.dataSync(), 1e-12, 1e-12);
    for (const v of sk.asymmetryExact(sk.oneLayerAeTied, pt, x, t).asym.dataSync()) assert.ok(v < 1e-24);
    for (const v of sk.asymmetryExact(sk.oneLayerAeFree, pf, x, t).asym.dataSync()) assert.ok(v > 1e-6);
  });
});

describe('optimisers', () => {
  it('Adam minimises a quadratic; AdamW shrinks towards 0; warm-up scales the learning rate', () => {
    const target = sk.fromArray([1, -2, 3]);
    const loss = (p: { w: sk.Tensor }): sk.Tensor => sk.sum(sk.square(sk.sub(p.w, target)));
    let params = { w: sk.zeros([3]) };
    let st = sk.adamInit(params);
    for (let i = 0; i < 400; i++) {
      const g = sk.grad(loss)(params);
      const r = sk.adamUpdate(params, g, st, { lr: 0.05 });
      params = r.params;
      st = r.state;
    }
    assertAllClose(params.w.dataSync(), [1, -2, 3], 0, 1e-3, 'Adam');
    let pw = { w: sk.zeros([3]) };
    let sw = sk.adamInit(pw);
    for (let i = 0; i < 400; i++) {
      const r = sk.adamUpdate(pw, sk.grad(loss)(pw), sw, { lr: 0.05, weightDecay: 0.5 });
      pw = r.params;
      sw = r.state;
    }
    const w = pw.w.dataSync();
    assert.ok(Math.abs(w[2]) < 3 - 0.1 && w[2] > 0, `AdamW ${w[2]}`);
    assert.equal(sk.learningRate({ lr: 1, warmup: 10 }, 5), 0.5);
    assert.equal(sk.learningRate({ lr: 1, warmup: 10 }, 20), 1);
  });
  it('cosine decay: full rate after the warm-up, half-way at the midpoint, the final fraction at the end and after', () => {
    const c = { lr: 2, warmup: 10, decay: { kind: 'cosine' as const, steps: 100, final: 0.1 } };
    assert.equal(sk.learningRate(c, 5), 1 * (0.1 + 0.9));
    assert.equal(sk.learningRate(c, 10), 2);
    assert.ok(Math.abs(sk.learningRate(c, 60) - 2 * (0.1 + 0.45)) < 1e-12);
    assert.ok(Math.abs(sk.learningRate(c, 110) - 0.2) < 1e-12);
    assert.ok(Math.abs(sk.learningRate(c, 500) - 0.2) < 1e-12);
    for (let s = 11; s <= 110; s++) assert.ok(sk.learningRate(c, s) <= sk.learningRate(c, s - 1) + 1e-15, `not decreasing at ${s}`);
    assert.throws(() => sk.checkAdam({ lr: 1, decay: { kind: 'cosine', steps: 0, final: 0.1 } }), /decay\.steps/);
    assert.throws(() => sk.checkAdam({ lr: 1, decay: { kind: 'cosine', steps: 10, final: 1.5 } }), /decay\.final/);
  });
  it('gradient clipping bounds the first step by lr regardless of the gradient scale', () => {
    const p = { w: sk.zeros([2]) };
    const g = { w: sk.fromArray([3e6, 4e6]) };
    const r = sk.adamUpdate(p, g, sk.adamInit(p), { lr: 0.1, gradClip: 1 });
    assertAllClose(r.params.w.dataSync(), [-0.1, -0.1], 1e-6, 0);
    assert.ok(Math.abs(sk.globalNorm(g).itemSync() - 5e6) < 1e-6);
  });
  it('EMA follows ema ← d·ema + (1 − d)·params; bad settings are errors', () => {
    const e = sk.emaUpdate({ a: sk.fromArray([1]) }, { a: sk.fromArray([3]) }, 0.75);
    assert.equal(e.a.itemSync(), 1.5);
    assert.throws(() => sk.emaUpdate({ a: sk.fromArray([1]) }, { a: sk.fromArray([3]) }, 1), /decay must lie in \[0, 1\)/);
    assert.throws(() => sk.trainInit({}, { optimizer: { lr: -1, beta1: 1 } }), /lr must be a finite number > 0.*beta1 must lie in \[0, 1\)/);
  });
});

describe('toy data sets', () => {
  for (const name of sk.TOY_DATASETS) {
    it(`${name}: [n, 2], deterministic per key, finite`, () => {
      const a = sk.toyData(name, sk.random.key(1), 500);
      assert.deepEqual(a.shape, [500, 2]);
      assert.deepEqual([...a.dataSync()], [...sk.toyData(name, sk.random.key(1), 500).dataSync()]);
      assert.notDeepEqual([...a.dataSync()], [...sk.toyData(name, sk.random.key(2), 500).dataSync()]);
      assert.ok(a.dataSync().every(Number.isFinite));
    });
  }
  it('8gaussians sits on 8 centres of radius 4/1.414; checkerboard fills alternate cells', () => {
    const d = sk.toyData('8gaussians', sk.random.key(3), 2000).dataSync();
    let r = 0;
    for (let i = 0; i < 2000; i++) r += Math.hypot(d[2 * i], d[2 * i + 1]);
    assert.ok(Math.abs(r / 2000 - 4 / 1.414) < 0.1, `mean radius ${r / 2000}`);
    const c = sk.toyData('checkerboard', sk.random.key(4), 2000).dataSync();
    for (let i = 0; i < 2000; i++) {
      const cx = Math.floor(c[2 * i] / 2);
      const cy = Math.floor(c[2 * i + 1] / 2);
      assert.equal(((cx + cy) % 2 + 2) % 2, 0, `point ${c[2 * i]}, ${c[2 * i + 1]} in a white cell`);
    }
  });
  it('unknown names are refused with the list of names', () => {
    assert.throws(() => sk.toyData('spirals3', sk.random.key(1), 10), /unknown data set 'spirals3'; available: 8gaussians, checkerboard/);
  });
});

describe('sample distances', () => {
  it('sliced Wasserstein-2 of a shift a in D dimensions is ‖a‖/√D; energy distance separates', async () => {
    const x = sk.random.normal(sk.random.key(1), [3000, 2]);
    const y = sk.add(x, sk.fromArray([3, 4]));
    const sw = await sk.metrics.slicedWasserstein(x, y, sk.random.key(2), { projections: 2000 });
    assert.ok(Math.abs(sw - 5 / Math.SQRT2) < 0.05, `SW ${sw} vs ${5 / Math.SQRT2}`);
    const same = await sk.metrics.energyDistance(x, sk.random.normal(sk.random.key(3), [3000, 2]));
    const far = await sk.metrics.energyDistance(x, y);
    assert.ok(Math.abs(same) < 0.01 && far > 1, `energy distance ${same} / ${far}`);
    assert.ok((await sk.metrics.slicedWasserstein(x, sk.sliceAxis(x, 0, 0, 1000), sk.random.key(2))) < 0.1);
  });
});
