/**
 * The WebGPU provider shared by the gpu.js and TensorFlow.js WebGPU paths (an edge module: it installs
 * `globalThis.navigator.gpu`). In a browser or a runtime that has `navigator.gpu`, that one is used.
 * In Node it comes from Dawn through the `webgpu` npm package, set up as DESIGN.md records:
 *
 *  - Dawn backends are tried in order: `SCOREKIT_WEBGPU_BACKEND` when set (any Dawn name: vulkan,
 *    opengles, opengl, metal, d3d12, …), else vulkan (core feature level; tried only where a GPU
 *    device node exists: /dev/nvidia0, /dev/dri/renderD128, /dev/kfd), then opengles (compatibility
 *    feature level, which Mesa's llvmpipe offers on a machine without a GPU);
 *  - EGL_PLATFORM=surfaceless is set for the GLES backend when the environment does not set it;
 *  - every requestAdapter call gets the chosen feature level (gpu.js and tfjs ask without one);
 *  - requestDevice's `requiredFeatures` is flattened (tfjs-webgpu 4.22 passes a nested array).
 *
 * When no adapter answers, the error lists every backend tried and what a Debian machine needs.
 * In browser bundles, package.json's browser field puts webgpu-browser.ts, which uses navigator.gpu
 * only, in this module's place.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
import { existsSync } from 'node:fs';
import { describe, type WebGpuProvider, wrapGpu } from './webgpu-wrap.js';

export type { WebGpuProvider };

/** Vulkan first only where a GPU device node exists (a failed Vulkan probe prints a Dawn stack trace). */
function defaultOrder(): string[] {
  const gpuNode = ['/dev/nvidia0', '/dev/dri/renderD128', '/dev/kfd'].some((p) => existsSync(p));
  return gpuNode ? ['vulkan', 'opengles'] : ['opengles'];
}

let pending: Promise<WebGpuProvider> | undefined;

function featureLevelOf(backend: string): 'core' | 'compatibility' {
  return backend === 'opengles' || backend === 'opengl' ? 'compatibility' : 'core';
}

async function setUp(): Promise<WebGpuProvider> {
  const nav = (globalThis as any).navigator;
  if (nav?.gpu && !nav.gpu.__scorekit) {
    const adapter = await nav.gpu.requestAdapter();
    if (adapter) return { backend: 'native', featureLevel: 'core', description: describe(adapter) };
  }
  let dawn: any;
  try {
    dawn = await import('webgpu');
  } catch (e) {
    throw new Error(`WebGPU: the 'webgpu' npm package (Dawn for Node) cannot be loaded: ${(e as Error).message.split('\n')[0]}; run npm install`);
  }
  const env = process.env.SCOREKIT_WEBGPU_BACKEND?.trim();
  const order = env ? [env] : defaultOrder();
  const tried: string[] = [];
  for (const backend of order) {
    if ((backend === 'opengles' || backend === 'opengl') && !process.env.EGL_PLATFORM) process.env.EGL_PLATFORM = 'surfaceless';
    const featureLevel = featureLevelOf(backend);
    let raw: any;
    try {
      raw = dawn.create([`backend=${backend}`]);
    } catch (e) {
      tried.push(`${backend}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const adapter = await raw.requestAdapter({ featureLevel }).catch(() => null);
    if (!adapter) {
      tried.push(`${backend} (${featureLevel}): no adapter`);
      continue;
    }
    Object.assign(globalThis, dawn.globals);
    const gpu = wrapGpu(raw, featureLevel);
    Object.defineProperty(gpu, '__scorekit', { value: true });
    Object.defineProperty(globalThis, 'navigator', { value: { ...(nav ?? {}), gpu }, configurable: true, writable: true });
    return { backend, featureLevel, description: describe(adapter) };
  }
  throw new Error(
    `WebGPU: no adapter. Tried ${tried.join('; ')}. On a machine without a GPU, Dawn's GLES backend runs on Mesa's llvmpipe: ` +
    `install the Debian packages libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri (EGL_PLATFORM=surfaceless is set for you); ` +
    `on a GPU machine set SCOREKIT_WEBGPU_BACKEND=vulkan (or metal, d3d12) and check its driver.`,
  );
}

/** Install navigator.gpu once per process (later calls share the first result, or its error). */
export function ensureWebGpu(): Promise<WebGpuProvider> {
  if (!pending) pending = setUp();
  return pending;
}
