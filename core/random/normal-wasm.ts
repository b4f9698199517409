/**
 * The normal stream of distributions.ts (Threefry-2x32-20 blocks → 53-bit uniforms → Box–Muller)
 * as a WASM-SIMD kernel generated at load time (core/wasm/module.ts): four Threefry blocks per
 * i32x4 vector, the logarithm (core/numerics/log.ts) and cos/sin (core/numerics/trig.ts) two values
 * per f64x2 vector. Every operation mirrors the scalar code's order, and IEEE-754 +, −, ×, ÷, √ are
 * correctly rounded in both, so the kernel returns the same bits as the scalar path
 * (tests/core/normal-wasm.test.ts checks it); `npm run bench:micro` times both.
 *
 * Each group of a loop iteration (WASM_GROUPS of them) makes two Box–Muller pairs p, p + 1 (four
 * values) from blocks b … b + 3, b = 2p, with the lanes ordered (b, b + 2, b + 1, b + 3) so lanes
 * 0–1 hold both pairs' u₁ and lanes 2–3 their u₂.
 */
import { encodeModule, FunctionBuilder, instantiate, type Local, type WasmMemory } from '../wasm/module.js';
import { LN2, LOG_SERIES, SQRT2 } from '../numerics/log.js';
import { COS_SIN_2PI } from '../numerics/trig.js';
import { THREEFRY_PARITY, THREEFRY_ROTATIONS } from './threefry.js';

const COS_BASE = 0;
const SIN_BASE = 8 * (COS_SIN_2PI.size + 1);
/** Output area: values are written here, then copied out by the caller. */
const WASM_OUT_BASE = 8192;
/** Values per kernel call (the output area holds them as float64). */
export const WASM_CHUNK_VALUES = 8192;
const PAGES = Math.ceil((WASM_OUT_BASE + 8 * WASM_CHUNK_VALUES) / 65536);

const BYTES_LO = [0, 1, 2, 3, 4, 5, 6, 7];
const BYTES_HI = [8, 9, 10, 11, 12, 13, 14, 15];
const B = (bytes: number[]): number[] => bytes.map((x) => x + 16); // the same bytes of the second operand

/**
 * Independent groups of four values per loop iteration, their statements interleaved: one group's
 * chain (20 dependent rounds, a division, an 11-term Horner sum, a square root) is latency-bound,
 * and interleaving lets the CPU overlap the groups; the gain levels off at four.
 */
export const WASM_GROUPS = 4;

