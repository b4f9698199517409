/**
 * Metrics refuse non-finite samples: a NaN or ±∞ makes every distance NaN, which would read as a
 * number. The first offending entry is named by row and column.
 */
export function requireFinite(a: ArrayLike<number>, D: number, what: string, arg: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`${what}: ${arg} holds ${a[i]} at row ${Math.floor(i / D)}, column ${i % D}; metrics need finite samples`);
  }
}
