/**
 * C = A·B accumulated in float64 by a WASM-SIMD kernel (core/wasm/module.ts): 4×4 blocks of C in
 * eight f64x2 accumulators, each step of the k loop one splat load per row of A and two vector
 * loads of B. Every C element is Σ_p a_ip·b_pj summed in the order p = 0, 1, …, k − 1 from zero,
 * as backend.ts's JS loop does, so both give the same bits.
 *
 * A is copied in by row panels (float32 converts exactly to float64), B once per call with its
 * columns padded to a multiple of 4, and the panel's C copied out; the memory grows as needed.
 */
import type { TypedArray } from '../../core/tensor/dtype.js';
import { encodeModule, FunctionBuilder, instantiate, type Local, type WasmMemory } from '../../core/wasm/module.js';

/** Bytes of A and C panels together (the panel's rows follow from k and n). */
const PANEL_BYTES = 1 << 20;
/** Largest B (k × padded n, float64) the kernel takes; larger products use the JS loop. */
const MAX_B_BYTES = 64 << 20;

/** gemm(pa, pb, pc, rows, k, np): C[rows × np] = A[rows × k]·B[k × np], rows and np multiples of 4, k ≥ 1. */
function kernel(): FunctionBuilder {
  const f = new FunctionBuilder('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [pa, pb, pc, rows, k, np] = f.params;
  const i32 = (): Local => f.local('i32');
  const [i, j, p, k8, np8, pB] = [i32(), i32(), i32(), i32(), i32(), i32()];
  const pA = [i32(), i32(), i32(), i32()];
  const acc = Array.from({ length: 8 }, () => f.local('v128'));
  const [b0, b1, a] = [f.local('v128'), f.local('v128'), f.local('v128')];

  f.get(k).i32(8).op('i32.mul').set(k8);
  f.get(np).i32(8).op('i32.mul').set(np8);
  f.i32(0).set(i).loop();
  f.i32(0).set(j).loop();
  for (const x of acc) f.f64x2(0, 0).set(x);
  // row pointers of A's rows i … i + 3, and B's column block j
  f.get(pa).get(i).get(k8).op('i32.mul', 'i32.add').set(pA[0]);
  for (let r = 1; r < 4; r++) f.get(pA[r - 1]).get(k8).op('i32.add').set(pA[r]);
  f.get(pb).get(j).i32(8).op('i32.mul', 'i32.add').set(pB);
  f.get(k).set(p).loop();
  f.get(pB).mem('v128.load', 0).set(b0);
  f.get(pB).mem('v128.load', 16).set(b1);
  for (let r = 0; r < 4; r++) {
    f.get(pA[r]).mem('v128.load64_splat', 0).set(a);
    f.get(acc[2 * r]).get(a).get(b0).op('f64x2.mul', 'f64x2.add').set(acc[2 * r]);
    f.get(acc[2 * r + 1]).get(a).get(b1).op('f64x2.mul', 'f64x2.add').set(acc[2 * r + 1]);
    f.get(pA[r]).i32(8).op('i32.add').set(pA[r]);
  }
  f.get(pB).get(np8).op('i32.add').set(pB);
  f.get(p).i32(1).op('i32.sub').tee(p).brIf(0).end();
  // store the block: C row i + r starts at pc + (i + r)·np·8, column j at + j·8
  f.get(pc).get(i).get(np8).op('i32.mul', 'i32.add').get(j).i32(8).op('i32.mul', 'i32.add').set(pB);
  for (let r = 0; r < 4; r++) {
    f.get(pB).get(acc[2 * r]).mem('v128.store', 0);
    f.get(pB).get(acc[2 * r + 1]).mem('v128.store', 16);
    if (r < 3) f.get(pB).get(np8).op('i32.add').set(pB);
  }
  f.get(j).i32(4).op('i32.add').tee(j).get(np).op('i32.lt_u').brIf(0).end();
  f.get(i).i32(4).op('i32.add').tee(i).get(rows).op('i32.lt_u').brIf(0).end();
  return f;
}

interface Gemm {
  readonly run: (pa: number, pb: number, pc: number, rows: number, k: number, np: number) => void;
  readonly memory: WasmMemory & { grow(pages: number): number };
}

function build(): Gemm | undefined {
  const made = instantiate(encodeModule([kernel()], 1));
  if ('reason' in made) return undefined;
  return { run: made.exports.gemm as Gemm['run'], memory: made.exports.memory as Gemm['memory'] };
}

const gemm = build();

/**
 * C (m × n, float64) = A (m × k at offA, row-major) · B (k × n at offB) by the kernel, or false where
 * it does not apply (no WASM SIMD, k = 0, B too large): the caller then runs its JS loop.
 */
export function gemmWasm(A: TypedArray, offA: number, B: TypedArray, offB: number, C: Float64Array, m: number, k: number, n: number): boolean {
  if (!gemm || k === 0 || m === 0 || n === 0) return false;
  const np = 4 * Math.ceil(n / 4);
  const bBytes = 8 * k * np;
  if (bBytes > MAX_B_BYTES) return false;
  const R = Math.max(4, 4 * Math.floor(PANEL_BYTES / (8 * (k + np)) / 4));
  const rowsMax = Math.min(R, 4 * Math.ceil(m / 4));
  const pb = 0;
  const pa = bBytes;
  const pc = pa + 8 * rowsMax * k;
  const need = pc + 8 * rowsMax * np;
  const have = gemm.memory.buffer.byteLength;
  if (need > have) gemm.memory.grow(Math.ceil((need - have) / 65536));
  const buf = gemm.memory.buffer;
  const Bm = new Float64Array(buf, pb, k * np);
  if (np === n) Bm.set(B.subarray(offB, offB + k * n));
  else {
    for (let q = 0; q < k; q++) {
      Bm.set(B.subarray(offB + q * n, offB + (q + 1) * n), q * np);
      Bm.fill(0, q * np + n, (q + 1) * np);
    }
  }
  const Am = new Float64Array(buf, pa, rowsMax * k);
  const Cm = new Float64Array(buf, pc, rowsMax * np);
  for (let i0 = 0; i0 < m; i0 += rowsMax) {
    const rows = Math.min(rowsMax, m - i0);
    const rows4 = 4 * Math.ceil(rows / 4);
    Am.set(A.subarray(offA + i0 * k, offA + (i0 + rows) * k));
    if (rows4 > rows) Am.fill(0, rows * k, rows4 * k);
    gemm.run(pa, pb, pc, rows4, k, np);
    if (np === n) C.set(Cm.subarray(0, rows * n), i0 * n);
    else for (let r = 0; r < rows; r++) C.set(Cm.subarray(r * np, r * np + n), (i0 + r) * n);
  }
  return true;
}
