/**
 * The CIFAR-10 binary format (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html): each of
 * data_batch_1..5.bin and test_batch.bin holds 10 000 records of 1 label byte (0..9) followed by
 * 3072 pixel bytes, the 1024 red, then green, then blue values of a 32×32 image in row-major order.
 * Parsed from bytes already in memory; the images are returned channels last (HWC, the layout of
 * the U-Net's flattened input) in [0, 1] (bytes / 255). A malformed file gives one RangeError naming
 * the problem.
 */

export const CIFAR_SIDE = 32;
export const CIFAR_CHANNELS = 3;
export const CIFAR_RECORD = 1 + CIFAR_SIDE * CIFAR_SIDE * CIFAR_CHANNELS;

export interface CifarBatch {
  /** [n·32·32·3] pixels in [0, 1], HWC per image. */
  readonly images: Float64Array;
  readonly labels: Int32Array;
}

export function parseCifar10(bytes: Uint8Array, what = 'CIFAR-10'): CifarBatch {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD !== 0) {
    throw new RangeError(`${what}: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD}-byte records (1 label byte + 3072 pixel bytes)`);
  }
  const n = bytes.length / CIFAR_RECORD;
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const D = plane * CIFAR_CHANNELS;
  const images = new Float64Array(n * D);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * CIFAR_RECORD;
    const l = bytes[o];
    if (l > 9) throw new RangeError(`${what}: label ${l} of record ${i} is not a class 0..9`);
    labels[i] = l;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < CIFAR_CHANNELS; c++) images[i * D + p * CIFAR_CHANNELS + c] = bytes[o + 1 + c * plane + p] / 255;
    }
  }
  return { images, labels };
}
