import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import { parseData } from '../specs.js';
import { refuseWithCheckpoint, SDE_OPTIONS, sdeFlagsGiven, sdeFromFlags } from '../sde-options.js';
import { modelFromCheckpoint } from '../sample-job.js';
import { checkMemory, nllMemory } from '../limits.js';
import { onnxFileOf, onnxScoreOn } from '../onnx-source.js';

export const nllCommand: Command = {
  name: 'nll',
  usage: 'scorekit nll (--ckpt CKPT | --score exact --sde NAME | --score onnx:FILE --sde NAME) --data NAME|gmm:FILE.json [--n COUNT]',
  summary: 'Negative log-likelihood and bits/dim of fresh data through the probability-flow ODE (VE, VP, sub-VP and the Gaussian paths).',
  options: {
    ckpt: { kind: 'string', help: 'checkpoint written by scorekit train' },
    score: { kind: 'string', help: "'exact' for the exact score of a gmm:FILE.json mixture; onnx:FILE for an ONNX score network (its divergence by central finite differences)" },
    data: { kind: 'string', help: 'data to evaluate (required)' },
    sde: { kind: 'string', help: 've | vp | subvp | edm | rf | vp-cosine | vp-logsnr (with --score exact)' },
    n: { kind: 'int', default: 200, min: 1, help: 'number of data points' },
    ...SDE_OPTIONS,
    ...COMMON,
  },
  async run(o) {
    if (!o.data) throw new Error('--data is required');
    if (!!o.ckpt === !!o.score) throw new Error('give exactly one of --ckpt CKPT and --score exact');
    const be = await sk.getBackend(o.backend as string);
    const data = await parseData(o.data as string);
    let sde: sk.Sde;
    let score: sk.ScoreFn;
    if (o.ckpt) refuseWithCheckpoint(sdeFlagsGiven(o), o.ckpt as string);
    if (o.ckpt) ({ sde, score } = await modelFromCheckpoint(o.ckpt as string, be));
    else if (onnxFileOf(o.score) !== undefined) {
      if (!o.sde) throw new Error('--score onnx:FILE needs --sde');
      sde = sdeFromFlags(o.sde as string, o);
      let dim: number;
      ({ score, dim } = await onnxScoreOn(onnxFileOf(o.score)!, sde));
      if (dim !== data.dim) throw new Error(`--data has dimension ${data.dim}, the ONNX score ${dim}`);
    } else {
      if (o.score !== 'exact' || !data.gmm) throw new Error("--score exact needs --data gmm:FILE.json");
      if (!o.sde) throw new Error('--score exact needs --sde');
      sde = sdeFromFlags(o.sde as string, o);
      score = sk.exactScore(sde, data.gmm);
    }
    if (sde.kind === 'cld') throw new Error('nll for CLD needs the initial-velocity marginalisation, not implemented yet; use a model of a Gaussian path (ve, vp, subvp, edm, rf, vp-cosine, vp-logsnr)');
    checkMemory(nllMemory({ n: o.n as number, stateDim: sde.stateDim(data.dim) }), o);
    const [kd, kp] = sk.random.split(sk.random.key(o.seed as number), 2);
    const x = data.sample(kd, o.n as number, be);
    const r = await sk.logLikelihood(sde, score, x, { key: kp });
    const nll = -(await sk.mean(r.logp).item());
    const bpd = await sk.mean(r.bpd).item();
    const exact = data.gmm ? -(await sk.mean(sk.gmmLogDensity(data.gmm, x)).item()) : undefined;
    print(o, `NLL ${nll.toFixed(4)} nats (${bpd.toFixed(4)} bits/dim) over ${o.n} points of ${data.name}, NFE ${r.nfe}${exact !== undefined ? `; exact NLL of the data ${exact.toFixed(4)}` : ''}`,
      { nll, bitsPerDim: bpd, nfe: r.nfe, n: o.n, ...(exact !== undefined ? { exactNll: exact } : {}) });
  },
};
