/**
 * Cross-backend verification as a library feature (and `scorekit verify`): run fast properties against
 * a backend and compare with the CPU float64 reference under the same keys. Every tolerance derives from
 * the backend's dtype (machine ε) and the condition of the computation, never from hand-tuned constants:
 * - primitives: |y − y_ref| ≤ k·ε·(|y_ref| + Σ_j|∂y/∂x_j||x_j|) on random shapes (fast-check, seeded);
 * - autodiff: ⟨u, Jv⟩ = ⟨Jᵀu, v⟩ on the backend, to k·ε·Σ|terms|;
 * - conservativeness: an energy model's Jacobian asymmetry is 0 to k·ε·‖J‖²_F; in 2-D Asym = (J₁₂ − J₂₁)²;
 *   the 'norm' Hutchinson estimate is never negative;
 * - Strang splitting: the A flow's semigroup property and invariant equilibrium, and the skeleton's time symmetry;
 * - samplers: 20 steps of SSCS, Euler–Maruyama and predictor–corrector agree with the reference under the same noise.
 * Each row reports the number of cases, the worst error as a fraction of its tolerance, and pass/fail.
 */
import fc from 'fast-check';
import * as sk from '../index.js';
import { OP_CASES, type CaseInstance, type OpCase } from './cases.js';

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

