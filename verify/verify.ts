/**
 * Cross-backend verification as a library feature (and `scorekit verify`): run fast properties against
 * a backend and compare with the CPU float64 reference under the same keys. Every tolerance derives from
 * the backend's dtype (machine ε) and the condition of the computation, never from hand-tuned constants:
 * - primitives: |y − y_ref| ≤ k·ε·(|y_ref| + Σ_j|∂y/∂x_j||x_j|) on random shapes (fast-check, seeded);
 *   piecewise-constant ops, comparisons, logic and casts exactly, on inputs away from their jumps;
 * - autodiff: ⟨u, Jv⟩ = ⟨Jᵀu, v⟩ on the backend, to k·ε·Σ|terms|;
 * - conservativeness: an energy model's Jacobian asymmetry is 0 to k·ε·‖J‖²_F; in 2-D Asym = (J₁₂ − J₂₁)²;
 *   the 'norm' Hutchinson estimate is never negative;
 * - Strang splitting: the A flow's semigroup property and invariant equilibrium, and the skeleton's time symmetry;
 * - samplers: 20 steps of SSCS, Euler–Maruyama and predictor–corrector agree with the reference under the same noise.
 * Each row reports the number of cases, the worst error as a fraction of its tolerance, and pass/fail.
 */
import fc from 'fast-check';
import * as sk from '../core/index.js';
import type { Jumps } from '../core/tensor/primitives.js';
import { caseApplies, FUSED_CASES, OP_CASES, type CaseInstance, type OpCase } from './cases.js';

export interface VerifyRow {
  readonly property: string;
  readonly backend: string;
  readonly cases: number;
  /** Worst |error| / tolerance over the cases (≤ 1 passes). */
  readonly worst: number;
  readonly pass: boolean;
  readonly detail?: string;
}

export interface VerifyOptions {
  /** The float64 reference backend (cpu:float64). */
  readonly reference: sk.Backend;
  /** Cases per primitive property (default 20). */
  readonly runs?: number;
  readonly seed?: number;
  /** Ulps budget k of the tolerances (default 8 for float32, 64 for float64 comparisons of composites). */
  readonly ulps?: number;
}

/**
 * Distance the inputs of a piecewise-constant case keep from its jumps (2⁻¹⁰): far above float32's
 * resolution on the domains (so rounding to any dtype stays on one side) and above the step of the
 * finite differences (property-tests/autodiff.test.ts), where such an op is then constant.
 */
export const JUMP_MARGIN = 2 ** -10;
/** Grid of the inputs of cases that jump at ties (and zeros): ties are exact, other values differ by a step. */
export const TIE_GRID = 1 / 4;

/** Move values away from the jumps of a piecewise-constant op, in place. */
function awayFromJumps(v: Float64Array, jumps: Jumps): void {
  for (let j = 0; j < v.length; j++) {
    const x = v[j];
    if (jumps === 'at ties') v[j] = Math.round(x / TIE_GRID) * TIE_GRID;
    else {
      const n = jumps === 'at zero' ? 0 : Math.round(x);
      if (Math.abs(x - n) < JUMP_MARGIN) v[j] = x < n ? n - JUMP_MARGIN : n + JUMP_MARGIN;
    }
  }
}

/**
 * Inputs of a case on a backend: the same values on every backend. Float operands are rounded to
 * `dtype` first and stored as `compute` (the reference computes in float64 on float32-rounded values);
 * int32 operands are the floors, bool operands true above the middle of the domain.
 */
