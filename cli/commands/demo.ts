/**
 * `scorekit demo`, the README's main job: train a CLD model with hybrid score matching (mixed score) on
 * a 2-D data set, sample it with SSCS and with Euler–Maruyama at the same NFE, and write
 *   samples.png          data | SSCS | Euler–Maruyama
 *   score-field.png      the learned velocity score at v = 0 over the data plane, at three times
 *   loss.png             the training loss
 *   quality-vs-time.png  MMD² (ℓ = 0.5) and sliced W₂ of SSCS samples of the EMA model during training,
 *                        against the null level of two independent exact draws of the data
 *   metrics.json         MMD² of each sampler against held-out data, the null levels, NFE, settings
 *                        (deterministic per seed)
 *   timing.json          wall times, also of each point of the quality curve (not deterministic, hence separate)
 * The defaults train an MLP on Gaussian Fourier features of (x, v) on tfjs:wasm (the fastest CPU
 * engine for this network) with Adam, a linear warm-up and cosine decay, and an EMA of 0.999: sharp
 * checkerboard cells within two minutes on two cores.
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
import { runMnistDemo } from './demo-mnist.js';

export const demoCommand: Command = {
  name: 'demo',
  usage: 'scorekit demo [--out DIR] [--data NAME] [--steps N] [--nfe N] [--n COUNT] [--width N] [--batch N] [--lr X] [--seed N]',
  summary: 'Train a CLD model with HSM on 2-D data, sample with SSCS and Euler–Maruyama at equal NFE, write plots and metrics.',
  options: {
    out: { kind: 'string', default: 'scorekit-demo', help: 'output directory' },
    data: { kind: 'string', default: 'checkerboard', help: "toy data set, gmm:FILE.json, or 'mnist' (a U-Net on 28×28 digits, sized by the --image-* options)" },
    steps: { kind: 'int', default: 6000, min: 1, help: 'training steps' },
    nfe: { kind: 'int', default: 100, min: 2, help: 'score evaluations per sampler (including the denoising step)' },
    n: { kind: 'int', default: 2000, min: 2, help: 'samples per sampler' },
    width: { kind: 'int', default: 128, min: 1, help: 'MLP width (3 hidden layers, SiLU, Fourier time features)' },
    batch: { kind: 'int', default: 512, min: 1, help: 'training batch size' },
    lr: { kind: 'number', default: 5e-3, min: 0, help: 'peak Adam learning rate' },
    warmup: { kind: 'int', default: 200, min: 0, help: 'linear warm-up steps' },
    'lr-final': { kind: 'number', default: 0.02, min: 0, help: 'fraction of the learning rate left at the end of the cosine decay (1: constant)' },
    ema: { kind: 'number', default: 0.999, min: 0, help: 'EMA decay of the parameters (the EMA model is sampled)' },
    features: { kind: 'int', default: 32, min: 0, help: 'Gaussian Fourier features of the input (x, v) (Tancik et al. 2020; 0: the raw input)' },
    'feature-scale': { kind: 'number', default: 0.5, min: 0, help: 'standard deviation σ of the Fourier frequencies B ~ N(0, σ²)' },
    evals: { kind: 'int', default: 6, min: 0, help: 'points of the quality-vs-time curve (SSCS samples of the EMA model during training)' },
    'image-steps': { kind: 'int', default: 60, min: 1, help: 'with --data mnist: U-Net training steps' },
    'image-batch': { kind: 'int', default: 32, min: 1, help: 'with --data mnist: training batch size' },
    'image-n': { kind: 'int', default: 64, min: 1, help: 'with --data mnist: generated digits' },
    channels: { kind: 'int', default: 16, min: 4, help: 'with --data mnist: channels of the U-Net\'s first level (a multiple of 4)' },
    ...COMMON,
    backend: { ...COMMON.backend, default: 'tfjs:wasm' },
  },
  async run(o) {
    if (o.data === 'mnist') return runMnistDemo(o);
    const t0 = performance.now();
    const lrFinal = o['lr-final'] as number;
    if (lrFinal > 1) throw new RangeError(`--lr-final is a fraction of --lr and must lie in [0, 1], got ${lrFinal}`);
    if (!((o.ema as number) < 1)) throw new RangeError(`--ema must lie in [0, 1), got ${o.ema}`);
    const be = await sk.getBackend(o.backend as string);
    const data = await parseData(o.data as string);
    if (data.dim !== 2) throw new Error(`the demo plots 2-D data; ${data.name} has dimension ${data.dim}`);
    const dir = o.out as string;
    await fs.mkdir(dir, { recursive: true });
    const FIGURES = ['samples.png', 'score-field.png', 'loss.png', 'quality-vs-time.png'] as const;
    const FILES = ['metrics.json', 'timing.json'] as const;
    const outputs = await planRun([...FIGURES.flatMap((f) => figureFiles(`--out ${f}`, join(dir, f))), ...FILES.map((f) => [`--out ${f}`, join(dir, f)] as [string, string])], [['--data', dataFileOf(o.data)]]);
    const cld = sk.cldSde();
    const [km, kt, kh, ks] = sk.random.split(sk.random.key(o.seed as number), 4);
    const features = o.features as number;
    const ff = features > 0 ? sk.inputFourierFeatures(sk.random.foldIn(km, 1), 4, features, o['feature-scale'] as number, { backend: be }) : null;
    const mlp = sk.mlp({ inDim: ff ? ff.outDim : 4, outDim: 2, width: o.width as number, depth: 3, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, km, { backend: be });
    const net = { init: mlp.init, apply: ff ? sk.withInputFeatures(mlp.apply, ff) : mlp.apply };
    const steps = o.steps as number;
    const warmup = Math.min(o.warmup as number, steps - 1);
    const optimizer: sk.AdamConfig = {
      lr: o.lr as number, gradClip: 1, warmup,
      ...(lrFinal < 1 ? { decay: { kind: 'cosine', steps: steps - warmup, final: lrFinal } } : {}),
    };
    const cfg = { optimizer, emaDecay: o.ema as number };
    const n = o.n as number;
    const nfe = o.nfe as number;
    const held = data.sample(kh, n, be);
    const null_ = await nullLevels(data, n, be, sk.random.foldIn(kh, 1));
    const sscsSamples = (score: sk.ScoreFn): sk.Tensor => cld.split(sk.sample(ks, { sde: cld, stepper: sk.sscs(cld, score), n, d: 2, steps: nfe - 1, eps: 1e-3, backend: be, denoise: { kind: 'mean-step', score } }).x).x;
    const evals = o.evals as number;
    const evalEvery = evals > 0 ? Math.max(1, Math.floor(steps / evals)) : 0;
    const curve: { step: number; mmd2Fine: number; sw2: number; seconds: number }[] = [];
    let evalSeconds = 0;
    const bar = progressBar('train', !o.json);
    const r = await sk.train(sk.trainInit(net.init, cfg), kt, {
      ...cfg, steps,
      loss: (p, b, k) => sk.cldLoss(cld, net.apply, p, b, k, { eps: 1e-3 }),
      batch: (_i, k) => data.sample(k, o.batch as number, be),
      progressEvery: Math.max(1, Math.floor(steps / 100)),
      onProgress: (p) => bar.update(p.step, p.total, `loss ${p.loss.toFixed(3)} ${p.stepsPerSecond.toFixed(0)} it/s`),
      evalEvery,
      onEval: async (st) => {
        const te = performance.now();
        const x = sscsSamples(sk.cldScoreFn(cld, net.apply, st.ema!));
        curve.push({ step: st.step, mmd2Fine: await sk.metrics.mmd2(x, held, { bandwidth: 0.5 }), sw2: await sk.metrics.slicedWasserstein(x, held, ks), seconds: (te - t0 - evalSeconds * 1000) / 1000 });
        x.dispose();
        evalSeconds += (performance.now() - te) / 1000;
      },
    });
    bar.done();
    const tTrain = performance.now();
    const score = sk.cldScoreFn(cld, net.apply, r.state.ema!);
    const runs: Record<string, { x: sk.Tensor; nfe: number; mmd2: number; mmd2Fine: number; sw2: number }> = {};
    for (const [name, stepper] of [['SSCS', sk.sscs(cld, score)], ['Euler–Maruyama', sk.eulerMaruyama(cld, score)]] as const) {
      const q = sk.sample(ks, { sde: cld, stepper, n, d: 2, steps: nfe - 1, eps: 1e-3, backend: be, denoise: { kind: 'mean-step', score } });
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
    const stepAxis = Float64Array.from(r.losses, (_, i) => i + 1);
    await stageFigure(outputs, '--out loss.png', await figure([{ kind: 'line', title: 'HSM loss (reweightedv2)', series: [{ label: 'loss', x: stepAxis, y: r.losses }], xLabel: 'step', yLabel: 'loss' }]));
    await stageFigure(outputs, '--out quality-vs-time.png', await figure(qualityPanels(curve, null_, steps, nfe), { title: `SSCS samples of the EMA model during training (${n} samples, NFE ${nfe})` }));
    const metrics = {
      data: data.name, sde: 'cld', loss: 'hsm', seed: o.seed, backend: be.name, trainingSteps: o.steps, samples: o.n,
      nfe,
      mmd2: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.mmd2])),
      mmd2Bandwidth05: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.mmd2Fine])),
      slicedWasserstein2: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.sw2])),
      null: null_,
      training: { batch: o.batch, width: o.width, features, featureScale: o['feature-scale'], lr: o.lr, warmup, lrFinal, ema: o.ema },
      qualityCurve: curve.map(({ step, mmd2Fine, sw2 }) => ({ step, mmd2Bandwidth05: mmd2Fine, slicedWasserstein2: sw2 })),
      finalLoss: r.losses.subarray(-100).reduce((a, b) => a + b, 0) / Math.min(100, r.losses.length),
    };
    await outputs.stage('--out metrics.json', JSON.stringify(metrics, null, 2) + '\n');
    const timing = { trainSeconds: (tTrain - t0) / 1000 - evalSeconds, evalSeconds, qualityCurveSeconds: curve.map((c) => ({ step: c.step, trainSeconds: c.seconds })), sampleSeconds: (tSample - tTrain) / 1000, totalSeconds: (performance.now() - t0) / 1000 };
    await outputs.stage('--out timing.json', JSON.stringify(timing, null, 2) + '\n');
    await outputs.commit();
    print(o, [
      `scorekit demo — CLD with hybrid score matching on ${data.name} (${be.name}, seed ${o.seed})`,
      `trained ${o.steps} steps in ${timing.trainSeconds.toFixed(1)} s; ${o.n} samples per sampler at NFE ${nfe}:`,
      `  ${'sampler'.padEnd(16)} ${'MMD² (median ℓ)'.padEnd(16)} ${'MMD² (ℓ = 0.5)'.padEnd(16)} sliced W₂`,
      ...Object.entries(runs).map(([k, v]) => `  ${k.padEnd(16)} ${v.mmd2.toExponential(2).padEnd(16)} ${v.mmd2Fine.toExponential(2).padEnd(16)} ${v.sw2.toFixed(4)}`),
      `  ${'exact (null)'.padEnd(16)} ${'—'.padEnd(16)} ${`≤ ${null_.mmd2Bandwidth05.q95.toExponential(2)}`.padEnd(16)} ≤ ${null_.slicedWasserstein2.q95.toFixed(4)}   (95 % of ${NULL_PAIRS} pairs of exact draws)`,
      `wrote ${[...FIGURES, ...FILES].map((f) => join(dir, f)).join(', ')} (each figure with its Vega-Lite specification, FILE.vl.json)`,
    ].join('\n'), { ...metrics, timing, out: dir });
  },
};

/** Pairs of independent exact draws behind the null levels. */
const NULL_PAIRS = 20;

