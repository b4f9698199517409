import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { assertAllClose, assertClose, tensorNormal } from '../helpers.js';

type Params = { W1: sk.Tensor; b1: sk.Tensor; W2: sk.Tensor; b2: sk.Tensor };

/** A small MLP score model s_θ(x) = tanh(silu(x W1 + b1)) W2 + b2, x: [B, d]. */
const score = (p: Params, x: sk.Tensor): sk.Tensor =>
  sk.add(sk.matmul(sk.tanh(sk.silu(sk.add(sk.matmul(x, p.W1), p.b1))), p.W2), p.b2);

const d = 3;
const H = 5;
const B = 4;
const params: Params = {
  W1: tensorNormal(1, [d, H]),
  b1: tensorNormal(2, [H]),
  W2: tensorNormal(3, [H, d]),
  b2: tensorNormal(4, [d]),
};
const X = tensorNormal(5, [B, d]);
const V = tensorNormal(6, [B, d]);

/** φ(θ) = Σ_b v_bᵀ (∂s_θ/∂x)(x_b) v_b via a JVP (forward mode inside). */
const phiJvp = (p: Params): sk.Tensor => sk.sum(sk.mul(V, sk.jvp((x: sk.Tensor) => score(p, x), X, V).tangent));
/** The same quantity through a VJP (reverse mode inside): Σ_b v_bᵀ Jᵀ v_b. */
const phiVjp = (p: Params): sk.Tensor => sk.sum(sk.mul(V, sk.vjp((x: sk.Tensor) => score(p, x), X).vjp(V)));

/** Central differences of a scalar function of the parameter tree, one component at a time. */
function fdGrad(f: (p: Params) => sk.Tensor, p: Params, h: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const name of Object.keys(p) as (keyof Params)[]) {
    const base = p[name].dataSync() as Float64Array;
    out[name] = [];
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number): number => {
        const v = Float64Array.from(base);
        v[i] += delta;
        return f({ ...p, [name]: sk.fromArray(v, { shape: p[name].shape }) }).itemSync();
      };
      out[name].push((at(h) - at(-h)) / (2 * h));
    }
  }
  return out;
}

describe('second-order autodiff', () => {
  const fd = fdGrad(phiJvp, params, 1e-5);

  for (const [label, phi] of [['JVP inside grad', phiJvp], ['VJP inside grad', phiVjp]] as const) {
    it(`d/dθ of vᵀ ∇ₓ s_θ(x) v (${label}) equals central differences, relative error < 1e-6`, () => {
      const g = sk.grad(phi)(params) as Params;
      let worst = 0;
      let scale = 0;
      for (const name of Object.keys(fd) as (keyof Params)[]) {
        const got = g[name].dataSync();
        fd[name].forEach((v, i) => {
          worst = Math.max(worst, Math.abs(got[i] - v));
          scale = Math.max(scale, Math.abs(v));
        });
      }
      assert.ok(worst / scale < 1e-6, `max |grad − FD| / max |FD| = ${worst / scale}`);
    });
  }

  it('the JVP and VJP forms give the same value (transposition identity)', () => {
    assertClose(phiJvp(params).itemSync(), phiVjp(params).itemSync(), 1e-13, 1e-13);
  });

  it('no perturbation confusion: d/dx [x · d/dy (x + y)] = 1', () => {
    const inner = (x: sk.Tensor): sk.Tensor =>
      sk.jvp((y: sk.Tensor) => sk.add(x, y), sk.fromArray(1), sk.fromArray(1)).tangent;
    const f = (x: sk.Tensor): sk.Tensor => sk.mul(x, inner(x));
    assert.equal(sk.grad(f)(sk.fromArray(3)).itemSync(), 1);
    assert.equal(sk.jvp(f, sk.fromArray(3), sk.fromArray(1)).tangent.itemSync(), 1);
  });

  it('third derivative through grad∘grad∘grad and the hessian of x ↦ Σ x³', () => {
    const f = (x: sk.Tensor): sk.Tensor => sk.sum(sk.pow(x, 3));
    const g3 = sk.grad((x: sk.Tensor) => sk.sum(sk.grad((y: sk.Tensor) => sk.sum(sk.grad(f)(y)))(x)));
    assert.deepEqual(g3(sk.fromArray([1, 2])).arraySync(), [6, 6]);
    assert.deepEqual(sk.hessian(f)(sk.fromArray([1, 2])).arraySync(), [[6, 0], [0, 12]]);
  });

  it('hessian of a quadratic form is A + Aᵀ; jacobian forward = reverse', () => {
    const A = tensorNormal(9, [3, 3]);
    const q = (x: sk.Tensor): sk.Tensor => sk.sum(sk.mul(x, sk.matmul(A, x)));
    const Hs = sk.hessian(q)(tensorNormal(10, [3])).dataSync();
    const a = A.dataSync();
    const expect = Array.from({ length: 9 }, (_, k) => a[k] + a[3 * (k % 3) + Math.floor(k / 3)]);
    assertAllClose(Hs, expect, 1e-14, 1e-14, 'hessian');
    const f = (x: sk.Tensor): sk.Tensor => sk.tanh(sk.matmul(A, sk.exp(x)));
    const x0 = tensorNormal(11, [3]);
    assertAllClose(sk.jacobian(f)(x0).dataSync(), sk.jacobian(f, { mode: 'forward' })(x0).dataSync(), 1e-14, 1e-15, 'jacobian');
  });

  it('gradients of parameter trees keep the tree structure', () => {
    const loss = (p: Params): sk.Tensor => sk.mean(sk.square(score(p, X)));
    const g = sk.grad(loss)(params) as Params;
    assert.deepEqual(Object.keys(g).sort(), ['W1', 'W2', 'b1', 'b2']);
    for (const k of Object.keys(params) as (keyof Params)[]) assert.deepEqual(g[k].shape, params[k].shape);
  });
});

