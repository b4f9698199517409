/**
 * The fused Gaussian-mixture score of mixture.ts as a WASM-SIMD kernel (core/wasm/module.ts),
 * generated per (D, K, output columns, dtype): two points per f64x2 vector, GROUPS vectors per loop
 * trip with their statements interleaved, float64 throughout and rounded once on the store.
 *
 * Per point, a first pass over the components computes z = (x − μ_k)U_k, the logit
 * log w_k − ½ log det S_k − ½|z|² and the columns −zU_kᵀ, keeping them in a scratch area and the
 * running maximum logit; a second pass sums the softmax weights e^(logit − max) (core/wasm/exp.ts)
 * and the weighted columns. Two passes instead of mixture.ts's online softmax: no branch and one
 * exp per component. Parameters are stored pre-splatted (each value in both lanes).
 */
import type { MixtureParams } from '../../core/tensor/backend.js';
import type { TypedArray } from '../../core/tensor/dtype.js';
import { encodeModule, FunctionBuilder, instantiate, type Local, type WasmMemory } from '../../core/wasm/module.js';
import { emitExpNonPositive } from '../../core/wasm/exp.js';

/** Point pairs per loop trip. */
const GROUPS = 4;
/** Points per kernel call. */
const CHUNK = 1024;
/** Largest D and K the kernel is generated for (mixture.ts handles the rest). */
export const MIXTURE_WASM_MAX_D = 8;
export const MIXTURE_WASM_MAX_K = 256;

interface Layout {
  readonly D: number;
  readonly K: number;
  readonly nc: number;
  /** Upper-triangular entries (a ≤ j) of U in storage order. */
  readonly tri: readonly (readonly [number, number])[];
  /** Bytes of one component's parameters: D means, the triangle, the log normaliser. */
  readonly compBytes: number;
  readonly params: number;
  readonly scratch: number;
  readonly x: number;
  readonly out: number;
  readonly pages: number;
}

function layout(D: number, K: number, nc: number): Layout {
  const tri: [number, number][] = [];
  for (let a = 0; a < D; a++) for (let j = a; j < D; j++) tri.push([a, j]);
  const compBytes = 16 * (D + tri.length + 1);
  const params = 0;
  const scratch = params + K * compBytes;
  const x = scratch + GROUPS * K * (1 + nc) * 16;
  const out = x + CHUNK * D * 8;
  return { D, K, nc, tri, compBytes, params, scratch, x, out, pages: Math.ceil((out + CHUNK * nc * 8) / 65536) };
}

function kernel(L: Layout, c0: number, f32: boolean): FunctionBuilder {
  const { D, K, nc, tri, compBytes } = L;
  const f = new FunctionBuilder('score', ['i32']);
  const [count] = f.params;
  const v = (): Local => f.local('v128');
  const [px, po, pk, ps, k] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const eb = f32 ? 4 : 8; // element bytes of X and out
  /** Push X or out element at byte offset `at` from the address on the stack, as f64. */
  const load = (at: number): void => void (f32 ? f.mem('f32.load', at).op('f64.promote_f32') : f.mem('f64.load', at));
  const triAt = (a: number, j: number): number => 16 * (D + tri.findIndex(([ta, tj]) => ta === a && tj === j));
  const slot = K * (1 + nc) * 16; // one group's scratch bytes

  const G = Array.from({ length: GROUPS }, () => ({
    x: Array.from({ length: D }, v),
    d: Array.from({ length: D }, v),
    z: Array.from({ length: D }, v),
    mx: v(),
    s: v(),
    acc: Array.from({ length: nc }, v),
    w: v(),
    en: v(),
    er: v(),
  }));
  /** Statements for every group in turn (each leaves the stack empty). */
  const each = (stmt: (g: (typeof G)[number], gi: number) => void): void => G.forEach(stmt);

  f.i32(L.x).set(px).i32(L.out).set(po);
  f.loop();
  // the 2·GROUPS points' coordinates, two points per vector
  each((g, gi) => {
    for (let a = 0; a < D; a++) {
      f.get(px);
      load(2 * gi * D * eb + a * eb);
      f.op('f64x2.splat').get(px);
      load((2 * gi + 1) * D * eb + a * eb);
      f.lane('f64x2.replace_lane', 1).set(g.x[a]);
    }
  });
  each((g) => {
    f.f64x2(-Infinity, -Infinity).set(g.mx);
  });
  // pass 1: logits and columns of every component into the scratch area
  f.i32(L.params).set(pk).i32(L.scratch).set(ps).i32(K).set(k);
  f.loop();
  each((g) => {
    for (let a = 0; a < D; a++) f.get(g.x[a]).get(pk).mem('v128.load', 16 * a).op('f64x2.sub').set(g.d[a]);
  });
  each((g) => {
    for (let j = 0; j < D; j++) {
      for (let a = 0; a <= j; a++) {
        f.get(g.d[a]).get(pk).mem('v128.load', triAt(a, j)).op('f64x2.mul');
        if (a > 0) f.op('f64x2.add');
      }
      f.set(g.z[j]);
    }
  });
  each((g, gi) => {
    // logit = log-normaliser − ½ Σ z_j²
    f.get(pk).mem('v128.load', compBytes - 16).f64x2(0.5, 0.5);
    for (let j = 0; j < D; j++) {
      f.get(g.z[j]).get(g.z[j]).op('f64x2.mul');
      if (j > 0) f.op('f64x2.add');
    }
    f.op('f64x2.mul', 'f64x2.sub').set(g.w);
    f.get(ps).get(g.w).mem('v128.store', gi * slot);
    f.get(g.mx).get(g.w).op('f64x2.max').set(g.mx);
  });
  each((g, gi) => {
    for (let c = 0; c < nc; c++) {
      const row = c0 + c;
      f.get(ps).f64x2(0, 0);
      for (let j = row; j < D; j++) f.get(g.z[j]).get(pk).mem('v128.load', triAt(row, j)).op('f64x2.mul', 'f64x2.sub');
      f.mem('v128.store', gi * slot + 16 * (1 + c));
    }
  });
  f.get(pk).i32(compBytes).op('i32.add').set(pk);
  f.get(ps).i32(16 * (1 + nc)).op('i32.add').set(ps);
  f.get(k).i32(1).op('i32.sub').tee(k).brIf(0);
  f.end();
  // pass 2: softmax weights and weighted columns
  each((g) => {
    f.f64x2(0, 0).set(g.s);
    for (let c = 0; c < nc; c++) f.f64x2(0, 0).set(g.acc[c]);
  });
  f.i32(L.scratch).set(ps).i32(K).set(k);
  f.loop();
  each((g, gi) => {
    f.get(ps).mem('v128.load', gi * slot).get(g.mx).op('f64x2.sub');
    emitExpNonPositive(f, g.en, g.er);
    f.tee(g.w).get(g.s).op('f64x2.add').set(g.s);
    for (let c = 0; c < nc; c++) f.get(g.acc[c]).get(g.w).get(ps).mem('v128.load', gi * slot + 16 * (1 + c)).op('f64x2.mul', 'f64x2.add').set(g.acc[c]);
  });
  f.get(ps).i32(16 * (1 + nc)).op('i32.add').set(ps);
  f.get(k).i32(1).op('i32.sub').tee(k).brIf(0);
  f.end();
  // out rows 2·gi, 2·gi + 1: acc_c / s
  each((g, gi) => {
    for (let c = 0; c < nc; c++) {
      for (let lane = 0; lane < 2; lane++) {
        f.get(po).get(g.acc[c]).get(g.s).op('f64x2.div').lane('f64x2.extract_lane', lane);
        if (f32) f.op('f32.demote_f64');
        f.mem(f32 ? 'f32.store' : 'f64.store', ((2 * gi + lane) * nc + c) * eb);
      }
    }
  });
  f.get(px).i32(2 * GROUPS * D * eb).op('i32.add').set(px);
  f.get(po).i32(2 * GROUPS * nc * eb).op('i32.add').set(po);
  f.get(count).i32(2 * GROUPS).op('i32.sub').tee(count).i32(0).op('i32.gt_s').brIf(0);
  f.end();
  return f;
}

