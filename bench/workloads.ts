/**
 * The benchmark workloads, defined once for scorekit and (as a plan of sizes and per-step
 * scalar coefficients) for the PyTorch peer, so both sides run the same algorithm on the same schedule:
 * - W1 integrator-bound: 100-step SSCS and Euler–Maruyama on CLD with the exact score of an
 *   8-component 2-D Gaussian mixture (the joint (x, v) marginal, a 4-D mixture), 100 000 particles;
 * - W2 network-bound sampling: 100-step SSCS with an MLP velocity score (4 × 128 SiLU, Fourier time
 *   features, the mixed score parameterisation), 10 000 particles;
 * - W3 training: steps of DSM, QCSGM (DSM + one Hutchinson probe of ½‖J − Jᵀ‖²_F) and SSM (one
 *   projection) on the VP SDE, batch 512, the same MLP on x, Adam;
 * - W4 memory: peak RSS of an SSCS run (W1's sampler) with 1 000 000 particles, at two step counts.
 */
import * as sk from '../index.js';

export type WorkloadId = 'w1-sscs' | 'w1-em' | 'w2-sscs-mlp' | 'w3-dsm' | 'w3-qcsgm' | 'w3-ssm';

export interface WorkloadSpec {
  readonly id: WorkloadId;
  readonly kind: 'sample' | 'train';
  readonly title: string;
  /** Throughput unit and the items one step processes (particles, or 1 for a training step). */
  readonly unit: string;
  readonly itemsPerStep: number;
  /** Steps of one timed run at full size (slow backends time a prefix of the same schedule). */
  readonly steps: number;
}

export interface BenchSizes {
  readonly w1Particles: number;
  readonly w2Particles: number;
  readonly batch: number;
  readonly samplerSteps: number;
  readonly trainSteps: number;
  readonly memoryParticles: number;
}

export const FULL: BenchSizes = { w1Particles: 100_000, w2Particles: 10_000, batch: 512, samplerSteps: 100, trainSteps: 50, memoryParticles: 1_000_000 };
/** A small configuration for smoke tests of the runner (not for the numbers). */
export const QUICK: BenchSizes = { w1Particles: 2_000, w2Particles: 500, batch: 64, samplerSteps: 10, trainSteps: 5, memoryParticles: 20_000 };

/** MiB of W1's float32 state [n, 4] (x and v of 2-D data), W4's yardstick. */
export const stateMiB = (n: number): number => (n * 2 * D * 4) / 2 ** 20;

export function workloads(z: BenchSizes): WorkloadSpec[] {
  const ps = 'M particle·steps/s';
  return [
    { id: 'w1-sscs', kind: 'sample', title: `W1 SSCS, exact GMM score, ${z.w1Particles} particles`, unit: ps, itemsPerStep: z.w1Particles, steps: z.samplerSteps },
    { id: 'w1-em', kind: 'sample', title: `W1 Euler–Maruyama, exact GMM score, ${z.w1Particles} particles`, unit: ps, itemsPerStep: z.w1Particles, steps: z.samplerSteps },
    { id: 'w2-sscs-mlp', kind: 'sample', title: `W2 SSCS, MLP score, ${z.w2Particles} particles`, unit: ps, itemsPerStep: z.w2Particles, steps: z.samplerSteps },
    { id: 'w3-dsm', kind: 'train', title: `W3 DSM step, batch ${z.batch}`, unit: 'steps/s', itemsPerStep: 1, steps: z.trainSteps },
    { id: 'w3-qcsgm', kind: 'train', title: `W3 QCSGM step (DSM + 1 probe), batch ${z.batch}`, unit: 'steps/s', itemsPerStep: 1, steps: z.trainSteps },
    { id: 'w3-ssm', kind: 'train', title: `W3 SSM step (1 projection), batch ${z.batch}`, unit: 'steps/s', itemsPerStep: 1, steps: z.trainSteps },
  ];
}

// ---- the shared problem ---------------------------------------------------------------------------

const D = 2;
const EPS = 1e-3;
const LAMBDA = 0.1;
const LR = 1e-3;

/** 8 Gaussians on a circle of radius 2, std 0.1 (the integrator-bound data). */
export function benchMixture(): sk.Gmm {
  const dirs = Array.from({ length: 8 }, (_, k) => [Math.cos((k * Math.PI) / 4), Math.sin((k * Math.PI) / 4)]);
  return sk.gmm({ weights: dirs.map(() => 1 / 8), means: dirs.map(([a, b]) => [2 * a, 2 * b]), covs: dirs.map(() => [[0.01, 0], [0, 0.01]]) });
}

