/**
 * W6 (bench/unet.ts) end to end at a tiny size: scorekit's DSM + Adam step, the PyTorch peer when
 * /usr/bin/python3 has torch (its parameter count, structure, forward, loss and gradient checked
 * against scorekit's), the convolution probe, the report files, and the command line's errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseW6Args, runW6, writeW6 } from '../../bench/unet.js';

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'unet.js');
const positiveFinite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

describe('W6 U-Net bench', () => {
  it('times a tiny step on each side, checks the peer is the same network, and writes w6.json and w6.md', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scorekit-w6-test-'));
    try {
      const o = parseW6Args(['--batches', '2', '--channels', '4', '--steps', '1', '--reps', '1', '--backends', 'cpu:float32',
        '--peer-variants', 'eager', '--peer-threads', '1', '--peer-steps', '1', '--conv-backends', 'cpu:float32', '--conv-batch', '2', '--conv-reps', '1', '--out', dir]);
      const r = await runW6({ ...o, log: () => {} });
      await writeW6(r, dir);
      assert.deepEqual(readdirSync(dir).sort(), ['w6.json', 'w6.md'], 'no temp files left behind');
      const j = JSON.parse(readFileSync(join(dir, 'w6.json'), 'utf8'));
      for (const k of ['date', 'host', 'torch', 'network', 'step', 'check', 'train', 'ratios', 'conv', 'convFlops', 'skipped']) assert.ok(k in j, `w6.json has ${k}`);
      assert.equal(j.network.baseChannels, 4);
      assert.ok(j.network.parameters > 0 && j.network.forwardFlopsPerSample > 0);
      const ours = j.train.filter((t: { kind: string }) => t.kind === 'scorekit');
      assert.deepEqual(ours.map((t: { side: string; batch: number }) => [t.side, t.batch]), [['scorekit cpu:float32', 2]]);
      for (const t of j.train) {
        for (const v of [t.secondsPerStep.min, t.secondsPerStep.median, t.secondsPerStep.max, t.stepsPerSecond, t.gflops, t.warmupSeconds, t.lastLoss]) assert.ok(positiveFinite(v), `${t.side}: ${JSON.stringify(t)}`);
        assert.ok(t.secondsPerStep.min <= t.secondsPerStep.median && t.secondsPerStep.median <= t.secondsPerStep.max);
      }
      const convOurs = j.conv.find((c: { side: string }) => c.side === 'scorekit cpu:float32');
      assert.ok(convOurs && positiveFinite(convOurs.gflops.median) && positiveFinite(convOurs.seconds.median), JSON.stringify(j.conv));
      if (hasTorch) {
        assert.ok(j.train.some((t: { side: string }) => t.side === 'torch eager 1t'), 'the peer ran');
        assert.equal(j.ratios.length, 1);
        assert.ok(positiveFinite(j.ratios[0].ratio));
        assert.ok(j.conv.some((c: { side: string }) => c.side === 'torch NCHW 1t'));
        assert.equal(j.check.parameterCount.equal, true);
        assert.equal(j.check.structure, true);
        assert.ok(j.check.forwardRelDiff < 1e-9 && j.check.lossRelDiff < 1e-9 && j.check.gradNormRelDiff < 1e-9, JSON.stringify(j.check));
      } else {
        assert.ok(j.skipped.some((s: { reason: string }) => /cannot import torch.*apt-get install python3-torch/.test(s.reason)), JSON.stringify(j.skipped));
      }
      const md = readFileSync(join(dir, 'w6.md'), 'utf8');
      assert.match(md, /\| 2 \| scorekit cpu:float32 \| float32 \| 1 × 1 \|/);
      assert.match(md, /Convolution: 3×3, 32 → 32/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with a sentence naming the flag', () => {
    assert.throws(() => parseW6Args(['--batches', '0']), /--batches must be a comma-separated list of positive integers, got '0'/);
    assert.throws(() => parseW6Args(['--batches', '64,abc']), /--batches must be a comma-separated list of positive integers, got '64,abc'/);
    assert.throws(() => parseW6Args(['--reps', '2.5']), /--reps must be a positive integer, got '2.5'/);
    assert.throws(() => parseW6Args(['--channels', '6']), /--channels must be a multiple of 4/);
    assert.throws(() => parseW6Args(['--steps']), /--steps needs a value/);
    assert.throws(() => parseW6Args(['--backends', 'cpu:float16']), /unknown backend 'cpu:float16'/);
    assert.throws(() => parseW6Args(['--bogus']), /unknown option '--bogus'/);
    const r = spawnSync(process.execPath, [BENCH, '--batches', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bench\/unet: --batches must be a comma-separated list of positive integers, got '0'/);
  });
});
