/**
 * gpu.js kernel sources, generated as strings (pure functions of an op and a layout, no device).
 * Every kernel writes a flat 1-D output; shape information travels in a float array argument `m`
 * (meta), so one compiled kernel serves every shape of a given rank. Conventions forced by gpu.js:
 *  - indices are float32 (exact below 2^24 elements, which the backend enforces); integer division
 *    uses a corrected floor, because f32 division of large integers may round up across an integer;
 *  - loop bounds are literals (a bound taken from an argument is silently capped by gpu.js);
 *  - long sums are split into chunks of CHUNK terms and reduced in a tree, never one long f32 sum;
 *  - expm1/log1p/tanh are written out as short series near 0 (the shading languages' are naive, and
 *    their exp/log are few-ulp approximations, so correction tricks that assume accurate exp/log fail);
 *    erf, which they lack, as a series near 0 and a fitted erfc·e^{x²} beyond.
 */
import type { BinaryOp, CompareOp, LogicalOp, ReduceOp, UnaryOp } from '../../core/tensor/backend.js';

/** Terms per sequential partial sum (reductions, matmul and scatter inner loops). */
export const CHUNK = 64;

export interface KernelSource {
  /** Cache key: equal keys mean equal sources. */
  readonly key: string;
  readonly source: string;
  /** gpu.js argument types by name ('Array' or 'Float'). */
  readonly argumentTypes: Readonly<Record<string, 'Array' | 'Float'>>;
}

/**
 * expm1(v) for |v| < 1 as a Horner-form Taylor series v(1 + v/2(1 + v/3(… (1 + v/13)))): truncation
 * below 1/14! ≈ 1.1e-11 relative. Shader exp is only a few-ulp approximation, so tricks that rely on
 * exp and log being almost correctly rounded (Kahan's (u − 1)·v/log u) are not accurate there.
 */
function expm1Series(v: string): string {
  let p = '1';
  for (let k = 13; k >= 2; k--) p = `(1 + ${v} / ${k} * ${p})`;
  return `${v} * ${p}`;
}

/**
 * log1p(v) for |v| < 1/2 as 2·atanh(s), s = v/(2 + v), |s| ≤ 1/3: 2s(1 + s²/3 + s⁴/5 + … + s²⁰/21),
 * truncation below (1/9)¹¹/23 ≈ 1e-12 relative.
 */
function log1pSeries(): string {
  let p = '1 / 21';
  for (let k = 19; k >= 1; k -= 2) p = `(1 / ${k} + s2 * ${p})`;
  return `2 * s * ${p}`;
}

/** Code that sets `out` to log1p(v): the series inside |v| < 1/2, log(1 + v) outside (no cancellation). */
function log1pCode(v: string, out: string): string {
  return `let ${out} = 0; if (Math.abs(${v}) < 0.5) { const s = ${v} / (2 + ${v}); const s2 = s * s; ${out} = ${log1pSeries()}; } else { ${out} = Math.log(1 + ${v}); }`;
}

/** Horner form of c[0]·v^{n−1} + … + c[n−1] (highest degree first). */
function hornerCode(c: readonly number[], v: string): string {
  return c.slice(1).reduce((acc, ci) => `(${acc} * ${v} + ${ci})`, String(c[0]));
}

/** erf's Taylor coefficients (−1)^k·2/(√π·k!·(2k + 1)) in t = x², k = 8 … 0 (highest degree first). */
const ERF_TAYLOR = Array.from({ length: 9 }, (_, i) => {
  const k = 8 - i;
  let f = 1;
  for (let j = 2; j <= k; j++) f *= j;
  return ((-1) ** k * 2) / (Math.sqrt(Math.PI) * f * (2 * k + 1));
});

/**
 * F(x) = erfc(x)·e^{x²} on [3/4, 4] as a degree-7 polynomial in u = 1/(1 + x/2), highest degree
 * first: fitted to 40-digit values at 4000 Chebyshev points by least squares on the relative error,
 * iteratively reweighted towards the minimax fit; relative error below 1.5e-9 (with these 9 digits).
 */