describe('autodiff edge cases and errors', () => {
  it('non-differentiable ops give zero gradients, unused inputs give zeros', () => {
    const g = sk.grad((x: { a: sk.Tensor; b: sk.Tensor }) => sk.sum(sk.add(sk.floor(x.a), sk.sign(x.a))))({
      a: sk.fromArray([0.5, -1.5]),
      b: sk.fromArray([1]),
    }) as { a: sk.Tensor; b: sk.Tensor };
    assert.deepEqual(g.a.arraySync(), [0, 0]);
    assert.deepEqual(g.b.arraySync(), [0]);
  });
  it('stopGradient blocks the derivative', () => {
    const g = sk.grad((x: sk.Tensor) => sk.sum(sk.mul(x, sk.stopGradient(x))))(sk.fromArray([2, 3]));
    assert.deepEqual(g.arraySync(), [2, 3]);
  });
  it('max splits the gradient evenly among ties; maximum gives ½ on ties', () => {
    assert.deepEqual(sk.grad((x: sk.Tensor) => sk.max(x))(sk.fromArray([1, 3, 3])).arraySync(), [0, 0.5, 0.5]);
    assert.deepEqual(sk.grad((x: sk.Tensor) => sk.sum(sk.maximum(x, 1)))(sk.fromArray([0, 1, 2])).arraySync(), [0, 0.5, 1]);
  });
  it('grad needs a scalar output, float inputs, and matching cotangents', () => {
    assert.throws(() => sk.grad((x: sk.Tensor) => sk.mul(x, 2))(sk.fromArray([1, 2])), /must return a scalar tensor, got a tensor of shape \[2\]/);
    assert.throws(() => sk.grad((x: sk.Tensor) => sk.sum(x))(sk.fromArray([1], { dtype: 'int32' })), /floating-point/);
    const r = sk.vjp((x: sk.Tensor) => sk.exp(x), sk.fromArray([1, 2]));
    assert.throws(() => r.vjp(sk.fromArray([1, 2, 3])), /cotangent shape \[3\] does not match output shape \[2\]/);
  });
  it('a tracer that escapes its transform is reported', () => {
    let leaked: sk.Tensor | undefined;
    sk.grad((x: sk.Tensor) => {
      leaked = x;
      return sk.sum(x);
    })(sk.fromArray([1]));
    assert.throws(() => sk.add(leaked!, 1), /escaped its autodiff transform/);
  });
  it('float32 gradients stay float32', async () => {
    const be = await sk.getBackend('cpu:float32');
    const g = sk.grad((x: sk.Tensor) => sk.sum(sk.exp(x)))(sk.fromArray([0, 1], { backend: be }));
    assert.equal(g.dtype, 'float32');
    assertAllClose(g.dataSync(), [1, Math.fround(Math.E)], 0, 0);
  });
  it('float-width casts carry derivatives, cast to each side’s dtype', () => {
    const x32 = sk.fromArray([0.1, -2], { dtype: 'float32' });
    const f = (x: sk.Tensor): sk.Tensor => sk.sum(sk.square(sk.astype(x, 'float64')));
    const g = sk.grad(f)(x32);
    assert.equal(g.dtype, 'float32');
    assert.deepEqual(Array.from(g.dataSync()), Array.from(x32.dataSync(), (v) => Math.fround(2 * v)));
    const { tangent } = sk.jvp((x: sk.Tensor) => sk.astype(x, 'float32'), sk.fromArray([0.1, 3]), sk.fromArray([1 / 3, -1]));
    assert.equal(tangent.dtype, 'float32');
    assert.deepEqual(Array.from(tangent.dataSync()), [Math.fround(1 / 3), -1]);
  });
});
