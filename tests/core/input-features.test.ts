import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

describe('Fourier input features', () => {
  it('γ(x) = [x, sin 2πxB, cos 2πxB] with B ~ N(0, σ²) from the key, and a model sees γ(x)', () => {
    const f = sk.inputFourierFeatures(sk.random.key(3), 2, 5, 0.5);
    assert.equal(f.outDim, 12);
    const B = f.B.dataSync();
    const xs = [0.3, -1.2, 2.5, 0.7];
    const g = f.apply(sk.fromArray(xs, { shape: [2, 2] })).dataSync();
    for (let r = 0; r < 2; r++) for (let j = 0; j < 5; j++) {
      const z = xs[2 * r] * B[j] + xs[2 * r + 1] * B[5 + j];
      assert.ok(Math.abs(g[12 * r + 2 + j] - Math.sin(z)) < 1e-12 && Math.abs(g[12 * r + 7 + j] - Math.cos(z)) < 1e-12, `row ${r} feature ${j}`);
    }
    assert.deepEqual(Array.from(g.subarray(0, 2)), xs.slice(0, 2));
    // the frequencies have standard deviation 2πσ
    const big = Array.from(sk.inputFourierFeatures(sk.random.key(4), 4, 4000, 0.5).B.dataSync());
    const sd = Math.sqrt(big.reduce((a, v) => a + v * v, 0) / big.length);
    assert.ok(Math.abs(sd / (2 * Math.PI * 0.5) - 1) < 0.03, `sd ${sd}`);
    assert.deepEqual(Array.from(sk.inputFourierFeatures(sk.random.key(3), 2, 5, 0.5).B.dataSync()), Array.from(B), 'the same key gives the same B');
    const net = sk.mlp({ inDim: 12, outDim: 2, width: 8, depth: 1 }, sk.random.key(5));
    const model = sk.withInputFeatures(net.apply, f);
    const x = sk.fromArray(xs, { shape: [2, 2] });
    const t = sk.fromArray([0.1, 0.9]);
    assert.deepEqual(Array.from(model(net.init, x, t).dataSync()), Array.from(net.apply(net.init, f.apply(x), t).dataSync()));
  });
  it('refuses bad sizes and inputs of the wrong width', () => {
    assert.throws(() => sk.inputFourierFeatures(sk.random.key(0), 2, 0, 1), /number of features/);
    assert.throws(() => sk.inputFourierFeatures(sk.random.key(0), 2, 4, -1), /frequency scale/);
    assert.throws(() => sk.inputFourierFeatures(sk.random.key(0), 2, 4, 1).apply(sk.zeros([3, 3])), /shape \[n, 2\]/);
  });
});
