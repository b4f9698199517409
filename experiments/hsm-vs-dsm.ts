/**
 * Experiment 2 (Dockhorn et al. 2022): hybrid score matching (HSM, initial velocity marginalised)
 * against denoising score matching (DSM, v₀ drawn) for CLD: the variance of the training loss at fixed
 * parameters by time, and sample quality at an equal training budget. The paper's claim: HSM is easier
 * to learn (lower-variance objective, better samples for the same budget).
 */
import * as sk from '../index.js';
import { type Cell, eightGaussians, log, plot, report } from './common.js';

const STEPS = Number(process.env.SCOREKIT_EXP_STEPS ?? 2000);

async function main(): Promise<void> {
  const mix = eightGaussians();
  const cld = sk.cldSde();
  const net = sk.mlp({ inDim: 4, outDim: 2, width: 64, depth: 3, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, sk.random.key(1));
  const ref = sk.gmmSample(mix, sk.random.key(2), 2000);
  const rows: Cell[][] = [];
  const data: Record<string, unknown> = {};
  const trained: Record<string, sk.MlpParams> = {};
  for (const objective of ['hsm', 'dsm'] as const) {
    const cfg = { optimizer: { lr: 2e-3, gradClip: 1 }, emaDecay: 0.995 };
    const tr = await sk.train(sk.trainInit(net.init, cfg), sk.random.key(3), {
      ...cfg, steps: STEPS, loss: (p, b, k) => sk.cldLoss(cld, net.apply, p, b, k, { objective, eps: 1e-3 }), batch: (_i, k) => sk.gmmSample(mix, k, 256),
    });
    trained[objective] = tr.state.ema!;
    const score = sk.cldScoreFn(cld, net.apply, tr.state.ema!, { objective });
    const q = sk.sample(sk.random.key(4), { sde: cld, stepper: sk.sscs(cld, score), n: 2000, d: 2, steps: 99, denoise: { kind: 'mean-step', score } });
    const sw = await sk.metrics.slicedWasserstein(cld.split(q.x).x, ref, sk.random.key(5));
    const tail = tr.losses.subarray(-200);
    const m = tail.reduce((a, b) => a + b, 0) / tail.length;
    const sd = Math.sqrt(tail.reduce((a, b) => a + (b - m) ** 2, 0) / (tail.length - 1));
    log(`${objective}: SW₂ ${sw.toFixed(3)}, loss over the last 200 steps ${m.toFixed(3)} ± ${sd.toFixed(3)} (${tr.seconds.toFixed(0)} s)`);
    data[objective] = { sw, lossMean: m, lossSd: sd, seconds: tr.seconds };
    rows.push([objective.toUpperCase(), sw, m, sd]);
  }
  // loss variance at fixed (HSM-trained) parameters, by time
  const vrows: Cell[][] = [];
  for (const t of [0.01, 0.05, 0.2, 0.5]) {
    const sds: number[] = [];
    for (const objective of ['hsm', 'dsm'] as const) {
      const v = Array.from({ length: 30 }, (_, i) => sk.tidy(() => sk.cldLoss(cld, net.apply, trained.hsm, sk.gmmSample(mix, sk.random.key(100 + i), 256), sk.random.key(200 + i), { objective, times: t }).itemSync()));
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      sds.push(Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)));
    }
    vrows.push([t, sds[0], sds[1], sds[1] / sds[0]]);
  }
  await report('hsm-vs-dsm', `HSM vs DSM for CLD (8 Gaussians, ${STEPS} steps each, SSCS with 100 NFE)`, [
    { heading: 'equal training budget', header: ['objective', 'SW₂ of SSCS samples', 'loss (last 200 steps)', 'its std'], rows },
    { heading: 'std of the batch loss (256 points) at fixed parameters, by time t', header: ['t', 'HSM', 'DSM', 'DSM / HSM'], rows: vrows },
  ], { ...data, lossStdByTime: vrows });
  const ts = vrows.map((r) => r[0] as number);
  await plot('hsm-vs-dsm.png', [{ kind: 'line', title: 'std of the batch loss at fixed parameters', xLabel: 't', yLabel: 'std', logX: true, logY: true,
    series: [{ label: 'HSM', x: ts, y: vrows.map((r) => r[1] as number) }, { label: 'DSM', x: ts, y: vrows.map((r) => r[2] as number) }] }]);
}

void main();