interface Compiled {
  readonly L: Layout;
  readonly run: (count: number) => void;
  readonly mem: WasmMemory;
}

const cache = new Map<string, Compiled | null>();

function compiled(D: number, K: number, c0: number, nc: number, f32: boolean): Compiled | null {
  const key = `${D}:${K}:${c0}:${nc}:${f32 ? 32 : 64}`;
  let c = cache.get(key);
  if (c === undefined) {
    const L = layout(D, K, nc);
    const made = instantiate(encodeModule([kernel(L, c0, f32)], L.pages));
    c = 'reason' in made ? null : { L, run: made.exports.score as (count: number) => void, mem: made.exports.memory as WasmMemory };
    cache.set(key, c);
  }
  return c;
}

/**
 * The mixture score by the WASM kernel, or false (nothing written) where it does not apply: D or K
 * above the limits, a dtype other than float32/float64, or no WASM SIMD on this platform.
 */
export function mixtureScoreWasm(X: TypedArray, n: number, p: MixtureParams, c0: number, nc: number, out: TypedArray): boolean {
  const { K, D, means, cholInvT: U, logNorm } = p;
  const f32 = X instanceof Float32Array && out instanceof Float32Array;
  if (!f32 && !(X instanceof Float64Array && out instanceof Float64Array)) return false;
  if (D > MIXTURE_WASM_MAX_D || K > MIXTURE_WASM_MAX_K || K < 1 || nc < 1) return false;
  const c = compiled(D, K, c0, nc, f32);
  if (!c) return false;
  const { L } = c;
  const buf = c.mem.buffer;
  const P = new Float64Array(buf, L.params, (K * L.compBytes) / 8);
  for (let k = 0; k < K; k++) {
    let at = (k * L.compBytes) / 8;
    const put = (val: number): void => {
      P[at++] = val;
      P[at++] = val;
    };
    for (let a = 0; a < D; a++) put(means[k * D + a]);
    for (const [a, j] of L.tri) put(U[k * D * D + a * D + j]);
    put(logNorm[k]);
  }
  const xs = f32 ? new Float32Array(buf, L.x, CHUNK * D) : new Float64Array(buf, L.x, CHUNK * D);
  const os = f32 ? new Float32Array(buf, L.out, CHUNK * nc) : new Float64Array(buf, L.out, CHUNK * nc);
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    const cnt = Math.min(CHUNK, n - i0);
    const padded = 2 * GROUPS * Math.ceil(cnt / (2 * GROUPS));
    xs.set(X.subarray(i0 * D, (i0 + cnt) * D));
    xs.fill(0, cnt * D, padded * D);
    c.run(padded);
    out.set(os.subarray(0, cnt * nc), i0 * nc);
  }
  return true;
}
