/**
 * `scorekit demo`: Langevin pitfalls on a two-mode Gaussian mixture with its exact score
 * (course notes; Song & Ermon 2019). Plain Langevin started from a broad distribution cannot move
 * mass between separated modes, so the mode weights come out wrong; annealed Langevin over
 * decreasing noise levels gets them right. Placeholder main job until the CLD/SSCS demo lands.
 */
import * as sk from '../index.js';

export interface DemoOptions {
  readonly n: number;
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
}

export interface DemoReport {
  readonly backend: string;
  readonly seed: number;
  readonly particles: number;
  readonly nfe: number;
  readonly trueWeights: number[];
  readonly plainWeights: number[];
  readonly annealedWeights: number[];
  readonly plainMeanLogDensity: number;
  readonly annealedMeanLogDensity: number;
  readonly exactMeanLogDensity: number;
  readonly wallSeconds: number;
}

export const DEMO_MIXTURE = {
  weights: [0.2, 0.8],
  means: [[-4, 0], [4, 0]],
  covs: [[[0.3, 0.1], [0.1, 0.3]], [[0.3, -0.1], [-0.1, 0.3]]],
};

async function weightsOf(g: sk.Gmm, x: sk.Tensor): Promise<number[]> {
  const a = await sk.gmmAssign(g, x);
  const counts = new Array<number>(g.weights.length).fill(0);
  for (const c of a) counts[c]++;
  return counts.map((c) => c / a.length);
}

export async function runDemo(o: DemoOptions, progress?: (msg: string) => void): Promise<DemoReport> {
  const be = await sk.getBackend(o.backend);
  const t0 = performance.now();
  const g = sk.gmm(DEMO_MIXTURE);
  const [k0, k1, k2, k3] = sk.random.split(sk.random.key(o.seed), 4);
  const x0 = sk.random.uniform(k0, [o.n, 2], { backend: be, minval: -8, maxval: 8 });
  const levels = 10;
  const perLevel = Math.max(1, Math.round(o.steps / levels));
  const report = (label: string) => (p: sk.Progress) => {
    if (p.step % Math.max(1, Math.floor(p.total / 10)) === 0) progress?.(`${label}: step ${p.step}/${p.total}`);
  };
  const plain = sk.langevin((x) => sk.gmmScore(g, x), x0, k1, { stepSize: 0.01, steps: levels * perLevel, onProgress: report('Langevin') });
  const sigmas = sk.geometricSigmas(10, 0.1, levels);
  const perturbed = sigmas.map((s) => sk.perturbGmm(g, s));
  // NCSN's ratio ε/σ_L² = 0.2 (2e-5 / 0.01²): α_i = 0.2·σ_i². Larger ratios bias the unadjusted chain.
  const annealed = sk.annealedLangevin((x, s) => sk.gmmScore(perturbed[sigmas.indexOf(s)], x), x0, k2, {
    sigmas, stepSize: 0.2 * 0.1 * 0.1, stepsPerLevel: perLevel, onProgress: report('annealed Langevin'),
  });
  const exact = sk.gmmSample(g, k3, o.n, { backend: be });
  const meanLogp = async (x: sk.Tensor): Promise<number> => sk.mean(sk.gmmLogDensity(g, x)).item();
  return {
    backend: be.name,
    seed: o.seed,
    particles: o.n,
    nfe: plain.nfe,
    trueWeights: [...g.weights],
    plainWeights: await weightsOf(g, plain.x),
    annealedWeights: await weightsOf(g, annealed.x),
    plainMeanLogDensity: await meanLogp(plain.x),
    annealedMeanLogDensity: await meanLogp(annealed.x),
    exactMeanLogDensity: await meanLogp(exact),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

export function formatDemo(r: DemoReport): string {
  const w = (v: number[]): string => v.map((x) => x.toFixed(3)).join(' / ');
  return [
    `scorekit demo — Langevin sampling of a two-mode Gaussian mixture with its exact score`,
    `backend ${r.backend}, seed ${r.seed}, ${r.particles} particles, ${r.nfe} score evaluations per sampler`,
    ``,
    `                      mode weights (left / right)   mean log p(x)`,
    `  true mixture        ${w(r.trueWeights).padEnd(29)} ${r.exactMeanLogDensity.toFixed(3)}  (exact samples)`,
    `  Langevin            ${w(r.plainWeights).padEnd(29)} ${r.plainMeanLogDensity.toFixed(3)}`,
    `  annealed Langevin   ${w(r.annealedWeights).padEnd(29)} ${r.annealedMeanLogDensity.toFixed(3)}`,
    ``,
    `Plain Langevin keeps the split of its broad start: it cannot move mass between separated modes.`,
    `Annealing the noise level (10 σ from 10 to 0.1, step 0.2·σ_i² as in NCSN) recovers them, up to the mixing`,
    `left undone at the levels where the modes separate (more steps per level shrink it). ${r.wallSeconds.toFixed(1)} s.`,
  ].join('\n');
}
