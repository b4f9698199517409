/**
 * What the CLI's names mean: data sets (a toy name or gmm:FILE.json), SDEs with their options, score
 * models rebuilt from checkpoints, and samplers. Every unknown name or bad pairing is an error that
 * says what is accepted.
 */
import { readInput } from '../io/files.js';
import * as E from 'fp-ts/lib/Either.js';
import * as sk from '../index.js';

export interface DataSpec {
  readonly name: string;
  readonly dim: number;
  readonly sample: (k: sk.PRNGKey, n: number, be: sk.Backend) => sk.Tensor;
  /** Present for mixtures: the exact data distribution. */
  readonly gmm?: sk.Gmm;
}

export async function parseData(spec: string): Promise<DataSpec> {
  if (spec.startsWith('gmm:')) {
    const file = spec.slice(4);
    const r = sk.parseGmmJson((await readInput(file, 'mixture file')).toString('utf8'));
    if (E.isLeft(r)) throw new Error(`invalid mixture in ${file}: ${r.left.join('; ')}`);
    const g = r.right;
    return { name: spec, dim: g.dim, gmm: g, sample: (k, n, be) => sk.gmmSample(g, k, n, { backend: be }) };
  }
  if (!sk.isToyName(spec)) throw new Error(`unknown data '${spec}'; use one of ${sk.TOY_DATASETS.join(', ')} or gmm:FILE.json`);
  return { name: spec, dim: 2, sample: (k, n, be) => sk.toyData(spec, k, n, { backend: be }) };
}

export const SDE_NAMES = ['ve', 'vp', 'subvp', 'cld'] as const;

export function makeSde(name: string, cfg: Record<string, number> = {}): sk.Sde {
  switch (name) {
    case 've': return sk.veSde({ sigmaMin: cfg.sigmaMin ?? 0.01, sigmaMax: cfg.sigmaMax ?? 10 });
    case 'vp': return sk.vpSde(cfg);
    case 'subvp': return sk.subVpSde(cfg);
    case 'cld': return sk.cldSde(cfg);
    default: throw new Error(`unknown SDE '${name}'; use one of ${SDE_NAMES.join(', ')}`);
  }
}

export const LOSSES = ['dsm', 'ssm', 'ssm-vr', 'ism', 'hsm', 'qc'] as const;
export const MODELS = ['mlp', 'energy'] as const;
export const SAMPLERS = ['em', 'rd', 'ancestral', 'pc', 'ald', 'ode-euler', 'ode-heun', 'ode-rk4', 'ode-dopri5', 'sscs'] as const;

export interface ModelMeta {
  readonly format: 'scorekit-model';
  readonly version: 1;
  readonly model: { readonly kind: 'mlp' | 'energy'; readonly width: number; readonly depth: number; readonly keyWords: [number, number] };
  readonly sde: { readonly kind: string; readonly config: Record<string, number> };
  readonly loss: string;
  readonly data: string;
  readonly dim: number;
  readonly lambda?: number;
}

/** The network of a model description (its Fourier buffer comes from the stored key). */
export function buildNet(meta: Pick<ModelMeta, 'model' | 'sde' | 'dim'>, be: sk.Backend): sk.Mlp {
  const cld = meta.sde.kind === 'cld';
  const inDim = cld ? 2 * meta.dim : meta.dim;
  const outDim = meta.model.kind === 'energy' ? 1 : meta.dim;
  return sk.mlp(
    { inDim, outDim, width: meta.model.width, depth: meta.model.depth, embedding: { kind: 'fourier', dim: 16, scale: 4 } },
    sk.random.keyFromWords(meta.model.keyWords),
    { backend: be },
  );
}

/** The score model (params, x, t) → score used for training and sampling (CLD: the network output α). */
export function scoreModel(meta: Pick<ModelMeta, 'model' | 'sde' | 'dim'>, net: sk.Mlp, sde: sk.Sde): sk.ScoreModel<sk.MlpParams> {
  const base: sk.ScoreModel<sk.MlpParams> = meta.model.kind === 'energy'
    ? sk.energyScore<sk.MlpParams>((p, x, t) => sk.reshape(net.apply(p, x, t), [x.shape[0]]))
    : net.apply;
  if (sde.kind === 'cld') return base;
  const lin = sde as sk.ScalarLinearSde;
  return sk.scaleOutput(base, (t) => lin.stdOf(t));
}

/** A sampler-ready score s(x, t) at one time from trained parameters. */
export function scoreFnOf(meta: ModelMeta, net: sk.Mlp, sde: sk.Sde, params: sk.MlpParams): sk.ScoreFn {
  const model = scoreModel(meta, net, sde);
  if (sde.kind === 'cld') return sk.cldScoreFn(sde as sk.CldSde, model, params, { objective: meta.loss === 'dsm' ? 'dsm' : 'hsm' });
  return (x, t) => model(params, x, sk.full([x.shape[0]], t, { backend: x.backend, dtype: x.dtype }));
}

export function checkPairing(sde: sk.Sde, loss: string, model: string, sampler?: string): void {
  if (!(LOSSES as readonly string[]).includes(loss)) throw new Error(`unknown loss '${loss}'; use one of ${LOSSES.join(', ')}`);
  if (!(MODELS as readonly string[]).includes(model)) throw new Error(`unknown model '${model}'; use one of ${MODELS.join(', ')}`);
  if (sde.kind === 'cld' && !['hsm', 'dsm'].includes(loss)) throw new Error(`loss '${loss}' is not available for CLD; use hsm or dsm`);
  if (sde.kind !== 'cld' && loss === 'hsm') throw new Error(`hybrid score matching (hsm) needs the CLD SDE, not ${sde.kind}`);
  if (sde.kind === 'cld' && model === 'energy') throw new Error('energy models give a full score; CLD models learn the velocity score: use --model mlp');
  if (sampler !== undefined) checkSampler(sde, sampler);
}

