/** `scorekit sample --noise brownian`: one Brownian path per row, the same for every grid and thread count; refusals. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { badInput, ok, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sk-noise-'));
const p = (f: string): string => join(dir, f);
writeFileSync(p('mix.json'), JSON.stringify({ weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] }));
const base = (out: string, ...rest: string[]) => ['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--n', '60', '--out', p(out), ...rest];
const samples = (f: string): number[][] => (JSON.parse(readFileSync(p(f), 'utf8')) as { samples: number[][] }).samples;
const gap = (a: number[][], b: number[][]): number => Math.sqrt(a.reduce((s, r, i) => s + (r[0] - b[i][0]) ** 2 + (r[1] - b[i][1]) ** 2, 0) / a.length);

describe('scorekit sample --noise brownian', () => {
  it('is the same with threads, differs from the per-step stream, and refines one path: 40 and 80 steps end close', () => {
    ok(runCli(...base('b40.json', '--sampler', 'em', '--steps', '40', '--noise', 'brownian')));
    ok(runCli(...base('b40t.json', '--sampler', 'em', '--steps', '40', '--noise', 'brownian', '--threads', '2')));
    ok(runCli(...base('b80.json', '--sampler', 'em', '--steps', '80', '--noise', 'brownian')));
    ok(runCli(...base('s40.json', '--sampler', 'em', '--steps', '40')));
    ok(runCli(...base('s80.json', '--sampler', 'em', '--steps', '80')));
    assert.deepEqual(samples('b40.json'), samples('b40t.json'));
    assert.notDeepEqual(samples('b40.json'), samples('s40.json'));
    const onePath = gap(samples('b40.json'), samples('b80.json'));
    const twoStreams = gap(samples('s40.json'), samples('s80.json'));
    assert.ok(onePath < 0.25 * twoStreams, `RMS gap between 40 and 80 steps: one path ${onePath}, per-step streams ${twoStreams}`);
    ok(runCli(...base('shark.json', '--sampler', 'shark', '--steps', '20', '--noise', 'brownian')));
  });
  it('refuses an unknown noise, drivers, and samplers whose two draws are not an increment and its Lévy area', () => {
    badInput(base('x1.json', '--sampler', 'em', '--noise', 'pink'), /unknown noise 'pink'; use stream or brownian/, p('x1.json'));
    badInput(base('x2.json', '--sampler', 'adaptive', '--noise', 'brownian'), /--noise brownian needs a fixed-grid sampler; adaptive draws its own noise/, p('x2.json'));
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'cld', '--sampler', 'sscs', '--noise', 'brownian', '--out', p('x3.json')], /sscs draws two independent normals per step/, p('x3.json'));
  });
});
