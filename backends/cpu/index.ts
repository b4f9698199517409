import type { BackendFactory } from '../../core/tensor/registry.js';
import { CpuBackend } from './backend.js';

export { CpuBackend };

/** Registry entry: 'cpu' (float64, the reference) or 'cpu:float32'. */
export const cpuBackendFactory: BackendFactory = {
  name: 'cpu',
  variants: ['float64', 'float32'],
  description: 'pure TypeScript on typed arrays; float64 reference, float32 option',
  create: (variant) => new CpuBackend(variant === 'float32' ? 'float32' : 'float64'),
};