/**
 * The null levels of the metrics: MMD² (ℓ = 0.5) and sliced W₂ between two independent exact draws of
 * n points, over NULL_PAIRS pairs (median and the 95 % quantile, the 19th of 20 sorted values).
 */
async function nullLevels(data: Awaited<ReturnType<typeof parseData>>, n: number, be: sk.Backend, k: sk.PRNGKey): Promise<{ pairs: number; mmd2Bandwidth05: { median: number; q95: number }; slicedWasserstein2: { median: number; q95: number } }> {
  const mmd: number[] = [];
  const sw: number[] = [];
  for (let i = 0; i < NULL_PAIRS; i++) {
    const [ka, kb, kc] = sk.random.split(sk.random.foldIn(k, i), 3);
    const a = data.sample(ka, n, be);
    const b = data.sample(kb, n, be);
    mmd.push(await sk.metrics.mmd2(a, b, { bandwidth: 0.5 }));
    sw.push(await sk.metrics.slicedWasserstein(a, b, kc));
    sk.dispose([a, b]);
  }
  const levels = (v: number[]): { median: number; q95: number } => {
    const s = [...v].sort((p, q) => p - q);
    return { median: (s[NULL_PAIRS / 2 - 1] + s[NULL_PAIRS / 2]) / 2, q95: s[Math.ceil(0.95 * NULL_PAIRS) - 1] };
  };
  return { pairs: NULL_PAIRS, mmd2Bandwidth05: levels(mmd), slicedWasserstein2: levels(sw) };
}