export function caseInputs(c: OpCase, inst: CaseInstance, be: sk.Backend, dtype: sk.FloatDType, compute: sk.FloatDType = dtype): sk.Tensor[] {
  return inst.shapes.map((s, i) => {
    const [lo, hi] = c.domains[i];
    const u = sk.random.uniformHost(sk.random.key(inst.seed + 7919 * i), sk.sizeOf(s));
    const v = u.map((w) => lo + (hi - lo) * w);
    if (c.jumps) awayFromJumps(v, c.jumps);
    const kind = c.dtypes?.[i] ?? 'float';
    if (kind === 'int32') for (let j = 0; j < v.length; j++) v[j] = Math.floor(v[j]);
    if (kind === 'bool') for (let j = 0; j < v.length; j++) v[j] = v[j] > (lo + hi) / 2 ? 1 : 0;
    if (kind === 'float32' || (kind === 'float' && dtype === 'float32')) for (let j = 0; j < v.length; j++) v[j] = Math.fround(v[j]);
    return sk.fromArray(v, { backend: be, dtype: kind === 'float' ? compute : kind, shape: s });
  });
}

/** Σ_j |∂y_i/∂x_j|·|x_j| for every output element, in float64 on the reference. */
export function conditionScale(f: (xs: sk.Tensor[]) => sk.Tensor, xs: sk.Tensor[]): Float64Array {
  const out = f(xs);
  const acc = new Float64Array(out.size);
  xs.forEach((x, k) => {
    const J = sk.jacobian((xk: sk.Tensor) => f(xs.map((y, j) => (j === k ? xk : y))))(x).dataSync();
    const ax = x.dataSync();
    for (let i = 0; i < out.size; i++) for (let j = 0; j < x.size; j++) acc[i] += Math.abs(J[i * x.size + j]) * Math.abs(ax[j]);
  });
  return acc;
}

const maxAbs = (v: ArrayLike<number>): number => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

function row(property: string, be: sk.Backend, cases: number, worst: number, detail?: string): VerifyRow {
  return { property, backend: be.name, cases, worst, pass: worst <= 1, detail };
}

/**
 * Build tensors in a tidy scope, read them back (asynchronously: WebGPU backends have no synchronous
 * readback) and dispose them.
 */
export async function readTidy(f: () => readonly sk.Tensor[]): Promise<sk.TypedArray[]> {
  const ts = sk.tidy(() => [...f()]);
  try {
    return await Promise.all(ts.map((t) => t.data()));
  } finally {
    sk.dispose(ts);
  }
}

/** Run a property over fast-check cases, tracking the worst error/tolerance ratio; exceptions fail the row. */
async function propertyRow(name: string, be: sk.Backend, gen: fc.Arbitrary<CaseInstance>, runs: number, seed: number, body: (inst: CaseInstance) => Promise<number>): Promise<VerifyRow> {
  let worst = 0;
  let cases = 0;
  let detail: string | undefined;
  const r = await fc.check(fc.asyncProperty(gen, async (inst) => {
    const ratio = await body(inst);
    cases++;
    if (ratio > worst) {
      worst = ratio;
      if (ratio > 1) detail = `case ${JSON.stringify(inst)}`;
    }
    return ratio <= 1;
  }), { numRuns: runs, seed });
  const replay = `replay: --seed ${r.seed} (fast-check path ${r.counterexamplePath})`;
  // A failure within tolerance bookkeeping means the body threw: report the exception.
  if (r.failed && worst <= 1) return row(name, be, cases, Infinity, `${(r.errorInstance as Error)?.message ?? 'error'}; ${replay}`);
  return row(name, be, cases, worst, r.failed ? `${detail ?? ''}; ${replay}` : undefined);
}

