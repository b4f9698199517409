/**
 * The part of the WebGPU provider that runs anywhere (Node with Dawn, or a browser): the provider's
 * description, and a GPU object whose adapters are asked for with a given feature level and whose
 * devices get flat `requiredFeatures` lists (tfjs-webgpu 4.22 passes a nested array).
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface WebGpuProvider {
  /** The Dawn backend that answered ('native' when navigator.gpu came from the runtime). */
  readonly backend: string;
  readonly featureLevel: 'core' | 'compatibility';
  /** The adapter's description (e.g. 'llvmpipe … OpenGL ES 3.2 Mesa 22.3.6'). */
  readonly description: string;
}

/** Vendor, architecture, device and description of an adapter, as far as it tells them. */
export function describe(adapter: any): string {
  const i = adapter?.info ?? {};
  return [i.vendor, i.architecture, i.device, i.description].filter((s: string) => s).join(' ').trim() || 'unknown adapter';
}

/** Wrap a GPU object so that adapters come with the feature level and devices with flat feature lists. */
export function wrapGpu(raw: any, featureLevel: 'core' | 'compatibility'): any {
  const wrapAdapter = (adapter: any): any => {
    if (!adapter) return adapter;
    const requestDevice = adapter.requestDevice.bind(adapter);
    adapter.requestDevice = (desc: any = {}) => requestDevice({
      ...desc,
      ...(desc.requiredFeatures ? { requiredFeatures: [...desc.requiredFeatures].flat() } : {}),
    });
    return adapter;
  };
  return {
    requestAdapter: async (opts: any = {}) => wrapAdapter(await raw.requestAdapter({ ...opts, featureLevel })),
    getPreferredCanvasFormat: () => (raw.getPreferredCanvasFormat ? raw.getPreferredCanvasFormat() : 'rgba8unorm'),
    get wgslLanguageFeatures() { return raw.wgslLanguageFeatures; },
  };
}
