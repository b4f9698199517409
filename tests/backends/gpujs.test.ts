/**
 * gpu.js backend: fused kernels against their composition, 100-step trajectories against the CPU
 * backend, flat memory over a 1000-step loop, clear errors. WebGPU runs on Mesa's llvmpipe here
 * (Dawn's GLES backend); where no adapter answers the webgpu cases are skipped with the reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../../index.js';
import type { GpujsBackend } from '../../backends/gpujs/backend.js';

const webgpu = await sk.getBackend('gpujs:webgpu').then(() => '', (e: Error) => e.message);
const MODES: [string, string][] = [['gpujs:webgpu', webgpu], ['gpujs:wasm', '']];
const SEED = Number(process.env.SCOREKIT_SEED ?? 20261122);

/** Max |a − b| / (|b| + 1). */
function worstRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + 1));
  return w;
}

async function values(t: sk.Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

for (const [spec, skip] of MODES) {
  describe(spec, { skip: skip ? `no WebGPU adapter here: ${skip}` : false }, () => {
    it('erf: the f32 kernel is within 4 ulp of the float64 reference on a dense grid of [−5, 5]', async () => {
      const n = 100001;
      const xs = Float32Array.from({ length: n }, (_, i) => -5 + (10 * i) / (n - 1));
      const got = await sk.erf(sk.fromArray(xs, { backend: await sk.getBackend(spec), dtype: 'float32' })).data();
      const want = sk.erf(sk.fromArray(xs, { backend: 'cpu:float64', dtype: 'float64' })).dataSync();
      const ulp = (v: number): number => 2 ** (Math.max(Math.floor(Math.log2(Math.abs(v) || 2 ** -126)), -126) - 23);
      let worst = 0;
      let at = 0;
      for (let i = 0; i < n; i++) {
        const e = Math.abs(got[i] - want[i]) / ulp(want[i]);
        if (e > worst) [worst, at] = [e, xs[i]];
      }
      assert.ok(worst <= 4, `${worst.toFixed(2)} ulp at x = ${at}`);
    });

    it('linearCombination: the fused kernel equals the composition from primitives on random shapes', async () => {
      const be = await sk.getBackend(spec);
      const ref = await sk.getBackend('cpu:float64');
      await fc.assert(fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: -3000, max: 3000 }).map((c) => c / 1000), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.nat(1e6),
        async (shape, coeffs, scalarMask, seed) => {
          // operands: the full shape, or a broadcast one (a trailing-axis row or a single value)
          const shapes = coeffs.map((_, i) => (scalarMask[i] ? (i % 2 ? [1] : [shape[shape.length - 1]]) : shape));
          const host = shapes.map((s, i) => Float32Array.from(sk.random.normalHost(sk.random.key(seed + i), sk.sizeOf(s))));
          const on = (b: sk.Backend, dtype: sk.FloatDType) => host.map((h, i) => sk.fromArray(h, { backend: b, dtype, shape: shapes[i] }));
          const fused = await values(sk.linearCombination(on(be, 'float32'), coeffs, shape));
          const want = await values(sk.linearCombination(on(ref, 'float64'), coeffs, shape));
          const scale = coeffs.reduce((s, c) => s + 4 * Math.abs(c), 0);
          const err = fused.reduce((w, v, i) => Math.max(w, Math.abs(v - want[i])), 0);
          assert.ok(err <= 8 * 2 ** -23 * scale * coeffs.length + Number.MIN_VALUE, `|fused − float64| = ${err} (seed ${SEED})`);
        }), { numRuns: 25, seed: SEED });
    });

    it('dense: the fused act(x·W + b) kernel equals matmul + add + activation, per activation', async () => {
      const be = (await sk.getBackend(spec)) as GpujsBackend;
      const ref = await sk.getBackend('cpu:float64');
      for (const act of ['none', 'silu', 'tanh', 'relu', 'softplus'] as const) {
        for (const [n, k, m] of [[5, 3, 4], [33, 64, 17], [8, 130, 2]]) {
          const mk = (b: sk.Backend, dtype: sk.FloatDType, s: number, shape: number[]) =>
            sk.fromArray(Float32Array.from(sk.random.normalHost(sk.random.key(s), sk.sizeOf(shape))), { backend: b, dtype, shape });
          const args = (b: sk.Backend, dt: sk.FloatDType) => [mk(b, dt, 1, [n, k]), mk(b, dt, 2, [k, m]), mk(b, dt, 3, [m])] as const;
          const compose = (h: sk.Tensor): sk.Tensor => ({ none: h, silu: sk.silu(h), tanh: sk.tanh(h), relu: sk.relu(h), softplus: sk.softplus(h) })[act];
          const [x, W, b] = args(be, 'float32');
          const raw = be.dense(x as unknown as sk.TensorInfo<never>, W as never, b as never, act);
          assert.ok(raw !== undefined, `${act}: the fused kernel ran`);
          be.dispose(raw);
          const fused = await values(sk.dense(x, W, b, act, compose));
          const [xr, Wr, br] = args(ref, 'float64');
          const want = await values(compose(sk.add(sk.matmul(xr, Wr), br)));
          // one sequential k-term dot product in float32 plus the activation: k·ε relative to Σ|terms|
          assert.ok(worstRel(fused, want) <= 4 * k * 2 ** -23 * 8, `${act} [${n},${k}]·[${k},${m}]: ${worstRel(fused, want)}`);
        }
      }
    });

    for (const [name, make] of [
      ['SSCS (CLD)', () => { const cld = sk.cldSde(); return { sde: cld as sk.Sde, step: (s: sk.ScoreFn) => sk.sscs(cld, s) }; }],
      ['predictor–corrector (VP)', () => { const vp = sk.vpSde(); return { sde: vp as sk.Sde, step: (s: sk.ScoreFn) => sk.predictorCorrector(sk.reverseDiffusion(vp, s, 100), sk.langevinCorrector(vp, s, { snr: 0.16, N: 100 })) }; }],
    ] as const) {
      it(`100 steps of ${name} with the same key agree with cpu:float64 to float32 accuracy`, async () => {
        const { sde, step } = make();
        const mix = sk.gmm({ weights: [0.3, 0.7], means: [[-1, 0.5], [1, -0.5]], covs: [[[0.3, 0.05], [0.05, 0.2]], [[0.25, 0], [0, 0.25]]] });
        const run = async (b: sk.Backend, dtype: sk.FloatDType) => {
          const x0 = sde.priorSample(sk.random.key(8), 256, 2, { backend: b, dtype });
          const r = sk.integrate(step(sk.exactScore(sde, mix)), x0, sk.timeGrid({ steps: 100, eps: 1e-3 }), sk.random.key(9));
          return values(r.x);
        };
        const got = await run(await sk.getBackend(spec), 'float32');
        const want = await run(await sk.getBackend('cpu:float64'), 'float64');
        const gotCpu32 = await run(await sk.getBackend('cpu:float32'), 'float32');
        const err = worstRel(got, want);
        // float32 accuracy = what cpu:float32 itself reaches on the same trajectory (within 4× of it, or 1e-4)
        const budget = Math.max(4 * worstRel(gotCpu32, want), 1e-4);
        assert.ok(err <= budget, `max relative |${spec} − float64| = ${err.toExponential(2)}; cpu:float32 reaches ${worstRel(gotCpu32, want).toExponential(2)}`);
      });
    }

    it('a 1000-step sampling loop keeps live device buffers flat', async () => {
      const be = (await sk.getBackend(spec)) as GpujsBackend;
      const vp = sk.vpSde();
      const mix = sk.gmm({ weights: [1], means: [[0, 0]], covs: [[[0.5, 0], [0, 0.5]]] });
      const x0 = vp.priorSample(sk.random.key(1), 16, 2, { backend: be });
      await be.flush();
      const before = be.memory();
      const r = sk.integrate(sk.eulerMaruyama(vp, sk.exactScore(vp, mix)), x0, sk.timeGrid({ steps: 1000, eps: 1e-3 }), sk.random.key(2));
      const x = await r.x.data();
      await be.flush();
      const after = be.memory();
      assert.equal(after.numHandles - before.numHandles, 1, 'only the result survives');
      assert.equal(after.numBytes - before.numBytes, 4 * 32);
      assert.ok(x.every(Number.isFinite));
      r.x.dispose();
    });
  });
}

describe('gpujs: errors name the problem', () => {
  it('float64, int32 values beyond 2^24 and oversize tensors are refused', async () => {
    const be = await sk.getBackend('gpujs:wasm');
    assert.throws(() => sk.zeros([2], { backend: be, dtype: 'float64' }), /float64/);
    assert.throws(() => sk.fromArray(Int32Array.of(1, 2 ** 25), { backend: be, dtype: 'int32' }), /beyond ±2\^24/);
    assert.throws(() => sk.zeros([4097, 4097], { backend: be, dtype: 'float32' }), /2\^24/);
  });
  it("'gpujs' with no variant is 'auto': webgpu where an adapter answers, else wasm, and the name says which", async () => {
    const be = await sk.getBackend('gpujs');
    assert.equal(be.name, webgpu ? 'gpujs:wasm' : 'gpujs:webgpu');
  });
});
