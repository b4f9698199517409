/**
 * The shipped digit classifier: its accuracy on the held-out digits of the `mnist` package (the split
 * it was trained with), and the image metric on real digits (confident, all classes, not copies of
 * the training digits) and on the training digits themselves (distance 0).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

describe('digit classifier', () => {
  it('classifies ≥ 97 % of the held-out digits; the metric tells real digits from copies', async () => {
    const be = await sk.getBackend('tfjs:wasm');
    const c = await sk.loadDigitClassifier({ backend: be });
    const data = await sk.loadMnist();
    const split = sk.stratifiedSplit(data.labels, sk.DIGIT_TEST_FRACTION);
    const rows = (idx: Int32Array): sk.Tensor => sk.fromArray(sk.gather(data.images, sk.fromArray(idx, { dtype: 'int32', shape: [idx.length] })).dataSync(), { backend: be, dtype: 'float32', shape: [idx.length, 784] });
    const test = rows(split.test);
    const report = sk.metrics.classReport(await sk.digitProbabilities(c, test), 10);
    let right = 0;
    split.test.forEach((t, j) => void (report.predicted[j] === data.labels[t] ? right++ : 0));
    const acc = right / split.test.length;
    assert.ok(acc >= 0.97, `test accuracy ${acc} on ${split.test.length} digits`);
    assert.equal(report.classesPresent, 10);
    const some = (idx: Int32Array): Int32Array => idx.filter((_, i) => i % 20 === 0);
    const train = rows(split.train);
    const m = await sk.digitMetrics(c, rows(some(split.test)), train);
    assert.ok(m.classes.confidentFraction > 0.8, `confident fraction ${m.classes.confidentFraction}`);
    assert.ok(m.nearest.min > 1, `held-out digits are not copies: nearest distance ${m.nearest.min}`);
    const copies = await sk.digitMetrics(c, rows(some(split.train)), train);
    assert.ok(copies.nearest.median < 1e-3, `training digits are at distance 0: ${copies.nearest.median}`);
    assert.throws(() => c.model.apply(c.params, sk.zeros([2, 100], { backend: be })), /input must be \[n, 784\]/);
  });
});