const ERFC_SCALED = [0.119265955, -0.470934176, 0.562907224, -0.103339974, 0.347679903, 0.259721425, 0.284907271, -0.00015382475];

/**
 * erf in f32: for |a| < 3/4 the Taylor series a·Σ_k (−1)^k·2a^{2k}/(√π·k!·(2k + 1)), k ≤ 8 (truncation
 * below 1e-9 relative, no cancellation to speak of); for 3/4 ≤ |a| < 4, 1 − e^{−a²}·F(|a|) (the
 * rounding of a² and of exp reach erf damped by erfc/erf ≤ 0.41); ±1 beyond, where 1 − erf < 1.6e-8 is
 * below half an ulp of 1. In f32 arithmetic with a correctly rounded exp: within 2.5 ulp.
 */
const ERF_BODY = `const ax = Math.abs(a); if (ax < 0.75) { const t = a * a; return a * ${hornerCode(ERF_TAYLOR, 't')}; } ` +
  `let y = a; if (ax < 4) { const u = 1 / (1 + 0.5 * ax); y = 1 - Math.exp(-ax * ax) * ${hornerCode(ERFC_SCALED, 'u')}; } else if (ax >= 4) { y = 1; } ` +
  'if (a < 0) { return -y; } return y;';

/** Unary bodies over `a`; each ends in a return. */
const UNARY: Record<UnaryOp, string> = {
  neg: 'return -a;',
  exp: 'return Math.exp(a);',
  log: 'return Math.log(a);',
  sqrt: 'return Math.sqrt(a);',
  // tanh(a) = sign(a)·(−t)/(2 + t), t = expm1(−2|a|) (series below |a| = 1/2, else 1 − e, e ≤ 0.37)
  tanh: `const ax = Math.abs(a); let y = 0; if (ax < 0.5) { const v = -2 * ax; const t = ${expm1Series('v')}; y = -t / (2 + t); } else { const e = Math.exp(-2 * ax); y = (1 - e) / (1 + e); } if (a < 0) { return -y; } return y;`,
  sigmoid: 'if (a >= 0) { return 1 / (1 + Math.exp(-a)); } const e = Math.exp(a); return e / (1 + e);',
  // softplus(a) = max(a, 0) + log1p(exp(−|a|))
  softplus: `const e = Math.exp(-Math.abs(a)); ${log1pCode('e', 'l')} return Math.max(a, 0) + l;`,
  sin: 'return Math.sin(a);',
  cos: 'return Math.cos(a);',
  abs: 'return Math.abs(a);',
  sign: 'if (a > 0) { return 1; } if (a < 0) { return -1; } return a;',
  log1p: `${log1pCode('a', 'l')} return l;`,
  // expm1: the series inside |a| < 1; outside, exp(a) − 1 loses at most a factor e/(e − 1) ≈ 1.6
  expm1: `if (Math.abs(a) < 1) { return ${expm1Series('a')}; } return Math.exp(a) - 1;`,
  floor: 'return Math.floor(a);',
  erf: ERF_BODY,
};

const BINARY: Record<BinaryOp | CompareOp | LogicalOp, string> = {
  add: 'return a + b;',
  sub: 'return a - b;',
  mul: 'return a * b;',
  div: 'return a / b;',
  // pow with a negative base and an integral exponent keeps the sign of a^b
  pow: 'if (b === 0) { return 1; } const r = Math.pow(Math.abs(a), b); if (a < 0) { const h = Math.floor(b * 0.5); if (h * 2 !== b && Math.floor(b) === b) { return -r; } } return r;',
  maximum: 'if (a > b) { return a; } return b;',
  minimum: 'if (a < b) { return a; } return b;',
  equal: 'if (a === b) { return 1; } return 0;',
  notEqual: 'if (a !== b) { return 1; } return 0;',
  less: 'if (a < b) { return 1; } return 0;',
  lessEqual: 'if (a <= b) { return 1; } return 0;',
  greater: 'if (a > b) { return 1; } return 0;',
  greaterEqual: 'if (a >= b) { return 1; } return 0;',
  logicalAnd: 'if (a !== 0 && b !== 0) { return 1; } return 0;',
  logicalOr: 'if (a !== 0 || b !== 0) { return 1; } return 0;',
};

