import * as sk from '../../index.js';

/** A 3-component 2-D mixture used across the sampler tests. */
export const MIX = sk.gmm({
  weights: [0.3, 0.5, 0.2],
  means: [[-2, 0], [1.5, 1], [0.5, -2]],
  covs: [[[0.3, 0], [0, 0.3]], [[0.2, 0.05], [0.05, 0.3]], [[0.25, 0], [0, 0.15]]],
});

/** Null distribution of MMD² between independent exact samples of size n: mean and standard deviation. */
export async function mmdNull(n: number, pairs: number): Promise<{ mean: number; sd: number }> {
  const v: number[] = [];
  for (let i = 0; i < pairs; i++) {
    v.push(await sk.metrics.mmd2(sk.gmmSample(MIX, sk.random.key(500 + 2 * i), n), sk.gmmSample(MIX, sk.random.key(501 + 2 * i), n)));
  }
  const mean = v.reduce((a, b) => a + b) / pairs;
  return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (pairs - 1)) };
}

/** The acceptance threshold the sampler and training tests share: null mean + 6 null standard deviations. */
export async function mmdThreshold(n: number): Promise<number> {
  const nul = await mmdNull(n, 8);
  return nul.mean + 6 * nul.sd;
}
