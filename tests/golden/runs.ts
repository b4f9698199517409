/**
 * Golden runs: every sampler of the command line on every SDE it applies to, the training losses
 * with their gradients, the Langevin samplers, likelihoods, weak orders and a short demo, each
 * reduced to a SHA-256 of its output bytes. `golden.test.ts` compares them with
 * `tests/fixtures/golden-hashes.json`, recorded by `node dist/tests/golden/record.js`, so a
 * refactor that changes any bit of any result fails.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from '../../index.js';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

const sha = (b: Buffer | string | ArrayBufferView): string =>
  createHash('sha256').update(typeof b === 'string' || Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).digest('hex');

function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`scorekit ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

/** Run async jobs two at a time (the machine has two cores). */
async function pool<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  }));
  return out;
}

/** The samplers of the command line on each SDE (as the CLI accepted them when the hashes were recorded). */
export const CLI_SAMPLERS: Record<string, readonly string[]> = {
  ve: ['em', 'rd', 'ancestral', 'pc', 'ald', 'ode-euler', 'ode-heun', 'ode-rk4', 'ode-dopri5'],
  vp: ['em', 'rd', 'ancestral', 'pc', 'ode-euler', 'ode-heun', 'ode-rk4', 'ode-dopri5'],
  subvp: ['em', 'pc', 'ode-euler', 'ode-heun', 'ode-rk4', 'ode-dopri5'],
  cld: ['em', 'ode-euler', 'ode-heun', 'ode-rk4', 'ode-dopri5', 'sscs'],
};

/** VE's range when the hashes were recorded (σ_max = 10; the CLI's default is now the library's 50). */
const veRange = (sde: string): string[] => (sde === 've' ? ['--sigma-max', '10'] : []);

const MIX = { weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] };

async function cliHashes(dir: string): Promise<Record<string, string>> {
  const mix = join(dir, 'mix.json');
  writeFileSync(mix, JSON.stringify(MIX));
  const jobs: [string, () => Promise<string>][] = [];
  const file = (name: string, args: string[], out: string) => jobs.push([name, async () => {
    await cli(args);
    return sha(readFileSync(out));
  }]);
  const stdout = (name: string, args: string[]) => jobs.push([name, async () => sha(await cli(args))]);
  for (const [sde, samplers] of Object.entries(CLI_SAMPLERS)) {
    for (const s of samplers) {
      const out = join(dir, `${sde}-${s}.csv`);
      file(`sample ${sde} ${s} --denoise`, ['sample', '--score', 'exact', '--data', `gmm:${mix}`, '--sde', sde, ...veRange(sde), '--sampler', s, '--steps', '24', '--n', '48', '--denoise', '--seed', '3', '--out', out], out);
    }
  }
  for (const [sde, s] of [['vp', 'em'], ['cld', 'sscs'], ['ve', 'pc']] as const) {
    const out = join(dir, `${sde}-${s}-f32.csv`);
    file(`sample ${sde} ${s} cpu:float32`, ['sample', '--score', 'exact', '--data', `gmm:${mix}`, '--sde', sde, ...veRange(sde), '--sampler', s, '--steps', '10', '--n', '40', '--backend', 'cpu:float32', '--out', out], out);
  }
  const chunked = join(dir, 'cld-sscs-chunk.csv');
  file('sample cld sscs --chunk', ['sample', '--score', 'exact', '--data', `gmm:${mix}`, '--sde', 'cld', '--sampler', 'sscs', '--steps', '10', '--n', '50', '--chunk', '16', '--out', chunked], chunked);
  // the numbers of each row (the samplers that orders offered when the hashes were recorded)
  for (const [sde, samplers] of [['vp', 'em,ode-euler,ode-heun,ode-rk4'], ['cld', 'em,sscs,sscs-heun']]) {
    jobs.push([`orders ${sde}`, async () => {
      const rows = JSON.parse(await cli(['orders', '--sde', sde, '--samplers', samplers, '--steps', '8,16', '--json'])).rows as Record<string, unknown>[];
      return sha(JSON.stringify(rows.map((r) => [r.sampler, r.nfe, r.errors, r.order])));
    }]);
  }
  stdout('nll vp exact', ['nll', '--score', 'exact', '--data', `gmm:${mix}`, '--sde', 'vp', '--n', '20', '--json']);
  const results = await pool(jobs.map(([, f]) => f));
  const hashes: Record<string, string> = Object.fromEntries(jobs.map(([name], i) => [name, results[i]]));
  // a trained model, sampled: the checkpoint and the samples
  for (const [sde, loss, sampler] of [['vp', 'dsm', 'pc'], ['cld', 'hsm', 'sscs'], ['ve', 'qc', 'em']] as const) {
    const ck = join(dir, `${sde}-${loss}.ckpt`);
    await cli(['train', '--data', 'checkerboard', '--sde', sde, ...veRange(sde), '--loss', loss, '--steps', '15', '--width', '16', '--depth', '2', '--batch', '64', '--out', ck]);
    const out = join(dir, `${sde}-${loss}.csv`);
    await cli(['sample', '--ckpt', ck, '--sampler', sampler, '--steps', '24', '--n', '30', '--denoise', '--out', out]);
    hashes[`train ${sde} ${loss} → sample ${sampler}`] = sha(readFileSync(out));
  }
  const demo = join(dir, 'demo');
  await cli(['demo', '--backend', 'cpu', '--steps', '25', '--n', '120', '--nfe', '12', '--width', '16', '--batch', '64', '--evals', '2', '--out', demo, '--json']);
  hashes['demo metrics.json'] = sha(readFileSync(join(demo, 'metrics.json')));
  return hashes;
}

