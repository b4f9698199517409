/**
 * A small WebAssembly binary encoder, enough to write numeric kernels (scalar and 128-bit SIMD) from
 * TypeScript without a toolchain: the kernels are generated at load time, so loops over rounds or
 * lanes are TypeScript loops that emit unrolled code. Encoding per the WebAssembly core spec 2.0
 * (§5 binary format; SIMD instructions are 0xFD followed by a LEB128 opcode).
 *
 * Only what the kernels use is here: one memory (exported as "memory"), functions with params and
 * locals, exports, the structured control instructions, and the instruction set in OPS/SIMD.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Single-byte instructions without immediates (§5.4). */
const OPS = {
  'i32.lt_u': 0x49, 'i32.gt_s': 0x4a,
  'i32.add': 0x6a, 'i32.sub': 0x6b, 'i32.mul': 0x6c, 'i32.xor': 0x73, 'i32.shl': 0x74,
  'f32.demote_f64': 0xb6, 'f64.promote_f32': 0xbb,
} as const;

/** SIMD opcodes after the 0xFD prefix (§5.4.8), those without immediates. */
const SIMD = {
  'i32x4.splat': 0x11, 'f64x2.splat': 0x14,
  'i32x4.lt_u': 0x3a, 'f64x2.gt': 0x4a,
  'v128.and': 0x4e, 'v128.or': 0x50, 'v128.xor': 0x51, 'v128.bitselect': 0x52,
  'f32x4.demote_f64x2_zero': 0x5e,
  'f32x4.add': 0xe4, 'f32x4.sub': 0xe5, 'f32x4.mul': 0xe6, 'f32x4.div': 0xe7,
  'f64x2.floor': 0x75, 'f64x2.nearest': 0x94,
  'i32x4.shl': 0xab, 'i32x4.shr_u': 0xad, 'i32x4.add': 0xae, 'i32x4.sub': 0xb1,
  'i64x2.shl': 0xcb, 'i64x2.shr_u': 0xcd,
  'f64x2.sqrt': 0xef, 'f64x2.add': 0xf0, 'f64x2.sub': 0xf1, 'f64x2.mul': 0xf2, 'f64x2.div': 0xf3, 'f64x2.max': 0xf5,
  'i32x4.trunc_sat_f64x2_s_zero': 0xfc, 'f64x2.convert_low_i32x4_u': 0xff,
} as const;

/** SIMD lane instructions (one lane-index immediate). */
const LANE = { 'i32x4.extract_lane': 0x1b, 'f64x2.extract_lane': 0x21, 'f64x2.replace_lane': 0x22 } as const;

/** Memory instructions (memarg immediate: log₂ alignment, offset). */
const MEM = {
  'f64.load': [[0x2b], 3], 'f64.store': [[0x39], 3], 'f32.load': [[0x2a], 2], 'f32.store': [[0x38], 2],
  'v128.load': [[0xfd, 0x00], 4], 'v128.store': [[0xfd, 0x0b], 4], 'v128.load64_splat': [[0xfd, 0x0a], 3],
} as const satisfies Record<string, readonly [readonly number[], number]>;

export type Op = keyof typeof OPS | keyof typeof SIMD;

function uleb(n: number, out: number[]): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`wasm: uleb of ${n}`);
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
}