/** One kernel: (k0, k1, block hi, block lo, pairs, loc, scale), pairs a positive multiple of 2·WASM_GROUPS. */
function kernel(dtype: 'float32' | 'float64', affine: boolean): FunctionBuilder {
  const f = new FunctionBuilder(`normal_${dtype}${affine ? '_affine' : ''}`, ['i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'f64']);
  const [k0, k1, jhi, jlo, pairs, loc, scale] = f.params;
  const v = (): Local => f.local('v128');
  const ks = [v(), v(), v()];
  const inj = [0, 1, 2, 3, 4, 5].map(() => v()); // x1's injection s: ks[(s + 1) mod 3] + s
  const base = v();
  const ptr = f.local('i32');
  const outBytes = dtype === 'float64' ? 32 : 16; // per group and iteration

  f.get(k0).op('i32x4.splat').set(ks[0]);
  f.get(k1).op('i32x4.splat').set(ks[1]);
  f.get(k0).get(k1).op('i32.xor').i32(THREEFRY_PARITY).op('i32.xor', 'i32x4.splat').set(ks[2]);
  for (let sIdx = 1; sIdx <= 5; sIdx++) f.get(ks[(sIdx + 1) % 3]).i32x4(sIdx, sIdx, sIdx, sIdx).op('i32x4.add').set(inj[sIdx]);
  f.i32(WASM_OUT_BASE).set(ptr);

  /** Group g's statements (each leaves the stack empty), yielding after each so groups interleave. */
  function* group(g: number): Generator<void> {
    const [x0, x1, lo, uhi, ulo, u1, u2, x, e, m, mask, fr, s, z, p, r, y, jj, jint, rr, r2, sn, w, c0, s0, z0, z1] =
      Array.from({ length: 27 }, v);
    const [i0, i1] = [f.local('i32'), f.local('i32')];
    // counters (hi, lo) of blocks b + 4g + (0, 2, 1, 3), carrying into hi where lo wraps
    f.get(base).i32x4(4 * g, 4 * g + 2, 4 * g + 1, 4 * g + 3).op('i32x4.add').set(lo);
    yield;
    f.get(jhi).op('i32x4.splat').get(lo).get(base).op('i32x4.lt_u', 'i32x4.sub').get(ks[0]).op('i32x4.add').set(x0);
    yield;
    f.get(lo).get(ks[1]).op('i32x4.add').set(x1);
    yield;
    // 20 rounds, a key injection after every 4
    for (let round = 0; round < 20; round++) {
      const rot = THREEFRY_ROTATIONS[round % 8];
      f.get(x0).get(x1).op('i32x4.add').tee(x0);
      f.get(x1).i32(rot).op('i32x4.shl').get(x1).i32(32 - rot).op('i32x4.shr_u', 'v128.or', 'v128.xor').set(x1);
      yield;
      if (round % 4 === 3) {
        const sIdx = (round + 1) / 4;
        f.get(x0).get(ks[sIdx % 3]).op('i32x4.add').set(x0);
        f.get(x1).get(inj[sIdx]).op('i32x4.add').set(x1);
        yield;
      }
    }
    // 53-bit uniforms ((w0 >>> 5)·2²⁶ + (w1 >>> 6))·2⁻⁵³: u1 from lanes 0–1, u2 from lanes 2–3
    f.get(x0).i32(5).op('i32x4.shr_u').set(uhi);
    f.get(x1).i32(6).op('i32x4.shr_u').set(ulo);
    yield;
    const uniform = (hi: () => void, lo: () => void, out: Local): void => {
      hi();
      f.op('f64x2.convert_low_i32x4_u').f64x2(67108864, 67108864).op('f64x2.mul');
      lo();
      f.op('f64x2.convert_low_i32x4_u', 'f64x2.add').f64x2(2 ** -53, 2 ** -53).op('f64x2.mul').set(out);
    };
    uniform(() => f.get(uhi), () => f.get(ulo), u1);
    yield;
    const upper = (l: Local) => () => f.get(l).get(l).shuffle([...BYTES_HI, ...BYTES_HI]);
    uniform(upper(uhi), upper(ulo), u2);
    yield;

    // log x, x = 1 − u1 (core/numerics/log.ts): x = 2^e·m read off the bits
    f.f64x2(1, 1).get(u1).op('f64x2.sub').set(x);
    yield;
    f.get(x).i32(52).op('i64x2.shr_u').i64x2(0x43300000, 0).op('v128.or').f64x2(2 ** 52 + 1023, 2 ** 52 + 1023).op('f64x2.sub').set(e);
    f.get(x).i64x2(0x000fffff, 0xffffffff).op('v128.and').i64x2(0x3ff00000, 0).op('v128.or').set(m);
    yield;
    f.get(m).f64x2(SQRT2, SQRT2).op('f64x2.gt').set(mask);
    yield;
    f.get(m).f64x2(0.5, 0.5).op('f64x2.mul').get(m).get(mask).op('v128.bitselect').set(m);
    f.get(e).get(mask).f64x2(1, 1).op('v128.and', 'f64x2.add').set(e);
    yield;
    f.get(m).f64x2(1, 1).op('f64x2.sub').set(fr);
    yield;
    f.get(fr).f64x2(2, 2).get(fr).op('f64x2.add', 'f64x2.div').set(s);
    yield;
    f.get(s).get(s).op('f64x2.mul').set(z);
    yield;
    f.get(z).f64x2(LOG_SERIES[10], LOG_SERIES[10]).op('f64x2.mul').set(p);
    yield;
    for (let k = 9; k >= 1; k--) {
      f.get(p).f64x2(LOG_SERIES[k], LOG_SERIES[k]).op('f64x2.add').get(z).op('f64x2.mul').set(p);
      yield;
    }
    f.get(p).f64x2(LOG_SERIES[0], LOG_SERIES[0]).op('f64x2.add').set(p);
    yield;
    // r = √(−2 log x) = √(−2 (e·ln 2 + (s + s)·p))
    f.f64x2(-2, -2).get(e).f64x2(LN2, LN2).op('f64x2.mul').get(s).get(s).op('f64x2.add').get(p);
    f.op('f64x2.mul', 'f64x2.add', 'f64x2.mul', 'f64x2.sqrt').set(r);
    yield;

    // cos 2πu2, sin 2πu2 (core/numerics/trig.ts): j = ⌊256u + ½⌋, ρ = 256u − j
    f.get(u2).f64x2(COS_SIN_2PI.size, COS_SIN_2PI.size).op('f64x2.mul').set(y);
    yield;
    f.get(y).f64x2(0.5, 0.5).op('f64x2.add', 'f64x2.floor').set(jj);
    yield;
    f.get(y).get(jj).op('f64x2.sub').set(rr);
    f.get(jj).op('i32x4.trunc_sat_f64x2_s_zero').set(jint);
    yield;
    f.get(jint).lane('i32x4.extract_lane', 0).i32(3).op('i32.shl').set(i0);
    f.get(jint).lane('i32x4.extract_lane', 1).i32(3).op('i32.shl').set(i1);
    f.get(rr).get(rr).op('f64x2.mul').set(r2);
    yield;
    f.get(i0).mem('f64.load', COS_BASE).op('f64x2.splat').get(i1).mem('f64.load', COS_BASE).lane('f64x2.replace_lane', 1).set(c0);
    f.get(i0).mem('f64.load', SIN_BASE).op('f64x2.splat').get(i1).mem('f64.load', SIN_BASE).lane('f64x2.replace_lane', 1).set(s0);
    yield;
    const [P, S3, S5, S7] = COS_SIN_2PI.sinSeries;
    const [C2, C4, C6] = COS_SIN_2PI.cosSeries;
    f.get(r2).f64x2(S7, S7).op('f64x2.mul').f64x2(S5, S5).op('f64x2.add').get(r2).op('f64x2.mul').f64x2(S3, S3).op('f64x2.add');
    f.get(r2).op('f64x2.mul').f64x2(P, P).op('f64x2.add').get(rr).op('f64x2.mul').set(sn);
    yield;
    f.get(r2).f64x2(C6, C6).op('f64x2.mul').f64x2(C4, C4).op('f64x2.add').get(r2).op('f64x2.mul').f64x2(C2, C2).op('f64x2.add');
    f.get(r2).op('f64x2.mul').set(w);
    yield;
    // z0 = r·(c0 + (c0·w − s0·sn)), z1 = r·(s0 + (s0·w + c0·sn))
    f.get(r).get(c0).get(c0).get(w).op('f64x2.mul').get(s0).get(sn).op('f64x2.mul', 'f64x2.sub', 'f64x2.add', 'f64x2.mul').set(z0);
    f.get(r).get(s0).get(s0).get(w).op('f64x2.mul').get(c0).get(sn).op('f64x2.mul', 'f64x2.add', 'f64x2.add', 'f64x2.mul').set(z1);
    yield;

    // interleave to (z0_p, z1_p), (z0_{p+1}, z1_{p+1}); loc + scale·z; store
    const pairOut = (bytes: number[]): void => {
      if (affine) f.get(loc).op('f64x2.splat').get(scale).op('f64x2.splat');
      f.get(z0).get(z1).shuffle([...bytes, ...B(bytes)]);
      if (affine) f.op('f64x2.mul', 'f64x2.add');
    };
    const at = g * outBytes;
    if (dtype === 'float64') {
      f.get(ptr);
      pairOut(BYTES_LO);
      f.mem('v128.store', at).get(ptr);
      pairOut(BYTES_HI);
      f.mem('v128.store', at + 16);
    } else {
      f.get(ptr);
      pairOut(BYTES_LO);
      f.op('f32x4.demote_f64x2_zero');
      pairOut(BYTES_HI);
      f.op('f32x4.demote_f64x2_zero').shuffle([...BYTES_LO, ...B(BYTES_LO)]).mem('v128.store', at);
    }
  }

  f.loop();
  f.get(jlo).op('i32x4.splat').set(base);
  const groups = Array.from({ length: WASM_GROUPS }, (_, g) => group(g));
  for (let live = groups.length; live > 0; ) {
    live = 0;
    for (const gen of groups) if (!gen.next().done) live++;
  }
  // next blocks; loop while pairs remain
  f.get(ptr).i32(WASM_GROUPS * outBytes).op('i32.add').set(ptr);
  f.get(jlo).i32(4 * WASM_GROUPS).op('i32.add').tee(jlo).i32(4 * WASM_GROUPS).op('i32.lt_u').get(jhi).op('i32.add').set(jhi);
  f.get(pairs).i32(2 * WASM_GROUPS).op('i32.sub').tee(pairs).i32(0).op('i32.gt_s').brIf(0);
  f.end();
  return f;
}

type Kernel = (k0: number, k1: number, jhi: number, jlo: number, pairs: number, loc: number, scale: number) => void;

export interface NormalWasm {
  readonly f32: Kernel;
  readonly f64: Kernel;
  readonly f32Affine: Kernel;
  readonly f64Affine: Kernel;
  /** The output area, as float32 and float64 views. */
  readonly out32: Float32Array;
  readonly out64: Float64Array;
}

function build(): NormalWasm | string {
  const kernels = [kernel('float32', false), kernel('float64', false), kernel('float32', true), kernel('float64', true)];
  const made = instantiate(encodeModule(kernels, PAGES));
  if ('reason' in made) return made.reason;
  const ex = made.exports;
  const memory = ex.memory as WasmMemory;
  new Float64Array(memory.buffer, COS_BASE, COS_SIN_2PI.size + 1).set(COS_SIN_2PI.cos());
  new Float64Array(memory.buffer, SIN_BASE, COS_SIN_2PI.size + 1).set(COS_SIN_2PI.sin());
  return {
    f32: ex.normal_float32 as Kernel,
    f64: ex.normal_float64 as Kernel,
    f32Affine: ex.normal_float32_affine as Kernel,
    f64Affine: ex.normal_float64_affine as Kernel,
    out32: new Float32Array(memory.buffer, WASM_OUT_BASE, WASM_CHUNK_VALUES),
    out64: new Float64Array(memory.buffer, WASM_OUT_BASE, WASM_CHUNK_VALUES),
  };
}

let built: NormalWasm | string | undefined;
/** Built on first use (code generation and compilation), not at import. */
const kernels = (): NormalWasm | string => (built ??= build());

/** The kernels, or undefined where WASM SIMD is not available (see `normalWasmUnavailable`). */
export function normalWasm(): NormalWasm | undefined {
  const k = kernels();
  return typeof k === 'string' ? undefined : k;
}
/** Why the kernels are not available, or undefined when they are. */
export function normalWasmUnavailable(): string | undefined {
  const k = kernels();
  return typeof k === 'string' ? k : undefined;
}