export async function verifyBackend(be: sk.Backend, o: VerifyOptions): Promise<VerifyRow[]> {
  const ref = o.reference;
  const dtype = be.defaultFloat;
  const eps = sk.epsOf(dtype);
  const k = o.ulps ?? (dtype === 'float32' ? 8 : 64);
  const runs = o.runs ?? 20;
  const seed = o.seed ?? 42;
  const rows: VerifyRow[] = [];

  // 1. primitives
  for (const c of OP_CASES) {
    if (!caseApplies(c, be)) {
      const missing = (c.requires ?? []).filter((d) => !be.dtypes.includes(d));
      rows.push(row(`primitive ${c.name} (n/a: no ${missing.join(', ')})`, be, 0, 0));
      continue;
    }
    const declared = be.accuracy?.[(c.name as sk.UnaryOp)] ?? (c.via && be.accuracy?.[c.via]);
    rows.push(await propertyRow(`primitive ${c.name}${c.exact ? ' (exact)' : ''}${declared ? ` (declared ±${declared.absoluteUlps}ε abs)` : ''}`, be, c.gen, runs, seed, async (inst) => {
      const f = (xs: sk.Tensor[]): sk.Tensor => c.apply(xs, inst.params);
      const { want, cond, shape } = sk.tidy(() => {
        const xsRef = caseInputs(c, inst, ref, dtype, 'float64');
        const yRef = f(xsRef);
        return { want: yRef.dataSync(), cond: c.exact ? undefined : conditionScale(f, xsRef), shape: yRef.shape };
      });
      const [got] = await readTidy(() => {
        const y = f(caseInputs(c, inst, be, dtype));
        if (y.shape.join() !== shape.join()) throw new Error(`${c.name}: shape [${y.shape}] vs reference [${shape}]`);
        return [y];
      });
      if (!cond) {
        // exact cases
        for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) throw new Error(`${c.name}: element ${i} is ${got[i]}, reference ${want[i]} (exact)`);
        return 0;
      }
      // an accuracy the backend declares for this op: an absolute floor of absoluteUlps·ε
      const floor = (declared ? declared.absoluteUlps : 0) * eps;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (k * eps * (Math.abs(want[i]) + cond[i]) + floor + Number.MIN_VALUE));
      return worst;
    }));
  }

  // 1b. every fused kernel the backend has against its composition of primitives on the same backend
  for (const kernel of sk.FUSED_KERNELS) {
    if (typeof be[kernel] !== 'function') {
      rows.push(row(`fused ${kernel} = its composition (n/a: not fused here)`, be, 0, 0));
      continue;
    }
    const bare = sk.withoutKernel(be, kernel);
    for (const c of FUSED_CASES[kernel]) {
      rows.push(await propertyRow(`${c.name} = its composition`, be, c.gen, runs, seed, async (inst) => {
        const f = (xs: sk.Tensor[]): sk.Tensor => c.apply(xs, inst.params);
        const cond = sk.tidy(() => conditionScale(f, caseInputs(c, inst, ref, dtype, 'float64')));
        const [fused, composed] = await readTidy(() => [f(caseInputs(c, inst, be, dtype)), f(caseInputs(c, inst, bare, dtype))]);
        let worst = 0;
        for (let i = 0; i < fused.length; i++) worst = Math.max(worst, Math.abs(fused[i] - composed[i]) / (k * eps * (Math.abs(composed[i]) + cond[i]) + Number.MIN_VALUE));
        return worst;
      }));
    }
  }

  // 2. autodiff transposition on the backend
  const smooth = OP_CASES.filter((c) => c.differentiable && !c.kinked && caseApplies(c, be));
  rows.push(await propertyRow('autodiff ⟨u,Jv⟩ = ⟨Jᵀu,v⟩', be, fc.tuple(fc.nat(smooth.length - 1), fc.integer({ min: 0, max: 2 ** 30 })).chain(([ci, s]) => smooth[ci].gen.map((inst) => ({ ...inst, params: { ...inst.params, __case: ci }, seed: inst.seed + s }))), runs * 2, seed, async (inst) => {
    const c = smooth[inst.params.__case as number];
    const [a, b, sa, sb] = await readTidy(() => {
      const xs = caseInputs(c, inst, be, dtype);
      const f = (ys: sk.Tensor[]): sk.Tensor => c.apply(ys, inst.params);
      const vs = xs.map((x, i) => sk.random.normal(sk.random.key(inst.seed + 11 + i), x.shape, { backend: be, dtype }));
      const { out, tangent } = sk.jvp(f, xs, vs);
      const u = sk.random.normal(sk.random.key(inst.seed + 5), out.shape, { backend: be, dtype });
      const g = sk.vjp(f, xs).vjp(u);
      const gv = sk.stack(g.map((gi, i) => sk.sum(sk.mul(gi, vs[i]))));
      const gva = sk.stack(g.map((gi, i) => sk.sum(sk.abs(sk.mul(gi, vs[i])))));
      return [sk.sum(sk.mul(u, tangent)), gv, sk.sum(sk.abs(sk.mul(u, tangent))), gva];
    });
    const total = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0);
    return Math.abs(a[0] - total(b)) / (4 * k * eps * (sa[0] + total(sb)) + Number.MIN_VALUE);
  }));

  // 3. conservativeness
  const opts = { backend: be, dtype };
  const mlp = sk.mlp({ inDim: 2, outDim: 2, width: 16, depth: 2, embedding: { kind: 'raw' } }, sk.random.key(seed), opts);
  const en = sk.mlp({ inDim: 2, outDim: 1, width: 16, depth: 2, embedding: { kind: 'raw' } }, sk.random.key(seed + 1), opts);
  const energy = sk.energyScore<sk.MlpParams>((p, x, t) => sk.reshape(en.apply(p, x, t), [x.shape[0]]));
  const x2 = sk.random.normal(sk.random.key(seed + 2), [32, 2], opts);
  const t2 = sk.full([32], 0.5, opts);
  {
    const [a, jn] = await readTidy(() => [
      sk.asymmetryExact(energy, en.init, x2, t2).asym,
      sk.sum(sk.square(sk.batchJacobian(energy, en.init, x2, t2)), [1, 2]),
    ]);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]) / (k * k * eps * eps * jn[i] + Number.MIN_VALUE) / 64);
    rows.push(row('energy model: ½‖J − Jᵀ‖²_F = 0', be, a.length, worst));
  }
  {
    const [J, a] = await readTidy(() => [sk.batchJacobian(mlp.apply, mlp.init, x2, t2), sk.asymmetryExact(mlp.apply, mlp.init, x2, t2).asym]);
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      const want = (J[i * 4 + 1] - J[i * 4 + 2]) ** 2;
      worst = Math.max(worst, Math.abs(a[i] - want) / (k * eps * (want + Array.from(J.slice(i * 4, i * 4 + 4)).reduce((s, v) => s + v * v, 0)) + Number.MIN_VALUE));
    }
    rows.push(row('2-D: Asym = (∂s₁/∂x₂ − ∂s₂/∂x₁)²', be, a.length, worst));
  }
  {
    const hs = await readTidy(() => Array.from({ length: 10 }, (_, r) =>
      sk.asymmetryHutchinson(mlp.apply, mlp.init, x2, t2, sk.random.key(seed + 100 + r), { form: 'norm' }).asym));
    let worst = 0;
    for (const h of hs) for (const v of h) worst = Math.max(worst, v < 0 ? Infinity : 0);
    rows.push(row("Hutchinson 'norm' estimate ≥ 0", be, 320, worst));
  }

  {
    // All 2^D = 4 Rademacher sign vectors: their average is the estimator's exact expectation.
    const signs = [[1, 1], [1, -1], [-1, 1], [-1, -1]];
    const [h, a, jn] = await readTidy(() => [
      sk.asymmetryHutchinson(mlp.apply, mlp.init, x2, t2, sk.random.key(seed), { vectors: signs.map((sv) => sk.broadcastTo(sk.fromArray(sv, opts), [32, 2])) }).asym,
      sk.asymmetryExact(mlp.apply, mlp.init, x2, t2).asym,
      sk.sum(sk.square(sk.batchJacobian(mlp.apply, mlp.init, x2, t2)), [1, 2]),
    ]);
    let worst = 0;
    // rounding in tr(JJᵀ) − tr(JJ) is relative to ‖J‖²_F, not to the (possibly small) difference
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(h[i] - a[i]) / (k * eps * 64 * jn[i] + Number.MIN_VALUE));
    rows.push(row('Hutchinson (trace) unbiased: E over all sign probes = exact', be, a.length, worst, 'unconstrained MLP'));
  }
  {
    // QCSGM's regulariser is identically 0 on energy models, so its parameter gradient vanishes; the
    // scale is the gradient of its first term ‖Jᵀv‖² alone, which does not vanish.
    const reg = (p: sk.MlpParams, form: 'trace' | 'first'): sk.Tensor => {
      const r = sk.asymmetryHutchinson(energy, p, x2, t2, sk.random.key(seed + 7), { probes: 2 });
      if (form === 'trace') return sk.sum(r.asym);
      const v = sk.random.rademacher(sk.random.key(seed + 8), x2.shape, opts);
      return sk.sum(sk.square(sk.vjp((y: sk.Tensor) => energy(p, y, t2), x2).vjp(v)));
    };
    const [g, gs] = await readTidy(() => [
      sk.concat(sk.treeLeaves(sk.grad((p: sk.MlpParams) => reg(p, 'trace'))(en.init)).map((l) => sk.reshape(l, [-1])), 0),
      sk.concat(sk.treeLeaves(sk.grad((p: sk.MlpParams) => reg(p, 'first'))(en.init)).map((l) => sk.reshape(l, [-1])), 0),
    ]);
    const scale = maxAbs(gs);
    const worst = maxAbs(g) / (k * eps * 256 * scale + Number.MIN_VALUE);
    rows.push(row('QCSGM regulariser: ∇θ = 0 on energy models', be, g.length, worst));
  }

  // 3b. SDE kernels and losses under the same key (every backend against the reference)
  const cld = sk.cldSde();
  {
    const data = (b: sk.Backend, dt: sk.FloatDType): sk.Tensor => sk.random.normal(sk.random.key(seed + 20), [24, 2], { backend: b, dtype: dt });
    const sdes: [string, sk.ScalarLinearSde][] = [['VE', sk.veSde()], ['VP', sk.vpSde()], ['sub-VP', sk.subVpSde()]];
    const kernelOut = (b: sk.Backend, dt: sk.FloatDType): sk.Tensor[] => {
      const x = data(b, dt);
      const u = sk.concat([x, sk.mul(x, 0.5)], -1);
      return [
        ...sdes.map(([, sde]) => sk.perturbLinear(sde, x, sk.random.key(seed + 21), 1e-3).xt),
        ...sdes.map(([, sde]) => sde.drift(x, 0.4)),
        cld.drift(u, 0.4),
        cld.applyDiffusion(u, 0.4),
        cld.priorSample(sk.random.key(seed + 22), 24, 2, { backend: b, dtype: dt }),
      ];
    };
    const got = await readTidy(() => kernelOut(be, dtype));
    const want = await readTidy(() => kernelOut(ref, 'float64'));
    let worst = 0;
    got.forEach((gv, j) => {
      const scale = maxAbs(want[j]);
      for (let i = 0; i < gv.length; i++) worst = Math.max(worst, Math.abs(gv[i] - want[j][i]) / (k * eps * 16 * (scale + 1)));
    });
    rows.push(row('SDE kernels: perturbed samples, drifts, CLD diffusion and prior', be, got.length, worst, 'VE, VP, sub-VP, CLD'));
  }
  {
    const lossValues = (b: sk.Backend, dt: sk.FloatDType): sk.Tensor[] => {
      const o = { backend: b, dtype: dt };
      const net = sk.mlp({ inDim: 2, outDim: 2, width: 16, depth: 2, embedding: { kind: 'fourier', dim: 8, scale: 1 } }, sk.random.key(seed + 30), o);
      const netC = sk.mlp({ inDim: 4, outDim: 2, width: 16, depth: 2, embedding: { kind: 'fourier', dim: 8, scale: 1 } }, sk.random.key(seed + 31), o);
      const x = sk.random.normal(sk.random.key(seed + 32), [16, 2], o);
      const kk = sk.random.key(seed + 33);
      const vpS = sk.vpSde();
      return [
        sk.sdeDsmLoss(vpS, net.apply, net.init, x, kk),
        sk.sdeDsmLoss(sk.veSde(), net.apply, net.init, x, kk, { likelihoodWeighting: true }),
        sk.ncsnLoss(net.apply, net.init, x, kk, [0.1, 0.5, 1]),
        sk.cldLoss(cld, netC.apply, netC.init, x, kk),
        sk.cldLoss(cld, netC.apply, netC.init, x, kk, { objective: 'dsm', weighting: 'likelihood' }),
        sk.qcsgmLoss(vpS, net.apply, net.init, x, kk, { lambda: 0.1 }),
        sk.sdeScoreMatchingLoss(vpS, 'ssm', net.apply, net.init, x, kk),
        sk.sdeScoreMatchingLoss(vpS, 'ism', net.apply, net.init, x, kk),
      ];
    };
    const got = await readTidy(() => lossValues(be, dtype));
    const want = await readTidy(() => lossValues(ref, 'float64'));
    let worst = 0;
    // a loss is a mean of per-sample terms, each through a small network and its derivatives: k·ε·256 relative
    got.forEach((gv, j) => (worst = Math.max(worst, Math.abs(gv[0] - want[j][0]) / (k * eps * 256 * (Math.abs(want[j][0]) + 1e-3)))));
    rows.push(row('losses: DSM (VP, VE likelihood), NCSN, HSM, CLD-DSM, QCSGM, SSM, ISM', be, got.length, worst));
  }

  // 4. Strang splitting invariants (SSCS's A flow and skeleton)
  const flowA = (b: number): sk.Stepper => ({ name: 'A', noiseDraws: 1, nfePerStep: 0, step: (u, _t, _n, [z]) => sk.sscsLinearFlow(cld, u, b, z) });
  const start: sk.Moments = { mean: [0.3, -1.2, 0.7, 0.1], cov: [[1.1, 0.2, 0.1, 0], [0.2, 0.8, 0, -0.05], [0.1, 0, 0.3, 0.02], [0, -0.05, 0.02, 0.4]] };
  const once = [1, 0.5];
  const moments = sk.propagateMomentsAsync;
  {
    let worst = 0;
    for (const [b1, b2] of [[0.3, 0.7], [1e-3, 2e-3], [1.5, 0.01]]) {
      const two = await moments(flowA(b2), once, await moments(flowA(b1), once, start, be), be);
      const one = await moments(flowA(b1 + b2), once, start, be);
      worst = Math.max(worst, sk.momentError(two, one) / (k * eps * 16));
    }
    rows.push(row('Strang: A(b₁)∘A(b₂) = A(b₁ + b₂)', be, 3, worst));
  }
  {
    const eq: sk.Moments = { mean: [0, 0, 0, 0], cov: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, cld.M, 0], [0, 0, 0, cld.M]] };
    let worst = 0;
    for (const b of [1e-4, 0.01, 0.5, 3]) worst = Math.max(worst, sk.momentError(await moments(flowA(b), once, eq, be), eq) / (k * eps * 8));
    rows.push(row('Strang: A preserves N(0, I) × N(0, M I)', be, 4, worst));
  }
  {
    const score: sk.ScoreFn = (u, t) => sk.add(sk.mul(cld.split(u).v, -1 / cld.M), sk.mul(sk.tanh(cld.split(u).x), 1 + t));
    const st = sk.sscs(cld, score, { stochastic: false });
    let worst = 0;
    for (const [t, h] of [[0.8, 0.1], [0.3, 0.01], [0.05, 0.04]]) {
      const [err, size] = await readTidy(() => {
        const u0 = sk.random.normal(sk.random.key(seed + 3), [16, 4], opts);
        const back = st.step(st.step(u0, t, t - h, []), t - h, t, []);
        return [sk.max(sk.abs(sk.sub(back, u0))), sk.max(sk.abs(u0))];
      });
      worst = Math.max(worst, err[0] / (k * eps * 64 * (1 + size[0])));
    }
    rows.push(row('Strang: SSCS skeleton h then −h returns the start', be, 3, worst));
  }

  {
    // Second order of the Strang splitting (Heun score step) against the exact marginal of Gaussian
    // data, by exact moment propagation on this backend at 16 and 32 steps to ε = 0.2, where the error is
    // already asymptotic (measured on CPU: ratio 3.88, order 1.96; to ε = 1e-3 that takes ≥ 128 steps).
    const gauss = sk.gmm({ weights: [1], means: [[0.8, -0.4]], covs: [[[0.5, 0.15], [0.15, 0.3]]] });
    const mom = (g: sk.Gmm): sk.Moments => ({ mean: g.means[0], cov: g.covs[0] });
    const st = sk.sscs(cld, sk.exactScore(cld, gauss), { scoreStep: 'heun' });
    const counts = [16, 32];
    const end = 0.2;
    const errs: number[] = [];
    for (const c of counts) {
      const m = await moments(st, sk.timeGrid({ steps: c, eps: end, T: cld.T }), mom(sk.marginal(cld, gauss, cld.T)), be);
      errs.push(sk.momentError(m, mom(sk.marginal(cld, gauss, end))));
    }
    const order = sk.fitOrder(counts.map((c) => 1 / c), errs);
    rows.push(row('Strang: SSCS (Heun score step) converges at order 2', be, counts.length, Math.abs(order - 2) / 0.35, `fitted order ${order.toFixed(2)}`));
  }

  // 5. sampler trajectories under the same noise
  const mix = sk.gmm({ weights: [0.4, 0.6], means: [[-1.5, 0], [1.5, 0.5]], covs: [[[0.3, 0], [0, 0.3]], [[0.2, 0.05], [0.05, 0.3]]] });
  const vp = sk.vpSde();
  const cases: [string, sk.Sde, (s: sk.ScoreFn) => sk.Stepper][] = [
    ['SSCS (CLD)', cld, (s) => sk.sscs(cld, s)],
    ['Euler–Maruyama (VP)', vp, (s) => sk.eulerMaruyama(vp, s)],
    ['predictor–corrector (VP)', vp, (s) => sk.predictorCorrector(sk.reverseDiffusion(vp, s, 20), sk.langevinCorrector(vp, s, { snr: 0.16, N: 20 }))],
  ];
  for (const [name, sde, make] of cases) {
    {
      const grid = sk.timeGrid({ steps: 20, eps: 1e-3 });
      const run = async (b: sk.Backend, dt: sk.FloatDType): Promise<Float64Array> => {
        const [x] = await readTidy(() => [sk.integrate(make(sk.exactScore(sde, mix)), sde.priorSample(sk.random.key(seed + 4), 64, 2, { backend: b, dtype: dt }), grid, sk.random.key(seed + 5)).x]);
        return Float64Array.from(x);
      };
      const got = await run(be, dtype);
      const want = await run(ref, 'float64');
      let worst = 0;
      const scale = maxAbs(want);
      // 20 steps, each a few dozen roundings propagated through a contracting map: budget k·ε·20·64 of the state's scale
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (k * eps * 20 * 64 * (1 + scale)));
      rows.push(row(`sampler: 20 steps of ${name}`, be, want.length, worst));
    }
  }
  return rows;
}

export function formatVerify(rows: readonly VerifyRow[]): string {
  const head = `${'property'.padEnd(50)} ${'backend'.padEnd(16)} ${'cases'.padStart(5)}  ${'err/tol'.padStart(9)}  result`;
  const lines = rows.map((r) => `${r.property.padEnd(50)} ${r.backend.padEnd(16)} ${String(r.cases).padStart(5)}  ${(Number.isFinite(r.worst) ? r.worst.toExponential(2) : 'error').padStart(9)}  ${r.pass ? 'pass' : 'FAIL'}${r.detail && !r.pass ? `  ${r.detail}` : ''}`);
  const failed = rows.filter((r) => !r.pass).length;
  return [head, ...lines, `${rows.length - failed} passed, ${failed} failed`].join('\n');
}
