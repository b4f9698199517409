/** `scorekit sample` and `train` with the papers' settings: --sscs-variant, --nfe, the SDE flags and --config. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { badInput, ok, runCli } from './run-cli.js';
import { InputError } from '../../cli/errors.js';
import { stepsOf } from '../../cli/nfe.js';
import { sdeFromFlags } from '../../cli/sde-options.js';
import { configWords } from '../../cli/config-file.js';
import { sampleCommand } from '../../cli/commands/sample.js';
import { renderSpec } from '../../cli/plot/render.js';

const dir = mkdtempSync(join(tmpdir(), 'sk-paper-'));
const p = (f: string): string => join(dir, f);
const GAUSS = { weights: [1], means: [[0, 0]], covs: [[[0.5, 0], [0, 0.5]]] };
writeFileSync(p('g.json'), JSON.stringify(GAUSS));
const exact = ['sample', '--score', 'exact', '--data', `gmm:${p('g.json')}`, '--n', '40'];

interface Out { samples: number[][]; nfe: number; steps: number; config: Record<string, unknown> }
const read = (f: string): Out => JSON.parse(readFileSync(f, 'utf8')) as Out;

/** The same run through the library: the data part of the samples. */
async function library(sde: sk.Sde, sampler: string, o: Partial<sk.SamplerOptions> & { steps: number; grid?: sk.GridKind; denoise?: boolean }): Promise<number[][]> {
  const be = await sk.getBackend('cpu');
  const g = sk.parseGmmJson(JSON.stringify(GAUSS));
  if (g._tag === 'Left') throw new Error('bad mixture');
  const score = sk.exactScore(sde, g.right);
  const r = await sk.runSampler(sk.random.key(0), sk.samplerByName(sampler), sde, score, {
    ...o, n: 40, d: 2, eps: 1e-3, backend: be, checkFinite: 1, denoise: o.denoise ? { kind: sk.defaultDenoise(sde), score } : undefined,
  });
  const x = sde.kind === 'cld' ? sde.split(r.x).x : r.x;
  return await x.array() as number[][];
}

