/**
 * The W1 roofline (bench/roofline.ts) at a tiny size: the report's fields, the C peer's normals
 * against scorekit's (bit for bit), and the C peer's final samples against scorekit's W1 samples —
 * the same keys give the same state, other keys the same distribution within Monte Carlo error.
 * The C parts are skipped, with the reason, when gcc is absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { benchMixture } from '../../bench/workloads.js';
import { compilePeers, compilerVersion, parseRooflineArgs, runRoofline, runW1Peer, writeRoofline, type Method } from '../../bench/roofline.js';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'roofline.js');
const cc = compilerVersion('gcc');
const noGcc = 'reason' in cc ? `gcc is absent here: ${cc.reason}` : false;
const positiveFinite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** scorekit's W1 final state (cpu:float32), as bench/workloads.ts's runner makes it, with the given keys. */
async function scorekitW1(method: Method, n: number, steps: number, priorSeed = 1, noiseSeed = 2): Promise<Float32Array> {
  const be = await sk.getBackend('cpu:float32');
  const sde = sk.cldSde();
  const score = sk.exactScore(sde, benchMixture());
  const stepper = method === 'em' ? sk.eulerMaruyama(sde, score) : sk.sscs(sde, score);
  const x0 = sde.priorSample(sk.random.key(priorSeed), n, 2, { backend: be, dtype: 'float32' });
  const r = sk.integrate(stepper, x0, sk.timeGrid({ steps, T: sde.T, eps: 1e-3 }), sk.random.key(noiseSeed));
  const u = (await r.x.data()) as Float32Array;
  x0.dispose();
  r.x.dispose();
  return u;
}

/** Mean and unbiased covariance of x (the first two of four columns), and the standard errors of both. */
function moments(u: Float32Array): { mean: number[]; cov: number[][]; seMean: number[]; seCov: number[][] } {
  const n = u.length / 4;
  const mean = [0, 1].map((a) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[4 * i + a];
    return s / n;
  });
  const prod = (a: number, b: number): number[] => Array.from({ length: n }, (_, i) => (u[4 * i + a] - mean[a]) * (u[4 * i + b] - mean[b]));
  const cov: number[][] = [[0, 0], [0, 0]];
  const seCov: number[][] = [[0, 0], [0, 0]];
  for (const a of [0, 1]) {
    for (const b of [0, 1]) {
      const p = prod(a, b);
      const m = p.reduce((s, v) => s + v, 0) / n;
      cov[a][b] = (m * n) / (n - 1);
      seCov[a][b] = Math.sqrt(p.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1) / n);
    }
  }
  return { mean, cov, seMean: [0, 1].map((a) => Math.sqrt(cov[a][a] / n)), seCov };
}

