/**
 * 2-D convolution, pooling and upsampling on the CPU backends: the im2col kernel against the direct
 * float64 definition (core/tensor/primitives.ts) over strides, padding, dilation and groups; the
 * derivative rules against central differences, to second order through a small conv net
 * (d/dθ of vᵀ∇ₓs_θ(x)v); bad input rejected with one clear error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../../index.js';
import { CONV_PRIMITIVES, conv2dOutShape } from '../../core/tensor/primitives.js';
import { assertAllClose, checkProperty, dot, hostNormal, hostUniform } from '../helpers.js';

const be64 = sk.getBackendSync('cpu:float64');
const be32 = sk.getBackendSync('cpu:float32');
const data = (t: sk.Tensor): Float64Array => Float64Array.from(t.dataSync());

/** A convolution drawn so that the kernel fits the padded input. */
const convArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }),
    cg: fc.integer({ min: 1, max: 3 }), og: fc.integer({ min: 1, max: 3 }), groups: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }), dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
    pad: fc.array(fc.nat(3), { minLength: 4, maxLength: 4 }), seed: fc.nat(1e6),
  })
  .filter((c) => c.dh * (c.kh - 1) + 1 <= c.h + c.pad[0] + c.pad[1] && c.dw * (c.kw - 1) + 1 <= c.w + c.pad[2] + c.pad[3])
  .map((c) => ({
    ...c,
    xShape: [c.n, c.h, c.w, c.cg * c.groups],
    wShape: [c.kh, c.kw, c.cg, c.og * c.groups],
    opts: { strides: [c.sh, c.sw] as [number, number], dilations: [c.dh, c.dw] as [number, number], padding: c.pad as [number, number, number, number], groups: c.groups },
  }));

type ConvCase = typeof convArb extends fc.Arbitrary<infer T> ? T : never;

const inputs = (c: ConvCase, be: sk.Backend): [sk.Tensor, sk.Tensor, Float64Array, Float64Array] => {
  const xv = hostUniform(c.seed, c.xShape.reduce((a, b) => a * b, 1), -2, 2);
  const wv = hostUniform(c.seed + 1, c.wShape.reduce((a, b) => a * b, 1), -1, 1);
  return [sk.fromArray(xv, { backend: be, shape: c.xShape }), sk.fromArray(wv, { backend: be, shape: c.wShape }), xv, wv];
};

