/**
 * The width sweep (bench/width-sweep.ts) at a tiny size: W2 and W3 DSM on scorekit and the PyTorch
 * peer when /usr/bin/python3 has torch (else the skip with its reason), the report files and their
 * fields, the same computation as the main bench's runners at width 128, and the command line's errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { denseMacs, flopsPerStep, parseWidthArgs, runWidthSweep, sideResult, sweepRunner, writeWidthSweep } from '../../bench/width-sweep.js';
import { median } from '../../bench/script.js';
import { QUICK, scorekitRunner, workloads } from '../../bench/workloads.js';

const torchImport = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
const hasTorch = torchImport.status === 0;
const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'width-sweep.js');
const positiveFinite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

describe('width sweep', () => {
  it('times W2 and W3 DSM at a tiny width and batch on each side and writes widths.json, .md and .vl.json', async (t) => {
    if (!hasTorch) t.diagnostic(`PyTorch peer skipped: /usr/bin/python3 cannot import torch (${(torchImport.stderr || '').trim().split('\n').pop()})`);
    const dir = mkdtempSync(join(tmpdir(), 'scorekit-widths-test-'));
    try {
      const o = parseWidthArgs(['--widths', '16', '--batches', '32', '--steps', '1', '--reps', '1', '--backends', 'cpu:float32', '--peer-threads', '1', '--out', dir]);
      const r = await runWidthSweep({ ...o, log: () => {} });
      await writeWidthSweep(r, dir);
      assert.deepEqual(readdirSync(dir).sort(), ['widths.json', 'widths.md', 'widths.vl.json'], 'no temp files left behind');
      const j = JSON.parse(readFileSync(join(dir, 'widths.json'), 'utf8'));
      for (const k of ['date', 'command', 'host', 'network', 'options', 'conventions', 'rows', 'skipped', 'seconds']) assert.ok(k in j, `widths.json has ${k}`);
      assert.deepEqual(j.rows.map((row: { workload: string; width: number; batch: number; steps: number }) => [row.workload, row.width, row.batch, row.steps]).sort(),
        [['w2-sscs-mlp', 16, 32, 1], ['w3-dsm', 16, 32, 1]]);
      for (const row of j.rows) {
        assert.equal(row.flopsPerStep, flopsPerStep(row.workload, 16, 32));
        const expected = hasTorch ? ['cpu:float32', 'torch 1t'] : ['cpu:float32'];
        assert.deepEqual(row.sides.map((s: { side: string }) => s.side), expected, `${row.workload}: sides`);
        for (const s of row.sides) {
          assert.equal(s.times.length, 1);
          for (const v of [...s.times, s.secondsPerStep.min, s.secondsPerStep.median, s.secondsPerStep.max, s.gflops.min, s.gflops.median, s.gflops.max, s.throughput]) {
            assert.ok(positiveFinite(v), `${row.workload} ${s.side}: ${JSON.stringify(s)}`);
          }
          assert.ok(s.secondsPerStep.min <= s.secondsPerStep.median && s.secondsPerStep.median <= s.secondsPerStep.max);
          const rel = (x: number, y: number): number => Math.abs(x - y) / Math.abs(y);
          assert.ok(rel(s.secondsPerStep.median, median(s.times) / row.steps) < 1e-12, 'seconds per step');
          assert.ok(rel(s.gflops.median * 1e9 * s.secondsPerStep.median, row.flopsPerStep) < 1e-9, 'GFLOP/s = FLOPs per step ÷ seconds per step');
          assert.ok(rel(s.throughput * s.secondsPerStep.median, row.workload === 'w2-sscs-mlp' ? 32 : 1) < 1e-9, 'particle·steps/s or steps/s');
          assert.ok(Number.isFinite(s.check), `${s.side} check ${s.check}`);
        }
        if (hasTorch) {
          assert.equal(row.fastestPeer, 'torch 1t');
          assert.ok(positiveFinite(row.ratios['cpu:float32']));
        } else assert.ok(Number.isNaN(row.ratios['cpu:float32']));
      }
      if (!hasTorch) assert.ok(j.skipped.some((s: { side: string; reason: string }) => s.side === 'torch' && /cannot import torch.*apt-get install python3-torch/.test(s.reason)), JSON.stringify(j.skipped));
      const md = readFileSync(join(dir, 'widths.md'), 'utf8');
      assert.match(md, /\| 16 \| 32 \| 1 × 1 \| [\d.]+ \([\d.]+–[\d.]+\) \|/);
      const vl = JSON.parse(readFileSync(join(dir, 'widths.vl.json'), 'utf8'));
      assert.equal(vl.hconcat.length, 2);
      assert.ok(vl.hconcat[0].data.values.every((v: { gflops: number }) => positiveFinite(v.gflops)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs, at width 128, the main bench\'s W2 and W3 DSM computation', async () => {
    const be = await sk.getBackend('cpu:float32');
    const z = { ...QUICK, w2Particles: 32, batch: 32, samplerSteps: 100 };
    for (const id of ['w2-sscs-mlp', 'w3-dsm'] as const) {
      const spec = workloads(z).find((w) => w.id === id)!;
      const ref = scorekitRunner(spec, z, be);
      const ours = sweepRunner(id, 128, 32, be);
      try {
        assert.equal(await ours.run(2), await ref.run(2), id);
      } finally {
        ref.dispose();
        ours.dispose();
      }
    }
    // the FLOP count: (2 + 16)·w + 3w² + 2w for W3's MLP on x, (4 + 16)·w + 3w² + 2w for W2's on (x, v)
    assert.equal(denseMacs('w3-dsm', 128), 18 * 128 + 3 * 128 * 128 + 128 * 2);
    assert.equal(denseMacs('w2-sscs-mlp', 128), 20 * 128 + 3 * 128 * 128 + 128 * 2);
    assert.equal(flopsPerStep('w3-dsm', 128, 512), 3 * 2 * 512 * denseMacs('w3-dsm', 128));
    // per-step figures from runs of several steps: 3 runs of 4 steps, 8e9 FLOPs and 512 particles per step
    const s = sideResult('x', 'scorekit', undefined, [2, 4, 3], 4, 8e9, 512, 0);
    assert.deepEqual(s.secondsPerStep, { min: 0.5, median: 0.75, max: 1 });
    assert.deepEqual(s.gflops, { min: 8, median: 8 / 0.75, max: 16 });
    assert.equal(s.throughput, 512 / 0.75);
  });

  it('rejects bad options with one line naming the flag and exit status 2', () => {
    assert.throws(() => parseWidthArgs(['--widths', '0']), /--widths must be a comma-separated list of positive integers, got '0'/);
    assert.throws(() => parseWidthArgs(['--batches', '512,x']), /--batches must be a comma-separated list of positive integers/);
    assert.throws(() => parseWidthArgs(['--reps', '1.5']), /--reps must be a positive integer/);
    assert.throws(() => parseWidthArgs(['--steps', '101']), /--steps must be at most 100/);
    assert.throws(() => parseWidthArgs(['--backends', 'cpu:float16']), /unknown backend 'cpu:float16'/);
    assert.throws(() => parseWidthArgs(['--widths']), /--widths needs a value/);
    assert.throws(() => parseWidthArgs(['--bogus']), /unknown option '--bogus'/);
    const r = spawnSync(process.execPath, [BENCH, '--widths', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^bench\/width-sweep: --widths must be a comma-separated list of positive integers, got '0'/);
  });
});
