/**
 * A deterministic stratified train/test split: within each class, in the order given, the first
 * n_c − ⌈f·n_c⌉ indices go to training and the last ⌈f·n_c⌉ to test, so every class keeps the
 * fraction f of its examples for testing.
 */

export interface IndexSplit {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number): IndexSplit {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`stratifiedSplit: the test fraction must be in (0, 1), got ${testFraction}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = byClass.get(labels[i]);
    if (c) c.push(i);
    else byClass.set(labels[i], [i]);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const idx of byClass.values()) {
    const nt = Math.ceil(testFraction * idx.length);
    train.push(...idx.slice(0, idx.length - nt));
    test.push(...idx.slice(idx.length - nt));
  }
  return { train: Int32Array.from(train.sort((a, b) => a - b)), test: Int32Array.from(test.sort((a, b) => a - b)) };
}