describe('conv2d', () => {
  it('equals the direct float64 definition (cpu:float64 to rounding, cpu:float32 to float32 rounding)', () => {
    checkProperty('conv2d = host', fc.property(convArb, (c) => sk.tidy(() => {
      for (const [be, rtol] of [[be64, 1e-13], [be32, 1e-5]] as const) {
        const [x, w, xv, wv] = inputs(c, be);
        const y = sk.conv2d(x, w, c.opts);
        const p = sk.conv2dParams(c.xShape, c.wShape, c.opts);
        assert.deepEqual(y.shape, conv2dOutShape(c.xShape, c.wShape, p));
        // float32 inputs are the float64 values rounded: the reference sees the same rounded values
        const want = CONV_PRIMITIVES.conv2d.host(data(x), c.xShape, data(w), c.wShape, p);
        const scale = CONV_PRIMITIVES.conv2d.host(data(x).map(Math.abs), c.xShape, data(w).map(Math.abs), c.wShape, p);
        const got = data(y);
        for (let i = 0; i < want.length; i++) {
          if (!(Math.abs(got[i] - want[i]) <= rtol * (scale[i] + 1e-30))) throw new Error(`${be.name} element ${i}: ${got[i]} vs ${want[i]}`);
        }
        void xv; void wv;
      }
    })), 60);
  });

  it("'same' padding keeps ⌈H/s⌉ × ⌈W/s⌉, and a 1×1 kernel is a matrix product over channels", () => {
    const x = sk.fromArray(hostNormal(3, 2 * 5 * 6 * 4), { backend: be64, shape: [2, 5, 6, 4] });
    assert.deepEqual(sk.conv2d(x, sk.ones([3, 3, 4, 2], { backend: be64 }), { padding: 'same' }).shape, [2, 5, 6, 2]);
    assert.deepEqual(sk.conv2d(x, sk.ones([3, 3, 4, 2], { backend: be64 }), { padding: 'same', strides: 2 }).shape, [2, 3, 3, 2]);
    const w = sk.fromArray(hostNormal(4, 4 * 3), { backend: be64, shape: [1, 1, 4, 3] });
    assertAllClose(data(sk.conv2d(x, w)), data(sk.matmul(x, sk.reshape(w, [4, 3]))), 1e-14, 1e-14);
  });

  it('JVP and VJP equal central finite differences and each other (float64)', () => {
    const H = 1e-6;
    checkProperty('conv2d fd', fc.property(convArb, (c) => sk.tidy(() => {
      const [x, w] = inputs(c, be64);
      const f = ([a, b]: sk.Tensor[]): sk.Tensor => sk.conv2d(a, b, c.opts);
      const vx = sk.fromArray(hostNormal(c.seed + 2, x.size), { backend: be64, shape: x.shape });
      const vw = sk.fromArray(hostNormal(c.seed + 3, w.size), { backend: be64, shape: w.shape });
      const y = f([x, w]);
      const u = sk.fromArray(hostNormal(c.seed + 4, y.size), { backend: be64, shape: y.shape });
      // bilinear: the central difference of ⟨u, f⟩ is exact up to rounding
      const uy = (h: number): number => dot(data(u), data(f([sk.add(x, sk.mul(vx, h)), sk.add(w, sk.mul(vw, h))])));
      const fd = (uy(H) - uy(-H)) / (2 * H);
      const jv = dot(data(u), data(sk.jvp(f, [x, w], [vx, vw]).tangent));
      const [gx, gw] = sk.vjp(f, [x, w]).vjp(u);
      assert.deepEqual(gx.shape, x.shape);
      assert.deepEqual(gw.shape, w.shape);
      const vj = dot(data(gx), data(vx)) + dot(data(gw), data(vw));
      const scale = Math.max(1, Math.abs(fd));
      if (!(Math.abs(jv - fd) <= 1e-7 * scale)) throw new Error(`JVP ${jv} vs FD ${fd}`);
      if (!(Math.abs(vj - jv) <= 1e-12 * scale * (1 + y.size))) throw new Error(`VJP ${vj} vs JVP ${jv}`);
    })), 60);
  });

  it('second order: d/dθ of vᵀ∇ₓs_θ(x)v through a conv net equals central differences (float64)', () => {
    // s_θ(x) = conv(silu(conv(x, w1, stride 2, pad 1) + b1), w2, groups 2, dilation 2, 'same'), x [2, 6, 6, 2]
    const x = sk.fromArray(hostNormal(11, 2 * 6 * 6 * 2), { backend: be64, shape: [2, 6, 6, 2] });
    const v = sk.fromArray(hostNormal(12, x.size), { backend: be64, shape: x.shape });
    type P = { w1: sk.Tensor; b1: sk.Tensor; w2: sk.Tensor };
    const p0: P = {
      w1: sk.fromArray(hostNormal(13, 3 * 3 * 2 * 4).map((t) => t * 0.4), { backend: be64, shape: [3, 3, 2, 4] }),
      b1: sk.fromArray(hostNormal(14, 4), { backend: be64, shape: [4] }),
      w2: sk.fromArray(hostNormal(15, 3 * 3 * 2 * 2).map((t) => t * 0.4), { backend: be64, shape: [3, 3, 2, 2] }),
    };
    const score = (p: P, y: sk.Tensor): sk.Tensor => {
      const h = sk.silu(sk.add(sk.conv2d(y, p.w1, { strides: 2, padding: 1 }), p.b1));
      return sk.conv2d(sk.upsampleNearest2d(h, 2), p.w2, { groups: 2, dilations: 2, padding: 'same' });
    };
    const phi = (p: P): sk.Tensor => sk.sum(sk.mul(v, sk.vjp((y: sk.Tensor) => score(p, y), x).vjp(v)));
    const phiFwd = (p: P): sk.Tensor => sk.sum(sk.mul(v, sk.jvp((y: sk.Tensor) => score(p, y), x, v).tangent));
    const g = sk.grad(phi)(p0);
    const gf = sk.grad(phiFwd)(p0);
    const h = 1e-5;
    for (const k of ['w1', 'b1', 'w2'] as const) {
      const base = data(p0[k]);
      const fd = new Float64Array(base.length);
      for (let i = 0; i < base.length; i++) {
        const at = (d: number): number => {
          const b = base.slice();
          b[i] += d;
          return phi({ ...p0, [k]: sk.fromArray(b, { backend: be64, shape: p0[k].shape }) }).dataSync()[0];
        };
        fd[i] = (at(h) - at(-h)) / (2 * h);
      }
      assertAllClose(data(g[k]), fd, 1e-6, 1e-7, `∂φ/∂${k} (reverse over reverse)`);
      assertAllClose(data(gf[k]), fd, 1e-6, 1e-7, `∂φ/∂${k} (reverse over forward)`);
    }
  });

  it('rejects bad input with one clear error', () => {
    const x = sk.zeros([1, 4, 4, 3], { backend: be64 });
    assert.throws(() => sk.conv2d(x, sk.zeros([5, 5, 3, 2], { backend: be64 })), /kernel larger than the padded input: a 5×5 kernel .* spans 5×5, the padded input is 4×4/);
    assert.throws(() => sk.conv2d(x, sk.zeros([3, 3, 3, 2], { backend: be64 }), { dilations: 2 }), /kernel larger than the padded input/);
    sk.conv2d(x, sk.zeros([5, 5, 3, 2], { backend: be64 }), { padding: 1 }); // fits once padded
    assert.throws(() => sk.conv2d(x, sk.zeros([3, 3, 2, 2], { backend: be64 })), /channel mismatch: input \[1, 4, 4, 3\] has 3 channels, filter \[3, 3, 2, 2\] expects 2·1 = 2/);
    assert.throws(() => sk.conv2d(x, sk.zeros([3, 3, 1, 2], { backend: be64 }), { groups: 3 }), /not both divisible by groups = 3/);
    assert.throws(() => sk.conv2d(x, sk.zeros([3, 3, 3, 2], { backend: be64 }), { strides: 0 }), RangeError);
    assert.throws(() => sk.conv2d(x, sk.zeros([3, 3, 3, 2], { backend: be64 }), { strides: [1, 1.5] }), /strides must be positive integers/);
    assert.throws(() => sk.conv2d(x, sk.zeros([3, 3, 3, 2], { backend: be64 }), { padding: -1 }), /padding must be non-negative integers/);
    assert.throws(() => sk.conv2d(x, sk.zeros([3, 3, 3, 2], { backend: be64 }), { groups: 0 }), /groups must be a positive integer/);
    assert.throws(() => sk.conv2d(sk.zeros([4, 4, 3], { backend: be64 }), sk.zeros([3, 3, 3, 2], { backend: be64 })), /input must be \[N, H, W, C\]/);
    assert.throws(() => sk.conv2d(sk.zeros([1, 4, 4, 3], { backend: be64, dtype: 'int32' }), sk.zeros([3, 3, 3, 2], { backend: be64, dtype: 'int32' })), TypeError);
    assert.throws(() => sk.avgPool2d(x, 3), /4×4 is not a multiple of the 3×3 window/);
    assert.throws(() => sk.upsampleNearest2d(x, 0), RangeError);
  });
});

