/**
 * The sampler registry: one entry per sampler, the single list that the command line, `scorekit
 * samplers`, `orders`, the threads/chunk eligibility and the README's table read. An entry's name is
 * its key. Declared orders are checked by tests with the library's exact weak-order tool.
 */
import type { ScoreFn } from '../sde/types.js';
import { type Sde, unknownSde } from '../sde/sde.js';
import { gaussianPathOf } from '../sde/path-sde.js';
import { ancestral, eulerMaruyama, langevinCorrector, predictorCorrector, reverseDiffusion } from './sde-steppers.js';
import { odeStepper, probabilityFlow } from './ode-steppers.js';
import { sscs } from './sscs.js';
import { cldOabao } from './cld-oabao.js';
import { dopri5 } from './dopri5.js';
import { dopri5PerSample, rowProbabilityFlow } from './dopri5-per-sample.js';
import { SHARK, SRA1, sraStepper } from './sra.js';
import { reversibleHeun, stochasticHeun } from './heun-sde.js';
import { ADAPTIVE_SDE_DEFAULTS, adaptiveSde } from './adaptive-sde.js';
import { annealedLangevinVe } from './ald-ve.js';
import { samplingKeys } from './sample.js';
import { gaussianPathSupport } from './path-denoiser.js';
import { ddim } from './ddim.js';
import { eulerSigma } from './euler.js';
import { eulerAncestral } from './euler-ancestral.js';
import { edmHeun } from './edm-heun.js';
import { dpm2 } from './dpm-2.js';
import { dpmSolver, dpmSolverPp2s } from './dpm-solver.js';
import type { FixedGridSampler, Sampler, SamplerEntry, SamplerOptions } from './sampler.js';
import { dpmppMultistep, dpmppSde } from './dpm-solver-multistep.js';
import { deisTab, ipndm } from './deis.js';
import { lms } from './lms.js';
import { unipc } from './unipc.js';

const any = (): string | null => null;
const STEPS_20 = [20, 40, 80, 160];
const STEPS_40 = [40, 80, 160, 320];
const LMS_STEPS = [160, 320, 640];

/** VE and VP have DDPM/SMLD discretisations; sub-VP has none (score_sde neither); CLD is not scalar. */
function discretised(sde: Sde): string | null {
  switch (sde.kind) {
    case 've': case 'vp': return null;
    case 'subvp': return 'needs a discretisation, which the sub-VP SDE lacks; use em, pc or an ode-* solver';
    case 'cld': return 'is not defined for CLD; use sscs, em or an ode-* solver';
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': return `needs a DDPM/SMLD discretisation, which the ${sde.kind} path lacks; use em or an ode-* solver`;
    default: return unknownSde(sde);
  }
}

function scalarLinear(sde: Sde): string | null {
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': return null;
    case 'cld': return 'is not defined for CLD; use sscs, em or an ode-* solver';
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': return `is written for VE/VP/sub-VP (its corrector uses their discretisation), not the ${sde.kind} path; use em or an ode-* solver`;
    default: return unknownSde(sde);
  }
}

const cldOnly = (sde: Sde): string | null => (sde.kind === 'cld' ? null : `needs the CLD SDE, not ${sde.kind}`);

/** The discretisation levels of rd/ancestral/pc: one per grid step. */
const levelsOf = (o: SamplerOptions): number => Math.max(2, o.steps);

const fixed = (e: Omit<FixedGridSampler, 'grid' | 'name' | 'options' | 'batchCoupled'> & Partial<Pick<FixedGridSampler, 'options' | 'batchCoupled'>>) =>
  ({ grid: 'fixed', options: [], batchCoupled: false, ...e }) as const;

const ode = (method: 'euler' | 'heun' | 'midpoint' | 'rk4', title: string, order: number, nfe: number, orderSteps: FixedGridSampler['orderSteps']) => fixed({
  title: `probability-flow ODE, ${title} (Song et al. 2021, eq. 13)`,
  supports: any, weakOrder: order, strongOrder: null, orderSteps, noiseDraws: 0, nfePerStep: nfe,
  stepper: (sde: Sde, score: ScoreFn) => odeStepper(sde, score, method),
});