/** Inputs of a case on a backend, rounded to its dtype first so that every backend sees the same values. */
export function caseInputs(c: OpCase, inst: CaseInstance, be: sk.Backend, dtype: sk.FloatDType): sk.Tensor[] {
  return inst.shapes.map((s, i) => {
    const [lo, hi] = c.domains[i];
    const u = sk.random.uniformHost(sk.random.key(inst.seed + 7919 * i), sk.sizeOf(s));
    const v = u.map((w) => lo + (hi - lo) * w);
    if (dtype === 'float32') for (let j = 0; j < v.length; j++) v[j] = Math.fround(v[j]);
    return sk.fromArray(v, { backend: be, dtype, shape: s });
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

function row(property: string, be: sk.Backend, cases: number, worst: number, detail?: string): VerifyRow {
  return { property, backend: be.name, cases, worst, pass: worst <= 1, detail };
}

/** Run a property over fast-check cases, tracking the worst error/tolerance ratio; exceptions fail the row. */
function propertyRow(name: string, be: sk.Backend, gen: fc.Arbitrary<CaseInstance>, runs: number, seed: number, body: (inst: CaseInstance) => number): VerifyRow {
  let worst = 0;
  let cases = 0;
  let detail: string | undefined;
  const r = fc.check(fc.property(gen, (inst) => {
    const ratio = sk.tidy(() => body(inst));
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

export function verifyBackend(be: sk.Backend, o: VerifyOptions): VerifyRow[] {
  const ref = o.reference;
  const dtype = be.defaultFloat;
  const eps = sk.epsOf(dtype);
  const k = o.ulps ?? (dtype === 'float32' ? 8 : 64);
  const runs = o.runs ?? 20;
  const seed = o.seed ?? 42;
  const rows: VerifyRow[] = [];

  // 1. primitives
  for (const c of OP_CASES) {
    const declared = be.accuracy?.[c.name as keyof NonNullable<sk.Backend['accuracy']>];
    rows.push(propertyRow(`primitive ${c.name}${declared ? ` (declared ±${declared.absoluteUlps}ε abs)` : ''}`, be, c.gen, runs, seed, (inst) => {
      const f = (xs: sk.Tensor[]): sk.Tensor => c.apply(xs, inst.params);
      const xsRef = caseInputs(c, inst, ref, dtype).map((x) => sk.astype(x, 'float64'));
      const y = f(caseInputs(c, inst, be, dtype));
      const yRef = f(xsRef);
      if (y.shape.join() !== yRef.shape.join()) throw new Error(`${c.name}: shape [${y.shape}] vs reference [${yRef.shape}]`);
      const got = y.dataSync();
      const want = yRef.dataSync();
      const cond = conditionScale(f, xsRef);
      // an accuracy the backend declares for this op: an absolute floor of absoluteUlps·ε
      const floor = (be.accuracy?.[c.name as keyof NonNullable<sk.Backend['accuracy']>]?.absoluteUlps ?? 0) * eps;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (k * eps * (Math.abs(want[i]) + cond[i]) + floor + Number.MIN_VALUE));
      return worst;
    }));
  }

  // 2. autodiff transposition on the backend
  const smooth = OP_CASES.filter((c) => !c.kinked);
  rows.push(propertyRow('autodiff ⟨u,Jv⟩ = ⟨Jᵀu,v⟩', be, fc.tuple(fc.nat(smooth.length - 1), fc.integer({ min: 0, max: 2 ** 30 })).chain(([ci, s]) => smooth[ci].gen.map((inst) => ({ ...inst, params: { ...inst.params, __case: ci }, seed: inst.seed + s }))), runs * 2, seed, (inst) => {
    const c = smooth[inst.params.__case as number];
    const xs = caseInputs(c, inst, be, dtype);
    const f = (ys: sk.Tensor[]): sk.Tensor => c.apply(ys, inst.params);
    const vs = xs.map((x, i) => sk.random.normal(sk.random.key(inst.seed + 11 + i), x.shape, { backend: be, dtype }));
    const { out, tangent } = sk.jvp(f, xs, vs);
    const u = sk.random.normal(sk.random.key(inst.seed + 5), out.shape, { backend: be, dtype });
    const g = sk.vjp(f, xs).vjp(u);
    const a = sk.sum(sk.mul(u, tangent)).itemSync();
    const b = g.reduce((s, gi, i) => s + sk.sum(sk.mul(gi, vs[i])).itemSync(), 0);
    const scale = sk.sum(sk.abs(sk.mul(u, tangent))).itemSync() + g.reduce((s, gi, i) => s + sk.sum(sk.abs(sk.mul(gi, vs[i]))).itemSync(), 0);
    return Math.abs(a - b) / (4 * k * eps * scale + Number.MIN_VALUE);
  }));

  // 3. conservativeness
  const opts = { backend: be, dtype };
  const mlp = sk.mlp({ inDim: 2, outDim: 2, width: 16, depth: 2, embedding: { kind: 'raw' } }, sk.random.key(seed), opts);
  const en = sk.mlp({ inDim: 2, outDim: 1, width: 16, depth: 2, embedding: { kind: 'raw' } }, sk.random.key(seed + 1), opts);
  const energy = sk.energyScore<sk.MlpParams>((p, x, t) => sk.reshape(en.apply(p, x, t), [x.shape[0]]));
  const x2 = sk.random.normal(sk.random.key(seed + 2), [32, 2], opts);
  const t2 = sk.full([32], 0.5, opts);
  rows.push(sk.tidy(() => {
    const J = sk.batchJacobian(energy, en.init, x2, t2);
    const a = sk.asymmetryExact(energy, en.init, x2, t2).asym.dataSync();
    const jn = sk.sum(sk.square(J), [1, 2]).dataSync();
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]) / (k * k * eps * eps * jn[i] + Number.MIN_VALUE) / 64);
    return row('energy model: ½‖J − Jᵀ‖²_F = 0', be, a.length, worst);
  }));
  rows.push(sk.tidy(() => {
    const J = sk.batchJacobian(mlp.apply, mlp.init, x2, t2).dataSync();
    const a = sk.asymmetryExact(mlp.apply, mlp.init, x2, t2).asym.dataSync();
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      const want = (J[i * 4 + 1] - J[i * 4 + 2]) ** 2;
      worst = Math.max(worst, Math.abs(a[i] - want) / (k * eps * (want + Array.from(J.slice(i * 4, i * 4 + 4)).reduce((s, v) => s + v * v, 0)) + Number.MIN_VALUE));
    }
    return row('2-D: Asym = (∂s₁/∂x₂ − ∂s₂/∂x₁)²', be, a.length, worst);
  }));
  rows.push(sk.tidy(() => {
    let worst = 0;
    for (let r = 0; r < 10; r++) {
      const h = sk.asymmetryHutchinson(mlp.apply, mlp.init, x2, t2, sk.random.key(seed + 100 + r), { form: 'norm' }).asym.dataSync();
      for (const v of h) worst = Math.max(worst, v < 0 ? Infinity : 0);
    }
    return row("Hutchinson 'norm' estimate ≥ 0", be, 320, worst);
  }));

  // 4. Strang splitting invariants (SSCS's A flow and skeleton)
  const cld = sk.cldSde();
  const flowA = (b: number): sk.Stepper => ({ name: 'A', noiseDraws: 1, nfePerStep: 0, step: (u, _t, _n, [z]) => sk.sscsLinearFlow(cld, u, b, z) });
  const start: sk.Moments = { mean: [0.3, -1.2, 0.7, 0.1], cov: [[1.1, 0.2, 0.1, 0], [0.2, 0.8, 0, -0.05], [0.1, 0, 0.3, 0.02], [0, -0.05, 0.02, 0.4]] };
  const once = [1, 0.5];
  rows.push(sk.tidy(() => {
    let worst = 0;
    for (const [b1, b2] of [[0.3, 0.7], [1e-3, 2e-3], [1.5, 0.01]]) {
      const two = sk.propagateMoments(flowA(b2), once, sk.propagateMoments(flowA(b1), once, start, be), be);
      const one = sk.propagateMoments(flowA(b1 + b2), once, start, be);
      worst = Math.max(worst, sk.momentError(two, one) / (k * eps * 16));
    }
    return row('Strang: A(b₁)∘A(b₂) = A(b₁ + b₂)', be, 3, worst);
  }));
  rows.push(sk.tidy(() => {
    const eq: sk.Moments = { mean: [0, 0, 0, 0], cov: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, cld.M, 0], [0, 0, 0, cld.M]] };
    let worst = 0;
    for (const b of [1e-4, 0.01, 0.5, 3]) worst = Math.max(worst, sk.momentError(sk.propagateMoments(flowA(b), once, eq, be), eq) / (k * eps * 8));
    return row('Strang: A preserves N(0, I) × N(0, M I)', be, 4, worst);
  }));
  rows.push(sk.tidy(() => {
    const score: sk.ScoreFn = (u, t) => sk.add(sk.mul(cld.split(u).v, -1 / cld.M), sk.mul(sk.tanh(cld.split(u).x), 1 + t));
    const st = sk.sscs(cld, score, { stochastic: false });
    const u0 = sk.random.normal(sk.random.key(seed + 3), [16, 4], opts);
    let worst = 0;
    for (const [t, h] of [[0.8, 0.1], [0.3, 0.01], [0.05, 0.04]]) {
      const back = st.step(st.step(u0, t, t - h, []), t - h, t, []);
      const err = sk.max(sk.abs(sk.sub(back, u0))).itemSync();
      worst = Math.max(worst, err / (k * eps * 64 * (1 + sk.max(sk.abs(u0)).itemSync())));
    }
    return row('Strang: SSCS skeleton h then −h returns the start', be, 3, worst);
  }));

  // 5. sampler trajectories under the same noise
  const mix = sk.gmm({ weights: [0.4, 0.6], means: [[-1.5, 0], [1.5, 0.5]], covs: [[[0.3, 0], [0, 0.3]], [[0.2, 0.05], [0.05, 0.3]]] });
  const vp = sk.vpSde();
  const cases: [string, sk.Sde, (s: sk.ScoreFn) => sk.Stepper][] = [
    ['SSCS (CLD)', cld, (s) => sk.sscs(cld, s)],
    ['Euler–Maruyama (VP)', vp, (s) => sk.eulerMaruyama(vp, s)],
    ['predictor–corrector (VP)', vp, (s) => sk.predictorCorrector(sk.reverseDiffusion(vp, s, 20), sk.langevinCorrector(vp, s, { snr: 0.16, N: 20 }))],
  ];
  for (const [name, sde, make] of cases) {
    rows.push(sk.tidy(() => {
      const grid = sk.timeGrid({ steps: 20, eps: 1e-3 });
      const run = (b: sk.Backend, dt: sk.FloatDType): Float64Array => {
        const x0 = sde.priorSample(sk.random.key(seed + 4), 64, 2, { backend: b, dtype: dt });
        return Float64Array.from(sk.integrate(make(sk.exactScore(sde, mix)), x0, grid, sk.random.key(seed + 5)).x.dataSync());
      };
      const got = run(be, dtype);
      const want = run(ref, 'float64');
      let worst = 0;
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      // 20 steps, each a few dozen roundings propagated through a contracting map: budget k·ε·20·64 of the state's scale
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (k * eps * 20 * 64 * (1 + scale)));
      return row(`sampler: 20 steps of ${name}`, be, want.length, worst);
    }));
  }
  return rows;
}

export function formatVerify(rows: readonly VerifyRow[]): string {
  const head = `${'property'.padEnd(50)} ${'backend'.padEnd(16)} ${'cases'.padStart(5)}  ${'err/tol'.padStart(9)}  result`;
  const lines = rows.map((r) => `${r.property.padEnd(50)} ${r.backend.padEnd(16)} ${String(r.cases).padStart(5)}  ${(Number.isFinite(r.worst) ? r.worst.toExponential(2) : 'error').padStart(9)}  ${r.pass ? 'pass' : 'FAIL'}${r.detail && !r.pass ? `  ${r.detail}` : ''}`);
  const failed = rows.filter((r) => !r.pass).length;
  return [head, ...lines, `${rows.length - failed} passed, ${failed} failed`].join('\n');
}
