/**
 * Experiment 1 (Dockhorn et al. 2022): sample quality versus NFE for SSCS and Euler–Maruyama on CLD,
 * and Euler–Maruyama / probability-flow Euler on the VP-SDE, with the exact score of a 2-D mixture
 * (8 Gaussians) and with a trained HSM model. Expected: SSCS clearly better than EM at low NFE.
 */
import * as sk from '../index.js';
import { type Cell, eightGaussians, log, plot, report } from './common.js';

const NFES = [10, 20, 50, 100, 200];
const N = 2000;

async function quality(x: sk.Tensor, ref: sk.Tensor): Promise<{ mmd: number; mmdFine: number; sw: number }> {
  return { mmd: await sk.metrics.mmd2(x, ref), mmdFine: await sk.metrics.mmd2(x, ref, { bandwidth: 0.5 }), sw: await sk.metrics.slicedWasserstein(x, ref, sk.random.key(9)) };
}

async function main(): Promise<void> {
  const mix = eightGaussians();
  const cld = sk.cldSde();
  const vp = sk.vpSde();
  const ref = sk.gmmSample(mix, sk.random.key(1), N);
  log('training an HSM model (CLD, mixed score, 2000 steps)...');
  const net = sk.mlp({ inDim: 4, outDim: 2, width: 64, depth: 3, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, sk.random.key(2));
  const cfg = { optimizer: { lr: 2e-3, gradClip: 1 }, emaDecay: 0.995 };
  const tr = await sk.train(sk.trainInit(net.init, cfg), sk.random.key(3), {
    ...cfg, steps: 2000, loss: (p, b, k) => sk.cldLoss(cld, net.apply, p, b, k, { eps: 1e-3 }), batch: (_i, k) => sk.gmmSample(mix, k, 256),
  });
  const learned = sk.cldScoreFn(cld, net.apply, tr.state.ema!);
  const exactC = sk.exactScore(cld, mix);
  const exactV = sk.exactScore(vp, mix);
  const configs: [string, sk.Sde, () => sk.ScoreFn, (s: sk.ScoreFn) => sk.Stepper][] = [
    ['CLD SSCS (exact)', cld, () => exactC, (s) => sk.sscs(cld, s)],
    ['CLD EM (exact)', cld, () => exactC, (s) => sk.eulerMaruyama(cld, s)],
    ['VP EM (exact)', vp, () => exactV, (s) => sk.eulerMaruyama(vp, s)],
    ['VP PF-ODE Euler (exact)', vp, () => exactV, (s) => sk.odeStepper(vp, s, 'euler')],
    ['CLD SSCS (HSM model)', cld, () => learned, (s) => sk.sscs(cld, s)],
    ['CLD EM (HSM model)', cld, () => learned, (s) => sk.eulerMaruyama(cld, s)],
  ];
  const rows: Cell[][] = [];
  const results: Record<string, { nfe: number[]; mmd: number[]; mmdFine: number[]; sw: number[] }> = {};
  for (const [name, sde, scoreOf, make] of configs) {
    const r = { nfe: [] as number[], mmd: [] as number[], mmdFine: [] as number[], sw: [] as number[] };
    for (const nfe of NFES) {
      const score = scoreOf();
      const q = sk.sample(sk.random.key(4), { sde, stepper: make(score), n: N, d: 2, steps: nfe - 1, eps: 1e-3, denoise: { kind: sde.kind === 'cld' ? 'mean-step' : 'tweedie', score } });
      const x = sde.kind === 'cld' ? cld.split(q.x).x : q.x;
      const m = await quality(x, ref);
      r.nfe.push(q.nfe);
      r.mmd.push(m.mmd);
      r.mmdFine.push(m.mmdFine);
      r.sw.push(m.sw);
      log(`${name} NFE ${q.nfe}: MMD² ${m.mmd.toExponential(2)}, MMD²(ℓ=0.5) ${m.mmdFine.toExponential(2)}, SW₂ ${m.sw.toFixed(4)}`);
    }
    results[name] = r;
    rows.push([name, ...r.sw.map((v, i) => `${v.toFixed(3)} / ${r.mmdFine[i].toExponential(1)}`)]);
  }
  // null level: two independent exact samples
  const nul = await quality(sk.gmmSample(mix, sk.random.key(5), N), ref);
  await report('sscs-vs-em', 'SSCS vs Euler–Maruyama: sample quality versus NFE (8 Gaussians, 2000 samples)', [{
    heading: 'sliced Wasserstein-2 / MMD² (ℓ = 0.5) against exact samples, by NFE',
    header: ['sampler', ...NFES.map((n) => `NFE ${n}`)],
    rows,
    note: `Null level (two independent exact samples): SW₂ ${nul.sw.toFixed(3)}, MMD²(ℓ=0.5) ${nul.mmdFine.toExponential(1)}. HSM model: 2000 steps, final loss ${(tr.losses.subarray(-100).reduce((a, b) => a + b, 0) / 100).toFixed(3)}, ${tr.seconds.toFixed(0)} s.`,
  }], { nfes: NFES, results, nullLevel: nul });
  await plot('sscs-vs-em.png', [
    { kind: 'line', title: 'sliced W₂ vs NFE', xLabel: 'NFE', yLabel: 'SW₂', logX: true, logY: true, series: Object.entries(results).map(([k, v]) => ({ label: k.replace(' (exact)', '').replace(' (HSM model)', ' model'), x: v.nfe, y: v.sw })) },
  ]);
}

void main();
