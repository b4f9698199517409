/**
 * add, sub, mul and div of float32 or float64 arrays by WASM-SIMD kernels (f32x4 / f64x2), for the
 * shapes that dominate networks' elementwise work: two operands of the output's size, or one of them
 * repeating with a period of L elements (a bias or scale broadcast over leading axes, a scalar). The
 * operands are copied into WebAssembly memory and the result copied out; each lane's result is the
 * IEEE operation on the same two values, which is what the JS loop computes (float32: the float64
 * result of two float32 values rounded once to float32 equals the float32 operation for +, −, ×, ÷,
 * since 53 ≥ 2·24 + 2), so both give the same bits.
 *
 * Kernel zip_<dtype>_<op>_<order>(pa, pb, po, rows, rowBytes, bStep): for each of `rows` rows of
 * rowBytes bytes, out = A op B vector by vector (order 'ab') or B op A ('ba'); A and out advance by a
 * row, B by bStep (rowBytes: B has the output's size; 0: B repeats every row).
 */
import type { TypedArray } from '../../core/tensor/dtype.js';
import { encodeModule, FunctionBuilder, instantiate, type Op, type WasmMemory } from '../../core/wasm/module.js';

export type ZipOp = 'add' | 'sub' | 'mul' | 'div';
type ZipDType = 'float32' | 'float64';
const OPS: readonly ZipOp[] = ['add', 'sub', 'mul', 'div'];
const LANES: Record<ZipDType, string> = { float32: 'f32x4', float64: 'f64x2' };
const BYTES: Record<ZipDType, number> = { float32: 4, float64: 8 };

/** Fewer elements than this run in the JS loop (the copies and the call cost more than they save). */
export const ZIP_WASM_MIN = 4096;

function kernel(dtype: ZipDType, op: ZipOp, order: 'ab' | 'ba'): FunctionBuilder {
  const f = new FunctionBuilder(`zip_${dtype}_${op}_${order}`, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [pa, pb, po, rows, rowBytes, bStep] = f.params;
  const j = f.local('i32');
  const vop = `${LANES[dtype]}.${op}` as Op;
  f.loop();
  f.i32(0).set(j).loop();
  f.get(po).get(j).op('i32.add');
  if (order === 'ab') f.get(pa).get(j).op('i32.add').mem('v128.load').get(pb).get(j).op('i32.add').mem('v128.load');
  else f.get(pb).get(j).op('i32.add').mem('v128.load').get(pa).get(j).op('i32.add').mem('v128.load');
  f.op(vop).mem('v128.store');
  f.get(j).i32(16).op('i32.add').tee(j).get(rowBytes).op('i32.lt_u').brIf(0).end();
  f.get(pa).get(rowBytes).op('i32.add').set(pa);
  f.get(po).get(rowBytes).op('i32.add').set(po);
  f.get(pb).get(bStep).op('i32.add').set(pb);
  f.get(rows).i32(1).op('i32.sub').tee(rows).brIf(0).end();
  return f;
}

type Run = (pa: number, pb: number, po: number, rows: number, rowBytes: number, bStep: number) => void;
interface Module { readonly run: Record<string, Run>; readonly memory: WasmMemory & { grow(pages: number): number } }

function build(): Module | undefined {
  const fs = (['float32', 'float64'] as const).flatMap((d) => OPS.flatMap((op) => (['ab', 'ba'] as const).map((o) => kernel(d, op, o))));
  const made = instantiate(encodeModule(fs, 1));
  if ('reason' in made) return undefined;
  return { run: made.exports as unknown as Record<string, Run>, memory: made.exports.memory as Module['memory'] };
}

const mod = build();

/**
 * out[0 … n) = A op B where A holds n elements from offA and B either n elements from offB
 * (period = n) or `period` elements repeated (n a multiple of period); with `swap` the repeating
 * operand is the left one (out = B op A). False where the kernel does not apply (no WASM SIMD, a
 * period whose rows are not whole vectors): the caller runs its JS loop.
 */
export function zipWasm(
  dtype: ZipDType, op: ZipOp, out: TypedArray, A: TypedArray, offA: number, B: TypedArray, offB: number, n: number, period: number, swap: boolean,
): boolean {
  if (!mod) return false;
  const size = BYTES[dtype];
  // a scalar repeats as a block of 16 values; otherwise a row must be whole vectors
  const L = period === 1 ? 16 : period;
  if ((L * size) % 16 !== 0 || n % period !== 0) return false;
  const rowBytes = period === n ? 16 * Math.ceil((n * size) / 16) : L * size;
  const rows = period === n ? 1 : Math.ceil(n / L);
  const aBytes = rows * rowBytes;
  const bBytes = period === n ? aBytes : rowBytes;
  const need = 2 * aBytes + bBytes;
  const have = mod.memory.buffer.byteLength;
  if (need > have) mod.memory.grow(Math.ceil((need - have) / 65536));
  const buf = mod.memory.buffer;
  const View = dtype === 'float32' ? Float32Array : Float64Array;
  const Am = new View(buf, 0, aBytes / size);
  const Bm = new View(buf, aBytes, bBytes / size);
  Am.set(A.subarray(offA, offA + n));
  if (period === 1) Bm.fill(B[offB]);
  else Bm.set(B.subarray(offB, offB + period));
  mod.run[`zip_${dtype}_${op}_${swap ? 'ba' : 'ab'}`](0, aBytes, aBytes + bBytes, rows, rowBytes, period === n ? rowBytes : 0);
  out.set(new View(buf, aBytes + bBytes, n));
  return true;
}
