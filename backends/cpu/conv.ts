/**
 * 2-D convolution on the CPU by im2col: for each group, blocks of output rows gather their patches
 * into a float64 matrix [rows, KH·KW·Cg] (zeros outside the image) and multiply it by the group's
 * filter columns [KH·KW·Cg, Og] with the backend's matrix product (the WASM-SIMD kernel where it
 * applies). NHWC makes a patch row KH·KW contiguous runs of Cg channels and the product's rows the
 * output pixels, so nothing is transposed.
 */
import type { Conv2dParams } from '../../core/tensor/primitives.js';
import type { TypedArray } from '../../core/tensor/dtype.js';

/** C (m × n) = A (m × k) · B (k × n), row-major, float64 accumulator. */
export type Gemm = (A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number) => void;

/** Elements of one block of the patch matrix (2 MiB of float64): it stays in the L2/L3 cache. */
const BLOCK = 1 << 18;
/**
 * Rows per block at least: the product copies the filter columns into WebAssembly memory once per
 * block, which for long patches (a filter gradient's K = N·Ho·Wo = 12 544 at batch 16, 28×28) costs
 * more than blocks of 20 rows multiply (95–99 ms against 105–147 ms for that convolution).
 */
const MIN_ROWS = 128;

export function conv2dIm2col(
  X: TypedArray, xs: readonly number[], Wt: TypedArray, ws: readonly number[], p: Conv2dParams,
  os: readonly number[], out: TypedArray, gemm: Gemm,
): void {
  const [, H, W, C] = xs;
  const [KH, KW, Cg, O] = ws;
  const [N, Ho, Wo] = os;
  const G = p.groups;
  const Og = O / G;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const pt = p.padding[0];
  const pl = p.padding[2];
  const K = KH * KW * Cg;
  const M = N * Ho * Wo;
  const R = Math.min(M, Math.max(MIN_ROWS, Math.floor(BLOCK / K)));
  const cols = new Float64Array(R * K);
  const acc = new Float64Array(R * Og);
  const B = new Float64Array(K * Og);
  for (let g = 0; g < G; g++) {
    for (let q = 0; q < K; q++) for (let o = 0; o < Og; o++) B[q * Og + o] = Wt[q * O + g * Og + o];
    const c0 = g * Cg;
    for (let r0 = 0; r0 < M; r0 += R) {
      const rows = Math.min(R, M - r0);
      for (let r = 0; r < rows; r++) {
        const pix = r0 + r;
        const j = pix % Wo;
        const i = ((pix - j) / Wo) % Ho;
        const n = (pix - j - i * Wo) / (Wo * Ho);
        let dst = r * K;
        for (let a = 0; a < KH; a++) {
          const h = i * sh + a * dh - pt;
          for (let b = 0; b < KW; b++, dst += Cg) {
            const v = j * sw + b * dw - pl;
            if (h < 0 || h >= H || v < 0 || v >= W) cols.fill(0, dst, dst + Cg);
            else {
              const src = ((n * H + h) * W + v) * C + c0;
              for (let c = 0; c < Cg; c++) cols[dst + c] = X[src + c];
            }
          }
        }
      }
      gemm(rows === R ? cols : cols.subarray(0, rows * K), B, acc, rows, K, Og);
      for (let r = 0; r < rows; r++) {
        const o0 = (r0 + r) * O + g * Og;
        for (let o = 0; o < Og; o++) out[o0 + o] = acc[r * Og + o];
      }
    }
  }
}