function sleb32(n: number, out: number[]): void {
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** A local (or parameter) slot of a function under construction. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/**
 * The body of one function: params come first (in order), `local` adds more; instructions are
 * appended by the methods, each returning `this` for chaining. Branch labels are relative depths,
 * as in the binary format.
 */
export class FunctionBuilder {
  readonly params: Local[];
  private readonly locals: Local[] = [];
  private readonly code: number[] = [];

  constructor(readonly name: string, params: readonly ValType[], readonly results: readonly ValType[] = []) {
    this.params = params.map((type, index) => ({ index, type }));
  }

  local(type: ValType): Local {
    const l = { index: this.params.length + this.locals.length, type };
    this.locals.push(l);
    return l;
  }

  /** An instruction with one LEB128 immediate (a local index, a branch depth). */
  private withIndex(opcode: number, n: number): this {
    this.code.push(opcode);
    uleb(n, this.code);
    return this;
  }

  op(...names: Op[]): this {
    for (const name of names) {
      if (name in OPS) this.code.push(OPS[name as keyof typeof OPS]);
      else {
        this.code.push(0xfd);
        uleb(SIMD[name as keyof typeof SIMD], this.code);
      }
    }
    return this;
  }
  get(l: Local): this {
    return this.withIndex(0x20, l.index);
  }
  set(l: Local): this {
    return this.withIndex(0x21, l.index);
  }
  tee(l: Local): this {
    return this.withIndex(0x22, l.index);
  }
  i32(v: number): this {
    this.code.push(0x41);
    sleb32(v, this.code);
    return this;
  }
  /** v128.const from 16 bytes. */
  v128(bytes: ArrayLike<number>): this {
    if (bytes.length !== 16) throw new RangeError('wasm: v128.const needs 16 bytes');
    this.code.push(0xfd, 0x0c, ...Array.from(bytes, (b) => b & 0xff));
    return this;
  }
  i32x4(a: number, b: number, c: number, d: number): this {
    return this.v128(new Uint8Array(new Int32Array([a, b, c, d]).buffer));
  }
  f64x2(a: number, b: number): this {
    return this.v128(new Uint8Array(new Float64Array([a, b]).buffer));
  }
  /** Two 64-bit lanes given as (hi, lo) 32-bit halves. */
  i64x2(hi: number, lo: number): this {
    return this.i32x4(lo, hi, lo, hi);
  }
  /** i8x16.shuffle: result byte i is byte lanes[i] of the concatenation (a, b). */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => !(l >= 0 && l < 32))) throw new RangeError('wasm: shuffle needs 16 lane indices < 32');
    this.code.push(0xfd, 0x0d, ...lanes);
    return this;
  }
  lane(name: keyof typeof LANE, lane: number): this {
    this.code.push(0xfd);
    uleb(LANE[name], this.code);
    this.code.push(lane);
    return this;
  }
  mem(name: keyof typeof MEM, offset = 0): this {
    const [bytes, align] = MEM[name];
    this.code.push(...bytes, align);
    uleb(offset, this.code);
    return this;
  }
  loop(): this {
    this.code.push(0x03, 0x40); // block type: empty
    return this;
  }
  end(): this {
    this.code.push(0x0b);
    return this;
  }
  brIf(depth: number): this {
    return this.withIndex(0x0d, depth);
  }

  /** The function's code entry (§5.5.13): locals run-length encoded by type, then the body. */
  encodeBody(): number[] {
    const groups: [number, ValType][] = [];
    for (const l of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === l.type) last[0]++;
      else groups.push([1, l.type]);
    }
    const body: number[] = [];
    uleb(groups.length, body);
    for (const [n, t] of groups) {
      uleb(n, body);
      body.push(VALTYPE[t]);
    }
    body.push(...this.code, 0x0b);
    const out: number[] = [];
    uleb(body.length, out);
    return out.concat(body);
  }
}

function section(id: number, payload: number[]): number[] {
  const out = [id];
  uleb(payload.length, out);
  return out.concat(payload);
}

function vec(items: number[][]): number[] {
  const out: number[] = [];
  uleb(items.length, out);
  for (const it of items) out.push(...it);
  return out;
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  const out: number[] = [];
  uleb(bytes.length, out);
  return out.concat(bytes);
}

/** A module of the given functions (all exported by name) and one exported memory of `pages` 64 KiB pages. */
export function encodeModule(funcs: readonly FunctionBuilder[], pages: number): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [VALTYPE[p.type]])), ...vec(f.results.map((r) => [VALTYPE[r]]))]);
  const typeIndex = funcs.map((_, i) => { const o: number[] = []; uleb(i, o); return o; });
  const memory = [0x00]; // limits: min only
  uleb(pages, memory);
  const exports = [
    [...name('memory'), 0x02, 0x00],
    ...funcs.map((f, i) => { const o = [...name(f.name), 0x00]; uleb(i, o); return o; }),
  ];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(typeIndex)),
    ...section(5, vec([memory])),
    ...section(7, vec(exports)),
    ...section(10, vec(funcs.map((f) => f.encodeBody()))),
  ]);
}

/** The part of the WebAssembly JS API used here (the ES2022 lib has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
/** An exported memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/**
 * Compile and instantiate synchronously; where WebAssembly (or an instruction the module uses, such
 * as SIMD) is not available, the reason instead, so callers keep a scalar path and can say why.
 */
export function instantiate(bytes: Uint8Array): { exports: Record<string, unknown> } | { reason: string } {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return { reason: 'WebAssembly is not available' };
  try {
    return { exports: new wasm.Instance(new wasm.Module(bytes), {}).exports };
  } catch (e) {
    return { reason: `the WebAssembly module did not compile here: ${(e as Error).message}` };
  }
}