describe('W1 roofline bench', () => {
  it('parses its options and refuses bad ones with one line and exit status 2', () => {
    const o = parseRooflineArgs(['--n', '500', '--steps', '3', '--threads', '2,1', '--methods', 'em', '--no-scorekit']);
    assert.deepEqual([o.n, o.steps, o.threads, o.methods, o.scorekit], [500, 3, [1, 2], ['em'], false]);
    assert.throws(() => parseRooflineArgs(['--methods', 'heun']), /--methods/);
    assert.throws(() => parseRooflineArgs(['--reps', '0']), /--reps must be a positive integer/);
    assert.throws(() => parseRooflineArgs(['--steps']), /--steps needs a value/);
    for (const bad of [['--bogus'], ['--threads', '1,x'], ['--n', '-3']]) {
      const r = spawnSync(process.execPath, [BENCH, ...bad], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${bad.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^bench\/roofline: /);
    }
  });

  it('skips the C side with the reason when the compiler cannot run', async () => {
    const r = await runRoofline({ ...parseRooflineArgs(['--n', '200', '--steps', '2', '--reps', '1', '--threads', '1', '--methods', 'em', '--cc', '/nonexistent/gcc']), log: () => {} });
    assert.equal(r.c.length, 0);
    assert.equal(r.peaks.length, 0);
    assert.match(r.skipped.join(' '), /C peer and machine peaks skipped: \/nonexistent\/gcc cannot be run/);
    assert.equal(r.scorekit.length, 1);
    assert.ok(positiveFinite(r.scorekit[0].throughput.median));
  });

  it('writes roofline.json and roofline.md for a tiny run, with bit-identical normals and the same samples', { skip: noGcc }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scorekit-roofline-test-'));
    try {
      const o = parseRooflineArgs(['--n', '1000', '--steps', '4', '--reps', '1', '--threads', '1,2', '--triad-mib', '8', '--fma-iters', '20000', '--out', dir]);
      const r = await runRoofline({ ...o, log: () => {} });
      await writeRoofline(r, dir);
      assert.deepEqual(readdirSync(dir).sort(), ['roofline.json', 'roofline.md'], 'no temp files left behind');
      const j = JSON.parse(readFileSync(join(dir, 'roofline.json'), 'utf8'));
      for (const k of ['date', 'machine', 'workload', 'options', 'compile', 'skipped', 'normals', 'c', 'scorekit', 'ratios', 'peaks', 'roofline', 'agreement', 'notes']) assert.ok(k in j, `roofline.json has ${k}`);
      assert.deepEqual(j.skipped, []);
      assert.equal(j.normals.bitIdentical, true, JSON.stringify(j.normals));
      assert.deepEqual(j.c.map((c: { method: string; threads: number }) => [c.method, c.threads]), [['sscs', 1], ['sscs', 2], ['em', 1], ['em', 2]]);
      assert.deepEqual(j.scorekit.map((c: { method: string; threads: number }) => [c.method, c.threads]), [['sscs', 1], ['em', 1], ['sscs', 2], ['em', 2]]);
      for (const row of [...j.c, ...j.scorekit]) {
        const t = row.throughput;
        assert.ok(positiveFinite(t.min) && t.min <= t.median && t.median <= t.max, JSON.stringify(row));
      }
      for (const c of j.c) assert.ok(positiveFinite(c.flopsPerParticleStep) && c.mean.length === 2 && c.cov.length === 2, JSON.stringify(c));
      assert.equal(j.ratios.length, 4);
      for (const x of j.ratios) assert.ok(positiveFinite(x.ratio) && x.target === 0.25 && typeof x.meets === 'boolean');
      assert.equal(j.peaks.length, 2);
      for (const k of ['f32x8', 'f32x16', 'f64x4', 'f64x8']) assert.ok(positiveFinite(j.peaks[0].fmaGflops[k].median), k);
      assert.ok(positiveFinite(j.peaks[0].triadGBs.median) && j.peaks[0].f32 > j.peaks[0].f64);
      assert.equal(j.roofline.length, 8);
      for (const x of j.roofline) assert.ok(positiveFinite(x.gflops) && positiveFinite(x.fractionF64Peak) && positiveFinite(x.fractionTriad), JSON.stringify(x));
      // the same keys (one thread: key(1), key(2); two: sampleParallel's split of key(2)): the same samples, so the same check value mean |u|
      assert.equal(j.agreement.length, 4);
      for (const a of j.agreement) assert.ok(a.relDiff < 1e-5, JSON.stringify(a));
      const md = readFileSync(join(dir, 'roofline.md'), 'utf8');
      assert.match(md, /scorekit ÷ C/);
      assert.match(md, /bit-identical/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the C peer's final samples scorekit's distribution (same keys: same state; other keys: within Monte Carlo error)", { skip: noGcc }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scorekit-roofline-moments-'));
    try {
      const bins = compilePeers('gcc', dir);
      const n = 4000;
      const steps = 10;
      for (const method of ['sscs', 'em'] as const) {
        const ours = await scorekitW1(method, n, steps);
        const mo = moments(ours);
        // same keys: the same arithmetic on the same noise, so the states agree to rounding
        const dump = join(dir, `${method}.bin`);
        const same = runW1Peer(bins.w1, { method, n, steps, reps: 1, threads: 2, warmup: 0, dump });
        const theirs = new Float32Array(new Uint8Array(readFileSync(dump)).buffer);
        assert.equal(theirs.length, ours.length);
        let maxDiff = 0;
        for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
        assert.ok(maxDiff <= 1e-3, `${method}: same keys, max |C − scorekit| = ${maxDiff}`);
        for (const a of [0, 1]) assert.ok(Math.abs(same.mean[a] - mo.mean[a]) <= 1e-4, `${method} mean[${a}]: ${same.mean[a]} vs ${mo.mean[a]}`);
        // other keys: independent samples of the same distribution, within 5 standard errors
        const other = runW1Peer(bins.w1, { method, n, steps, reps: 1, threads: 1, warmup: 0, priorSeed: 11, noiseSeed: 12 });
        for (const a of [0, 1]) {
          const tol = 5 * Math.SQRT2 * mo.seMean[a];
          assert.ok(Math.abs(other.mean[a] - mo.mean[a]) <= tol, `${method} mean[${a}]: C ${other.mean[a]} vs scorekit ${mo.mean[a]} (tolerance ${tol})`);
          for (const b of [0, 1]) {
            const tc = 5 * Math.SQRT2 * mo.seCov[a][b];
            assert.ok(Math.abs(other.cov[a][b] - mo.cov[a][b]) <= tc, `${method} cov[${a}][${b}]: C ${other.cov[a][b]} vs scorekit ${mo.cov[a][b]} (tolerance ${tc})`);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