/** Loss values and parameter gradients of every loss on a small MLP, float64 bytes. */
function lossHashes(): Record<string, string> {
  const be = 'cpu';
  const k = sk.random.key(11);
  const x = sk.gmmSample(sk.gmm(MIX), sk.random.foldIn(k, 1), 32, { backend: be });
  const vp = sk.vpSde();
  const ve = sk.veSde({ sigmaMin: 0.01, sigmaMax: 10 });
  const cld = sk.cldSde();
  const net2 = sk.mlp({ inDim: 2, outDim: 2, width: 8, depth: 2, embedding: { kind: 'fourier', dim: 4, scale: 4 } }, sk.random.foldIn(k, 2), { backend: be });
  const net4 = sk.mlp({ inDim: 4, outDim: 2, width: 8, depth: 2, embedding: { kind: 'fourier', dim: 4, scale: 4 } }, sk.random.foldIn(k, 3), { backend: be });
  const kl = sk.random.foldIn(k, 4);
  const vpModel = sk.scaleOutput(net2.apply, (t) => vp.stdOf(t));
  const cases: [string, () => sk.Tensor, sk.MlpParams, ((p: sk.MlpParams) => sk.Tensor)][] = [
    ['dsm', () => sk.dsmLoss(net2.apply, net2.init, x, kl, 0.3), net2.init, (p) => sk.dsmLoss(net2.apply, p, x, kl, 0.3)],
    ['ncsn', () => sk.ncsnLoss(net2.apply, net2.init, x, kl, [1, 0.5, 0.1]), net2.init, (p) => sk.ncsnLoss(net2.apply, p, x, kl, [1, 0.5, 0.1])],
    ['sde-dsm vp', () => sk.sdeDsmLoss(vp, vpModel, net2.init, x, kl), net2.init, (p) => sk.sdeDsmLoss(vp, vpModel, p, x, kl)],
    ['sde-dsm ve likelihood', () => sk.sdeDsmLoss(ve, net2.apply, net2.init, x, kl, { likelihoodWeighting: true }), net2.init, (p) => sk.sdeDsmLoss(ve, net2.apply, p, x, kl, { likelihoodWeighting: true })],
    ...(['ssm', 'ssm-vr', 'ism'] as const).map((kind): [string, () => sk.Tensor, sk.MlpParams, (p: sk.MlpParams) => sk.Tensor] =>
      [`sde-${kind}`, () => sk.sdeScoreMatchingLoss(vp, kind, vpModel, net2.init, x, kl), net2.init, (p) => sk.sdeScoreMatchingLoss(vp, kind, vpModel, p, x, kl)]),
    ['qcsgm', () => sk.qcsgmLoss(vp, vpModel, net2.init, x, kl, { lambda: 0.1 }), net2.init, (p) => sk.qcsgmLoss(vp, vpModel, p, x, kl, { lambda: 0.1 })],
    ['cld hsm', () => sk.cldLoss(cld, net4.apply, net4.init, x, kl, { objective: 'hsm' }), net4.init, (p) => sk.cldLoss(cld, net4.apply, p, x, kl, { objective: 'hsm' })],
    ['cld dsm', () => sk.cldLoss(cld, net4.apply, net4.init, x, kl, { objective: 'dsm' }), net4.init, (p) => sk.cldLoss(cld, net4.apply, p, x, kl, { objective: 'dsm' })],
  ];
  const out: Record<string, string> = {};
  for (const [name, value, p0, f] of cases) {
    const v = value().dataSync();
    const g = sk.treeLeaves(sk.grad(f)(p0)).map((t) => Array.from(t.dataSync()));
    out[`loss ${name}`] = sha(new Float64Array([...v, ...g.flat()]));
  }
  return out;
}

/** The Langevin samplers, driven directly. */
function langevinHashes(): Record<string, string> {
  const g = sk.gmm(MIX);
  const score = (x: sk.Tensor) => sk.gmmScore(g, x);
  const k = sk.random.key(5);
  const x0 = sk.random.normal(sk.random.foldIn(k, 0), [40, 2], { backend: 'cpu' });
  const lv = sk.langevin(score, x0, sk.random.foldIn(k, 1), { stepSize: 0.01, steps: 30 });
  const ald = sk.annealedLangevin((x, s) => sk.gmmScore(sk.linearMarginal(sk.veSde({ sigmaMin: 0.01, sigmaMax: 10 }), g, Math.log(s / 0.01) / Math.log(1000)), x), x0, sk.random.foldIn(k, 2), {
    sigmas: sk.geometricSigmas(3, 0.05, 5), stepSize: 2e-4, stepsPerLevel: 6,
  });
  const mala = sk.mala((x) => sk.neg(sk.gmmLogDensity(g, x)), x0, sk.random.foldIn(k, 3), { stepSize: 0.05, steps: 20 });
  return {
    'langevin': sha(lv.x.dataSync()),
    'annealed langevin': sha(ald.x.dataSync()),
    'mala': sha(new Float64Array([...mala.x.dataSync(), mala.acceptance])),
  };
}

export async function goldenHashes(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'sk-golden-'));
  return { ...lossHashes(), ...langevinHashes(), ...(await cliHashes(dir)) };
}

export const GOLDEN_FILE = fileURLToPath(new URL('../../../tests/fixtures/golden-hashes.json', import.meta.url));
