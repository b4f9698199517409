/**
 * The sampler registry says what its samplers do: declared noise draws, NFE and row coupling match
 * the steppers it builds on every SDE it supports; unsupported pairs are refused with the reason;
 * fixed-grid samplers run through runSampler with the bits of sample(); drivers run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { MIX } from './fixtures.js';

const SDES: sk.Sde[] = [sk.veSde({ sigmaMax: 10 }), sk.vpSde(), sk.subVpSde(), sk.cldSde(), sk.edmSde(), sk.rfSde(), sk.vpCosineSde(), sk.vpLogSnrSde()];

describe('sampler registry', () => {
  it('names are the keys, and every entry declares a title, options and a support rule', () => {
    assert.ok(sk.SAMPLER_NAMES.length >= 12);
    for (const n of sk.SAMPLER_NAMES) {
      const s = sk.SAMPLERS[n];
      assert.equal(s.name, n);
      assert.ok(s.title.length > 10, `${n}: title`);
      assert.equal(sk.samplerByName(n), s);
    }
    assert.throws(() => sk.samplerByName('leapfrog'), /unknown sampler 'leapfrog'; use one of em, rd/);
  });

  for (const sde of SDES) {
    it(`on ${sde.kind}: declared noise draws, NFE per step and row coupling are the built steppers'`, () => {
      const score = sk.exactScore(sde, MIX);
      for (const n of sk.SAMPLER_NAMES) {
        const s = sk.SAMPLERS[n];
        const why = s.supports(sde);
        if (why !== null) {
          assert.throws(() => sk.checkSupports(s, sde), new RegExp(`sampler '${n}' ${why.replace(/[()*]/g, '\\$&')}`));
          continue;
        }
        if (s.grid !== 'fixed') continue;
        const st = s.stepper(sde, score, { steps: 24, eps: 1e-3 });
        assert.equal(st.noiseDraws, s.noiseDraws, `${n}: noise draws`);
        assert.equal(st.nfePerStep, s.nfePerStep, `${n}: NFE per step`);
        assert.equal(!!st.batchCoupled, s.batchCoupled, `${n}: coupling`);
      }
    });
  }

  it('every supported pair runs from the prior; a fixed-grid run is sample() bit for bit; NFE counts the denoising step', async () => {
    for (const sde of SDES) {
      const score = sk.exactScore(sde, MIX);
      for (const n of sk.SAMPLER_NAMES) {
        const s = sk.SAMPLERS[n];
        if (s.supports(sde) !== null) continue;
        const o = { n: 16, d: 2, steps: 24, eps: 1e-3, denoise: { kind: sk.defaultDenoise(sde), score } };
        const r = await sk.runSampler(sk.random.key(2), s, sde, score, o);
        const x = await r.x.data();
        assert.equal(x.length, 16 * sde.stateDim(2), `${sde.kind} ${n}: shape`);
        assert.ok(x.every(Number.isFinite), `${sde.kind} ${n}: finite samples`);
        if (s.grid === 'fixed') {
          const ref = sk.sample(sk.random.key(2), { ...o, sde, stepper: s.stepper(sde, score, o) });
          assert.deepEqual(Array.from(x), Array.from(ref.x.dataSync()), `${sde.kind} ${n}: runSampler ≠ sample`);
          // Reversible Heun also evaluates F(ŷ₀) on its first step
          assert.equal(r.nfe, 24 * s.nfePerStep! + 1 + (n === 'reversible-heun' ? 1 : 0));
          assert.equal(ref.nfe, r.nfe, `${sde.kind} ${n}: sample() counts the same NFE`);
        } else assert.ok(r.nfe > 1, `${sde.kind} ${n}: NFE ${r.nfe}`);
      }
    }
  });

  it('drivers refuse trajectories and noise sources; chunkable samplers are fixed-grid with independent rows', async () => {
    const vp = sk.vpSde();
    const score = sk.exactScore(vp, MIX);
    await assert.rejects(sk.runSampler(sk.random.key(0), sk.SAMPLERS['ode-dopri5'], vp, score, { n: 4, d: 2, steps: 5, trajectory: true }), /trajectory needs a fixed-grid sampler/);
    await assert.rejects(sk.runSampler(sk.random.key(0), sk.SAMPLERS['ode-dopri5'], vp, score, { n: 4, d: 2, steps: 5, noise: sk.stepStream(sk.random.key(1)) }), /noise source needs a fixed-grid sampler/);
    assert.deepEqual(sk.SAMPLER_NAMES.filter((n) => !sk.chunkable(sk.SAMPLERS[n])), ['pc', 'ald', 'ode-dopri5', 'ode-dopri5-per-sample', 'adaptive']);
  });

  it('a noise source replaces the default stream, and the default stream is stepStream of the key\'s noise half', () => {
    const vp = sk.vpSde();
    const score = sk.exactScore(vp, MIX);
    const st = sk.eulerMaruyama(vp, score);
    const base = { sde: vp, stepper: st, n: 8, d: 2, steps: 6 };
    const a = sk.sample(sk.random.key(4), base).x.dataSync();
    const b = sk.sample(sk.random.key(4), { ...base, noise: sk.stepStream(sk.samplingKeys(sk.random.key(4)).noise) }).x.dataSync();
    assert.deepEqual(Array.from(a), Array.from(b));
    // a source that doubles the noise changes the result, and the driver passes it each step's times
    const seen: [number, number][] = [];
    const loud: sk.NoiseSource = {
      step: (i, t, tNext, draws, like, row) => {
        seen.push([t, tNext]);
        return sk.stepNoise(sk.random.key(8), i, draws, like, row).map((z) => sk.mul(z, 2));
      },
    };
    const c = sk.sample(sk.random.key(4), { ...base, noise: loud });
    assert.notDeepEqual(Array.from(c.x.dataSync()), Array.from(a));
    assert.deepEqual(seen.map(([t]) => t), Array.from(c.grid.subarray(0, 6)));
  });
});
