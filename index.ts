/**
 * scorekit: score-based generative modelling numerics over swappable tensor backends.
 * Importing this module registers the built-in backends ('cpu', 'tfjs', 'gpujs') and re-exports the core.
 */
import { registerBackend } from './core/tensor/registry.js';
import { cpuBackendFactory } from './backends/cpu/index.js';
import { tfjsBackendFactory } from './backends/tfjs/index.js';
import { gpujsBackendFactory } from './backends/gpujs/index.js';

registerBackend(cpuBackendFactory);
registerBackend(tfjsBackendFactory);
registerBackend(gpujsBackendFactory);

export * from './core/index.js';
export * as verify from './verify/index.js';
export * from './verify/conformance.js';
export { saveCheckpoint, loadCheckpoint, writeFileAtomic, saveTrainState, loadTrainState, encodeTrainState, checkpointFormatOf, encodeCheckpointAs, decodeAnyCheckpoint, type CheckpointFormat } from './io/checkpoint.js';
export { loadMnist, type MnistData, type MnistOptions } from './io/mnist.js';
export { loadMnistIdx, loadCifar10, type ImageSet, type ImageFileOptions, type ImageSplit } from './io/image-files.js';
export { gunzipIfCompressed, isGzip } from './io/gzip.js';
export { loadDigitClassifier, digitProbabilities, digitMetrics, DIGIT_TEST_FRACTION, type LoadedDigitClassifier, type DigitMetrics } from './io/digit-classifier.js';
export { sampleParallel, samplerPool, type SamplerPool, type ParallelOptions } from './parallel/sample.js';
export type { SampleJob, SampleSetup } from './parallel/job.js';
export { onnxScore, checkOnnxSignature, OnnxModelError, type OnnxScore, type OnnxScoreOptions } from './io/onnx-score.js';
