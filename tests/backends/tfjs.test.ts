import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

describe('tfjs backend', () => {
  for (const spec of ['tfjs:wasm', 'tfjs:cpu']) {
    it(`${spec}: a 2000-step sampling loop keeps tfjs's tensor count flat; float64 is refused clearly`, async () => {
      const be = await sk.getBackend(spec);
      const vp = sk.vpSde();
      const mix = sk.gmm({ weights: [0.5, 0.5], means: [[-1, 0], [1, 0]], covs: [[[0.3, 0], [0, 0.3]], [[0.3, 0], [0, 0.3]]] });
      const x0 = vp.priorSample(sk.random.key(1), 64, 2, { backend: be });
      const before = be.memory!().numHandles!;
      const r = sk.integrate(sk.eulerMaruyama(vp, sk.exactScore(vp, mix)), x0, sk.timeGrid({ steps: 2000, eps: 1e-3 }), sk.random.key(2));
      assert.equal(be.memory!().numHandles! - before, 1, 'only the result survives');
      assert.equal(r.x.dtype, 'float32');
      r.x.dispose();
      assert.throws(() => sk.zeros([2], { backend: be, dtype: 'float64' }), /backend tfjs:\w+ does not support dtype float64/);
    });
  }
  it('tfjs:webgpu: a 200-step sampling loop keeps the tensor count flat', async () => {
    const be = await sk.getBackend('tfjs:webgpu');
    const cld = sk.cldSde();
    const mix = sk.gmm({ weights: [0.5, 0.5], means: [[-1, 0], [1, 0]], covs: [[[0.3, 0], [0, 0.3]], [[0.3, 0], [0, 0.3]]] });
    const x0 = cld.priorSample(sk.random.key(1), 64, 2, { backend: be });
    const before = be.memory!().numHandles!;
    const r = sk.integrate(sk.sscs(cld, sk.exactScore(cld, mix)), x0, sk.timeGrid({ steps: 200, eps: 1e-3 }), sk.random.key(2));
    assert.ok(Number.isFinite((await r.x.data())[0]));
    assert.equal(be.memory!().numHandles! - before, 1, 'only the result survives');
    r.x.dispose();
  });
  it('tfjs:wasm: 1000 training steps keep the tensor count flat (only the final state survives)', async () => {
    const be = await sk.getBackend('tfjs:wasm');
    const vp = sk.vpSde();
    const net = sk.mlp({ inDim: 2, outDim: 2, width: 16, depth: 2, embedding: { kind: 'fourier', dim: 8, scale: 4 } }, sk.random.key(1), { backend: be });
    const data = sk.toyData('8gaussians', sk.random.key(5), 32, { backend: be });
    const cfg = { optimizer: { lr: 1e-3 } };
    const init = sk.trainInit(net.init, cfg);
    const initLeaves = new Set(sk.treeLeaves(init));
    const grown = async (steps: number): Promise<number> => {
      const before = be.memory!().numHandles!;
      const r = await sk.train(init, sk.random.key(2), { ...cfg, steps, loss: (p, b, k) => sk.qcsgmLoss(vp, net.apply, p, b, k, { lambda: 0.1 }), batch: () => data });
      const fresh = sk.treeLeaves(r.state).filter((t) => !initLeaves.has(t));
      const delta = be.memory!().numHandles! - before;
      assert.equal(delta, fresh.length, `after ${steps} steps: ${delta} new tensors, the final state has ${fresh.length}`);
      sk.dispose(fresh);
      return delta;
    };
    assert.equal(await grown(1000), await grown(10));
  });
  it("tfjs:auto names the engine it took; tfjs:tensorflow says how to install the CUDA engine when it is absent", async () => {
    const auto = await sk.getBackend('tfjs:auto');
    assert.match(auto.name, /^tfjs:(tensorflow|wasm|cpu)$/);
    let nodeGpu = true;
    try {
      await import('@tensorflow/tfjs-node-gpu' as string);
    } catch {
      nodeGpu = false;
    }
    if (nodeGpu) assert.equal((await sk.getBackend('tfjs:tensorflow')).name, 'tfjs:tensorflow');
    else {
      assert.equal(auto.name, 'tfjs:wasm');
      await assert.rejects(sk.getBackend('tfjs:tensorflow'), /tfjs-node-gpu did not load.*npm install @tensorflow\/tfjs-node-gpu.*CUDA 11\.2 and cuDNN 8\.1/);
    }
  });
  it('tfjs:wasm matches cpu:float32 on one SSCS trajectory with the same noise', async () => {
    const cld = sk.cldSde();
    const mix = sk.gmm({ weights: [1], means: [[0.5, -0.5]], covs: [[[0.4, 0.1], [0.1, 0.3]]] });
    const run = async (spec: string): Promise<Float32Array> => {
      const be = await sk.getBackend(spec);
      const x0 = cld.priorSample(sk.random.key(3), 128, 2, { backend: be, dtype: 'float32' });
      return Float32Array.from(await sk.integrate(sk.sscs(cld, sk.exactScore(cld, mix)), x0, sk.timeGrid({ steps: 100, eps: 1e-3 }), sk.random.key(4)).x.data());
    };
    const a = await run('tfjs:wasm');
    const b = await run('cpu:float32');
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    // 100 steps of float32 arithmetic on O(1) states: a few hundred ulps at most
    assert.ok(worst < 1e-4, `max |tfjs − cpu| over 100 SSCS steps = ${worst}`);
  });
});

