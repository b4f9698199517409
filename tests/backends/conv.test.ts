/**
 * conv2d on the gpu.js and tfjs engines against cpu:float64: forward and both gradients of a
 * convolution with strides and dilations both above 1 (tfjs's subsampled path), asymmetric padding
 * and two groups; and a training-like loop that leaves each engine's handle count flat.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { assertAllClose, hostNormal } from '../helpers.js';

const opts: sk.Conv2dOptions = { strides: [2, 1], dilations: [2, 2], padding: [1, 2, 0, 1], groups: 2 };
const xs = [2, 7, 6, 4];
const ws = [3, 2, 2, 6];
// float32-exact inputs: multiples of 2⁻⁸ in [−2, 2]
const xv = Float64Array.from(hostNormal(1, 2 * 7 * 6 * 4), (v) => Math.round(Math.max(-2, Math.min(2, v)) * 256) / 256);
const wv = Float64Array.from(hostNormal(2, 3 * 2 * 2 * 6), (v) => Math.round(Math.max(-2, Math.min(2, v)) * 128) / 256);

async function run(be: sk.Backend): Promise<Float64Array[]> {
  const kept = sk.tidy(() => {
    const x = sk.fromArray(xv, { backend: be, shape: xs, dtype: be.defaultFloat });
    const w = sk.fromArray(wv, { backend: be, shape: ws, dtype: be.defaultFloat });
    const f = ([a, b]: sk.Tensor[]): sk.Tensor => sk.conv2d(a, b, opts);
    const y = f([x, w]);
    const u = sk.sin(sk.mul(sk.reshape(sk.arange(0, y.size, 1, { backend: be, dtype: be.defaultFloat }), y.shape), 0.37));
    const [gx, gw] = sk.vjp(f, [x, w]).vjp(u);
    return [y, gx, gw];
  });
  const out = await Promise.all(kept.map(async (t) => Float64Array.from(await t.data())));
  for (const t of kept) t.dispose();
  return out;
}

describe('conv2d on the gpu.js and tfjs engines', () => {
  for (const spec of ['gpujs:wasm', 'gpujs:cpu', 'tfjs:wasm', 'tfjs:cpu']) {
    it(`${spec}: forward, input and filter gradients equal cpu:float64; handles stay flat`, async () => {
      const be = await sk.getBackend(spec);
      const want = await run(await sk.getBackend('cpu:float64'));
      const got = await run(be);
      ['output', 'input gradient', 'filter gradient'].forEach((what, i) => assertAllClose(got[i], want[i], 1e-5, 2e-5, `${spec} ${what}`));
      const before = be.memory!().numHandles!;
      for (let r = 0; r < 3; r++) await run(be);
      assert.equal(be.memory!().numHandles! - before, 0, 'no handle survives');
    });
  }
});