/** NFE along a grid when a step into σ = 0 costs one evaluation instead of nfePerStep (the final denoise x' = α'D). */
const oneIntoData = (nfePerStep: number) => (sde: Sde, grid: ArrayLike<number>): number => {
  const path = gaussianPathOf(sde);
  let n = 0;
  for (let i = 0; i + 1 < grid.length; i++) n += path && path.sigma(grid[i + 1]) === 0 ? 1 : nfePerStep;
  return n;
};

/** Step ranges of the fast samplers' declared orders (uniform grids from T to ε = 1e-3 on Gaussian data; orders.test.ts). */
const FAST_1 = { vp: STEPS_40, 'vp-cosine': STEPS_40, rf: STEPS_40, 'vp-logsnr': STEPS_40 } as const;
const FAST_2 = { vp: STEPS_20, 'vp-cosine': STEPS_20, rf: STEPS_20 } as const;

const ENTRIES = {
  em: fixed({
    title: 'Euler–Maruyama on the reverse SDE (Song et al. 2021; strong order 1 with additive noise)',
    supports: any, weakOrder: 1, strongOrder: 1, orderSteps: { vp: STEPS_40, subvp: STEPS_40, cld: STEPS_40, 'vp-cosine': STEPS_20 }, noiseDraws: 1, nfePerStep: 1,
    stepper: (sde, score) => eulerMaruyama(sde, score),
  }),
  rd: fixed({
    title: 'reverse diffusion predictor (Song et al. 2021, eq. 46)',
    supports: discretised, weakOrder: 1, strongOrder: null, orderSteps: { vp: STEPS_40 }, noiseDraws: 1, nfePerStep: 1,
    stepper: (sde, score, o) => reverseDiffusion(sde, score, levelsOf(o)),
  }),
  ancestral: fixed({
    title: 'ancestral sampling: DDPM for VP, SMLD for VE (Ho et al. 2020; Song et al. 2021)',
    supports: discretised, weakOrder: 1, strongOrder: null, orderSteps: { vp: STEPS_40 }, noiseDraws: 1, nfePerStep: 1,
    stepper: (sde, score, o) => ancestral(sde, score, levelsOf(o)),
  }),
  pc: fixed({
    title: 'predictor–corrector: reverse diffusion (EM on sub-VP) + Langevin corrector (Song et al. 2021, Alg. 5)',
    supports: scalarLinear, weakOrder: null, strongOrder: null, noiseDraws: 2, nfePerStep: 2, batchCoupled: true, options: ['snr'],
    stepper(sde, score, o) {
      const N = levelsOf(o);
      const pred = sde.kind === 'subvp' ? eulerMaruyama(sde, score) : reverseDiffusion(sde, score, N);
      return predictorCorrector(pred, langevinCorrector(sde, score, { snr: o.snr ?? 0.16, N }));
    },
  }),
  ald: {
    grid: 'levels',
    title: 'annealed Langevin dynamics over the VE noise levels (Song & Ermon 2019, Alg. 1)',
    supports: (sde) => (sde.kind === 've' ? null : `samples a VE SDE (its noise levels σ), not ${sde.kind}`),
    weakOrder: null, strongOrder: null, noiseDraws: 1, nfePerStep: 1, batchCoupled: false, options: ['levels', 'stepRatio'],
    drive: async (k, sde, score, o) => {
      if (sde.kind !== 've') throw new RangeError('annealed Langevin samples a VE SDE');
      return annealedLangevinVe(k, sde, score, o);
    },
  } satisfies SamplerEntry,
  sra1: fixed({
    title: "SRA1, Rößler's stochastic Runge–Kutta for additive noise on the reverse SDE (Rößler 2010; strong 1.5 with the step's Lévy area)",
    supports: any, weakOrder: 2, strongOrder: 1.5, orderSteps: { vp: STEPS_20 }, noiseDraws: 2, levyArea: true, nfePerStep: 2,
    stepper: (sde, score) => sraStepper(sde, score, SRA1),
  }),
  shark: fixed({
    title: 'ShARK, shifted additive-noise Runge–Kutta on the reverse SDE (Foster, dos Reis & Strange 2023; strong 1.5 with the Lévy area)',
    supports: any, weakOrder: 2, strongOrder: 1.5, orderSteps: { vp: STEPS_20 }, noiseDraws: 2, levyArea: true, nfePerStep: 2,
    stepper: (sde, score) => sraStepper(sde, score, SHARK),
  }),
  'heun-sde': fixed({
    title: 'stochastic Heun on the reverse SDE: Euler–Maruyama predictor, trapezoidal drift and diffusion, one increment (Kloeden & Platen 1992, §15.1; diffrax heun.py)',
    supports: any, weakOrder: 2, strongOrder: 1, orderSteps: { vp: STEPS_20, subvp: STEPS_20, 'vp-cosine': STEPS_20 }, noiseDraws: 1, nfePerStep: 2,
    stepper: (sde, score) => stochasticHeun(sde, score),
  }),
  // the leapfrog-like 2y − ŷ makes ŷ unstable on the stiff VP drifts below about 320 steps (measured
  // 5.9 and 3.4 over 20–160 and 80–640 steps on VP): its order is stated on sub-VP
  'reversible-heun': fixed({
    title: 'Reversible Heun on the reverse SDE, one score evaluation per step, algebraically reversible (Kidger et al. 2021; diffrax reversible_heun.py)',
    supports: any, weakOrder: 2, strongOrder: 1, orderSteps: { subvp: [80, 160, 320, 640] }, noiseDraws: 1, nfePerStep: 1,
    nfeOn: (_sde, grid) => grid.length, stepper: (sde, score) => reversibleHeun(sde, score),
  }),
  'ode-euler': ode('euler', 'explicit Euler', 1, 1, { vp: STEPS_40, subvp: STEPS_40, cld: [160, 320, 640, 1280], 'vp-cosine': STEPS_20, rf: STEPS_20 }),
  // on CLD, Heun and RK4 are not asymptotic below about 1000 steps (the exact velocity score is stiff near ε)
  'ode-heun': ode('heun', "Heun's method", 2, 2, { vp: STEPS_20, subvp: STEPS_20, 'vp-cosine': STEPS_20, rf: STEPS_20 }),
  'ode-midpoint': ode('midpoint', 'explicit midpoint rule', 2, 2, { vp: STEPS_20, subvp: STEPS_20, cld: STEPS_20 }),
  'ode-rk4': ode('rk4', 'classical Runge–Kutta', 4, 4, { vp: STEPS_20, subvp: [40, 80, 160], 'vp-cosine': STEPS_20, rf: [40, 80, 160] }),
  'ode-dopri5': {
    grid: 'adaptive',
    title: 'probability-flow ODE, adaptive Dormand–Prince 5(4) (Dormand & Prince 1980; rtol = atol = 1e-5)',
    supports: any, weakOrder: 5, strongOrder: null, noiseDraws: 0, nfePerStep: null, batchCoupled: true, options: ['rtol', 'atol'],
    drive: async (k, sde, score, o) => {
      const x0 = sde.priorSample(samplingKeys(k).prior, o.n, o.d, { backend: o.backend, dtype: o.dtype });
      const r = await dopri5(probabilityFlow(sde, score), x0, sde.T, o.eps ?? 1e-3, { rtol: o.rtol, atol: o.atol });
      return { x: r.x, nfe: r.nfe };
    },
  } satisfies SamplerEntry,
  'ode-dopri5-per-sample': {
    grid: 'adaptive',
    title: 'probability-flow ODE, adaptive Dormand–Prince 5(4) with a step size per sample: a row\'s result and NFE do not depend on its batch (rtol = atol = 1e-5)',
    supports: gaussianPathSupport, weakOrder: 5, strongOrder: null, noiseDraws: 0, nfePerStep: null, batchCoupled: false, options: ['rtol', 'atol'],
    drive: async (k, sde, score, o) => {
      const x0 = sde.priorSample(samplingKeys(k).prior, o.n, o.d, { backend: o.backend, dtype: o.dtype });
      const r = await dopri5PerSample(rowProbabilityFlow(sde, score), x0, sde.T, o.eps ?? 1e-3, { rtol: o.rtol, atol: o.atol });
      if (r.x !== x0) x0.dispose();
      return { x: r.x, nfe: r.nfe };
    },
  } satisfies SamplerEntry,
  adaptive: {
    grid: 'adaptive',
    title: `adaptive reverse SDE, Euler–Maruyama / improved-Euler pair with extrapolation and a step size per sample (Jolicoeur-Martineau et al. 2021; atol ${ADAPTIVE_SDE_DEFAULTS.atol}, rtol ${ADAPTIVE_SDE_DEFAULTS.rtol})`,
    supports: gaussianPathSupport,
    weakOrder: null, strongOrder: null, noiseDraws: 1, nfePerStep: null, batchCoupled: false, options: ['rtol', 'atol'],
    drive: async (k, sde, score, o) => {
      const keys = samplingKeys(k);
      const x0 = sde.priorSample(keys.prior, o.n, o.d, { backend: o.backend, dtype: o.dtype });
      const r = await adaptiveSde(keys.noise, sde, score, x0, { n: o.n, d: o.d, eps: o.eps, rtol: o.rtol, atol: o.atol });
      return { x: r.x, nfe: r.nfe };
    },
  } satisfies SamplerEntry,
  sscs: fixed({
    title: 'SSCS, symmetric splitting CLD sampler with an Euler score step (Dockhorn et al. 2022)',
    supports: cldOnly, weakOrder: 1, strongOrder: null, orderSteps: { cld: [10, 20, 40, 80] }, noiseDraws: 2, nfePerStep: 1, options: ['sscsVariant'],
    stepper: (sde, score, o) => sscs(sde, score, { variant: o.sscsVariant }),
  }),
  'sscs-heun': fixed({
    title: 'SSCS with a Heun score step (Strang splitting, second order)',
    supports: cldOnly, weakOrder: 2, strongOrder: null, orderSteps: { cld: [80, 160, 320, 640] }, noiseDraws: 2, nfePerStep: 2,
    stepper: (sde, score) => sscs(sde, score, { scoreStep: 'heun' }),
  }),
  oabao: fixed({
    title: 'OABAO splitting of the reverse CLD SDE: exact velocity OU (O), exact position (A), Euler force-and-score step (B) (Leimkuhler & Matthews 2013)',
    supports: cldOnly, weakOrder: 1, strongOrder: null, orderSteps: { cld: [10, 20, 40, 80] }, noiseDraws: 2, nfePerStep: 1,
    stepper: (sde, score) => cldOabao(sde, score),
  }),
  // Multistep samplers on Gaussian paths: the state carries the past model outputs (stepper.ts).
  'dpmpp-2m': fixed({
    title: 'DPM-Solver++(2M), multistep in data prediction (Lu et al. 2022, Alg. 2; dpm_solver_pytorch.py)',
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: { vp: STEPS_20, rf: STEPS_20 }, orderGrid: 'logsnr', noiseDraws: 0, nfePerStep: 1, options: ['lowerOrderFinal'],
    stepper: (sde, score, o) => dpmppMultistep(sde, score, { order: 2, steps: o.steps, lowerOrderFinal: o.lowerOrderFinal }),
  }),
  // the shipped D2 ≈ ½h²D'' meets φ3, which needs h²D'': local error O(h³), so order 2, not 3
  // (measured 2.07 on VP's log-SNR grid, 40–320 steps; on grids uniform in t it looks like 3 up to 320)
  'dpmpp-3m': fixed({
    title: 'DPM-Solver++(3M) as shipped (dpm_solver_pytorch.py; its D2 term halves D\'\': measured order 2, not 3)',
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: { vp: STEPS_40, 'vp-cosine': STEPS_40 }, orderGrid: 'logsnr', noiseDraws: 0, nfePerStep: 1, options: ['lowerOrderFinal'],
    stepper: (sde, score, o) => dpmppMultistep(sde, score, { order: 3, steps: o.steps, lowerOrderFinal: o.lowerOrderFinal }),
  }),
  'dpmpp-2m-sde': fixed({
    title: 'DPM-Solver++(2M) SDE, midpoint or heun term, η = 1 (Lu et al. 2022; k-diffusion sample_dpmpp_2m_sde)',
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: { vp: STEPS_40, 'vp-cosine': STEPS_40 }, orderGrid: 'logsnr', noiseDraws: 1, nfePerStep: 1, options: ['eta', 'solverType'],
    stepper: (sde, score, o) => dpmppSde(sde, score, { order: 2, steps: o.steps, eta: o.eta, solverType: o.solverType }),
  }),
  'dpmpp-3m-sde': fixed({
    title: 'DPM-Solver++(3M) SDE, η = 1 (k-diffusion sample_dpmpp_3m_sde)',
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: { vp: STEPS_40, rf: STEPS_40 }, orderGrid: 'logsnr', noiseDraws: 1, nfePerStep: 1, options: ['eta'],
    stepper: (sde, score, o) => dpmppSde(sde, score, { order: 3, steps: o.steps, eta: o.eta }),
  }),
  deis: fixed({
    title: 'DEIS tAB-r, exponential Adams–Bashforth in ε̂, r = 3 (order 4) by default (Zhang & Chen 2023; qsh-zh/deis)',
    supports: gaussianPathSupport, weakOrder: 4, strongOrder: null, orderSteps: { vp: STEPS_40, subvp: STEPS_40 }, orderGrid: 'logsnr', noiseDraws: 0, nfePerStep: 1, options: ['order'],
    stepper: (sde, score, o) => deisTab(sde, score, { order: o.order, steps: o.steps }),
  }),
  ipndm: fixed({
    title: 'iPNDM, fixed fourth-order Adams–Bashforth weights in σ̃ (Zhang & Chen 2023, App. D; order 2 on grids not uniform in σ̃)',
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: { vp: STEPS_20, rf: STEPS_20 }, orderGrid: 'logsnr', noiseDraws: 0, nfePerStep: 1,
    stepper: (sde, score, o) => ipndm(sde, score, { steps: o.steps }),
  }),
  lms: fixed({
    title: 'linear multistep in σ̃, order 4 (k-diffusion sample_lms)',
    supports: gaussianPathSupport, weakOrder: 4, strongOrder: null, orderSteps: { vp: LMS_STEPS }, orderGrid: 'logsnr', noiseDraws: 0, nfePerStep: 1,
    stepper: (sde, score, o) => lms(sde, score, { steps: o.steps }),
  }),
  // uni_pc.py's lower-order final steps end on a DDIM step, whose O(h²) local error is scaled by
  // dD/dλ ∝ σ̃(ε)² at the end of the grid: asymptotically order 2, but order p + 1 = 3 at these steps
  unipc: fixed({
    title: 'UniPC, B(h) predictor with the UniC corrector, p = 2, bh1, lower-order final: order p + 1 = 3 (Zhao et al. 2023; uni_pc.py)',
    supports: gaussianPathSupport, weakOrder: 3, strongOrder: null, orderSteps: { vp: STEPS_40, rf: STEPS_40 }, orderGrid: 'logsnr', noiseDraws: 0, nfePerStep: 1, options: ['order', 'variant', 'lowerOrderFinal'],
    stepper: (sde, score, o) => unipc(sde, score, { order: o.order, steps: o.steps, variant: o.variant, lowerOrderFinal: o.lowerOrderFinal }),
  }),
  ddim: fixed({
    title: "DDIM with η, on any Gaussian path in log-SNR form (Song et al. 2021, eq. 12; diffusers' DDIMScheduler)",
    supports: gaussianPathSupport, weakOrder: 1, strongOrder: null, orderSteps: FAST_1, noiseDraws: 1, nfePerStep: 1, options: ['eta'],
    stepper: (sde, score, o) => ddim(sde, score, { eta: o.eta }),
  }),
  euler: fixed({
    title: "Euler in σ/α on x/α (Karras et al. 2022; k-diffusion's sample_euler)",
    supports: gaussianPathSupport, weakOrder: 1, strongOrder: null, orderSteps: FAST_1, noiseDraws: 0, nfePerStep: 1,
    stepper: (sde, score) => eulerSigma(sde, score),
  }),
  'euler-ancestral': fixed({
    title: "Euler ancestral in σ/α, η and S_noise (k-diffusion's sample_euler_ancestral)",
    supports: gaussianPathSupport, weakOrder: 1, strongOrder: null, orderSteps: { vp: [80, 160, 320, 640], 'vp-cosine': STEPS_40, rf: STEPS_40 }, noiseDraws: 1, nfePerStep: 1, options: ['eta', 'sNoise'],
    stepper: (sde, score, o) => eulerAncestral(sde, score, { eta: o.eta, sNoise: o.sNoise }),
  }),
  'edm-heun': fixed({
    title: "EDM's Heun sampler with churn in σ/α on x/α, last step into σ = 0 Euler (Karras et al. 2022, Alg. 2)",
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: { vp: STEPS_20, 'vp-logsnr': STEPS_40, 'vp-cosine': [80, 160, 320, 640] }, noiseDraws: 1, nfePerStep: 2,
    options: ['sChurn', 'sTmin', 'sTmax', 'sNoise'], nfeOn: oneIntoData(2),
    stepper: (sde, score, o) => edmHeun(sde, score, { steps: o.steps, sChurn: o.sChurn, sTmin: o.sTmin, sTmax: o.sTmax, sNoise: o.sNoise }),
  }),
  'dpm-2': fixed({
    title: "DPM-2, the midpoint in log σ/α (k-diffusion's sample_dpm_2)",
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: FAST_2, noiseDraws: 0, nfePerStep: 2, nfeOn: oneIntoData(2),
    stepper: (sde, score) => dpm2(sde, score),
  }),
  'dpm-solver-1': fixed({
    title: 'DPM-Solver-1, the ε form (Lu et al. 2022, eq. 3.7; dpm_solver_pytorch.py)',
    supports: gaussianPathSupport, weakOrder: 1, strongOrder: null, orderSteps: FAST_1, noiseDraws: 0, nfePerStep: 1,
    stepper: (sde, score) => dpmSolver(sde, score, 1),
  }),
  'dpm-solver-2': fixed({
    title: 'DPM-Solver-2 singlestep, ε form, r₁ = ½ (Lu et al. 2022, Alg. 1; dpm_solver_pytorch.py)',
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: FAST_2, noiseDraws: 0, nfePerStep: 2, nfeOn: oneIntoData(2),
    stepper: (sde, score) => dpmSolver(sde, score, 2),
  }),
  'dpm-solver-3': fixed({
    title: 'DPM-Solver-3 singlestep, ε form, r = ⅓, ⅔ (Lu et al. 2022, Alg. 2; dpm_solver_pytorch.py)',
    // asymptotic third order needs steps even in λ: on the log-SNR VP path the uniform grid in t is one
    supports: gaussianPathSupport, weakOrder: 3, strongOrder: null, orderSteps: { 'vp-logsnr': [80, 160, 320, 640] }, noiseDraws: 0, nfePerStep: 3, nfeOn: oneIntoData(3),
    stepper: (sde, score) => dpmSolver(sde, score, 3),
  }),
  'dpmpp-2s': fixed({
    title: 'DPM-Solver++(2S), data form, r₁ = ½ (Lu et al. 2022b, Alg. 1; dpm_solver_pytorch.py)',
    supports: gaussianPathSupport, weakOrder: 2, strongOrder: null, orderSteps: { vp: STEPS_40, 'vp-cosine': STEPS_20, rf: STEPS_20, 'vp-logsnr': STEPS_40 }, noiseDraws: 0, nfePerStep: 2, nfeOn: oneIntoData(2),
    stepper: (sde, score) => dpmSolverPp2s(sde, score),
  }),
} satisfies Record<string, SamplerEntry>;

export type SamplerName = keyof typeof ENTRIES;

/** Every sampler, in the registry's order, with its name. */
export const SAMPLERS: Readonly<Record<SamplerName, Sampler>> = Object.fromEntries(
  Object.entries(ENTRIES).map(([name, e]) => [name, { ...e, name } as Sampler]),
) as Record<SamplerName, Sampler>;

export const SAMPLER_NAMES = Object.keys(ENTRIES) as SamplerName[];

export const isSamplerName = (s: string): s is SamplerName => Object.hasOwn(ENTRIES, s);

/** The registry entry of a name, or an error that lists the names. */
export function samplerByName(name: string): Sampler {
  if (!isSamplerName(name)) throw new RangeError(`unknown sampler '${name}'; use one of ${SAMPLER_NAMES.join(', ')}`);
  return SAMPLERS[name];
}

/** Fixed-grid samplers whose rows are independent: the ones row chunks and worker threads can run. */
export const chunkable = (s: Sampler): s is FixedGridSampler => s.grid === 'fixed' && !s.batchCoupled;
