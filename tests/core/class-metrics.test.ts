/** The class report, nearest-neighbour distances, stratified split and softmax cross-entropy against direct computations. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

describe('class report', () => {
  it('counts predictions, confidence and classes present', () => {
    const p = [0.05, 0.95, 0, /**/ 0.5, 0.3, 0.2, /**/ 0.02, 0.97, 0.01, /**/ 0.1, 0.1, 0.8];
    const r = sk.metrics.classReport(p, 3);
    assert.deepEqual(Array.from(r.predicted), [1, 0, 1, 2]);
    assert.deepEqual(r.histogram, [0.25, 0.5, 0.25]);
    assert.ok(Math.abs(r.meanConfidence - (0.95 + 0.5 + 0.97 + 0.8) / 4) < 1e-15);
    assert.equal(r.confidentFraction, 0.5);
    assert.equal(r.classesPresent, 3);
    assert.equal(sk.metrics.classReport(p, 3, 0.75).confidentFraction, 0.75);
    assert.throws(() => sk.metrics.classReport([0.5, 0.5, 1], 2), /not a non-empty whole number of rows of 2/);
    assert.throws(() => sk.metrics.classReport([1], 1, 1), /threshold must be in \[0, 1\)/);
    assert.throws(() => sk.metrics.classReport([NaN, NaN], 2), /probability NaN in row 0/);
  });
});

describe('nearest-neighbour distances', () => {
  it('equal brute force over every chunk size, and vanish on copies', async () => {
    const seed = 11;
    const [ka, kb] = sk.random.split(sk.random.key(seed), 2);
    const x = sk.random.normal(ka, [7, 5]);
    const ref = sk.random.normal(kb, [13, 5]);
    const xs = await x.data();
    const rs = await ref.data();
    const want = Array.from({ length: 7 }, (_, i) => Math.min(...Array.from({ length: 13 }, (_, j) => Math.hypot(...Array.from({ length: 5 }, (_, k) => xs[i * 5 + k] - rs[j * 5 + k])))));
    for (const chunk of [1, 4, 13, 100]) {
      const got = await sk.metrics.nearestNeighbourDistances(x, ref, chunk).data();
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-12, `seed ${seed} chunk ${chunk} row ${i}: ${g} vs ${want[i]}`));
    }
    const self = await sk.metrics.nearestNeighbourDistances(ref, ref).data();
    assert.ok(self.every((d) => d < 1e-6), `copies are at distance 0: ${Array.from(self)}`);
    assert.throws(() => sk.metrics.nearestNeighbourDistances(x, sk.zeros([3, 4])), /x \[m, d\] and a non-empty reference/);
  });
});

describe('stratified split', () => {
  it('holds out the last ⌈f·n_c⌉ of each class, disjoint and complete', () => {
    const labels = [0, 1, 0, 0, 2, 1, 0, 1, 1, 0, 2];
    const s = sk.stratifiedSplit(labels, 0.3);
    assert.deepEqual(Array.from(s.test), [6, 7, 8, 9, 10]);
    assert.deepEqual([...s.train, ...s.test].sort((a, b) => a - b), labels.map((_, i) => i));
    assert.throws(() => sk.stratifiedSplit(labels, 1), /test fraction must be in \(0, 1\)/);
  });
});

describe('softmax cross-entropy', () => {
  it('is the mean negative log-probability, and its gradient softmax − y over n', async () => {
    const z = sk.fromArray([1, 2, 3, -1, 0, 4], { shape: [2, 3] });
    const y = sk.fromArray([0, 0, 1, 1, 0, 0], { shape: [2, 3] });
    const zs = [[1, 2, 3], [-1, 0, 4]];
    const lse = zs.map((r) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0)));
    const want = (lse[0] - 3 + lse[1] + 1) / 2;
    assert.ok(Math.abs(sk.softmaxCrossEntropy(z, y).itemSync() - want) < 1e-14);
    const g = await sk.grad((t: sk.Tensor) => sk.softmaxCrossEntropy(t, y))(z).data();
    const yy = [0, 0, 1, 1, 0, 0];
    g.forEach((v, i) => {
      const r = Math.floor(i / 3);
      assert.ok(Math.abs(v - (Math.exp(zs[r][i % 3] - lse[r]) - yy[i]) / 2) < 1e-14, `entry ${i}`);
    });
    assert.throws(() => sk.softmaxCrossEntropy(z, sk.zeros([2, 2])), /logits and targets must both be \[n, K\]/);
  });
});