/**
 * Code that splits flat index `src` into coordinates c{tag}0..c{tag}{r−1} of dims m[p..p+r−1]
 * (row-major), with a corrected floor division.
 */
export function coordsCode(tag: string, src: string, r: number, p: number): string {
  if (r === 0) return '';
  const lines = [`let q${tag} = ${src};`];
  for (let k = r - 1; k >= 1; k--) {
    const d = `m[${p + k}]`;
    lines.push(
      `let t${tag}${k} = Math.floor(q${tag} / ${d}); let c${tag}${k} = q${tag} - t${tag}${k} * ${d};`,
      `if (c${tag}${k} < 0) { t${tag}${k} = t${tag}${k} - 1; c${tag}${k} = c${tag}${k} + ${d}; }`,
      `if (c${tag}${k} >= ${d}) { t${tag}${k} = t${tag}${k} + 1; c${tag}${k} = c${tag}${k} - ${d}; }`,
      `q${tag} = t${tag}${k};`,
    );
  }
  lines.push(`let c${tag}0 = q${tag};`);
  return lines.join('\n');
}

/** Σ_k c{tag}k · m[p + k] (+ base). */
function offsetExpr(tag: string, r: number, p: number, base = ''): string {
  const terms = Array.from({ length: r }, (_, k) => `c${tag}${k} * m[${p + k}]`);
  if (base) terms.unshift(base);
  return terms.length ? terms.join(' + ') : '0';
}

/** One corrected division i = q·d + c with 0 ≤ c < d; defines q{n}, c{n}. */
function divmod(n: string, src: string, d: string): string {
  return [
    `let q${n} = Math.floor(${src} / ${d}); let c${n} = ${src} - q${n} * ${d};`,
    `if (c${n} < 0) { q${n} = q${n} - 1; c${n} = c${n} + ${d}; }`,
    `if (c${n} >= ${d}) { q${n} = q${n} + 1; c${n} = c${n} - ${d}; }`,
  ].join('\n');
}

/** Wrap a body with `return` statements as a gpu.js function of arguments `args`. */
function fn(args: readonly string[], body: string): string {
  return `function(${args.join(', ')}) {\n${body}\n}`;
}

/** gpu.js reads argument types in declaration order: list them in the function's argument order. */
const types = (arrays: readonly string[], floats: readonly string[] = []): Record<string, 'Array' | 'Float'> =>
  Object.fromEntries([...arrays.map((a) => [a, 'Array'] as const), ...floats.map((f) => [f, 'Float'] as const)]);

/** How operands map onto the output: all of the output's size, a single value, or strided (meta). */
export type Layout = 'same' | 'scalar' | 'strided';

function operand(name: string, layout: Layout, tag: string, r: number, p: number): string {
  if (layout === 'same') return `${name}[i]`;
  if (layout === 'scalar') return `${name}[0]`;
  return `${name}[${offsetExpr(tag, r, p)}]`;
}

/** out[i] = f(a[·]); strided meta = [outDims(r), aStrides(r)]. */
export function unarySource(op: UnaryOp, layout: Layout, r: number): KernelSource {
  const coords = layout === 'strided' ? coordsCode('', 'i', r, 0) : '';
  return {
    key: `unary:${op}:${layout}:${r}`,
    source: fn(['x', 'm'], `const i = this.thread.x;\n${coords}\nconst a = ${operand('x', layout, '', r, r)};\n${UNARY[op]}`),
    argumentTypes: types(['x', 'm']),
  };
}

/** Truncation toward zero: int32 results of division and powers. */
export function truncSource(): KernelSource {
  return { key: 'trunc', source: fn(['x'], 'const a = x[this.thread.x]; if (a >= 0) { return Math.floor(a); } return -Math.floor(-a);'), argumentTypes: types(['x']) };
}

