/**
 * `scorekit train`, `sample` and `nll` on the Gaussian paths (EDM, rectified flow, cosine VP, VP
 * linear in log-SNR) and with every parameterisation, run as a user runs them; the pairings the
 * command line refuses, each with one line and no checkpoint left behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { badInput, ok, runCli } from './run-cli.js';
import * as sk from '../../index.js';

const run = runCli;
const dir = mkdtempSync(join(tmpdir(), 'sk-paths-'));
const p = (f: string): string => join(dir, f);
writeFileSync(p('mix.json'), JSON.stringify({ weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] }));
const data = `gmm:${p('mix.json')}`;



const TRAINED = [
  { sde: 'edm', args: ['--sigma-data', '1.5'], loss: 'edm', param: 'x0' },
  { sde: 'rf', args: [], loss: 'cfm', param: 'velocity' },
  { sde: 'vp-cosine', args: [], loss: 'dsm', param: 'eps' },
  { sde: 'vp-logsnr', args: ['--param', 'v'], loss: 'dsm', param: 'v' },
  { sde: 've', args: ['--param', 'x0'], loss: 'dsm', param: 'x0' },
] as const;

describe('scorekit on the Gaussian paths', () => {
  for (const c of TRAINED) {
    it(`train --sde ${c.sde} ${c.args.join(' ')} stores loss ${c.loss} and param ${c.param}; sample and nll use the checkpoint`, async () => {
      const ckpt = p(`${c.sde}-${c.param}.ckpt`);
      const r = run('train', '--data', data, '--sde', c.sde, ...c.args, '--steps', '400', '--batch', '128', '--width', '32', '--depth', '2', '--out', ckpt, '--json');
      ok(r);
      const meta = JSON.parse(r.stdout).meta as { loss: string; param: string; sde: { kind: string; config: Record<string, number> } };
      assert.equal(meta.loss, c.loss);
      assert.equal(meta.param, c.param);
      assert.equal(meta.sde.kind, c.sde);
      if (c.sde === 'edm') assert.equal(meta.sde.config.sigmaData, 1.5);
      const stored = await sk.loadCheckpoint(ckpt);
      assert.equal((stored.meta as { param?: string }).param, c.param);
      const out = p(`${c.sde}-${c.param}.json`);
      ok(run('sample', '--ckpt', ckpt, '--sampler', 'ode-heun', '--steps', '20', '--n', '400', '--out', out));
      const s = JSON.parse(readFileSync(out, 'utf8')) as { samples: number[][]; sde: string };
      assert.equal(s.sde, c.sde);
      assert.equal(s.samples.length, 400);
      // 400 steps of a small network: near the data, not at the MMD² floor (the library's training tests hold that);
      // (draws from the prior N(0, I) give 0.24)
      const e = run('eval', '--samples', out, '--data', data, '--json');
      ok(e);
      const mmd2 = JSON.parse(e.stdout).mmd2 as number;
      assert.ok(mmd2 < 0.1, `MMD² ${mmd2} of the trained model's samples`);
      const nll = run('nll', '--ckpt', ckpt, '--data', data, '--n', '20', '--json');
      ok(nll);
      assert.ok(Number.isFinite(JSON.parse(nll.stdout).nll));
    });
  }

  it('nll with the exact score on every path is within 3e-3 nats of the exact NLL of the data', () => {
    for (const sde of ['edm', 'rf', 'vp-cosine', 'vp-logsnr']) {
      const r = run('nll', '--score', 'exact', '--sde', sde, '--data', data, '--n', '50', '--json');
      ok(r);
      const j = JSON.parse(r.stdout) as { nll: number; exactNll: number };
      assert.ok(Math.abs(j.nll - j.exactNll) < 3e-3, `${sde}: NLL ${j.nll} against the exact ${j.exactNll}`);
    }
  });

  it('pairings the command line does not train are refused with one line, and no checkpoint is written', () => {
    const out = p('refused.ckpt');
    const train = (...a: string[]): string[] => ['train', '--data', data, '--steps', '2', '--out', out, ...a];
    badInput(train('--sde', 'edm', '--loss', 'dsm'), /the edm path trains its preconditioned denoiser with --loss edm, not dsm/, out);
    badInput(train('--sde', 'edm', '--param', 'eps'), /the EDM loss trains a denoiser \(--param x0\), not eps/, out);
    badInput(train('--sde', 'vp-cosine', '--loss', 'cfm'), /conditional flow matching \(cfm\) is rectified flow's; on the vp-cosine path use --loss dsm --param velocity/, out);
    badInput(train('--sde', 'rf', '--loss', 'cfm', '--param', 'eps'), /cfm trains the flow velocity \(--param velocity\), not eps/, out);
    badInput(train('--sde', 'rf', '--loss', 'ssm'), /loss 'ssm' is not available on the rf path; use dsm or cfm/, out);
    badInput(train('--sde', 'vp', '--loss', 'edm'), /loss 'edm' is not available for vp/, out);
    badInput(train('--sde', 'vp', '--loss', 'ssm', '--param', 'eps'), /--param eps trains by denoising regression: use --loss dsm, not ssm/, out);
    badInput(train('--sde', 'vp', '--param', 'noise'), /unknown parameterisation 'noise'; use one of score, eps, x0, v, velocity/, out);
    badInput(train('--sde', 'cld', '--loss', 'hsm', '--param', 'eps'), /CLD models learn the velocity score; --param applies to the Gaussian paths/, out);
    badInput(train('--sde', 'rf', '--model', 'energy'), /energy models are trained on ve, vp or subvp, not rf/, out);
    badInput(train('--sde', 'vp', '--sigma-data', '1'), /--sigma-data is EDM's; it does not apply to --sde vp/, out);
    badInput(train('--sde', 'edm', '--sigma-data', '0'), /sigmaData/, out);
    const samples = p('refused.json');
    badInput(['sample', '--score', 'exact', '--data', data, '--sde', 'edm', '--denoise', '--out', samples], /--denoise: the default grid on edm is karras, which ends on the data; give --grid uniform or logsnr/, samples);
  });
});
