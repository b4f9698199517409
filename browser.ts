/**
 * scorekit for the browser: the library of index.ts without its Node-only parts (checkpoint and MNIST
 * files, worker threads, Dawn). Importing this module registers 'cpu', 'tfjs' (the page's engines:
 * wasm, webgl, webgpu, cpu) and 'gpujs'; WebGPU is the page's navigator.gpu. tools/bundle.ts builds
 * it into one ESM file, dist/web/scorekit.js; other bundlers take it as 'scorekit/browser', with
 * package.json's browser field putting platform/webgpu-browser.js in place of platform/webgpu.js.
 */
import { registerBackend } from './core/tensor/registry.js';
import { cpuBackendFactory } from './backends/cpu/index.js';
import { tfjsBrowserFactory } from './backends/tfjs/browser.js';
import { gpujsBackendFactory } from './backends/gpujs/index.js';

registerBackend(cpuBackendFactory);
registerBackend(tfjsBrowserFactory);
registerBackend(gpujsBackendFactory);

export * from './core/index.js';
export * as verify from './verify/index.js';
export * from './verify/conformance.js';
export { setTfjsWasmBase } from './backends/tfjs/browser.js';
export { ensureWebGpu, type WebGpuProvider } from './platform/webgpu.js';
