/**
 * The CPU backend's storage recycling: a disposed tensor's array is reused by the next output of
 * its size, never while a view (reshape, transpose, slice, broadcast) of it is alive, and uploads
 * (arrays the caller handed over) are never recycled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import type { CpuBackend } from '../../backends/cpu/backend.js';

const N = 4096;

describe('CPU buffer pool', () => {
  it('recycles disposed outputs, keeps arrays that live views share, and never recycles uploads', async () => {
    const be = (await sk.getBackend('cpu:float64')) as unknown as CpuBackend & sk.Backend;
    const x = sk.arange(0, N, 1, { backend: be, dtype: 'float64' });
    const a = sk.mul(x, 2);
    const views = [sk.reshape(a, [64, 64]), sk.transpose(sk.reshape(a, [64, 64]), [1, 0]), sk.sliceAxis(a, 0, 10, 100)];
    const idle0 = be.pool.idleBytes;
    a.dispose();
    assert.equal(be.pool.idleBytes, idle0, 'views still hold the array');
    const b = sk.mul(x, 3); // must not take a's array
    const r = views[0].dataSync();
    for (let i = 0; i < N; i++) assert.equal(r[i], 2 * i);
    assert.equal(views[2].dataSync()[0], 20);
    views.forEach((v) => v.dispose());
    // the reshape inside the transpose line is not disposed: a's array stays counted
    assert.equal(be.pool.idleBytes, idle0);
    const a2 = sk.mul(x, 2);
    const hold = sk.reshape(a2, [N]);
    a2.dispose();
    hold.dispose();
    assert.equal(be.pool.idleBytes, idle0 + 8 * N, 'the last view released the array');
    const c = sk.add(x, 1); // takes the recycled array
    assert.equal(be.pool.idleBytes, idle0);
    const cv = c.dataSync();
    for (let i = 0; i < N; i++) assert.equal(cv[i], i + 1, 'old contents are overwritten');
    assert.equal(b.dataSync()[5], 15);
    // zeros from a recycled array are zeros
    c.dispose();
    const z = sk.zeros([N], { backend: be, dtype: 'float64' });
    assert.ok(z.dataSync().every((v) => v === 0));
    // an upload is the caller's array: never recycled
    const host = new Float64Array(N).fill(7);
    const u = sk.adoptArray(host, [N], { backend: be });
    const before = be.pool.idleBytes;
    u.dispose();
    assert.equal(be.pool.idleBytes, before);
    const d = sk.add(x, 0);
    assert.ok(host.every((v) => v === 7), 'the uploaded array was not reused');
    sk.dispose([x, b, z, d]);
  });
  it('a sampling loop allocates no new storage once warm: 200 steps on 10 000 particles', async () => {
    const be = (await sk.getBackend('cpu:float32')) as unknown as CpuBackend & sk.Backend;
    const sde = sk.cldSde();
    const mix = sk.gmm({ weights: [1], means: [[0, 0]], covs: [[[1, 0], [0, 1]]] });
    const run = (steps: number): void => sk.sample(sk.random.key(1), { sde, stepper: sk.sscs(sde, sk.exactScore(sde, mix)), n: 10_000, d: 2, steps, backend: be }).x.dispose();
    run(5);
    const before = be.pool.allocations;
    run(200);
    const fresh = be.pool.allocations - before;
    assert.ok(fresh <= 5, `${fresh} new arrays in 200 steps (about 10 per step without recycling)`);
    assert.ok(be.pool.idleBytes <= 64 * 2 ** 20);
  });
});