describe('tfjs fused dense', () => {
  it('tf.fused.matMul (linear, relu) equals matmul + add + activation; other activations compose', async () => {
    const be = await sk.getBackend('tfjs:wasm');
    const mk = (s: number, shape: number[]) => sk.fromArray(sk.random.normalHost(sk.random.key(s), sk.sizeOf(shape)), { backend: be, shape });
    const [x, W, b] = [mk(1, [33, 20]), mk(2, [20, 7]), mk(3, [7])];
    for (const [act, f] of [['none', (h: sk.Tensor) => h], ['relu', sk.relu], ['silu', sk.silu]] as const) {
      const raw = (be as unknown as { dense: (...a: unknown[]) => unknown }).dense(x, W, b, act);
      assert.equal(raw === undefined, act === 'silu', `${act}: fused only where tfjs has the activation`);
      const fused = await sk.dense(x, W, b, act, f).data();
      const want = await f(sk.add(sk.matmul(x, W), b)).data();
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(fused[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])), `${act}[${i}]: ${fused[i]} vs ${want[i]}`);
    }
  });
});

describe('tfjs cross-checks', () => {
  it('first-order: core autodiff on tfjs:wasm = tf.grad of the same function written in tf ops', async () => {
    const be = await sk.getBackend('tfjs:wasm');
    const tf = (await import('@tensorflow/tfjs')) as unknown as typeof import('@tensorflow/tfjs');
    const xv = sk.random.normalHost(sk.random.key(1), 64 * 3);
    const wv = sk.random.normalHost(sk.random.key(2), 3 * 4).map((v) => v / 2);
    const x = sk.fromArray(xv, { backend: be, shape: [64, 3] });
    const W = sk.fromArray(wv, { backend: be, shape: [3, 4] });
    // f(W) = Σ softplus(tanh(xW))² · sigmoid(xW)
    const ours = sk.grad((w: sk.Tensor) => { const h = sk.matmul(x, w); return sk.sum(sk.mul(sk.square(sk.softplus(sk.tanh(h))), sk.sigmoid(h))); })(W).dataSync();
    const tx = tf.tensor2d(Float32Array.from(xv), [64, 3]);
    const theirs = tf.grad((w: import('@tensorflow/tfjs').Tensor) => { const h = tf.matMul(tx, w as import('@tensorflow/tfjs').Tensor2D); return tf.sum(tf.mul(tf.square(tf.softplus(tf.tanh(h))), tf.sigmoid(h))); })(tf.tensor2d(Float32Array.from(wv), [3, 4])).dataSync();
    for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - theirs[i]) <= 1e-5 * (1 + Math.abs(theirs[i])), `dW[${i}]: ${ours[i]} vs tf.grad ${theirs[i]}`);
  });
  it('200 DSM training steps: the loss curve on tfjs:wasm matches cpu:float32 (measured 5e-7 relative; bound 1e-5)', async () => {
    const vp = sk.vpSde();
    const mix = sk.gmm({ weights: [0.5, 0.5], means: [[-1, 0], [1, 0.5]], covs: [[[0.3, 0], [0, 0.3]], [[0.2, 0.05], [0.05, 0.3]]] });
    const curve = async (spec: string): Promise<Float64Array> => {
      const be = await sk.getBackend(spec);
      const net = sk.mlp({ inDim: 2, outDim: 2, width: 32, depth: 2, embedding: { kind: 'fourier', dim: 8, scale: 4 } }, sk.random.key(1), { backend: be, dtype: 'float32' });
      const cfg = { optimizer: { lr: 2e-3 } };
      const r = await sk.train(sk.trainInit(net.init, cfg), sk.random.key(2), {
        ...cfg, steps: 200, loss: (p, b, k) => sk.sdeDsmLoss(vp, net.apply, p, b, k),
        batch: (_i, k) => sk.gmmSample(mix, k, 128, { backend: be, dtype: 'float32' }),
      });
      return r.losses;
    };
    const a = await curve('tfjs:wasm');
    const b = await curve('cpu:float32');
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
    assert.ok(worst < 1e-5, `max relative difference of the loss curves ${worst}`);
  });
});
