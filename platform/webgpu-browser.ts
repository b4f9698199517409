/**
 * The WebGPU provider of the browser bundle, in place of webgpu.ts (which loads Dawn in Node): the
 * page's own `navigator.gpu`, wrapped once so that devices get flat `requiredFeatures` lists
 * (tfjs-webgpu 4.22 passes a nested array). Where the browser has no WebGPU, or no adapter answers,
 * the error says so and what to try.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
import { describe, type WebGpuProvider, wrapGpu } from './webgpu-wrap.js';

export type { WebGpuProvider };

let pending: Promise<WebGpuProvider> | undefined;

async function setUp(): Promise<WebGpuProvider> {
  const nav = (globalThis as any).navigator;
  if (!nav?.gpu) {
    throw new Error('WebGPU: this browser has no navigator.gpu (WebGPU is off or unsupported here; it needs a secure context such as localhost, and headless Chromium without a GPU has none)');
  }
  const raw = nav.gpu;
  const adapter = await raw.requestAdapter().catch(() => null);
  if (!adapter) throw new Error("WebGPU: navigator.gpu gave no adapter (the browser found no usable GPU; see chrome://gpu, or start Chromium with --enable-unsafe-webgpu)");
  if (!raw.__scorekit) {
    const gpu = wrapGpu(raw, 'core');
    Object.defineProperty(gpu, '__scorekit', { value: true });
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  }
  return { backend: 'native', featureLevel: 'core', description: describe(adapter) };
}

/** Install the wrapped navigator.gpu once per page (later calls share the first result, or its error). */
export function ensureWebGpu(): Promise<WebGpuProvider> {
  if (!pending) pending = setUp();
  return pending;
}
