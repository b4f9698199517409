/**
 * Registry entry for TensorFlow.js in the browser bundle: the engines a page has, 'tfjs:wasm'
 * (XNNPACK, its .wasm binaries loaded from beside the bundle), 'tfjs:webgl', 'tfjs:webgpu' (the
 * page's navigator.gpu) and 'tfjs:cpu', and 'tfjs:auto' (wasm, else webgl, else cpu). The CUDA
 * engine ('tfjs:tensorflow') is Node's only. Engines other than webgl are created by the Node entry.
 */
import type * as TF from '@tensorflow/tfjs';
import type { BackendFactory } from '../../core/tensor/registry.js';
import { firstEngine, tfjsBackendFactory, TfjsBackend } from './index.js';

let wasmBase: string | undefined;

/** Where the page loads tfjs-backend-wasm's .wasm files from (default: the folder of the bundle). */
export function setTfjsWasmBase(url: string): void {
  wasmBase = url;
}

async function createWebgl(): Promise<TfjsBackend> {
  const tf = (await import('@tensorflow/tfjs')) as unknown as typeof TF;
  let ok = false;
  try {
    ok = await tf.setBackend('webgl');
  } catch {
    ok = false;
  }
  if (!ok) throw new Error('backend tfjs:webgl: this browser gave no WebGL context (hardware acceleration off, or a headless browser without a GPU)');
  await tf.ready();
  return new TfjsBackend(tf, 'webgl');
}

export const tfjsBrowserFactory: BackendFactory = {
  name: 'tfjs',
  variants: ['wasm', 'webgl', 'webgpu', 'cpu', 'auto'],
  aliases: ['auto'],
  description: 'TensorFlow.js engines in the page (wasm: XNNPACK; webgl; webgpu: navigator.gpu; cpu: plain JS; auto = wasm, else webgl, else cpu), float32',
  async create(variant) {
    const engine = variant ?? 'wasm';
    if (engine === 'auto') return firstEngine(tfjsBrowserFactory, ['wasm', 'webgl', 'cpu']);
    if (engine === 'tensorflow') throw new Error('backend tfjs:tensorflow: libtensorflow (CUDA) runs in Node only; in a page use tfjs:wasm, tfjs:webgl or tfjs:webgpu');
    if (engine === 'webgl') return createWebgl();
    if (engine === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmBase ?? new URL('./', import.meta.url).href);
    }
    return tfjsBackendFactory.create(engine);
  },
};
