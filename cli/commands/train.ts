import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import { buildNet, checkPairing, defaultParam, type ModelMeta, parameterisationOf, parseData, scoreModel, SDE_NAMES } from '../specs.js';
import { progressBar } from '../progress.js';
import { figure } from '../plot/render.js';
import { dataFileOf, figureFiles, planRun, stageFigure } from '../run-files.js';
import { checkMemory, trainMemory } from '../limits.js';
import { SDE_OPTIONS, sdeFlagsOf, sdeFromFlags } from '../sde-options.js';
import { effectiveConfig } from '../config-file.js';

export const trainCommand: Command = {
  name: 'train',
  usage: `scorekit train --data NAME|gmm:FILE.json --sde ${SDE_NAMES.join('|')} --loss dsm|ssm|ssm-vr|ism|hsm|qc|edm|cfm [--param score|eps|x0|v|velocity] --out CKPT [options]`,
  summary: 'Train a score model and save a checkpoint (parameters, Adam state, EMA, metadata).',
  options: {
    data: { kind: 'string', help: 'toy data set name or gmm:FILE.json (required)' },
    sde: { kind: 'string', default: 'vp', help: SDE_NAMES.join(' | ') },
    loss: { kind: 'string', help: 'dsm (default; edm on the edm path, cfm on rf) | ssm | ssm-vr | ism | hsm (CLD) | qc (QCSGM) | edm (EDM preconditioned, on edm) | cfm (conditional flow matching, on rf)' },
    param: { kind: 'string', help: 'what the network predicts with --loss dsm: score | eps | x0 | v | velocity (default: the scaled score on ve/vp/subvp, eps on vp-cosine/vp-logsnr, velocity on rf, x0 on edm)' },
    'sigma-data': { kind: 'number', min: 0, help: "EDM's σ_data, the data's standard deviation per coordinate (default 0.5, EDM's for images in [−1, 1])" },
    ...SDE_OPTIONS,
    model: { kind: 'string', default: 'mlp', help: 'mlp | energy (s = −∇E)' },
    steps: { kind: 'int', default: 2000, min: 1, help: 'optimisation steps' },
    batch: { kind: 'int', default: 256, min: 2, help: 'batch size' },
    lr: { kind: 'number', default: 2e-3, min: 0, help: 'Adam learning rate' },
    width: { kind: 'int', default: 64, min: 1, help: 'MLP width' },
    depth: { kind: 'int', default: 3, min: 0, help: 'MLP hidden layers' },
    lambda: { kind: 'number', default: 0.1, min: 0, help: 'QCSGM regulariser weight (--loss qc)' },
    ema: { kind: 'number', default: 0.99, min: 0, help: 'EMA decay of the parameters' },
    out: { kind: 'string', help: 'checkpoint path (required; FILE.safetensors writes safetensors)' },
    plot: { kind: 'string', help: 'write the training-loss curve to this PNG (and its Vega-Lite specification to FILE.vl.json)' },
    ...COMMON,
  },
  async run(o) {
    if (!o.data) throw new Error('--data is required');
    if (!o.out) throw new Error('--out is required');
    if (!((o.ema as number) < 1)) throw new Error(`--ema must be below 1, got ${o.ema}`);
    const outputs = await planRun([['--out', o.out], ...figureFiles('--plot', o.plot)], [['--data', dataFileOf(o.data)], ['--config', o.config]]);
    const be = await sk.getBackend(o.backend as string);
    const data = await parseData(o.data as string);
    if (o['sigma-data'] !== undefined && o.sde !== 'edm') throw new Error(`--sigma-data is EDM's; it does not apply to --sde ${o.sde}`);
    const sde = sdeFromFlags(o.sde as string, o, o['sigma-data'] !== undefined ? { sigmaData: o['sigma-data'] as number } : {});
    const loss = (o.loss as string | undefined) ?? (sde.kind === 'edm' ? 'edm' : sde.kind === 'rf' ? 'cfm' : 'dsm');
    const given = o.param === undefined ? undefined : parameterisationOf(o.param as string);
    checkPairing(sde, loss, o.model as string, given);
    // VE/VP/sub-VP keep their scaled-score model unless another parameterisation is asked for
    const param = given === 'score' && (sde.kind === 've' || sde.kind === 'vp' || sde.kind === 'subvp') ? undefined : given ?? defaultParam(sde, loss);
    checkMemory(trainMemory({ batch: o.batch as number, width: o.width as number, depth: o.depth as number, inDim: sde.stateDim(data.dim), outDim: data.dim, steps: o.steps as number }), o);
    const [km, kt] = sk.random.split(sk.random.key(o.seed as number), 2);
    const meta: ModelMeta = {
      format: 'scorekit-model', version: 1,
      model: { kind: o.model as 'mlp' | 'energy', width: o.width as number, depth: o.depth as number, keyWords: km.toJSON() },
      sde: { kind: sde.kind, config: { ...sde.config } },
      loss, data: data.name, dim: data.dim, ...(loss === 'qc' ? { lambda: o.lambda as number } : {}), ...(param !== undefined ? { param } : {}),
      config: effectiveConfig(o, { loss, ...sdeFlagsOf(sde.kind, sde.config) }),
    };
    const net = buildNet(meta, be);
    const model = scoreModel(meta, net, sde);
    // checkPairing admitted only the losses each SDE family has
    const lossFn: sk.LossFn<sk.MlpParams> = (() => {
      switch (sde.kind) {
        case 'cld': return (p, b, k) => sk.cldLoss(sde, model, p, b, k, { objective: loss === 'hsm' ? 'hsm' : 'dsm', eps: 1e-3 });
        case 've': case 'vp': case 'subvp':
          if (param !== undefined) {
            const path = sk.linearSdePath(sde);
            return (p, b, k) => sk.pathDsmLoss(path, net.apply, p, b, k, { param });
          }
          switch (loss) {
            case 'dsm': return (p, b, k) => sk.sdeDsmLoss(sde, model, p, b, k);
            case 'qc': return (p, b, k) => sk.qcsgmLoss(sde, model, p, b, k, { lambda: o.lambda as number });
            default: return (p, b, k) => sk.sdeScoreMatchingLoss(sde, loss as sk.PerturbedSmKind, model, p, b, k);
          }
        case 'edm': {
          const edm = sk.edmPath(sde.config);
          return (p, b, k) => sk.edmLoss(edm, net.apply, p, b, k);
        }
        case 'rf': case 'vp-cosine': case 'vp-logsnr': {
          const path = sde.path;
          const q = param ?? 'eps';
          // the path SDE stops at its T (rectified flow: 1 − 10⁻³, where the drift is still finite)
          return loss === 'cfm'
            ? (p, b, k) => sk.cfmLoss(path, net.apply, p, b, k, { tMax: sde.T })
            : (p, b, k) => sk.pathDsmLoss(path, net.apply, p, b, k, { param: q, tMax: sde.T });
        }
        default: return sk.unknownSde(sde);
      }
    })();
    const cfg = { optimizer: { lr: o.lr as number, gradClip: 1 }, emaDecay: o.ema as number };
    const bar = progressBar('train', !o.json);
    const r = await sk.train(sk.trainInit(net.init, cfg), kt, {
      ...cfg, steps: o.steps as number, loss: lossFn,
      batch: (_i, k) => data.sample(k, o.batch as number, be),
      progressEvery: Math.max(1, Math.floor((o.steps as number) / 100)),
      onProgress: (p) => bar.update(p.step, p.total, `loss ${p.loss.toFixed(4)} ${p.stepsPerSecond.toFixed(1)} it/s`),
    });
    bar.done();
    await outputs.stage('--out', await sk.encodeTrainState(r.state, { ...meta }, sk.checkpointFormatOf(o.out as string)));
    if (o.plot) {
      const steps = Float64Array.from(r.losses, (_, i) => i + 1);
      await stageFigure(outputs, '--plot', await figure([{ kind: 'line', title: `${loss} loss (${sde.kind}, ${data.name})`, series: [{ label: 'loss', x: steps, y: r.losses }], xLabel: 'step', yLabel: 'loss' }]));
    }
    await outputs.commit();
    const tail = r.losses.subarray(Math.max(0, r.losses.length - 50));
    const final = tail.reduce((a, b) => a + b, 0) / tail.length;
    print(o, `trained ${meta.model.kind} (${sk.parameterCount(net.init)} parameters) with ${loss} on ${data.name} under ${sde.kind}: ${o.steps} steps, final loss ${final.toFixed(4)} (mean of the last ${tail.length}), ${r.seconds.toFixed(1)} s → ${o.out}`,
      { checkpoint: o.out, steps: o.steps, finalLoss: final, seconds: r.seconds, parameters: sk.parameterCount(net.init), meta });
  },
};
