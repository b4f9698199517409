/** Sample moments on the host: the mean and the unbiased covariance of the first d of `cols` columns of n row-major rows. */
export function sampleMoments(x: ArrayLike<number>, n: number, cols: number, d: number): { mean: number[]; cov: number[][] } {
  const mean = new Array<number>(d).fill(0);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) mean[i] += x[r * cols + i] / n;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i][j] += ((x[r * cols + i] - mean[i]) * (x[r * cols + j] - mean[j])) / (n - 1);
  return { mean, cov };
}
