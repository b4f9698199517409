/**
 * Training on Gaussian paths end to end (CPU backend, float64): conditional flow matching on
 * rectified flow, the EDM loss with its preconditioning, and denoising regression in the ε form on
 * cosine VP and the v form on the VP path linear in log-SNR, on the 3-component mixture the sampler
 * tests use; the trained models' samples pass the MMD² threshold the exact oracle is held to.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as sk from '../../index.js';
import { MIX, mmdThreshold } from '../integrators/fixtures.js';

const n = 800;
let threshold = 0;
const reference = sk.gmmSample(MIX, sk.random.key(77), n);
before(async () => {
  threshold = await mmdThreshold(n);
});

const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
const netOf = () => sk.mlp({ inDim: 2, outDim: 2, width: 64, depth: 3, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, sk.random.key(1));

describe('trained models on Gaussian paths', () => {
  it('rectified flow, conditional flow matching (800 steps, batch 256): Euler samples of the velocity pass the MMD² threshold', async () => {
    const rf = sk.rfPath();
    const net = netOf();
    const init = sk.trainInit(net.init, { optimizer: { lr: 2e-3 }, emaDecay: 0.99 });
    const r = await sk.train(init, sk.random.key(2), {
      optimizer: { lr: 2e-3 }, emaDecay: 0.99, steps: 800,
      loss: (p, b, k) => sk.cfmLoss(rf, net.apply, p, b, k),
      batch: (_i, k) => sk.gmmSample(MIX, k, 256),
    });
    assert.ok(mean(r.losses.subarray(0, 50)) > mean(r.losses.subarray(-50)), 'the loss decreases');
    const u = (x: sk.Tensor, t: number): sk.Tensor => net.apply(r.state.ema!, x, sk.full([x.shape[0]], t));
    const grid = sk.pathTimeGrid(rf, { kind: 'uniform', steps: 100, tMin: 1e-3, tMax: 0.999 });
    const q = sk.samplePath(rf, u, 'velocity', sk.random.key(3), { n, d: 2, grid });
    const m = await sk.metrics.mmd2(q.x, reference);
    assert.ok(m < threshold, `trained model MMD² ${m} ≥ threshold ${threshold}`);
  });
  it('EDM loss with the preconditioned denoiser (800 steps, batch 256): Heun on the Karras grid passes the MMD² threshold', async () => {
    const edm = sk.edmPath({ sigmaData: 1.5 }); // about the mixture's per-coordinate standard deviation
    const net = netOf();
    const init = sk.trainInit(net.init, { optimizer: { lr: 2e-3 }, emaDecay: 0.99 });
    const r = await sk.train(init, sk.random.key(2), {
      optimizer: { lr: 2e-3 }, emaDecay: 0.99, steps: 800,
      loss: (p, b, k) => sk.edmLoss(edm, net.apply, p, b, k),
      batch: (_i, k) => sk.gmmSample(MIX, k, 256),
    });
    assert.ok(mean(r.losses.subarray(0, 50)) > mean(r.losses.subarray(-50)), 'the loss decreases');
    const D = (x: sk.Tensor, t: number): sk.Tensor => sk.edmDenoise(edm, net.apply, r.state.ema!, x, new Float64Array(x.shape[0]).fill(t));
    const grid = sk.pathTimeGrid(edm, { kind: 'karras', steps: 18 });
    const q = sk.samplePath(edm, D, 'x0', sk.random.key(3), { n, d: 2, grid, method: 'heun' });
    const m = await sk.metrics.mmd2(q.x, reference);
    assert.ok(m < threshold, `trained model MMD² ${m} ≥ threshold ${threshold}`);
  });
  for (const [name, path, param] of [['cosine VP', sk.vpCosinePath(), 'eps'], ['VP linear in log-SNR', sk.vpLogSnrPath(), 'v']] as const) {
    it(`${name}, denoising regression in the ${param} form (800 steps, batch 256): Heun on the log-SNR grid passes the MMD² threshold`, async () => {
      const net = netOf();
      const init = sk.trainInit(net.init, { optimizer: { lr: 2e-3 }, emaDecay: 0.99 });
      const r = await sk.train(init, sk.random.key(2), {
        optimizer: { lr: 2e-3 }, emaDecay: 0.99, steps: 800,
        loss: (p, b, k) => sk.pathDsmLoss(path, net.apply, p, b, k, { param }),
        batch: (_i, k) => sk.gmmSample(MIX, k, 256),
      });
      assert.ok(mean(r.losses.subarray(0, 50)) > mean(r.losses.subarray(-50)), 'the loss decreases');
      const F = (x: sk.Tensor, t: number): sk.Tensor => net.apply(r.state.ema!, x, sk.full([x.shape[0]], t));
      const grid = sk.pathTimeGrid(path, { kind: 'logsnr', steps: 40, tMin: 1e-3, tMax: path.T });
      grid[grid.length - 1] = 0;
      const q = sk.samplePath(path, F, param, sk.random.key(3), { n, d: 2, grid, method: 'heun' });
      const m = await sk.metrics.mmd2(q.x, reference);
      assert.ok(m < threshold, `trained model MMD² ${m} ≥ threshold ${threshold}`);
    });
  }
});
