/**
 * Registry entry for TensorFlow.js: 'tfjs:wasm', 'tfjs:cpu', 'tfjs:webgpu' (through the shared Dawn
 * provider, platform/webgpu.ts), 'tfjs:tensorflow' (libtensorflow with CUDA through the optional
 * @tensorflow/tfjs-node-gpu) and 'tfjs:auto'. tfjs is imported only when a tfjs backend is created,
 * so importing scorekit neither loads it nor prints its Node banner.
 * auto takes the first engine that initialises in the order tensorflow (CUDA), wasm, cpu: wasm beat
 * cpu by 5–17× and WebGPU on a software adapter by 4–17× in the benchmark (bench/results); the
 * backend's name says which engine it took.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Backend } from '../../core/tensor/backend.js';
import type { BackendFactory } from '../../core/tensor/registry.js';
import { ensureWebGpu } from '../../platform/webgpu.js';
import { TfjsBackend } from './backend.js';

export { TfjsBackend };

export const tfjsBackendFactory: BackendFactory = {
  name: 'tfjs',
  variants: ['wasm', 'cpu', 'webgpu', 'tensorflow', 'auto'],
  aliases: ['auto'],
  description: 'TensorFlow.js engines (wasm: XNNPACK; cpu: plain JS; webgpu: WGSL via Dawn; tensorflow: CUDA via tfjs-node-gpu; auto), float32',
  async create(variant) {
    const engine = variant ?? 'wasm';
    if (engine === 'auto') return firstEngine(tfjsBackendFactory, ['tensorflow', 'wasm', 'cpu']);
    if (engine === 'tensorflow') return createNodeGpu();
    let tf: typeof TF;
    // the webgpu engine registers itself only where navigator.gpu exists when it is imported
    if (engine === 'webgpu') {
      try {
        await ensureWebGpu();
      } catch (e) {
        throw new Error(`backend tfjs:webgpu: ${(e as Error).message}`);
      }
    }
    try {
      tf = (await import('@tensorflow/tfjs')) as unknown as typeof TF;
      if (engine === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
      if (engine === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      throw new Error(`backend tfjs:${engine}: cannot load @tensorflow/tfjs${engine === 'cpu' ? '' : ` and @tensorflow/tfjs-backend-${engine}`} (${(e as Error).message.split('\n')[0]}); npm install them`);
    }
    const ok = await tf.setBackend(engine);
    if (!ok) throw new Error(`backend tfjs:${engine}: the ${engine} engine failed to initialise`);
    await tf.ready();
    return new TfjsBackend(tf, engine);
  },
};

/** tfjs:auto: the first of the engines that initialises, or an error that says why each did not. */
export async function firstEngine(factory: BackendFactory, engines: readonly string[]): Promise<Backend> {
  const tried: string[] = [];
  for (const e of engines) {
    try {
      return await factory.create(e);
    } catch (err) {
      tried.push(`${e}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`backend tfjs:auto: no engine initialised (${tried.join('; ')})`);
}

const NODE_GPU_HELP =
  'npm install @tensorflow/tfjs-node-gpu (its install script downloads libtensorflow with GPU support); it needs Linux x86-64, ' +
  'an NVIDIA driver, CUDA 11.2 and cuDNN 8.1 on the library path';

/** The CUDA engine of @tensorflow/tfjs-node-gpu, when that optional dependency loads. */
async function createNodeGpu(): Promise<TfjsBackend> {
  let tf: typeof TF;
  try {
    const name = '@tensorflow/tfjs-node-gpu'; // not a static import: the package is optional
    tf = (await import(name)) as unknown as typeof TF;
  } catch (e) {
    throw new Error(`backend tfjs:tensorflow: @tensorflow/tfjs-node-gpu did not load (${(e as Error).message.split('\n')[0]}). ${NODE_GPU_HELP}`);
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`backend tfjs:tensorflow: the tensorflow engine failed to initialise. ${NODE_GPU_HELP}`);
  await tf.ready();
  return new TfjsBackend(tf, 'tensorflow');
}
