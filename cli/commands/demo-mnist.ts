/**
 * `scorekit demo --data mnist`: train the U-Net of core/models/unet.ts with continuous-time DSM under
 * the VP SDE (score_sde's defaults: the output divided by σ(t)) on the `mnist` package's training
 * digits (the classifier's split), sample it with Euler–Maruyama on the reverse SDE and a Tweedie
 * denoising step, and write
 *   samples.png    a grid of generated digits (and data.png, training digits for comparison)
 *   loss.png       the training loss
 *   metrics.json   the digit classifier's class histogram, mean confidence and confident fraction of
 *                  the samples, their nearest-neighbour distance to the training digits, and the same
 *                  for held-out digits as the reference level; the network's size and FLOPs
 *   timing.json    wall times (not deterministic, hence separate)
 * Sizes come from --image-steps, --image-batch, --image-n and --channels.
 */
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import * as sk from '../../index.js';
import { type Parsed } from '../args.js';
import { print } from '../command.js';
import { figure } from '../plot/render.js';
import { imageGridPng } from '../plot/image-grid.js';
import { figureFiles, planRun, stageFigure } from '../run-files.js';

const SIDE = 28;
const D = SIDE * SIDE;

export async function runMnistDemo(o: Parsed): Promise<void> {
  const t0 = performance.now();
  const lrFinal = o['lr-final'] as number;
  if (lrFinal > 1) throw new RangeError(`--lr-final is a fraction of --lr and must lie in [0, 1], got ${lrFinal}`);
  if (!((o.ema as number) < 1)) throw new RangeError(`--ema must lie in [0, 1), got ${o.ema}`);
  const channels = o.channels as number;
  if (channels % 4 !== 0) throw new RangeError(`--channels must be a multiple of 4 (the group norm's groups), got ${channels}`);
  const be = await sk.getBackend(o.backend as string);
  const dir = o.out as string;
  await fs.mkdir(dir, { recursive: true });
  const PNGS = ['samples.png', 'data.png'] as const;
  const FILES = ['metrics.json', 'timing.json'] as const;
  const outputs = await planRun([
    ...PNGS.map((f) => [`--out ${f}`, join(dir, f)] as [string, string]),
    ...figureFiles('--out loss.png', join(dir, 'loss.png')),
    ...FILES.map((f) => [`--out ${f}`, join(dir, f)] as [string, string]),
  ], []);
  const data = await sk.loadMnist();
  const split = sk.stratifiedSplit(data.labels, sk.DIGIT_TEST_FRACTION);
  const rows = (idx: Int32Array): sk.Tensor => sk.fromArray(sk.gather(data.images, sk.fromArray(idx, { dtype: 'int32', shape: [idx.length] })).dataSync(), { backend: be, dtype: 'float32', shape: [idx.length, D] });
  const train = rows(split.train);
  const vp = sk.vpSde();
  const [km, kt, ks] = sk.random.split(sk.random.key(o.seed as number), 3);
  const net = sk.unet({ height: SIDE, width: SIDE, channels: 1, baseChannels: channels, channelMults: [1, 2], groups: 4 }, km, { backend: be, dtype: 'float32' });
  const model = sk.scaleOutput(net.apply, (t) => vp.stdOf(t));
  const steps = o['image-steps'] as number;
  const warmup = Math.min(o.warmup as number, steps - 1);
  const optimizer: sk.AdamConfig = {
    lr: o.lr as number, gradClip: 1, warmup,
    ...(lrFinal < 1 ? { decay: { kind: 'cosine', steps: steps - warmup, final: lrFinal } } : {}),
  };
  const cfg = { optimizer, emaDecay: o.ema as number };
  const B = o['image-batch'] as number;
  const r = await sk.train(sk.trainInit(net.init, cfg), kt, {
    ...cfg, steps,
    loss: (p, b, k) => sk.sdeDsmLoss(vp, model, p, b, k, { reduceMean: true }),
    batch: (_i, k) => sk.gather(train, sk.random.randint(k, [B], 0, split.train.length, { backend: be })),
    progressEvery: Math.max(1, Math.floor(steps / 20)),
    onProgress: (p) => { if (!o.json) process.stderr.write(`train ${p.step}/${p.total} loss ${p.loss.toFixed(4)} ${p.stepsPerSecond.toFixed(2)} it/s\n`); },
  });
  const tTrain = performance.now();
  const params = r.state.ema!;
  const n = o['image-n'] as number;
  const nfe = o.nfe as number;
  const score: sk.ScoreFn = (x, t) => model(params, x, sk.full([x.shape[0]], t, { backend: x.backend, dtype: x.dtype }));
  const q = sk.sample(ks, { sde: vp, stepper: sk.eulerMaruyama(vp, score), n, d: D, steps: nfe - 1, eps: 1e-3, backend: be, dtype: 'float32', denoise: { kind: 'tweedie', score } });
  const x = sk.clip(q.x, -1, 1);
  const tSample = performance.now();
  const classifier = await sk.loadDigitClassifier({ backend: be });
  const gen = await sk.digitMetrics(classifier, x, train);
  const every = Math.max(1, Math.floor(split.test.length / n));
  const held = rows(split.test.filter((_, i) => i % every === 0).slice(0, n));
  const ref = await sk.digitMetrics(classifier, held, train);
  await outputs.stage('--out samples.png', imageGridPng(await x.data(), [n, SIDE, SIDE, 1]));
  await outputs.stage('--out data.png', imageGridPng(await held.data(), [held.shape[0], SIDE, SIDE, 1]));
  const stepAxis = Float64Array.from(r.losses, (_, i) => i + 1);
  await stageFigure(outputs, '--out loss.png', await figure([{ kind: 'line', title: 'DSM loss (VP SDE)', series: [{ label: 'loss', x: stepAxis, y: r.losses }], xLabel: 'step', yLabel: 'loss' }]));
  const summary = (m: sk.DigitMetrics): Record<string, unknown> => ({
    histogram: m.classes.histogram, meanConfidence: m.classes.meanConfidence, confidentFraction: m.classes.confidentFraction,
    threshold: m.classes.threshold, classesPresent: m.classes.classesPresent, nearestNeighbour: m.nearest,
  });
  const metrics = {
    data: 'mnist', sde: 'vp', loss: 'dsm', seed: o.seed, backend: be.name, trainingSteps: steps, samples: n, nfe: q.nfe,
    network: { kind: 'unet', baseChannels: channels, channelMults: [1, 2], parameters: net.parameterCount, forwardFlopsPerSample: net.flopsPerSample },
    training: { batch: B, lr: o.lr, warmup, lrFinal, ema: o.ema, trainDigits: split.train.length },
    classifier: { testAccuracy: classifier.meta.testAccuracy },
    generated: summary(gen), heldOut: summary(ref),
    finalLoss: r.losses.subarray(-20).reduce((a, b) => a + b, 0) / Math.min(20, r.losses.length),
  };
  await outputs.stage('--out metrics.json', JSON.stringify(metrics, null, 2) + '\n');
  const timing = { trainSeconds: (tTrain - t0) / 1000, sampleSeconds: (tSample - tTrain) / 1000, totalSeconds: (performance.now() - t0) / 1000 };
  await outputs.stage('--out timing.json', JSON.stringify(timing, null, 2) + '\n');
  await outputs.commit();
  const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
  print(o, [
    `scorekit demo — U-Net (${net.parameterCount} parameters) with DSM under the VP SDE on MNIST (${be.name}, seed ${o.seed})`,
    `trained ${steps} steps in ${timing.trainSeconds.toFixed(1)} s; ${n} samples at NFE ${q.nfe} in ${timing.sampleSeconds.toFixed(1)} s`,
    `  ${'digits'.padEnd(10)} ${'confidence'.padEnd(11)} ${`> ${gen.classes.threshold}`.padEnd(8)} ${'classes'.padEnd(8)} nearest training digit (median)`,
    ...([['generated', gen], ['held-out', ref]] as const).map(([k, m]) => `  ${k.padEnd(10)} ${m.classes.meanConfidence.toFixed(3).padEnd(11)} ${pct(m.classes.confidentFraction).padEnd(8)} ${String(m.classes.classesPresent).padEnd(8)} ${m.nearest.median.toFixed(2)}`),
    `wrote ${[...PNGS, 'loss.png', ...FILES].map((f) => join(dir, f)).join(', ')}`,
  ].join('\n'), { ...metrics, timing, out: dir });
}