const cld = (): sk.CldSde => sk.cldSde();
/** W2's and W3's MLP: depth × width SiLU on the input and 16 Fourier features of t (W2: of CLD's (x, v)). */
export const MLP = { width: 128, depth: 4, embedding: { kind: 'fourier', dim: 16, scale: 16 } } as const;
const mlpCld = (be: sk.Backend, width: number = MLP.width): sk.Mlp => sk.mlp({ inDim: 2 * D, outDim: D, width, depth: MLP.depth, embedding: MLP.embedding }, sk.random.key(7), { backend: be });
const mlpX = (be: sk.Backend, width: number = MLP.width): sk.Mlp => sk.mlp({ inDim: D, outDim: D, width, depth: MLP.depth, embedding: MLP.embedding }, sk.random.key(8), { backend: be });
const trainData = (n: number, be: sk.Backend): sk.Tensor => sk.toyData('8gaussians', sk.random.key(9), n, { backend: be });

/** Scorekit's runner of a workload on a backend: run(steps) does `steps` steps and reads the result back. */
export interface Runner {
  run(steps: number): Promise<number>;
  dispose(): void;
}

/** The check value of a sampler run: mean |x| over the final state (read back, so the work is done). */
const meanAbs = (x: sk.Tensor): Promise<number> => sk.tidy(() => sk.mean(sk.abs(x))).item();

/** Scorekit's runner of a workload; `width` is W2's and W3's MLP width (the width sweep varies it). */
export function scorekitRunner(spec: WorkloadSpec, z: BenchSizes, be: sk.Backend, width: number = MLP.width): Runner {
  if (spec.kind === 'sample') return samplerRunner(spec, z, be, width);
  return trainRunner(spec, z, be, width);
}

function samplerRunner(spec: WorkloadSpec, z: BenchSizes, be: sk.Backend, width: number): Runner {
  const sde = cld();
  const n = spec.id === 'w2-sscs-mlp' ? z.w2Particles : z.w1Particles;
  const grid = sk.timeGrid({ steps: spec.steps, T: sde.T, eps: EPS });
  const net = spec.id === 'w2-sscs-mlp' ? mlpCld(be, width) : null;
  const score = net ? sk.cldScoreFn(sde, net.apply, net.init) : sk.exactScore(sde, benchMixture());
  const stepper = spec.id === 'w1-em' ? sk.eulerMaruyama(sde, score) : sk.sscs(sde, score);
  return {
    async run(steps) {
      const x0 = sde.priorSample(sk.random.key(1), n, D, { backend: be, dtype: 'float32' });
      const r = sk.integrate(stepper, x0, grid.subarray(0, steps + 1), sk.random.key(2));
      const check = await meanAbs(r.x);
      x0.dispose();
      r.x.dispose();
      return check;
    },
    dispose() {
      if (net) sk.dispose([...sk.treeLeaves(net.init), ...sk.treeLeaves(net.buffers)]);
    },
  };
}

function trainRunner(spec: WorkloadSpec, z: BenchSizes, be: sk.Backend, width: number): Runner {
  const sde = sk.vpSde();
  const net = mlpX(be, width);
  const data = trainData(z.batch, be);
  const loss: sk.LossFn<sk.MlpParams> =
    spec.id === 'w3-dsm' ? (p, x, k) => sk.sdeDsmLoss(sde, net.apply, p, x, k)
      : spec.id === 'w3-qcsgm' ? (p, x, k) => sk.qcsgmLoss(sde, net.apply, p, x, k, { lambda: LAMBDA })
        : (p, x, k) => sk.sdeScoreMatchingLoss(sde, 'ssm', net.apply, p, x, k);
  const cfg: sk.TrainConfig = { optimizer: { lr: LR } };
  const init = sk.trainInit(net.init, cfg);
  return {
    async run(steps) {
      const r = await sk.train(init, sk.random.key(3), { ...cfg, loss, batch: () => data, steps });
      const initLeaves = new Set(sk.treeLeaves(init));
      sk.dispose(sk.treeLeaves(r.state).filter((t) => !initLeaves.has(t)));
      return r.losses[steps - 1];
    },
    dispose() {
      sk.dispose([...sk.treeLeaves(init), ...sk.treeLeaves(net.buffers), data]);
    },
  };
}

/**
 * W1 on worker threads (sampleParallel over a pool kept for the runner's life): run(steps) samples
 * a `steps`-step schedule, the same work per step as the single-thread runner's prefix.
 */
export function parallelRunner(spec: WorkloadSpec, z: BenchSizes, backend: string, pool: sk.SamplerPool): Runner {
  if (spec.id !== 'w1-sscs' && spec.id !== 'w1-em') throw new RangeError(`parallel runner: only W1 runs on worker threads, not ${spec.id}`);
  const module = new URL('./workloads.js', import.meta.url).href;
  return {
    async run(steps) {
      const r = await sk.sampleParallel({ module, factory: 'w1Setup', args: { method: spec.id.slice(3), n: z.w1Particles, steps, backend } }, { pool });
      const check = await meanAbs(r.x);
      r.x.dispose();
      return check;
    },
    dispose() {},
  };
}

