export * from './format.js';
export * from './restore.js';
export * from './safetensors.js';
export * from './safetensors-checkpoint.js';
export * from './torch-names.js';
