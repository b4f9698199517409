/**
 * Sampling a batch in row chunks and on worker threads gives the single-run result bit for bit:
 * counter-based noise at row offsets, priors at row offsets, the chunked driver and the thread pool.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../../index.js';
import { cosSin2Pi } from '../../core/numerics/trig.js';
import { checkProperty, differingIndices } from '../helpers.js';
import { type JobArgs, mixtureJob } from '../fixtures/sample-jobs.js';

const seedArb = fc.integer({ min: 0, max: 2 ** 30 });
const jobsModule = new URL('../fixtures/sample-jobs.js', import.meta.url).href;
const job = (args: JobArgs, factory = 'mixtureJob'): sk.SampleJob => ({ module: jobsModule, factory, args });

const differing = (a: ArrayLike<number>, b: ArrayLike<number>): number => differingIndices(a, b).length;

describe('cos 2πu and sin 2πu of the Box–Muller transform', () => {
  it('are within 1e-15 of Math.cos and Math.sin, at the quadrant points exactly', () => {
    const cs = new Float64Array(2);
    const u = sk.random.uniformHost(sk.random.key(11), 200_000);
    let worst = 0;
    for (const v of [...u, 0, 0.125, 0.25, 0.5, 0.75, 1 - 2 ** -53, 2 ** -53]) {
      cosSin2Pi(v, cs);
      worst = Math.max(worst, Math.abs(cs[0] - Math.cos(2 * Math.PI * v)), Math.abs(cs[1] - Math.sin(2 * Math.PI * v)));
    }
    assert.ok(worst < 1e-15, `max error ${worst}`);
    for (const [v, c, s] of [[0, 1, 0], [0.25, 0, 1], [0.5, -1, 0], [0.75, 0, -1]]) {
      cosSin2Pi(v, cs);
      assert.ok(Math.abs(cs[0] - c) < 1e-16 && Math.abs(cs[1] - s) < 1e-16, `u = ${v}: ${cs[0]}, ${cs[1]}`);
    }
  });
});

describe('noise and priors at row offsets', () => {
  it('normal at an offset equals the slice of a longer draw (odd and even offsets, both dtypes)', () => {
    checkProperty('normal offset', fc.property(seedArb, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 200 }), (seed, offset, n) => {
      const k = sk.random.key(seed);
      const long = sk.random.normalHost(k, offset + n);
      assert.equal(differing(sk.random.normalHost(k, n, offset), long.subarray(offset)), 0);
      const t = sk.random.normal(k, [n], { backend: 'cpu:float32', dtype: 'float32', offset, loc: 1, scale: 2 }).dataSync();
      assert.equal(differing(t, Float32Array.from(long.subarray(offset), (v) => 1 + 2 * v)), 0);
    }), 100);
  });
  it('rejects a bad offset', () => {
    assert.throws(() => sk.random.normal(sk.random.key(0), [2], { offset: -1 }), /offset must be a non-negative integer, got -1/);
    assert.throws(() => sk.random.normal(sk.random.key(0), [2], { offset: 0.5 }), /offset must be a non-negative integer/);
  });
  it('priorSample at rowOffset gives those rows of the full draw (CLD and VP)', () => {
    for (const sde of [sk.cldSde(), sk.vpSde()] as sk.Sde[]) {
      const k = sk.random.key(4);
      const full = sde.priorSample(k, 9, 3, { backend: 'cpu:float64' });
      const part = sde.priorSample(k, 4, 3, { backend: 'cpu:float64', rowOffset: 5 });
      assert.equal(differing(part.dataSync(), sk.sliceAxis(full, 0, 5, 4).dataSync()), 0, sde.kind);
    }
  });
});

describe('sampleChunked', () => {
  it('equals sample bit for bit for any chunk size (SSCS on CLD, EM on VP with denoising; float32 and float64)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom<JobArgs['sampler']>('sscs', 'em'), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 70 }), seedArb,
      fc.constantFrom('cpu:float32', 'cpu:float64'),
      async (sampler, n, chunk, seed, backend) => {
        const s = await mixtureJob({ sampler, sde: sampler === 'sscs' ? 'cld' : 'vp', n, steps: 4, seed, backend, denoise: sampler === 'em' });
        const whole = sk.sample(s.key, s.options);
        const parts = await sk.sampleChunked(s.key, s.options, { chunk });
        assert.deepEqual(parts.x.shape, whole.x.shape);
        assert.equal(parts.x.dtype, whole.x.dtype);
        assert.equal(parts.nfe, whole.nfe);
        assert.equal(differing(parts.x.dataSync(), whole.x.dataSync()), 0);
      },
    ), { numRuns: 25 }); // fast-check's failure message carries the seed and path to replay
  });
  it('slices a given start state by rows and reports progress over all chunks', async () => {
    const s = await mixtureJob({ sampler: 'sscs', sde: 'cld', n: 10, steps: 3, seed: 1, backend: 'cpu:float64' });
    const x0 = sk.random.normal(sk.random.key(8), [10, 4], { backend: 'cpu:float64' });
    const seen: number[] = [];
    const parts = await sk.sampleChunked(s.key, { ...s.options, x0 }, { chunk: 4, onProgress: (p) => seen.push(p.step / p.total) });
    assert.equal(differing(parts.x.dataSync(), sk.sample(s.key, { ...s.options, x0 }).x.dataSync()), 0);
    assert.equal(seen.length, 9);
    assert.equal(seen[seen.length - 1], 1);
  });
  it('refuses the Langevin corrector (batch-coupled), trajectories and bad chunks', async () => {
    const pc = await mixtureJob({ sampler: 'pc', sde: 'vp', n: 8, steps: 2, seed: 1, backend: 'cpu:float64' });
    await assert.rejects(sk.sampleChunked(pc.key, pc.options, { chunk: 3 }), /couples the rows of a batch/);
    assert.throws(() => sk.sample(pc.key, { ...pc.options, rowOffset: 2 }), /couples the rows of a batch/);
    // one chunk is the whole batch: allowed
    assert.equal(differing((await sk.sampleChunked(pc.key, pc.options, { chunk: 8 })).x.dataSync(), sk.sample(pc.key, pc.options).x.dataSync()), 0);
    const s = await mixtureJob({ sampler: 'em', sde: 'vp', n: 8, steps: 2, seed: 1, backend: 'cpu:float64' });
    await assert.rejects(sk.sampleChunked(s.key, { ...s.options, trajectory: true }, { chunk: 3 }), /trajectories are not kept/);
    await assert.rejects(sk.sampleChunked(s.key, s.options, { chunk: 0 }), /chunk must be a positive integer, got 0/);
    assert.throws(() => sk.sample(s.key, { ...s.options, rowOffset: -1 }), /rowOffset must be a non-negative integer/);
  });
});

describe('sampleParallel (worker threads)', () => {
  const args: JobArgs = { sampler: 'sscs', sde: 'cld', n: 501, steps: 5, seed: 3, backend: 'cpu:float32' };
  it('equals the single-thread sample bit for bit for 1–3 threads and any chunk, and reuses a pool', async () => {
    const s = await mixtureJob(args);
    const whole = sk.sample(s.key, s.options).x.dataSync();
    for (const [threads, chunk] of [[1, 100], [2, undefined], [3, 37]] as [number, number | undefined][]) {
      const ticks: number[] = [];
      const r = await sk.sampleParallel(job(args), { threads, chunk, onProgress: (p) => ticks.push(p.total) });
      assert.deepEqual(r.x.shape, [501, 4]);
      assert.equal(r.nfe, 5);
      assert.equal(differing(r.x.dataSync(), whole), 0, `threads ${threads}, chunk ${chunk}`);
      assert.equal(ticks.length, ticks[0], `progress ticks for threads ${threads}`);
    }
    const pool = sk.samplerPool(2);
    try {
      for (const seed of [3, 4]) {
        const r = await sk.sampleParallel(job({ ...args, seed }), { pool });
        const t = await mixtureJob({ ...args, seed });
        assert.equal(differing(r.x.dataSync(), sk.sample(t.key, t.options).x.dataSync()), 0, `pooled run, seed ${seed}`);
      }
      // rows [150, 350) of the batch on their own: on the pool, and on this thread
      const part = whole.slice(150 * 4, 350 * 4);
      const pooled = await sk.sampleParallel(job({ ...args, n: 200 }), { pool, rowOffset: 150 });
      assert.equal(differing(pooled.x.dataSync(), part), 0, 'rows 150 … 349 on the pool');
      const here = await sk.sampleParallel(job({ ...args, n: 200 }), { threads: 1, chunk: 64, rowOffset: 150 });
      assert.equal(differing(here.x.dataSync(), part), 0, 'rows 150 … 349 on this thread');
      await assert.rejects(sk.sampleParallel(job(args), { threads: 1, rowOffset: -1 }), /rowOffset must be a non-negative integer, got -1/);
    } finally {
      await pool.close();
    }
    await assert.rejects(sk.sampleParallel(job(args), { pool }), /pool is closed/);
  });
  it('reports a factory that fails, a missing module or export, and a batch-coupled stepper', async () => {
    await assert.rejects(sk.sampleParallel(job(args, 'throwingJob'), { threads: 2 }), /this factory always fails/);
    await assert.rejects(sk.sampleParallel(job(args, 'failsInWorker'), { threads: 2 }), /this factory fails in worker threads/);
    await assert.rejects(sk.sampleParallel(job(args, 'notAFunction'), { threads: 2 }), /has no exported function 'notAFunction'/);
    await assert.rejects(sk.sampleParallel({ module: '/nonexistent/jobs.js', factory: 'f' }, { threads: 2 }), /cannot import module \/nonexistent\/jobs.js/);
    await assert.rejects(sk.sampleParallel(job({ ...args, sampler: 'pc', sde: 'vp' }), { threads: 2 }), /couples the rows of a batch/);
    await assert.rejects(sk.sampleParallel(job(args), { threads: 0 }), /threads must be a positive integer, got 0/);
  });
});
