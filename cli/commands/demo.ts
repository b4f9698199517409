/**
 * `scorekit demo`, the README's main job: train a CLD model with hybrid score matching (mixed score) on
 * a 2-D data set, sample it with SSCS and with Euler–Maruyama at the same NFE, and write
 *   samples.png      data | SSCS | Euler–Maruyama
 *   score-field.png  the learned velocity score at v = 0 over the data plane, at three times
 *   loss.png         the training loss
 *   metrics.json     MMD² of each sampler against held-out data, NFE, settings (deterministic per seed)
 *   timing.json      wall times (not deterministic, hence separate)
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import { parseData } from '../specs.js';
import { progressBar } from '../progress.js';
import { type Panel, rangeOf } from '../plot/figure.js';
import { figure } from '../plot/render.js';
import { dataFileOf, figureFiles, planRun, stageFigure } from '../run-files.js';

export const demoCommand: Command = {
  name: 'demo',
  usage: 'scorekit demo [--out DIR] [--data NAME] [--steps N] [--nfe N] [--n COUNT] [--seed N]',
  summary: 'Train a CLD model with HSM on 2-D data, sample with SSCS and Euler–Maruyama at equal NFE, write plots and metrics.',
  options: {
    out: { kind: 'string', default: 'scorekit-demo', help: 'output directory' },
    data: { kind: 'string', default: 'checkerboard', help: 'toy data set or gmm:FILE.json' },
    steps: { kind: 'int', default: 6000, min: 1, help: 'training steps' },
    nfe: { kind: 'int', default: 50, min: 2, help: 'score evaluations per sampler (including the denoising step)' },
    n: { kind: 'int', default: 2000, min: 2, help: 'samples per sampler' },
    width: { kind: 'int', default: 64, min: 1, help: 'MLP width (3 hidden layers, SiLU, Fourier time features)' },
    ...COMMON,
  },
  async run(o) {
    const t0 = performance.now();
    const be = await sk.getBackend(o.backend as string);
    const data = await parseData(o.data as string);
    if (data.dim !== 2) throw new Error(`the demo plots 2-D data; ${data.name} has dimension ${data.dim}`);
    const dir = o.out as string;
    await fs.mkdir(dir, { recursive: true });
    const FIGURES = ['samples.png', 'score-field.png', 'loss.png'] as const;
    const FILES = ['metrics.json', 'timing.json'] as const;
    const outputs = await planRun([...FIGURES.flatMap((f) => figureFiles(`--out ${f}`, join(dir, f))), ...FILES.map((f) => [`--out ${f}`, join(dir, f)] as [string, string])], [['--data', dataFileOf(o.data)]]);
    const cld = sk.cldSde();
    const [km, kt, kh, ks] = sk.random.split(sk.random.key(o.seed as number), 4);
    const net = sk.mlp({ inDim: 4, outDim: 2, width: o.width as number, depth: 3, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, km, { backend: be });
    const cfg = { optimizer: { lr: 2e-3, gradClip: 1 }, emaDecay: 0.995 };
    const bar = progressBar('train', !o.json);
    const r = await sk.train(sk.trainInit(net.init, cfg), kt, {
      ...cfg, steps: o.steps as number,
      loss: (p, b, k) => sk.cldLoss(cld, net.apply, p, b, k, { eps: 1e-3 }),
      batch: (_i, k) => data.sample(k, 256, be),
      progressEvery: Math.max(1, Math.floor((o.steps as number) / 100)),
      onProgress: (p) => bar.update(p.step, p.total, `loss ${p.loss.toFixed(3)} ${p.stepsPerSecond.toFixed(0)} it/s`),
    });
    bar.done();
    const tTrain = performance.now();
    const score = sk.cldScoreFn(cld, net.apply, r.state.ema!);
    const held = data.sample(kh, o.n as number, be);
    const nfe = o.nfe as number;
    const runs: Record<string, { x: sk.Tensor; nfe: number; mmd2: number; mmd2Fine: number; sw2: number }> = {};
    for (const [name, stepper] of [['SSCS', sk.sscs(cld, score)], ['Euler–Maruyama', sk.eulerMaruyama(cld, score)]] as const) {
      const q = sk.sample(ks, { sde: cld, stepper, n: o.n as number, d: 2, steps: nfe - 1, eps: 1e-3, backend: be, denoise: { kind: 'mean-step', score } });
      const x = cld.split(q.x).x;
      // MMD² with the median-heuristic bandwidth sees the coarse layout only; ℓ = 0.5 sees fine structure.
      runs[name] = { x, nfe: q.nfe, mmd2: await sk.metrics.mmd2(x, held), mmd2Fine: await sk.metrics.mmd2(x, held, { bandwidth: 0.5 }), sw2: await sk.metrics.slicedWasserstein(x, held, ks) };
    }
    const tSample = performance.now();
    const pts = await held.data();
    const xr = rangeOf(pts, 2, 0);
    const yr = rangeOf(pts, 2, 1);
    const panels: Panel[] = [{ kind: 'scatter', title: `data (${data.name})`, points: pts, x: xr, y: yr, color: '#555' }];
    for (const [name, v] of Object.entries(runs)) panels.push({ kind: 'scatter', title: `${name}, NFE ${v.nfe}`, points: await v.x.data(), x: xr, y: yr });
    await stageFigure(outputs, '--out samples.png', await figure(panels, { title: `CLD + HSM on ${data.name}: ${o.steps} training steps, ${o.n} samples each` }));
    // velocity score at v = 0 on a grid, at three times
    const g = 21;
    const grid = new Float64Array(2 * g * g);
    for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) {
      grid[2 * (i * g + j)] = xr.min + ((xr.max - xr.min) * (j + 0.5)) / g;
      grid[2 * (i * g + j) + 1] = yr.min + ((yr.max - yr.min) * (i + 0.5)) / g;
    }
    const at = sk.fromArray(grid, { backend: be, shape: [g * g, 2] });
    const field: Panel[] = [];
    for (const t of [0.05, 0.2, 0.5]) {
      const u = sk.concat([at, sk.zeros([g * g, 2], { backend: be })], 1);
      field.push({ kind: 'quiver', title: `∇ᵥ log p_t at v = 0, t = ${t}`, at: grid, vec: await score(u, t).data(), x: xr, y: yr, background: pts });
    }
    await stageFigure(outputs, '--out score-field.png', await figure(field, { title: 'learned velocity score (mixed parameterisation)' }));
    const steps = Float64Array.from(r.losses, (_, i) => i + 1);
    await stageFigure(outputs, '--out loss.png', await figure([{ kind: 'line', title: 'HSM loss (reweightedv2)', series: [{ label: 'loss', x: steps, y: r.losses }], xLabel: 'step', yLabel: 'loss' }]));
    const metrics = {
      data: data.name, sde: 'cld', loss: 'hsm', seed: o.seed, backend: be.name, trainingSteps: o.steps, samples: o.n,
      nfe,
      mmd2: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.mmd2])),
      mmd2Bandwidth05: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.mmd2Fine])),
      slicedWasserstein2: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.sw2])),
      finalLoss: r.losses.subarray(-100).reduce((a, b) => a + b, 0) / Math.min(100, r.losses.length),
    };
    await outputs.stage('--out metrics.json', JSON.stringify(metrics, null, 2) + '\n');
    const timing = { trainSeconds: (tTrain - t0) / 1000, sampleSeconds: (tSample - tTrain) / 1000, totalSeconds: (performance.now() - t0) / 1000 };
    await outputs.stage('--out timing.json', JSON.stringify(timing, null, 2) + '\n');
    await outputs.commit();
    print(o, [
      `scorekit demo — CLD with hybrid score matching on ${data.name} (${be.name}, seed ${o.seed})`,
      `trained ${o.steps} steps in ${timing.trainSeconds.toFixed(1)} s; ${o.n} samples per sampler at NFE ${nfe}:`,
      `  ${'sampler'.padEnd(16)} ${'MMD² (median ℓ)'.padEnd(16)} ${'MMD² (ℓ = 0.5)'.padEnd(16)} sliced W₂`,
      ...Object.entries(runs).map(([k, v]) => `  ${k.padEnd(16)} ${v.mmd2.toExponential(2).padEnd(16)} ${v.mmd2Fine.toExponential(2).padEnd(16)} ${v.sw2.toFixed(4)}`),
      `wrote ${[...FIGURES, ...FILES].map((f) => join(dir, f)).join(', ')} (each figure with its Vega-Lite specification, FILE.vl.json)`,
    ].join('\n'), { ...metrics, timing, out: dir });
  },
};
