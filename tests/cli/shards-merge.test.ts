/**
 * `scorekit sample --shard I/N` run as N separate processes and joined by `scorekit merge`: the
 * one-process run's file byte for byte (its samples bit for bit), for N = 1, 3, 7, with and without
 * --threads 2 (threads are mixed within a run: they do not change the samples or the fingerprint).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { badInput, ok, runCli } from './run-cli.js';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sk-shards-'));
const p = (f: string): string => join(dir, f);
writeFileSync(p('mix.json'), JSON.stringify({ weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] }));
const base = ['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'cld', '--sampler', 'sscs', '--steps', '4', '--n', '14', '--seed', '5', '--denoise'];
const THREADS = ['--threads', '2'];

/** The command run as its own process (concurrently with others). */
const runAsync = (args: readonly string[]): Promise<void> => new Promise((resolve, reject) => {
  execFile(process.execPath, [main, ...args], (e, _out, stderr) => (e ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve()));
});

/** The runs to compare: N shards, each with or without --threads 2, and shard 0's options for the one-process reference. */
const RUNS: readonly { N: number; threaded: (i: number) => boolean }[] = [
  { N: 1, threaded: () => false },
  { N: 1, threaded: () => true },
  { N: 3, threaded: (i) => i === 0 },
  { N: 7, threaded: (i) => i === 3 },
];
const shardPath = (r: number, i: number): string => p(`run${r}-shard${i}.json`);
const samplesOf = (f: string): string => JSON.stringify((JSON.parse(readFileSync(f, 'utf8')) as { samples: number[][] }).samples);

describe('scorekit sample --shard and scorekit merge', () => {
  it('N shards as separate processes, merged, equal the one-process run byte for byte (N = 1, 3, 7; with and without --threads 2)', async () => {
    // the references write to m-plain.json and m-threads.json (their --out, kept in their config), then move aside
    const refs = [['plain', []], ['threads', THREADS]] as const;
    const jobs: (() => Promise<void>)[] = refs.map(([name, thr]) => () => runAsync([...base, ...thr, '--out', p(`m-${name}.json`)]).then(() => renameSync(p(`m-${name}.json`), p(`ref-${name}.json`))));
    RUNS.forEach(({ N, threaded }, r) => {
      for (let i = 0; i < N; i++) jobs.push(() => runAsync([...base, ...(threaded(i) ? THREADS : []), '--shard', `${i}/${N}`, '--out', shardPath(r, i)]));
    });
    const queue = [...jobs];
    await Promise.all(Array.from({ length: 4 }, async () => { for (let j = queue.shift(); j; j = queue.shift()) await j(); }));

    assert.equal((JSON.parse(samplesOf(p('ref-plain.json'))) as number[][]).length, 14);
    assert.equal(samplesOf(p('ref-threads.json')), samplesOf(p('ref-plain.json')));
    for (const [r, { N, threaded }] of RUNS.entries()) {
      const name = threaded(0) ? 'threads' : 'plain';
      const out = p(`m-${name}.json`);
      // the shards in reverse order: merge orders them by index
      ok(runCli('merge', out, ...Array.from({ length: N }, (_, i) => shardPath(r, N - 1 - i))));
      const merged = readFileSync(out);
      assert.ok(merged.equals(readFileSync(p(`ref-${name}.json`))), `N = ${N} (${name} shard 0): the merged file differs from the one-process run`);
      assert.equal(samplesOf(out), samplesOf(p('ref-plain.json')), `N = ${N}: samples`);
      rmSync(out);
    }
    // a refusal: one line, exit 2, no output (the other checks of merge: shard.test.ts)
    badInput(['merge', p('x.json'), shardPath(2, 0), shardPath(3, 1), shardPath(2, 2)], /is shard 0 of 3, .* is shard 1 of 7: shards of different runs/, p('x.json'));
  });

  it('refuses a shard index ≥ N', () => {
    badInput([...base, '--shard', '3/3', '--out', p('e.json')], /--shard 3\/3: the shard index must be one of 0 … 2/, p('e.json'));
  });
});
