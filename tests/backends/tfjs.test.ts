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