/** The quality curve: each metric against the training step, beside its null level (95 % of exact pairs). */
function qualityPanels(curve: readonly { step: number; mmd2Fine: number; sw2: number }[], null_: Awaited<ReturnType<typeof nullLevels>>, steps: number, nfe: number): Panel[] {
  const xs = curve.map((c) => c.step);
  const flat = (v: number): Float64Array => Float64Array.from([1, steps], () => v);
  return [
    { kind: 'line', title: 'MMD² (ℓ = 0.5) against held-out data', xLabel: 'training step', yLabel: 'MMD²', logY: true, series: [
      { label: `SSCS, NFE ${nfe}`, x: xs, y: curve.map((c) => c.mmd2Fine) },
      { label: 'exact draws (95 %)', x: Float64Array.from([1, steps]), y: flat(null_.mmd2Bandwidth05.q95), color: '#888' },
    ] },
    { kind: 'line', title: 'sliced W₂ against held-out data', xLabel: 'training step', yLabel: 'sliced W₂', logY: true, series: [
      { label: `SSCS, NFE ${nfe}`, x: xs, y: curve.map((c) => c.sw2) },
      { label: 'exact draws (95 %)', x: Float64Array.from([1, steps]), y: flat(null_.slicedWasserstein2.q95), color: '#888' },
    ] },
  ];
}