/** out[i] = f(a[·], b[·]); strided meta = [outDims, aStrides, bStrides]. */
export function binarySource(op: BinaryOp | CompareOp | LogicalOp, la: Layout, lb: Layout, r: number): KernelSource {
  const strided = la === 'strided' || lb === 'strided';
  const coords = strided ? coordsCode('', 'i', r, 0) : '';
  return {
    key: `binary:${op}:${la}:${lb}:${r}`,
    source: fn(['x', 'y', 'm'], `const i = this.thread.x;\n${coords}\nconst a = ${operand('x', la, '', r, r)};\nconst b = ${operand('y', lb, '', r, 2 * r)};\n${BINARY[op]}`),
    argumentTypes: types(['x', 'y', 'm']),
  };
}

/** out[i] = c[·] ≠ 0 ? a[·] : b[·]; meta = [outDims, cStrides, aStrides, bStrides]. */
export function whereSource(lc: Layout, la: Layout, lb: Layout, r: number): KernelSource {
  const strided = [lc, la, lb].includes('strided');
  return {
    key: `where:${lc}:${la}:${lb}:${r}`,
    source: fn(['c', 'x', 'y', 'm'], `const i = this.thread.x;\n${strided ? coordsCode('', 'i', r, 0) : ''}\n` +
      `if (${operand('c', lc, '', r, r)} !== 0) { return ${operand('x', la, '', r, 2 * r)}; }\nreturn ${operand('y', lb, '', r, 3 * r)};`),
    argumentTypes: types(['c', 'x', 'y', 'm']),
  };
}

/**
 * Σ_i c_i·x_i over `k` operands (the fused update of the integrators: Euler–Maruyama, the SSCS
 * Ornstein–Uhlenbeck half-step). Coefficients arrive in `w`; meta = [outDims, strides of each].
 */
export function linearCombinationSource(layouts: readonly Layout[], r: number): KernelSource {
  const strided = layouts.includes('strided');
  const names = layouts.map((_, j) => `x${j}`);
  const terms = layouts.map((l, j) => `w[${j}] * ${operand(names[j], l, '', r, r * (j + 1))}`);
  return {
    key: `lincomb:${layouts.join(',')}:${r}`,
    source: fn([...names, 'w', 'm'], `const i = this.thread.x;\n${strided ? coordsCode('', 'i', r, 0) : ''}\nreturn ${terms.join(' + ')};`),
    argumentTypes: types([...names, 'w', 'm']),
  };
}

/** out[i] = x[base + Σ c_k s_k]: transpose, broadcast, strided slice. meta = [outDims, strides, base]. */
export function stridedSource(r: number): KernelSource {
  return {
    key: `strided:${r}`,
    source: fn(['x', 'm'], `const i = this.thread.x;\n${coordsCode('', 'i', r, 0)}\nreturn x[${offsetExpr('', r, r, `m[${2 * r}]`)}];`),
    argumentTypes: types(['x', 'm']),
  };
}

/** Copy (upload of host data in webgpu mode, cast to float). */
export function copySource(): KernelSource {
  return { key: 'copy', source: fn(['x'], 'return x[this.thread.x];'), argumentTypes: types(['x']) };
}

export function fillSource(): KernelSource {
  return { key: 'fill', source: fn(['v'], 'return v;'), argumentTypes: types([], ['v']) };
}

/** Constant padding; meta = [outDims, before, inDims, inStrides]. */
export function padSource(r: number): KernelSource {
  const inside = Array.from({ length: r }, (_, k) => `c${k} >= m[${r + k}] && c${k} < m[${r + k}] + m[${2 * r + k}]`).join(' && ') || 'true';
  const off = Array.from({ length: r }, (_, k) => `(c${k} - m[${r + k}]) * m[${3 * r + k}]`).join(' + ') || '0';
  return {
    key: `pad:${r}`,
    source: fn(['x', 'm', 'v'], `const i = this.thread.x;\n${coordsCode('', 'i', r, 0)}\nif (${inside}) { return x[${off}]; }\nreturn v;`),
    argumentTypes: types(['x', 'm'], ['v']),
  };
}

