/**
 * Registry entry for TensorFlow.js: 'tfjs:cpu' and 'tfjs:wasm'. tfjs is imported only when a tfjs
 * backend is created, so importing scorekit neither loads it nor prints its Node banner.
 */
import type * as TF from '@tensorflow/tfjs';
import type { BackendFactory } from '../../core/tensor/registry.js';
import { TfjsBackend } from './backend.js';

export { TfjsBackend };

export const tfjsBackendFactory: BackendFactory = {
  name: 'tfjs',
  variants: ['wasm', 'cpu'],
  description: 'TensorFlow.js engines (wasm: XNNPACK; cpu: plain JS), float32',
  async create(variant) {
    const engine = variant ?? 'wasm';
    let tf: typeof TF;
    try {
      tf = (await import('@tensorflow/tfjs')) as unknown as typeof TF;
      if (engine === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      throw new Error(`backend tfjs:${engine}: cannot load @tensorflow/tfjs${engine === 'wasm' ? ' and @tensorflow/tfjs-backend-wasm' : ''} (${(e as Error).message.split('\n')[0]}); npm install them`);
    }
    const ok = await tf.setBackend(engine);
    if (!ok) throw new Error(`backend tfjs:${engine}: the ${engine} engine failed to initialise`);
    await tf.ready();
    return new TfjsBackend(tf, engine);
  },
};
