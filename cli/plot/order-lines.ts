/**
 * Guide lines of convergence plots (error against NFE on log–log axes, where error ∝ NFE^(−p) has
 * slope −p): the reference orders to draw, and the band of lines whose slope lies in an order's
 * confidence interval.
 */

/** Reference orders 1, 2, … up to the largest measured order rounded up (at most 4), with ½ when one falls below ¾. */
export function referenceOrdersFor(orders: readonly number[]): number[] {
  const ok = orders.filter(Number.isFinite);
  if (ok.length === 0) return [1];
  const top = Math.min(4, Math.max(1, Math.ceil(Math.max(...ok) - 0.25)));
  const out = Array.from({ length: top }, (_, i) => i + 1);
  return Math.min(...ok) < 0.75 ? [0.5, ...out] : out;
}

/**
 * The band of lines log e = ȳ − p (log n − x̄) through the centroid (x̄, ȳ) of the points' logs, for
 * every slope p in `interval`: at each n, the least and the greatest of the two end lines (a
 * bootstrap interval of a least-squares order, path-strong-order.ts, drawn on its own fit).
 */
export function orderBand(nfe: ArrayLike<number>, errors: ArrayLike<number>, interval: readonly [number, number]): { lo: number[]; hi: number[] } {
  let sx = 0;
  let sy = 0;
  let m = 0;
  for (let i = 0; i < nfe.length; i++) {
    if (nfe[i] > 0 && errors[i] > 0 && Number.isFinite(errors[i])) {
      sx += Math.log(nfe[i]);
      sy += Math.log(errors[i]);
      m++;
    }
  }
  const lo: number[] = [];
  const hi: number[] = [];
  const [xb, yb] = [sx / m, sy / m];
  for (let i = 0; i < nfe.length; i++) {
    const a = Math.exp(yb - interval[0] * (Math.log(nfe[i]) - xb));
    const b = Math.exp(yb - interval[1] * (Math.log(nfe[i]) - xb));
    lo.push(m > 0 ? Math.min(a, b) : NaN);
    hi.push(m > 0 ? Math.max(a, b) : NaN);
  }
  return { lo, hi };
}
