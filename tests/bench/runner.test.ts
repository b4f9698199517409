/**
 * The benchmark runner end to end at tiny sizes: scorekit measurements, the PyTorch peer when
 * /usr/bin/python3 has torch (else the visible skip note with the install command), W4 in a child
 * process, the report files, and its errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fastestPeer, formatReport, runBench, writeReport, type Measurement } from '../../bench/run.js';

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

describe('bench runner', () => {
  it('takes every ratio against the fastest PyTorch variant at the same thread count', () => {
    const m = (side: string, throughput: number): Measurement => ({ workload: 'w1-sscs', side, steps: 1, reps: 1, seconds: 1, throughput, check: 0 });
    const rows = [m('torch 1t vectorised', 1), m('torch 1t loop', 2.5), m('torch 2t vectorised', 3), m('torch 2t loop', 2), m('cpu:float32', 4), m('torch 12t loop', 9)];
    assert.equal(fastestPeer(rows, 'w1-sscs', '1t')?.side, 'torch 1t loop');
    assert.equal(fastestPeer(rows, 'w1-sscs', '2t')?.side, 'torch 2t vectorised');
    assert.equal(fastestPeer(rows, 'w1-em', '1t'), undefined);
    assert.equal(fastestPeer([m('torch 1t', 1)], 'w1-sscs', '1t')?.side, 'torch 1t');
  });


  it('measures, compares with the peer (or says how to install it), and writes latest.json and latest.md', async () => {
    const r = await runBench({ quick: true, backends: ['cpu:float32'], only: ['w1-sscs', 'w3-qcsgm', 'w3-dsm'], memorySteps: [1, 2], log: () => {} });
    const ours = r.results.filter((m) => m.side === 'cpu:float32');
    assert.deepEqual(ours.map((m) => m.workload).sort(), ['w1-sscs', 'w3-dsm', 'w3-qcsgm']);
    for (const m of r.results) assert.ok(m.throughput > 0 && Number.isFinite(m.throughput) && Number.isFinite(m.check), `${m.side} ${m.workload}: ${m.throughput}, check ${m.check}`);
    if (hasTorch) {
      assert.ok(r.results.some((m) => m.side === 'torch 1t vectorised' && m.workload === 'w1-sscs'), 'the peer ran (vectorised)');
      assert.ok(r.results.some((m) => m.side === 'torch 1t loop' && m.workload === 'w1-sscs'), 'the peer ran (loop over components)');
      assert.ok(r.memory.some((m) => m.side === 'torch 1t'));
    } else {
      assert.ok(r.notes.some((n) => /PyTorch peer skipped.*apt-get install python3-torch python3-numpy/.test(n)), r.notes.join('\n'));
    }
    const threaded = r.results.filter((m) => /^cpu:float32 ×\d+ threads$/.test(m.side));
    if (cpus().length > 1) assert.deepEqual(threaded.map((m) => m.workload), ['w1-sscs'], 'W1 on worker threads');
    const w4 = r.memory.filter((m) => m.side === 'cpu:float32');
    assert.deepEqual(w4.map((m) => m.steps), [1, 2]);
    const chunked = r.memory.filter((m) => m.side === 'cpu:float32 (chunks of 1000)');
    assert.deepEqual(chunked.map((m) => m.steps), [1, 2], 'W4 sampled in chunks');
    for (const m of [...w4, ...chunked]) assert.ok(m.peakMiB >= m.baseMiB && m.baseMiB > 0);
    const md = formatReport(r);
    assert.match(md, /\| W1 SSCS, exact GMM score, 2000 particles \| cpu:float32 \|/);
    assert.match(md, /QCSGM step ÷ DSM step/);
    const dir = mkdtempSync(join(tmpdir(), 'scorekit-bench-test-'));
    try {
      await writeReport(r, dir);
      assert.deepEqual(readdirSync(dir).sort(), ['latest.json', 'latest.md'], 'no temp files left behind');
      assert.equal(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')).results.length, r.results.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('rejects unknown workloads and a non-positive budget', async () => {
    await assert.rejects(runBench({ quick: true, peer: false, only: ['w9' as never], log: () => {} }), /unknown workload 'w9'/);
    await assert.rejects(runBench({ quick: true, peer: false, budget: 0, log: () => {} }), /budget must be a positive number/);
    await assert.rejects(runBench({ quick: true, peer: false, memoryChunk: 0, log: () => {} }), /W4 chunk must be a positive integer, got 0/);
  });
});
