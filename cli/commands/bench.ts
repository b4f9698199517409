/**
 * `scorekit bench`: the benchmark (bench/run.ts): scorekit's workloads on the chosen
 * backends against the PyTorch peer in the same run; writes bench/results/latest.{json,md} (or --out).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMON, type Command, print } from '../command.js';
import { formatReport, runBench, writeReport } from '../../bench/run.js';
import type { WorkloadId } from '../../bench/workloads.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');

const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : String(v).split(',').map((s) => s.trim()).filter(Boolean));

export const benchCommand: Command = {
  name: 'bench',
  usage: 'scorekit bench [--backends cpu:float32,tfjs:wasm,...] [--only w1-sscs,...] [--quick] [--no-peer] [--threads N] [--out DIR]',
  summary: 'Benchmarks against PyTorch (same run, ratios): integrator-, network- and training-bound workloads, peak memory.',
  options: {
    backends: { kind: 'string', help: 'comma-separated backend specs (default: every built-in engine)' },
    only: { kind: 'string', help: 'comma-separated workloads: w1-sscs, w1-em, w2-sscs-mlp, w3-dsm, w3-qcsgm, w3-ssm' },
    budget: { kind: 'number', help: 'seconds of timed work per measurement (default 3; slow backends time fewer steps)' },
    quick: { kind: 'flag', help: 'tiny sizes, to check that the runner works (not for the numbers)' },
    'no-peer': { kind: 'flag', help: 'skip the PyTorch peer' },
    'memory-steps': { kind: 'string', default: '5,20', help: 'W4 step counts (peak memory must not grow with them)' },
    'memory-backends': { kind: 'string', default: 'cpu:float32', help: 'backends measured for W4' },
    'memory-chunk': { kind: 'int', min: 1, help: 'rows per chunk of the chunked W4 run (default 4096)' },
    threads: { kind: 'int', min: 1, help: "worker threads for W1's multi-thread row (default: all cores; 1 leaves it out)" },
    out: { kind: 'string', help: 'directory for latest.json and latest.md (default bench/results)' },
    json: COMMON.json,
    debug: COMMON.debug,
  },
  async run(o) {
    const memorySteps = list(o['memory-steps'])!.map(Number);
    if (!memorySteps.length || !memorySteps.every((s) => Number.isInteger(s) && s >= 1)) throw new Error(`--memory-steps must list positive integers, got '${o['memory-steps']}'`);
    const report = await runBench({
      backends: list(o.backends), only: list(o.only) as WorkloadId[] | undefined, quick: o.quick === true,
      budget: o.budget as number | undefined, peer: o['no-peer'] !== true, memorySteps, memoryBackends: list(o['memory-backends']),
      memoryChunk: o['memory-chunk'] as number | undefined, threads: o.threads as number | undefined,
    });
    const dir = (o.out as string | undefined) ?? RESULTS;
    mkdirSync(dir, { recursive: true });
    await writeReport(report, dir);
    print(o, formatReport(report) + `\nwritten: ${join(dir, 'latest.json')}, ${join(dir, 'latest.md')}`, report);
  },
};
