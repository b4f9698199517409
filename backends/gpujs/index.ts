/**
 * Registry entry for gpu.js: 'gpujs:auto' (default), 'gpujs:webgpu', 'gpujs:wasm', 'gpujs:cpu'.
 * gpu.js and Dawn are imported only when a gpujs backend is created.
 * 'auto' takes webgpu when an adapter answers, else wasm, and its name says which it took.
 */
import type { BackendFactory } from '../../core/tensor/registry.js';
import { ensureWebGpu } from '../../platform/webgpu.js';
import { GpujsBackend } from './backend.js';
import { makeRunner } from './runtime.js';

export { GpujsBackend };

async function loadGpujs(): Promise<unknown> {
  try {
    const m = (await import('gpu.js')) as { GPU?: unknown; default?: { GPU: unknown } };
    return m.GPU ?? m.default?.GPU;
  } catch (e) {
    throw new Error(`backend gpujs: cannot load gpu.js (${(e as Error).message.split('\n')[0]}); npm install gpu.js`);
  }
}

export const gpujsBackendFactory: BackendFactory = {
  name: 'gpujs',
  variants: ['auto', 'webgpu', 'wasm', 'cpu'],
  aliases: ['auto'],
  slow: ['cpu'],
  description: 'gpu.js kernels, float32: webgpu (WGSL via Dawn), wasm (WebAssembly + SIMD), cpu (JavaScript); auto = webgpu, else wasm',
  async create(variant) {
    const GPU = await loadGpujs();
    let mode = (variant ?? 'auto') as 'auto' | 'webgpu' | 'wasm' | 'cpu';
    let description: string = mode;
    if (mode === 'auto' || mode === 'webgpu') {
      try {
        const p = await ensureWebGpu();
        description = `webgpu on ${p.description} (Dawn ${p.backend}, ${p.featureLevel})`;
        mode = 'webgpu';
      } catch (e) {
        if (mode === 'webgpu') throw new Error(`backend gpujs:webgpu: ${(e as Error).message}`);
        mode = 'wasm';
        description = `wasm (no WebGPU adapter: ${(e as Error).message.split('.')[0]})`;
      }
    }
    return new GpujsBackend(makeRunner(GPU, mode), description);
  },
};