/** Two-operand concatenation along `axis`; meta = [outDims, aStrides, bStrides, A (a's extent on axis)]. */
export function concat2Source(r: number, axis: number): KernelSource {
  const offA = offsetExpr('', r, r);
  const offB = Array.from({ length: r }, (_, k) => (k === axis ? `(c${k} - m[${3 * r}]) * m[${2 * r + k}]` : `c${k} * m[${2 * r + k}]`)).join(' + ');
  return {
    key: `concat2:${r}:${axis}`,
    source: fn(['x', 'y', 'm'], `const i = this.thread.x;\n${coordsCode('', 'i', r, 0)}\nif (c${axis} < m[${3 * r}]) { return x[${offA}]; }\nreturn y[${offB}];`),
    argumentTypes: types(['x', 'y', 'm']),
  };
}

/** x viewed as [P, A, Q], indices [I] → out [P, I, Q]; meta = [Q, I, A]. */
export function gatherSource(): KernelSource {
  return {
    key: 'gather',
    source: fn(['x', 'ix', 'm'], `const i = this.thread.x;\n${divmod('1', 'i', 'm[0]')}\n${divmod('2', 'q1', 'm[1]')}\nreturn x[(q2 * m[2] + ix[c2]) * m[0] + c1];`),
    argumentTypes: types(['x', 'ix', 'm']),
  };
}

/**
 * Chunked sequential reduction: x viewed as [outer, R] → [outer, ceil(R/CHUNK)]. meta = [R, Rn].
 * Max/min start from the chunk's first element; sum from 0.
 */
export function reduceChunkSource(op: ReduceOp): KernelSource {
  const acc = op === 'sum' ? 'acc = acc + v;' : op === 'max' ? 'if (v > acc) { acc = v; }' : 'if (v < acc) { acc = v; }';
  return {
    key: `reduce:${op}`,
    source: fn(['x', 'm'], [
      'const i = this.thread.x;',
      divmod('1', 'i', 'm[1]'),
      `const s = q1 * m[0] + c1 * ${CHUNK};`,
      `const cnt = m[0] - c1 * ${CHUNK};`,
      `let acc = ${op === 'sum' ? '0' : 'x[s]'};`,
      `for (let k = 0; k < ${CHUNK}; k++) { if (k < cnt) { const v = x[s + k]; ${acc} } }`,
      'return acc;',
    ].join('\n')),
    argumentTypes: types(['x', 'm']),
  };
}

/**
 * Batched matmul partial sums: a [B, M, K], b [B, K, N] contiguous → out [B, M, N, C] with
 * C = ceil(K/CHUNK) partial sums each over ≤ CHUNK terms (C = 1 when K ≤ CHUNK). meta = [N, M, K, C].
 */
export function matmulSource(): KernelSource {
  return {
    key: 'matmul',
    source: fn(['x', 'y', 'm'], [
      'const i = this.thread.x;',
      divmod('1', 'i', 'm[3]'), // c1: chunk, q1: (b, row, col)
      divmod('2', 'q1', 'm[0]'), // c2: col
      divmod('3', 'q2', 'm[1]'), // c3: row, q3: batch
      `const k0 = c1 * ${CHUNK};`,
      'const cnt = m[2] - k0;',
      'const oa = (q3 * m[1] + c3) * m[2] + k0;',
      'const ob = (q3 * m[2] + k0) * m[0] + c2;',
      'let acc = 0;',
      `for (let k = 0; k < ${CHUNK}; k++) { if (k < cnt) { acc = acc + x[oa + k] * y[ob + k * m[0]]; } }`,
      'return acc;',
    ].join('\n')),
    argumentTypes: types(['x', 'y', 'm']),
  };
}

/**
 * Scatter-add partial sums, gather-style: updates [P, L, Q], indices [L] → out [P, A, Q, C]
 * (C = ceil(L/CHUNK) partial sums). meta = [Q, A, L, C].
 */
