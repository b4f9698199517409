/**
 * Group normalisation, softmax attention and the U-Net score model on cpu:float64: the layers
 * against their definitions written out on the host, the network's shapes, parameter count and
 * FLOPs against hand counts, its DSM-loss gradient against central differences, and bad
 * configurations rejected with one clear error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { assertAllClose, dot, hostNormal } from '../helpers.js';

const be = sk.getBackendSync('cpu:float64');
const T = (seed: number, shape: number[], scale = 1): sk.Tensor => sk.fromArray(hostNormal(seed, shape.reduce((a, b) => a * b, 1)).map((v) => v * scale), { backend: be, shape });
const data = (t: sk.Tensor): Float64Array => Float64Array.from(t.dataSync());

describe('groupNorm', () => {
  it('normalises each sample and group over (H, W, C/G), then scales and shifts per channel', () => {
    const [N, H, W, C, G] = [2, 3, 2, 6, 3];
    const x = T(1, [N, H, W, C]);
    const gamma = T(2, [C]);
    const beta = T(3, [C]);
    const y = data(sk.groupNorm(x, G, gamma, beta, 1e-5));
    const xv = data(x);
    const gv = data(gamma);
    const bv = data(beta);
    const cg = C / G;
    for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) {
      const idx: number[] = [];
      for (let p = 0; p < H * W; p++) for (let c = 0; c < cg; c++) idx.push((n * H * W + p) * C + g * cg + c);
      const mu = idx.reduce((s, i) => s + xv[i], 0) / idx.length;
      const v = idx.reduce((s, i) => s + (xv[i] - mu) ** 2, 0) / idx.length;
      for (const i of idx) {
        const c = i % C;
        assert.ok(Math.abs(y[i] - (gv[c] * (xv[i] - mu) / Math.sqrt(v + 1e-5) + bv[c])) < 1e-12, `element ${i}`);
      }
    }
    assert.throws(() => sk.groupNorm(x, 4, gamma, beta), /6 channels do not split into 4 groups/);
    assert.throws(() => sk.groupNorm(x, 3, T(4, [5]), beta), /γ and β must have shape \[6\]/);
  });
});

describe('attention', () => {
  it('equals softmax(QKᵀ/√d)V written out, and its rows of weights sum to 1', () => {
    const [B, L, S, d, e] = [2, 3, 4, 5, 2];
    const q = T(5, [B, L, d]);
    const k = T(6, [B, S, d]);
    const v = T(7, [B, S, e]);
    const out = data(sk.attention(q, k, v));
    const [qv, kv, vv] = [data(q), data(k), data(v)];
    for (let b = 0; b < B; b++) for (let i = 0; i < L; i++) {
      const z = Array.from({ length: S }, (_, j) => {
        let s = 0;
        for (let a = 0; a < d; a++) s += qv[(b * L + i) * d + a] * kv[(b * S + j) * d + a];
        return s / Math.sqrt(d);
      });
      const m = Math.max(...z);
      const w = z.map((t) => Math.exp(t - m));
      const tot = w.reduce((s, t) => s + t, 0);
      for (let c = 0; c < e; c++) {
        const want = w.reduce((s, t, j) => s + (t / tot) * vv[(b * S + j) * e + c], 0);
        assert.ok(Math.abs(out[(b * L + i) * e + c] - want) < 1e-12);
      }
    }
    const p = data(sk.sum(sk.softmax(T(8, [3, 7], 30)), -1));
    for (const s of p) assert.ok(Math.abs(s - 1) < 1e-14);
    assert.throws(() => sk.attention(q, T(9, [B, S, d + 1]), v), /differ in their last axis/);
  });
});

describe('U-Net', () => {
  const cfg = { height: 8, width: 8, channels: 1, baseChannels: 8, channelMults: [1, 2], groups: 4 };
  const net = sk.unet(cfg, sk.random.key(3), { backend: be });

  it('maps [n, H·W·C] to itself; parameter count and FLOPs equal hand counts', () => {
    const x = T(10, [3, 64]);
    const y = net.apply(net.init, x, sk.fromArray([0.1, 0.5, 0.9], { backend: be }));
    assert.deepEqual(y.shape, [3, 64]);
    // hand count: conv(k, i, o) = k²·i·o + o; dense(i, o) = i·o + o; norm(c) = 2c;
    // res(i, o) = norm(i) + conv(3, i, o) + dense(32, o) + norm(o) + conv(3, o, o) + (i ≠ o ? conv(1, i, o) : 0);
    // attn(c) = norm(c) + dense(c, 3c) + dense(c, c)
    const conv = (k: number, i: number, o: number): number => k * k * i * o + o;
    const dense = (i: number, o: number): number => i * o + o;
    const norm = (c: number): number => 2 * c;
    const res = (i: number, o: number): number => norm(i) + conv(3, i, o) + dense(32, o) + norm(o) + conv(3, o, o) + (i !== o ? conv(1, i, o) : 0);
    const attn = (c: number): number => norm(c) + dense(c, 3 * c) + dense(c, c);
    // encoder skips: convIn 8, level 0 res 8, pool 8, level 1 res 16 (+ attention)
    const want = dense(8, 32) + dense(32, 32) + conv(3, 1, 8)
      + res(8, 8) + res(8, 16) + attn(16)
      + res(16, 16) + attn(16) + res(16, 16)
      + res(16 + 16, 16) + attn(16) + res(16 + 8, 16) + attn(16) + conv(3, 16, 16)
      + res(16 + 8, 8) + res(8 + 8, 8)
      + norm(8) + conv(3, 8, 1);
    assert.equal(net.parameterCount, want);
    // FLOPs: 2·multiply-adds; a k×k conv from i to o channels at r×r pixels costs 2·r²·k²·i·o
    const cf = (r: number, k: number, i: number, o: number): number => 2 * r * r * k * k * i * o;
    const rf = (r: number, i: number, o: number): number => cf(r, 3, i, o) + 2 * 32 * o + cf(r, 3, o, o) + (i !== o ? cf(r, 1, i, o) : 0);
    const af = (r: number, c: number): number => 2 * r * r * c * 3 * c + 2 * r * r * c * c + 4 * r ** 4 * c;
    const wantFlops = 2 * 8 * 32 + 2 * 32 * 32 + cf(8, 3, 1, 8)
      + rf(8, 8, 8) + rf(4, 8, 16) + af(4, 16)
      + rf(4, 16, 16) + af(4, 16) + rf(4, 16, 16)
      + rf(4, 32, 16) + af(4, 16) + rf(4, 24, 16) + af(4, 16) + cf(8, 3, 16, 16)
      + rf(8, 24, 8) + rf(8, 16, 8) + cf(8, 3, 8, 1);
    assert.equal(net.flopsPerSample, wantFlops);
  });

  const sde = sk.vpSde();
  const LOSSES: Record<string, (p: sk.UnetParams, x: sk.Tensor) => sk.Tensor> = {
    DSM: (p, x) => sk.sdeDsmLoss(sde, net.apply, p, x, sk.random.key(4)),
    // second order: the loss holds Jacobian-vector products of the network, then is differentiated in θ
    'sliced score matching': (p, x) => sk.sdeScoreMatchingLoss(sde, 'ssm', net.apply, p, x, sk.random.key(5)),
    QCSGM: (p, x) => sk.qcsgmLoss(sde, net.apply, p, x, sk.random.key(6), { lambda: 0.5 }),
  };
  for (const [name, loss] of Object.entries(LOSSES)) {
    it(`is a ScoreModel: the ${name} loss gradient equals central differences along a random direction`, () => {
      const x = T(11, [2, 64]);
      const g = sk.grad((p: sk.UnetParams) => loss(p, x))(net.init);
      let seed = 100;
      const dir = sk.mapTree((l) => T(seed++, [...l.shape]), net.init);
      const dirs = sk.treeLeaves(dir);
      const at = (h: number): number => loss(sk.mapTree((l, d) => sk.add(l, sk.mul(d, h)), net.init, dir), x).dataSync()[0];
      // the direction has norm ≈ √(parameters) ≈ 70: a step of 1e-6 keeps the truncation error near 1e-9
      const h = 1e-6;
      const fd = (at(h) - at(-h)) / (2 * h);
      const an = sk.treeLeaves(g).reduce((s, gi, i) => s + dot(data(gi), data(dirs[i])), 0);
      assertAllClose([an], [fd], 1e-6, 1e-7, `directional derivative of the ${name} loss`);
      // every parameter receives a gradient
      for (const [i, gi] of sk.treeLeaves(g).entries()) assert.ok(data(gi).some((v) => v !== 0), `leaf ${i} has a zero gradient`);
    });
  }

  it('rejects bad configurations and inputs with one clear error', () => {
    assert.throws(() => sk.unet({ ...cfg, height: 7 }, sk.random.key(0), { backend: be }), /7×8 does not halve 1 times \(needs multiples of 2\)/);
    assert.throws(() => sk.unet({ ...cfg, groups: 3 }, sk.random.key(0), { backend: be }), /8 channels do not split into 3 groups/);
    assert.throws(() => sk.unet({ ...cfg, attentionLevel: 2 }, sk.random.key(0), { backend: be }), /attentionLevel 2 is not a level/);
    assert.throws(() => net.apply(net.init, T(1, [2, 63]), T(2, [2])), /input must have shape \[n, 64\]/);
  });
});
