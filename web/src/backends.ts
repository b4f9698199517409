/** The backends a page can have, and which of them this browser gives (each probed by creating it). */
import * as sk from 'scorekit';

/** Specs the pages offer, in the order they are shown. */
export const PAGE_BACKENDS = ['cpu', 'cpu:float32', 'tfjs:wasm', 'tfjs:webgl', 'tfjs:webgpu', 'tfjs:cpu', 'gpujs:webgpu', 'gpujs:wasm', 'gpujs:cpu'] as const;

export interface Probe {
  readonly spec: string;
  /** The backend's name when it was created, else undefined. */
  readonly name?: string;
  /** Why it could not be created. */
  readonly reason?: string;
}

let probed: Promise<Probe[]> | undefined;

/** Create every page backend once (one at a time: tfjs engines initialise globally). */
export function probeBackends(): Promise<Probe[]> {
  probed ??= (async () => {
    const out: Probe[] = [];
    for (const spec of PAGE_BACKENDS) {
      try {
        const be = await sk.getBackend(spec);
        out.push({ spec, name: be.name });
      } catch (e) {
        out.push({ spec, reason: (e as Error).message.split('\n')[0] });
      }
    }
    return out;
  })();
  return probed;
}

/** One line per backend: 'found' or why not. */
export function probeText(ps: readonly Probe[]): string {
  return ps.map((p) => `${p.spec.padEnd(14)} ${p.name ? `found (${p.name})` : `not available: ${p.reason}`}`).join('\n');
}