describe('scorekit sample: the papers\' settings', () => {
  it('--sscs-variant official is CLD-SGM\'s splitting, strang the default', async () => {
    for (const v of ['official', 'strang'] as const) {
      ok(runCli(...exact, '--sde', 'cld', '--sampler', 'sscs', '--sscs-variant', v, '--grid', 'quadratic', '--steps', '6', '--out', p(`${v}.json`)));
      assert.deepEqual(read(p(`${v}.json`)).samples, await library(sk.cldSde(), 'sscs', { steps: 6, grid: 'quadratic', sscsVariant: v }));
    }
    assert.deepEqual(await library(sk.cldSde(), 'sscs', { steps: 6, grid: 'quadratic' }), read(p('strang.json')).samples);
    // worker threads rebuild the same run, the variant and the SDE flags included
    ok(runCli(...exact, '--sde', 'cld', '--M', '1', '--sampler', 'sscs', '--sscs-variant', 'official', '--grid', 'quadratic', '--steps', '6', '--threads', '2', '--out', p('threads.json')));
    assert.deepEqual(read(p('threads.json')).samples, await library(sk.cldSde({ M: 1 }), 'sscs', { steps: 6, grid: 'quadratic', sscsVariant: 'official' }));
    assert.notDeepEqual(read(p('official.json')).samples, read(p('strang.json')).samples);
    badInput([...exact, '--sde', 'cld', '--sampler', 'sscs', '--sscs-variant', 'leapfrog', '--out', p('never.json')], /--sscs-variant must be one of strang, official, got 'leapfrog'/, p('never.json'));
  });

  it('--nfe counts the score evaluations of the steps and of --denoise, as CLD-SGM', () => {
    ok(runCli(...exact, '--sde', 'cld', '--sampler', 'sscs', '--nfe', '8', '--denoise', '--out', p('nfe.json')));
    assert.deepEqual([read(p('nfe.json')).steps, read(p('nfe.json')).nfe], [7, 8]);
    const cld = sk.cldSde();
    const steps = (sampler: string, o: { steps?: number; nfe?: number; denoise?: boolean }, sde: sk.Sde = cld): number => stepsOf(sk.samplerByName(sampler), sde, { eps: 1e-3, denoise: false, ...o });
    assert.equal(steps('sscs', { nfe: 8 }), 8);
    assert.equal(steps('sscs-heun', { nfe: 9, denoise: true }), 4);
    assert.equal(steps('reversible-heun', { nfe: 7 }, sk.vpSde()), 6);
    assert.equal(steps('sscs', { nfe: 8, steps: 7, denoise: true }), 7);
    assert.equal(steps('sscs', {}), 100);
    assert.equal(steps('ode-dopri5', { steps: 5 }), 5);
    assert.throws(() => steps('sscs-heun', { nfe: 9 }), (e) => e instanceof InputError && /--nfe 9 is not reachable with sscs-heun \(2 score evaluations per step\); nearest: 8 or 10/.test(e.message));
    assert.throws(() => steps('sscs', { nfe: 8, steps: 8, denoise: true }), /--steps 8 and --nfe 8 disagree: 8 steps of sscs with --denoise take 9/);
    assert.throws(() => steps('ode-dopri5', { nfe: 20 }), /--nfe needs a fixed-grid sampler/);
    assert.throws(() => steps('sscs', { nfe: 1, denoise: true }), /--nfe 1 is not reachable with sscs .*plus 1 for --denoise/);
    badInput([...exact, '--sde', 'cld', '--sampler', 'sscs-heun', '--nfe', '9', '--out', p('never.json')], /--nfe 9 is not reachable/, p('never.json'));
  });

  it('the SDE flags set the SDE of --score exact; VE\'s default σ_max is the library\'s', async () => {
    ok(runCli(...exact, '--sde', 've', '--sampler', 'em', '--steps', '5', '--out', p('ve.json')));
    assert.deepEqual(read(p('ve.json')).config['sigma-max'], sk.veSde().config.sigmaMax);
    assert.deepEqual(read(p('ve.json')).samples, await library(sk.veSde(), 'em', { steps: 5 }));
    assert.deepEqual(sdeFromFlags('ve', { 'sigma-min': 0.02, 'sigma-max': 10 }).config, sk.veSde({ sigmaMin: 0.02, sigmaMax: 10 }).config);
    assert.deepEqual(sdeFromFlags('subvp', { 'beta-min': 0.2, 'beta-max': 10 }).config, sk.subVpSde({ betaMin: 0.2, betaMax: 10 }).config);
    ok(runCli(...exact, '--sde', 'cld', '--M', '1', '--beta', '2', '--gamma', '0.1', '--sampler', 'sscs', '--steps', '5', '--denoise', '--out', p('cld.json')));
    const cld = read(p('cld.json'));
    assert.deepEqual([cld.config.M, cld.config.beta, cld.config.gamma], [1, 2, 0.1]);
    assert.deepEqual(cld.samples, await library(sk.cldSde({ M: 1, beta0: 2, gamma: 0.1 }), 'sscs', { steps: 5, denoise: true }));
    for (const [sde, flags, re] of [
      ['cld', { M: 0 }, /--M must be > 0, got 0/],
      ['cld', { beta: -4 }, /--beta must be > 0, got -4/],
      ['cld', { gamma: -0.1 }, /--gamma must be ≥ 0, got -0.1/],
      ['cld', { M: Number.NaN }, /--M must be a finite number/],
      ['ve', { 'sigma-min': 2, 'sigma-max': 1 }, /--sigma-min \(2\) must be below --sigma-max \(1\)/],
      ['ve', { 'sigma-max': 0.005 }, /--sigma-min \(0.01\) must be below --sigma-max \(0.005\)/],
      ['subvp', { 'beta-min': 5, 'beta-max': 5 }, /--beta-min \(5\) must be below --beta-max \(5\)/],
      ['vp', { 'sigma-max': 10 }, /--sigma-max applies to --sde ve, not vp/],
      ['vp', { M: 1 }, /--M applies to --sde cld, not vp/],
    ] as const) assert.throws(() => sdeFromFlags(sde, flags), (e) => e instanceof InputError && re.test(e.message), `${sde} ${JSON.stringify(flags)}`);
    const never = p('never.json');
    badInput([...exact, '--sde', 've', '--sigma-max', 'Infinity', '--steps', '3', '--out', never], /--sigma-max must be a number, got 'Infinity'/, never);
    badInput([...exact, '--sde', 've', '--sigma-min', '2', '--sigma-max', '1', '--steps', '3', '--out', never], /--sigma-min \(2\) must be below --sigma-max \(1\)/, never);
  });

  it('train takes the SDE flags and writes its options into the checkpoint; a checkpoint fixes its SDE', () => {
    ok(runCli('train', '--data', 'checkerboard', '--sde', 'cld', '--loss', 'hsm', '--M', '1', '--steps', '2', '--width', '4', '--depth', '1', '--batch', '8', '--out', p('m.ckpt')));
    const meta = sk.decodeCheckpoint(readFileSync(p('m.ckpt'))).meta as { sde: { config: Record<string, number> }; config: Record<string, unknown> };
    assert.equal(meta.sde.config.M, 1);
    assert.deepEqual([meta.config.M, meta.config.steps, meta.config.loss, meta.config.sde], [1, 2, 'hsm', 'cld']);
    ok(runCli('sample', '--ckpt', p('m.ckpt'), '--sampler', 'sscs', '--nfe', '4', '--n', '10', '--out', p('m.json')));
    assert.equal(read(p('m.json')).steps, 4);
    badInput(['sample', '--ckpt', p('m.ckpt'), '--M', '2', '--steps', '3', '--n', '10', '--out', p('never.json')], /--M: a checkpoint fixes its SDE/, p('never.json'));
    badInput(['train', '--data', 'checkerboard', '--sde', 'vp', '--beta-max', '0', '--steps', '2', '--out', p('never.ckpt')], /--beta-max must be > 0/, p('never.ckpt'));
  });

  it('orders and nll take the SDE flags, orders --sscs-variant', () => {
    const errors = (...extra: string[]): number[] => {
      const r = runCli('orders', '--sde', 'cld', '--samplers', 'sscs', '--steps', '2,4', '--json', ...extra);
      ok(r);
      return (JSON.parse(r.stdout) as { rows: { errors: number[] }[] }).rows[0].errors;
    };
    const strang = errors('--sscs-variant', 'strang');
    assert.notDeepEqual(errors('--sscs-variant', 'official', '--M', '1'), strang);
    badInput(['orders', '--sde', 'cld', '--samplers', 'em', '--steps', '4,8', '--sscs-variant', 'official'], /--sscs-variant is read by sscs/);
    badInput(['nll', '--score', 'exact', '--data', `gmm:${p('g.json')}`, '--sde', 'vp', '--M', '1', '--n', '5'], /--M applies to --sde cld, not vp/);
  });

  it('--config holds any option, the command line overrides it, and every output holds the options it ran with', async () => {
    writeFileSync(p('c.json'), JSON.stringify({ score: 'exact', data: `gmm:${p('g.json')}`, sde: 'cld', sampler: 'sscs', 'sscs-variant': 'official', grid: 'quadratic', nfe: 6, denoise: true, n: 40 }));
    ok(runCli('sample', '--config', p('c.json'), '--out', p('c1.json'), '--plot', p('c1.png')));
    const c1 = read(p('c1.json'));
    assert.deepEqual([c1.nfe, c1.steps, c1.config['sscs-variant'], c1.config.M], [6, 5, 'official', 0.25]);
    // the figure's specification holds them too, and still renders the PNG
    const spec = JSON.parse(readFileSync(p('c1.vl.json'), 'utf8')) as { usermeta: { config: unknown } };
    assert.deepEqual(spec.usermeta.config, c1.config);
    assert.ok(Buffer.from(await renderSpec(spec as never)).equals(readFileSync(p('c1.png'))));
    // the command line wins, and --steps replaces the file's --nfe
    ok(runCli('sample', '--config', p('c.json'), '--grid', 'uniform', '--steps', '3', '--out', p('c2.json')));
    const c2 = read(p('c2.json'));
    assert.deepEqual([c2.config.grid, c2.steps, c2.nfe], ['uniform', 3, 4]);
    // an output's options, as a config, reproduce its samples
    const { out: _out, plot: _plot, ...again } = c1.config;
    writeFileSync(p('again.json'), JSON.stringify(again));
    ok(runCli('sample', '--config', p('again.json'), '--out', p('c3.json')));
    assert.deepEqual(read(p('c3.json')).samples, c1.samples);
    const never = p('never.json');
    const words = (body: unknown): string[] => configWords(JSON.stringify(body), 'c.json', sampleCommand.options);
    assert.deepEqual(words({ nfe: 6, denoise: false, grid: 'quadratic' }), ['--nfe=6', '--denoise=false', '--grid=quadratic']);
    for (const [body, re] of [
      [{ sde: 'cld', temperature: 1 }, /config .*: unknown option 'temperature'/],
      [{ steps: '10' }, /'steps' must be a JSON number, got "10"/],
      [{ denoise: 'yes' }, /'denoise' must be a JSON boolean/],
      [{ steps: 0 }, /config .*: --steps must be ≥ 1, got 0/],
      [{ config: 'other.json' }, /a config file cannot name another/],
      [[1, 2], /must hold a JSON object of options/],
    ] as const) assert.throws(() => words(body), (e) => e instanceof InputError && re.test(e.message), JSON.stringify(body));
    assert.throws(() => configWords('{"steps": 3,', 'c.json', sampleCommand.options), /config c.json is not valid JSON/);
    writeFileSync(p('bad.json'), JSON.stringify({ sde: 'cld', temperature: 1 }));
    badInput(['sample', '--config', p('bad.json'), '--score', 'exact', '--data', `gmm:${p('g.json')}`, '--out', never], /config .*bad\.json: unknown option 'temperature'/, never);
    badInput(['sample', '--config', p('missing.json'), '--out', never], /cannot read config file .*missing\.json: ENOENT/, never);
    badInput(['sample', '--config', p('c.json'), '--out', p('c.json')], /would overwrite the input --config/);
  });
});
