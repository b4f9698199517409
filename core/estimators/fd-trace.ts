/**
 * The trace of a row-wise Jacobian by central finite differences, for functions autodiff cannot see
 * into (e.g. a score computed outside scorekit):
 *   tr(∂f/∂x) ≈ Σ_v vᵀ(f(x + hv) − f(x − hv))/(2h) (divided by the probe count for Hutchinson probes),
 * along the basis directions (exact up to O(h²)) or the given probes. The step h = δ·max(1, max|x|)
 * with δ = ε^{1/3} for the function's precision ε balances the O(h²) truncation against the O(ε/h)
 * rounding (Nocedal & Wright, Numerical Optimization, §8.1). Costs 2 evaluations per direction, plus one for f(x).
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { abs, add, div, mul, sub } from '../tensor/ops/elementwise.js';
import { max, sum } from '../tensor/ops/reduce.js';
import { basisDirections } from './probes.js';
import type { TraceEstimate } from './trace.js';

export function finiteDifferenceTrace(f: (x: Tensor) => Tensor, x: Tensor, probes: readonly Tensor[] | undefined, precision: number): TraceEstimate {
  const dirs = probes ?? basisDirections(x);
  if (dirs.length === 0) throw new RangeError('finiteDifferenceTrace: no probe directions');
  if (!(precision > 0 && precision < 1)) throw new RangeError(`finiteDifferenceTrace: precision must lie in (0, 1), got ${precision}`);
  const h = libm.cbrt(precision) * Math.max(1, max(abs(x)).dataSync()[0]);
  let acc: Tensor | null = null;
  for (const v of dirs) {
    const hv = mul(v, h);
    const q = sum(mul(sub(f(add(x, hv)), f(sub(x, hv))), v), -1);
    acc = acc ? add(acc, q) : q;
  }
  return { out: f(x), trace: div(acc!, 2 * h * (probes ? probes.length : 1)) };
}
