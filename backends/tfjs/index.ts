/**
 * Registry entry for TensorFlow.js: 'tfjs:wasm', 'tfjs:cpu' and 'tfjs:webgpu' (through the shared Dawn
 * provider, platform/webgpu.ts). tfjs is imported only when a tfjs
 * backend is created, so importing scorekit neither loads it nor prints its Node banner.
 */
import type * as TF from '@tensorflow/tfjs';
import type { BackendFactory } from '../../core/tensor/registry.js';
import { ensureWebGpu } from '../../platform/webgpu.js';
import { TfjsBackend } from './backend.js';

export { TfjsBackend };

export const tfjsBackendFactory: BackendFactory = {
  name: 'tfjs',
  variants: ['wasm', 'cpu', 'webgpu'],
  description: 'TensorFlow.js engines (wasm: XNNPACK; cpu: plain JS; webgpu: WGSL via Dawn), float32',
  async create(variant) {
    const engine = variant ?? 'wasm';
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
