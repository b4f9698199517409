/** --shard I/N and the checks of scorekit merge, in process: the row ranges, the parser's refusals, shard files and their sets. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseShard, runFingerprint, type Shard, shardFileText, shardOf, shardRows } from '../../cli/shard.js';
import { checkShardFile, checkShardSet, mergedOutput } from '../../cli/commands/merge.js';

/** A run's output of n rows (row r holds [r, r/2 − 10]) cut into shard I of N, as `scorekit sample --shard` writes it. */
async function shardText(index: number, count: number, n: number, config: Record<string, number | string | boolean> = {}): Promise<string> {
  const shard: Shard = { index, count, rows: shardRows(index, count, n) };
  const samples = Array.from({ length: shard.rows[1] - shard.rows[0] }, (_, j) => [shard.rows[0] + j, (shard.rows[0] + j) / 2 - 10]);
  return shardFileText({ samples, nfe: 4, sampler: 'em', n, config: { sampler: 'em', n, seed: 0, shard: `${index}/${count}`, out: `s${index}.json`, ...config } }, shard);
}

describe('--shard I/N', () => {
  it('cuts n rows into N contiguous blocks that cover them once, sizes within one row (seeded property)', () => {
    const seed = Date.now() % 100000;
    let s = seed;
    const next = (m: number): number => (s = (s * 1103515245 + 12345) % 2147483648) % m;
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + next(500);
      const N = 1 + next(n);
      const ranges = Array.from({ length: N }, (_, i) => shardRows(i, N, n));
      assert.equal(ranges[0][0], 0, `seed ${seed}`);
      assert.equal(ranges[N - 1][1], n, `seed ${seed}`);
      for (let i = 1; i < N; i++) assert.equal(ranges[i][0], ranges[i - 1][1], `seed ${seed}: n ${n}, N ${N}, shard ${i}`);
      const sizes = ranges.map(([a, b]) => b - a);
      assert.ok(Math.min(...sizes) >= 1 && Math.max(...sizes) - Math.min(...sizes) <= 1, `seed ${seed}: n ${n}, N ${N}, sizes ${sizes}`);
    }
  });

  it('refuses a malformed value, N ≤ 0, an index ≥ N or < 0, and more shards than rows', () => {
    assert.equal(parseShard(undefined, 10), undefined);
    assert.deepEqual(parseShard('2/3', 10), { index: 2, count: 3, rows: [6, 10] });
    for (const [spec, msg] of [['1-3', /must be I\/N/], ['a/b', /must be I\/N/], ['1/2/3', /must be I\/N/], ['', /must be I\/N/], ['1.5/3', /must be I\/N/],
      ['0/0', /number of shards N must be an integer ≥ 1, got 0/], ['0/-2', /≥ 1, got -2/], ['3/3', /one of 0 … 2.*got 3/], ['-1/3', /got -1/],
      ['0/11', /11 shards of --n 10 rows/]] as const) {
      assert.throws(() => parseShard(spec, 10), msg, `--shard '${spec}'`);
    }
    assert.throws(() => shardOf({ shard: '0/2', n: 10, out: 's.csv' }), /--shard writes .* --out FILE\.json/);
    assert.throws(() => shardOf({ shard: '0/2', n: 10, out: 's.json', plot: 'p.png' }), /--plot draws the whole run/);
    assert.equal(shardOf({ n: 10, out: 's.csv' }), undefined);
  });
});

describe('scorekit merge checks', () => {
  it('joins the shards in index order into the run output without the shard record, --out set to OUT', async () => {
    const files = await Promise.all([2, 0, 1].map(async (i) => checkShardFile(`s${i}.json`, await shardText(i, 3, 7))));
    const merged = mergedOutput(checkShardSet(files), 'all.json');
    assert.deepEqual(merged.samples, Array.from({ length: 7 }, (_, r) => [r, r / 2 - 10]));
    assert.deepEqual(merged.config, { sampler: 'em', n: 7, seed: 0, out: 'all.json' });
    assert.deepEqual(Object.keys(merged), ['samples', 'nfe', 'sampler', 'n', 'config']);
  });

  it('refuses a corrupt file (a changed digit, truncated JSON, no shard record) and a set with a missing, duplicated or foreign shard', async () => {
    const t = await shardText(1, 3, 7);
    const at = t.indexOf('[[') + 2;
    assert.throws(() => checkShardFile('c.json', t.slice(0, at) + (t[at] === '3' ? '4' : '3') + t.slice(at + 1)), /c\.json is corrupt: its checksum/);
    assert.throws(() => checkShardFile('c.json', t.slice(0, t.length / 2)), /c\.json is not valid JSON/);
    assert.throws(() => checkShardFile('c.json', JSON.stringify({ samples: [[1, 2]] })), /c\.json is not a shard file/);
    const file = async (i: number, N = 3, config = {}) => checkShardFile(`s${i}-${N}.json`, await shardText(i, N, 7, config));
    assert.throws(() => checkShardSet([checkShardFile('a.json', t), checkShardFile('b.json', t), checkShardFile('c.json', t)]), /a\.json and b\.json are both shard 1\/3/);
    const [s0, s2, s1of4, s1seed1] = [await file(0), await file(2), await file(1, 4), await file(1, 3, { seed: 1 })];
    assert.throws(() => checkShardSet([s0, s2]), /shard 1 of 0 … 2 missing \(2 of 3 given\)/);
    assert.throws(() => checkShardSet([s0, s1of4, s2]), /s0-3\.json is shard 0 of 3, s1-4\.json is shard 1 of 4: shards of different runs/);
    assert.throws(() => checkShardSet([s0, s1seed1, s2]), /s0-3\.json and s1-3\.json are shards of different runs \(their fingerprints differ/);
  });

  it('fingerprints the options that change the samples and the bytes of the files read, not --shard, --out, --threads, --chunk or paths', async () => {
    const base = { sampler: 'em', n: 7, seed: 0, steps: 4 };
    const f = await runFingerprint(base);
    assert.equal(await runFingerprint({ ...base, shard: '1/3', out: 'x.json', threads: 2, chunk: 3, json: true }), f);
    assert.equal(await runFingerprint({ steps: 4, seed: 0, n: 7, sampler: 'em' }), f);
    // a mixture counts by its bytes, not its path
    const dir = mkdtempSync(join(tmpdir(), 'sk-shard-'));
    const mix = { weights: [1], means: [[0, 0]], covs: [[[1, 0], [0, 1]]] };
    writeFileSync(join(dir, 'a.json'), JSON.stringify(mix));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(mix));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ ...mix, means: [[0, 1]] }));
    const withData = (f: string) => runFingerprint({ ...base, score: 'exact', data: `gmm:${join(dir, f)}` });
    assert.equal(await withData('b.json'), await withData('a.json'));
    assert.notEqual(await withData('c.json'), await withData('a.json'));
    for (const change of [{ seed: 1 }, { steps: 5 }, { n: 8 }, { sampler: 'heun-sde' }, { backend: 'cpu:float32' }] as Record<string, number | string>[]) assert.notEqual(await runFingerprint({ ...base, ...change }), f, JSON.stringify(change));
  });
});
