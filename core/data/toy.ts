/**
 * The standard 2-D toy data sets, after FFJORD's `lib/toy_data.py` (Grathwohl et al. 2019) and the
 * sklearn generators it calls, but driven by explicit keys (FFJORD's '2spirals' ignores its RNG) and
 * refusing unknown names (FFJORD silently falls back to 8 Gaussians). Generated on the host in float64.
 * - 8gaussians: centres 4·(unit circle, 8 directions), std 0.5, then /1.414;
 * - checkerboard: x₁ ~ U(−2, 2), x₂ ~ U(0, 1) − 2·Bernoulli(½) + (⌊x₁⌋ mod 2), times 2;
 * - swissroll: t = 1.5π(1 + 2u), (t cos t, t sin t) + N(0, 1) noise, /5 (sklearn's make_swiss_roll, noise 1);
 * - moons: two half circles (sklearn's make_moons, angles uniform), noise 0.1, ×2 + (−1, −0.2);
 * - circles: radii 1 and 0.5 (sklearn's make_circles, factor 0.5), noise 0.08, ×3;
 * - rings: four concentric circles of radii 0.75, 1.5, 2.25, 3 (equal counts), noise 0.08;
 * - pinwheel: 5 arms, radial std 0.3, tangential std 0.1, rate 0.25, ×2;
 * - 2spirals: n = √u·540°, (−cos n·n + U(0, ½), sin n·n + U(0, ½)) and its mirror, /3, + N(0, 0.1²).
 */
import { libm } from '../numerics/libm/index.js';
import { type PRNGKey, split } from '../random/key.js';
import { normalHost, permutationHost, uniformHost } from '../random/distributions.js';
import { fromArray } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ModelOptions } from '../models/mlp.js';

export const TOY_DATASETS = ['8gaussians', 'checkerboard', 'swissroll', 'moons', 'circles', 'rings', 'pinwheel', '2spirals'] as const;
export type ToyName = (typeof TOY_DATASETS)[number];

type Gen = (k: PRNGKey, n: number) => Float64Array;

function shuffleRows(k: PRNGKey, xy: Float64Array): Float64Array {
  const n = xy.length / 2;
  const p = permutationHost(k, n);
  const out = new Float64Array(xy.length);
  for (let i = 0; i < n; i++) {
    out[2 * i] = xy[2 * p[i]];
    out[2 * i + 1] = xy[2 * p[i] + 1];
  }
  return out;
}