describe('pooling and upsampling', () => {
  it('avgPool2d averages windows; upsampleNearest2d repeats pixels; the two are adjoint up to k²', () => {
    const [N, H, W, C, k] = [2, 4, 6, 3, 2];
    const xv = hostNormal(21, N * H * W * C);
    const x = sk.fromArray(xv, { backend: be64, shape: [N, H, W, C] });
    const pooled = data(sk.avgPool2d(x, k));
    const at = (n: number, h: number, w: number, c: number): number => xv[((n * H + h) * W + w) * C + c];
    for (let n = 0; n < N; n++) for (let i = 0; i < H / k; i++) for (let j = 0; j < W / k; j++) for (let c = 0; c < C; c++) {
      let s = 0;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += at(n, i * k + a, j * k + b, c);
      assert.ok(Math.abs(pooled[((n * (H / k) + i) * (W / k) + j) * C + c] - s / (k * k)) < 1e-14);
    }
    const yv = hostNormal(22, N * (H / k) * (W / k) * C);
    const y = sk.fromArray(yv, { backend: be64, shape: [N, H / k, W / k, C] });
    const up = data(sk.upsampleNearest2d(y, k));
    for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) {
      assert.equal(up[((n * H + h) * W + w) * C + c], yv[((n * (H / k) + Math.floor(h / k)) * (W / k) + Math.floor(w / k)) * C + c]);
    }
    // ⟨pool x, y⟩ = ⟨x, up y⟩ / k²
    assert.ok(Math.abs(dot(pooled, yv) - dot(xv, up) / (k * k)) < 1e-12);
  });
});