export function checkSampler(sde: sk.Sde, sampler: string): void {
  if (!(SAMPLERS as readonly string[]).includes(sampler)) throw new Error(`unknown sampler '${sampler}'; use one of ${SAMPLERS.join(', ')}`);
  if (sampler === 'sscs' && sde.kind !== 'cld') throw new Error(`the sscs sampler needs --sde cld, not ${sde.kind}`);
  if (sde.kind === 'cld' && ['rd', 'ancestral', 'pc', 'ald'].includes(sampler)) throw new Error(`sampler '${sampler}' is not defined for CLD; use sscs, em or an ode-* solver`);
  if (sampler === 'ald' && sde.kind !== 've') throw new Error('annealed Langevin (ald) samples a VE model (noise levels σ); use --sde ve');
  if (['rd', 'ancestral'].includes(sampler) && sde.kind === 'subvp') throw new Error(`sampler '${sampler}' needs a discretisation, which the sub-VP SDE lacks; use em, pc with em, or ode-*`);
}

export interface SampleRun {
  readonly x: sk.Tensor;
  readonly nfe: number;
  readonly trajectory?: readonly sk.Tensor[];
  readonly grid?: Float64Array;
}

/** Run a named sampler from the prior (data dimension d). */
export async function runSampler(
  sde: sk.Sde, score: sk.ScoreFn, sampler: string, o: { k: sk.PRNGKey; n: number; d: number; steps: number; eps: number; denoise: boolean; snr: number; be: sk.Backend; trajectory?: boolean; onProgress?: (p: { step: number; total: number }) => void },
): Promise<SampleRun> {
  if (o.trajectory && ['ode-dopri5', 'ald'].includes(sampler)) throw new Error(`--trajectory needs a fixed-grid sampler, not ${sampler}`);
  checkSampler(sde, sampler);
  const dn = denoiseStep(sde, score, o.denoise);
  const base = { sde, n: o.n, d: o.d, steps: o.steps, eps: o.eps, backend: o.be, denoise: dn, onProgress: o.onProgress, trajectory: o.trajectory };
  const grid = fixedGridStepper(sde, score, sampler, o.steps, o.snr);
  if (grid) return sk.sample(o.k, { ...base, stepper: grid });
  switch (sampler) {
    case 'ode-dopri5': {
      const [kp] = sk.random.split(o.k, 2);
      const x0 = sde.priorSample(kp, o.n, o.d, { backend: o.be });
      const r = await sk.dopri5(sk.probabilityFlow(sde, score), x0, sde.T, o.eps);
      const x = dn ? sk.denoise(sde, score, r.x, o.eps, dn.kind) : r.x;
      return { x, nfe: r.nfe + (dn ? 1 : 0) };
    }
    case 'ald': {
      const ve = sde as sk.ScalarLinearSde;
      const levels = 10;
      const per = Math.max(1, Math.round(o.steps / levels));
      const sMax = ve.std(ve.T);
      const sMin = ve.std(o.eps);
      const sigmas = sk.geometricSigmas(sMax, sMin, levels);
      const tOf = (s: number): number => (Math.log(s / ve.std(0)) / Math.log(sMax / ve.std(0))) * ve.T;
      const [kp, ki] = sk.random.split(o.k, 2);
      const x0 = sde.priorSample(kp, o.n, o.d, { backend: o.be });
      // NCSN's step ratio ε/σ_L² = 0.2
      const r = sk.annealedLangevin((x, s) => score(x, tOf(s)), x0, ki, { sigmas, stepSize: 0.2 * sMin * sMin, stepsPerLevel: per, onProgress: o.onProgress });
      const x = dn ? sk.denoise(sde, score, r.x, o.eps, 'tweedie') : r.x;
      return { x, nfe: r.nfe + (dn ? 1 : 0) };
    }
    default:
      throw new Error(`unknown sampler '${sampler}'`);
  }
}

/** The final denoising step of --denoise: Tweedie, or a noise-free Euler step for CLD. */
export function denoiseStep(sde: sk.Sde, score: sk.ScoreFn, on: boolean): { kind: sk.DenoiseKind; score: sk.ScoreFn } | undefined {
  return on ? { kind: sde.kind === 'cld' ? 'mean-step' : 'tweedie', score } : undefined;
}

/** The stepper of a fixed-grid sampler (driven by sk.sample), or undefined for ode-dopri5 and ald. */
export function fixedGridStepper(sde: sk.Sde, score: sk.ScoreFn, sampler: string, steps: number, snr: number): sk.Stepper | undefined {
  const N = Math.max(2, steps);
  switch (sampler) {
    case 'em': return sk.eulerMaruyama(sde, score);
    case 'rd': return sk.reverseDiffusion(sde, score, N);
    case 'ancestral': return sk.ancestral(sde, score, N);
    case 'pc': {
      const pred = sde.kind === 'subvp' ? sk.eulerMaruyama(sde, score) : sk.reverseDiffusion(sde, score, N);
      return sk.predictorCorrector(pred, sk.langevinCorrector(sde, score, { snr, N }));
    }
    case 'ode-euler': return sk.odeStepper(sde, score, 'euler');
    case 'ode-heun': return sk.odeStepper(sde, score, 'heun');
    case 'ode-rk4': return sk.odeStepper(sde, score, 'rk4');
    case 'sscs': return sk.sscs(sde, score);
    default: return undefined;
  }
}

/** The data part of samples (the x half for CLD). */
export function dataPart(sde: sk.Sde, x: sk.Tensor): sk.Tensor {
  return sde.kind === 'cld' ? (sde as sk.CldSde).split(x).x : x;
}