export function scatterAddSource(): KernelSource {
  return {
    key: 'scatterAdd',
    source: fn(['u', 'ix', 'm'], [
      'const i = this.thread.x;',
      divmod('1', 'i', 'm[3]'), // c1: chunk
      divmod('2', 'q1', 'm[0]'), // c2: q
      divmod('3', 'q2', 'm[1]'), // c3: a, q3: p
      `const l0 = c1 * ${CHUNK};`,
      'const cnt = m[2] - l0;',
      'let acc = 0;',
      `for (let k = 0; k < ${CHUNK}; k++) { if (k < cnt) { if (ix[l0 + k] === c3) { acc = acc + u[(q3 * m[2] + l0 + k) * m[0] + c2]; } } }`,
      'return acc;',
    ].join('\n')),
    argumentTypes: types(['u', 'ix', 'm']),
  };
}

/** Activations of the fused dense layer (the MLP's), applied to `z`. */
export const DENSE_ACTIVATIONS = ['none', 'silu', 'tanh', 'relu', 'softplus'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];

const ACT: Record<DenseActivation, string> = {
  none: 'return z;',
  silu: 'if (z >= 0) { return z / (1 + Math.exp(-z)); } const e = Math.exp(z); return z * e / (1 + e);',
  tanh: UNARY.tanh.replace(/\ba\b/g, 'z'),
  relu: 'return Math.max(z, 0);',
  softplus: UNARY.softplus.replace(/\ba\b/g, 'z'),
};

/**
 * Fused dense layer act(x·W + b): x [B, K], W [K, N], b [N] → out [B, N], one sequential K-term sum
 * per output (K is a layer width; the backend fuses only K ≤ 4·CHUNK). meta = [N, K].
 */
export function denseSource(act: DenseActivation, kLiteral: number): KernelSource {
  return {
    key: `dense:${act}:${kLiteral}`,
    source: fn(['x', 'w', 'bias', 'm'], [
      'const i = this.thread.x;',
      divmod('1', 'i', 'm[0]'), // c1: col, q1: row
      'const oa = q1 * m[1];',
      'let z = bias[c1];',
      `for (let k = 0; k < ${kLiteral}; k++) { z = z + x[oa + k] * w[k * m[0] + c1]; }`,
      ACT[act],
    ].join('\n')),
    argumentTypes: types(['x', 'w', 'bias', 'm']),
  };
}

/**
 * im2col for one group and a block of output pixels: out [rows, KH·KW·Cg] with
 * out[r, (a·KW + b)·Cg + c] = x[n, i·sh + a·dh − pt, j·sw + b·dw − pl, c0 + c] (0 outside the image),
 * pixel r0 + r = (n·Ho + i)·Wo + j; x [N, H, W, C] contiguous.
 * meta = [Cg, KW, KH, Wo, Ho, H, W, C, sh, sw, dh, dw, pt, pl, c0, r0].
 */
export function im2colSource(): KernelSource {
  return {
    key: 'im2col',
    source: fn(['x', 'm'], [
      'const i = this.thread.x;',
      divmod('1', 'i', 'm[0]'), // c1: channel c, q1: (row, a, b)
      divmod('2', 'q1', 'm[1]'), // c2: b
      divmod('3', 'q2', 'm[2]'), // c3: a, q3: row in the block
      'const pix = q3 + m[15];',
      divmod('4', 'pix', 'm[3]'), // c4: j
      divmod('5', 'q4', 'm[4]'), // c5: i, q5: n
      'const h = c5 * m[8] + c3 * m[10] - m[12];',
      'const v = c4 * m[9] + c2 * m[11] - m[13];',
      'if (h < 0 || h >= m[5] || v < 0 || v >= m[6]) { return 0; }',
      'return x[((q5 * m[5] + h) * m[6] + v) * m[7] + m[14] + c1];',
    ].join('\n')),
    argumentTypes: types(['x', 'm']),
  };
}