const GENERATORS: Record<ToyName, Gen> = {
  '8gaussians': (k, n) => {
    const [kc, kz] = split(k, 2);
    const u = uniformHost(kc, n);
    const z = normalHost(kz, 2 * n);
    const s = Math.SQRT1_2;
    const C = [[1, 0], [-1, 0], [0, 1], [0, -1], [s, s], [s, -s], [-s, s], [-s, -s]];
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const c = C[Math.floor(u[i] * 8)];
      out[2 * i] = (4 * c[0] + 0.5 * z[2 * i]) / 1.414;
      out[2 * i + 1] = (4 * c[1] + 0.5 * z[2 * i + 1]) / 1.414;
    }
    return out;
  },
  checkerboard: (k, n) => {
    const u = uniformHost(k, 3 * n);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const x1 = u[3 * i] * 4 - 2;
      const x2 = u[3 * i + 1] - (u[3 * i + 2] < 0.5 ? 0 : 2) + (((Math.floor(x1) % 2) + 2) % 2);
      out[2 * i] = 2 * x1;
      out[2 * i + 1] = 2 * x2;
    }
    return out;
  },
  swissroll: (k, n) => {
    const [ku, kz] = split(k, 2);
    const u = uniformHost(ku, n);
    const z = normalHost(kz, 2 * n);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = 1.5 * Math.PI * (1 + 2 * u[i]);
      out[2 * i] = (t * libm.cos(t) + z[2 * i]) / 5;
      out[2 * i + 1] = (t * libm.sin(t) + z[2 * i + 1]) / 5;
    }
    return out;
  },
  moons: (k, n) => {
    const [ku, kz, kp] = split(k, 3);
    const u = uniformHost(ku, n);
    const z = normalHost(kz, 2 * n);
    const out = new Float64Array(2 * n);
    const half = Math.floor(n / 2);
    for (let i = 0; i < n; i++) {
      const a = Math.PI * u[i];
      const [x, y] = i < half ? [libm.cos(a), libm.sin(a)] : [1 - libm.cos(a), 1 - libm.sin(a) - 0.5];
      out[2 * i] = 2 * (x + 0.1 * z[2 * i]) - 1;
      out[2 * i + 1] = 2 * (y + 0.1 * z[2 * i + 1]) - 0.2;
    }
    return shuffleRows(kp, out);
  },
  circles: (k, n) => {
    const [ku, kz, kp] = split(k, 3);
    const u = uniformHost(ku, n);
    const z = normalHost(kz, 2 * n);
    const out = new Float64Array(2 * n);
    const half = Math.floor(n / 2);
    for (let i = 0; i < n; i++) {
      const r = i < half ? 1 : 0.5;
      const a = 2 * Math.PI * u[i];
      out[2 * i] = 3 * (r * libm.cos(a) + 0.08 * z[2 * i]);
      out[2 * i + 1] = 3 * (r * libm.sin(a) + 0.08 * z[2 * i + 1]);
    }
    return shuffleRows(kp, out);
  },
  rings: (k, n) => {
    const [ku, kz, kp] = split(k, 3);
    const u = uniformHost(ku, n);
    const z = normalHost(kz, 2 * n);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const r = 0.75 * (1 + (i % 4));
      const a = 2 * Math.PI * u[i];
      out[2 * i] = r * libm.cos(a) + 0.08 * z[2 * i];
      out[2 * i + 1] = r * libm.sin(a) + 0.08 * z[2 * i + 1];
    }
    return shuffleRows(kp, out);
  },
  pinwheel: (k, n) => {
    const [kz, kp] = split(k, 2);
    const z = normalHost(kz, 2 * n);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const f0 = 0.3 * z[2 * i] + 1;
      const f1 = 0.1 * z[2 * i + 1];
      const a = ((2 * Math.PI) / 5) * (i % 5) + 0.25 * libm.exp(f0);
      out[2 * i] = 2 * (f0 * libm.cos(a) + f1 * libm.sin(a));
      out[2 * i + 1] = 2 * (-f0 * libm.sin(a) + f1 * libm.cos(a));
    }
    return shuffleRows(kp, out);
  },
  '2spirals': (k, n) => {
    const [ku, kz, kp] = split(k, 3);
    const u = uniformHost(ku, 3 * n);
    const z = normalHost(kz, 2 * n);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = (Math.sqrt(u[3 * i]) * 540 * 2 * Math.PI) / 360;
      const sgn = i % 2 === 0 ? 1 : -1;
      out[2 * i] = (sgn * (-libm.cos(t) * t + 0.5 * u[3 * i + 1])) / 3 + 0.1 * z[2 * i];
      out[2 * i + 1] = (sgn * (libm.sin(t) * t + 0.5 * u[3 * i + 2])) / 3 + 0.1 * z[2 * i + 1];
    }
    return shuffleRows(kp, out);
  },
};

export function isToyName(name: string): name is ToyName {
  return (TOY_DATASETS as readonly string[]).includes(name);
}

/** n points of a named 2-D toy set, as a tensor [n, 2]. */
export function toyData(name: string, k: PRNGKey, n: number, opts: ModelOptions = {}): Tensor {
  if (!isToyName(name)) throw new RangeError(`unknown data set '${name}'; available: ${TOY_DATASETS.join(', ')}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`toyData: n must be a positive integer, got ${n}`);
  return fromArray(GENERATORS[name](k, n), { ...opts, shape: [n, 2] });
}
