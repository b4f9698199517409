/**
 * Autodiff properties on the CPU float64 backend:
 * - every differentiable primitive's JVP and VJP agree with central finite differences on random
 *   shapes (the cases with operands of a fixed dtype, the float-width casts, round and are left to
 *   verify's transposition row and tests/core/autodiff.test.ts);
 * - transposition: ⟨u, J v⟩ = ⟨Jᵀ u, v⟩ to rounding;
 * - Hessians of random scalar compositions are symmetric, and forward-over-reverse equals reverse-over-reverse.
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../index.js';
import { checkProperty, dot, hostNormal } from '../tests/helpers.js';
import { floatOperands, OP_CASES } from '../verify/cases.js';
import { inputsFor } from './instantiate.js';

const RUNS = 30;
const H = 1e-5;
const be = sk.getBackendSync('cpu:float64');

const normalLike = (seed: number, t: sk.Tensor): sk.Tensor => sk.fromArray(hostNormal(seed, t.size), { backend: be, shape: t.shape });
const data = (t: sk.Tensor): Float64Array => t.dataSync() as Float64Array;

describe('every primitive: JVP and VJP equal central finite differences (float64)', () => {
  for (const c of OP_CASES.filter((k) => k.differentiable && floatOperands(k))) {
    it(c.name, () => {
      checkProperty(
        `fd ${c.name}`,
        fc.property(c.gen, (inst) =>
          sk.tidy(() => {
            const xs = inputsFor(c, inst, be, 'float64');
            const vs = xs.map((x, i) => normalLike(inst.seed + 101 + i, x));
            const f = (ys: sk.Tensor[]): sk.Tensor => c.apply(ys, inst.params);
            const y = f(xs);
            const u = normalLike(inst.seed + 977, y);
            const uy = (ys: sk.Tensor[]): number => dot(data(u), data(f(ys)));
            const fd = (uy(xs.map((x, i) => sk.add(x, sk.mul(vs[i], H)))) - uy(xs.map((x, i) => sk.sub(x, sk.mul(vs[i], H))))) / (2 * H);
            const jv = dot(data(u), data(sk.jvp(f, xs, vs).tangent));
            const g = sk.vjp(f, xs).vjp(u);
            const vj = g.reduce((s, gi, i) => s + dot(data(gi), data(vs[i])), 0);
            const scale = Math.max(1, Math.abs(fd));
            if (c.kinked && Math.abs(jv - fd) > 1e-6 * scale) {
              // A kink or tie within H of an input: finite differences are not a reference there.
              fc.pre(false);
            }
            if (!(Math.abs(jv - fd) <= 1e-6 * scale)) throw new Error(`JVP ${jv} vs FD ${fd}`);
            if (!(Math.abs(vj - fd) <= 1e-6 * scale)) throw new Error(`VJP ${vj} vs FD ${fd}`);
            if (!(Math.abs(jv - vj) <= 1e-12 * Math.max(1, Math.abs(jv)) * (1 + y.size))) throw new Error(`⟨u,Jv⟩ ${jv} ≠ ⟨Jᵀu,v⟩ ${vj}`);
          }),
        ),
        RUNS,
      );
    });
  }
});

/** A random smooth scalar function of x ∈ ℝⁿ: layers of affine maps, activations and products. */
type Layer = { kind: 'affine' | 'act' | 'prod' | 'skip'; act: number; seed: number };
const ACTS: ((t: sk.Tensor) => sk.Tensor)[] = [sk.tanh, sk.sin, sk.softplus, sk.sigmoid, sk.silu, (t) => sk.exp(sk.mul(t, 0.3)), sk.square];

function composition(n: number, layers: Layer[], head: number): (x: sk.Tensor) => sk.Tensor {
  return (x) => {
    let y = x;
    for (const l of layers) {
      if (l.kind === 'affine') {
        const W = sk.fromArray(hostNormal(l.seed, n * n).map((v) => v / Math.sqrt(n)), { backend: be, shape: [n, n] });
        y = sk.add(sk.matmul(W, y), sk.fromArray(hostNormal(l.seed + 1, n), { backend: be }));
      } else if (l.kind === 'act') y = ACTS[l.act % ACTS.length](y);
      else if (l.kind === 'prod') y = sk.mul(y, sk.slice(sk.concat([y, y]), { begin: [1], end: [n + 1] })); // y_i · y_{i+1}
      else y = sk.add(y, x);
    }
    return head === 0 ? sk.sum(y) : head === 1 ? sk.logsumexp(y) : sk.sum(sk.mul(y, y));
  };
}

const layerArb = fc.record({
  kind: fc.constantFrom<Layer['kind']>('affine', 'act', 'prod', 'skip'),
  act: fc.nat(ACTS.length - 1),
  seed: fc.nat(1e6),
});

describe('Hessians of random scalar compositions', () => {
  it('are symmetric, and forward-over-reverse equals reverse-over-reverse', () => {
    checkProperty(
      'hessian symmetry',
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(layerArb, { minLength: 1, maxLength: 5 }), fc.nat(2), fc.nat(1e6), (n, layers, head, seed) =>
        sk.tidy(() => {
          const f = composition(n, layers, head);
          const x = sk.fromArray(hostNormal(seed, n).map((v) => 0.5 * v), { backend: be });
          const Hf = data(sk.hessian(f)(x));
          const Hr = data(sk.jacobian(sk.grad(f))(x));
          const scale = Math.max(1, ...Array.from(Hf, Math.abs));
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              const a = Hf[i * n + j];
              if (!(Math.abs(a - Hf[j * n + i]) <= 1e-10 * scale)) throw new Error(`H[${i},${j}] = ${a} ≠ H[${j},${i}] = ${Hf[j * n + i]}`);
              if (!(Math.abs(a - Hr[i * n + j]) <= 1e-10 * scale)) throw new Error(`fwd-over-rev ${a} ≠ rev-over-rev ${Hr[i * n + j]}`);
            }
          }
        }),
      ),
      60,
    );
  });
});