/** W1's sampler as a job factory (for sampleParallel: every thread builds its own copy). */
export async function w1Setup(a: { method: 'sscs' | 'em'; n: number; steps: number; backend: string }): Promise<sk.SampleSetup> {
  const sde = cld();
  const score = sk.exactScore(sde, benchMixture());
  const stepper = a.method === 'em' ? sk.eulerMaruyama(sde, score) : sk.sscs(sde, score);
  const backend = await sk.getBackend(a.backend);
  return { key: sk.random.key(2), options: { sde, stepper, n: a.n, d: D, steps: a.steps, eps: EPS, backend, dtype: 'float32' } };
}

// ---- the plan for the PyTorch peer ------------------------------------------------------------------

type Kernel = Record<'mxx' | 'mxv' | 'mvx' | 'mvv' | 'L11' | 'L21' | 'L22', number>;
const kernelScalars = (k: sk.CldKernel): Kernel => ({ mxx: k.mxx, mxv: k.mxv, mvx: k.mvx, mvv: k.mvv, L11: k.L11, L21: k.L21, L22: k.L22 });

/** Per-step scalars of SSCS / EM on the bench's CLD, and the exact-score mixtures they reference. */
function samplerSchedule(method: 'sscs' | 'em', steps: number, withMixtures: boolean): { schedule: object[]; mixtures: object[] } {
  const sde = cld();
  const g = benchMixture();
  const grid = sk.timeGrid({ steps, T: sde.T, eps: EPS });
  const mixtures: object[] = [];
  const mixAt = (t: number): number => {
    if (!withMixtures) return -1;
    const m = sk.cldMarginal(sde, g, t);
    mixtures.push({ means: m.means, cholInvT: m.cholInvT, logNorm: m.logNorm });
    return mixtures.length - 1;
  };
  const schedule = Array.from({ length: steps }, (_, i) => {
    const t = grid[i];
    const tNext = grid[i + 1];
    const h = t - tNext;
    const ts = method === 'sscs' ? t - h / 2 : t;
    const hsm = sde.kernel(ts, 'hsm');
    const common = { t: ts, mix: mixAt(ts), ell: hsm.ell, Svv: hsm.Svv, M: sde.M, Minv: 1 / sde.M, Gamma: sde.Gamma };
    if (method === 'em') return { ...common, h, beta: sde.beta(t) };
    return {
      ...common,
      k1: kernelScalars(sde.kernelOfIntegral(sde.B(t) - sde.B(ts), 0, 0)),
      k2: kernelScalars(sde.kernelOfIntegral(sde.B(ts) - sde.B(tNext), 0, 0)),
      c: 2 * sde.Gamma * sde.beta(ts) * h,
    };
  });
  return { schedule, mixtures };
}

const fourierOf = async (net: sk.Mlp): Promise<number[][]> => [Array.from(await net.buffers.fourierW!.data())];

/** Everything the peer needs, with timing parameters per workload (steps, warm-up, repetitions). */
export async function torchPlan(z: BenchSizes, timing: Partial<Record<WorkloadId, { steps: number; reps: number }>>): Promise<object> {
  const be = await sk.getBackend('cpu:float64');
  const netC = mlpCld(be);
  const netX = mlpX(be);
  const sde = sk.vpSde();
  const specs = workloads(z).filter((s) => timing[s.id]);
  const plan = {
    d: D,
    prior: { M: cld().M },
    mlp_cld: { inDim: 2 * D, outDim: D, width: MLP.width, depth: MLP.depth, fourierW: await fourierOf(netC) },
    mlp_x: { inDim: D, outDim: D, width: MLP.width, depth: MLP.depth, fourierW: await fourierOf(netX) },
    train: {
      batch: z.batch, lr: LR, eps: 1e-5, lambda: LAMBDA, betaMin: sde.config.betaMin, betaMax: sde.config.betaMax,
      data: await toRows(trainData(z.batch, be)),
    },
    workloads: specs.map((s) => {
      const tm = timing[s.id]!;
      const base = { id: s.id, kind: s.kind, steps: tm.steps, reps: tm.reps, warmup: 1 };
      if (s.kind === 'train') return { ...base, loss: s.id.slice(3) };
      const method = s.id === 'w1-em' ? 'em' : 'sscs';
      return { ...base, method, score: s.id === 'w2-sscs-mlp' ? 'mlp' : 'exact', n: s.itemsPerStep, ...samplerSchedule(method, s.steps, s.id !== 'w2-sscs-mlp') };
    }),
    memory: { id: 'w4', method: 'sscs', score: 'exact', n: z.memoryParticles, ...samplerSchedule('sscs', 1000, true) },
  };
  return plan;
}

async function toRows(x: sk.Tensor): Promise<number[][]> {
  const v = await x.data();
  const [n, d] = x.shape;
  return Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * d, (i + 1) * d)));
}
