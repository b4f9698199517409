/**
 * Data types of scorekit tensors, after the Python array-API standard's names.
 * float64 is the reference dtype (CPU backend); float32 is what GPU backends compute in.
 * `int32` serves as indices (gather/scatter), `bool` is the result of comparisons.
 */
export type FloatDType = 'float32' | 'float64';
export type DType = FloatDType | 'int32' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

/** Allocate a zero-filled typed array of the storage type of `dtype`. */
export function allocTyped(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
  }
}

export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'float32': case 'int32': return 4;
    case 'float64': return 8;
    case 'bool': return 1;
  }
}

/**
 * Type promotion for binary operations: equal dtypes stay; float32 with float64 gives float64
 * (array-API rule). Mixing kinds (int/bool with float) is an error: cast explicitly.
 */
export function promoteTypes(a: DType, b: DType, op: string): DType {
  if (a === b) return a;
  if (isFloat(a) && isFloat(b)) return 'float64';
  throw new TypeError(`${op}: cannot combine dtypes ${a} and ${b}; cast one operand explicitly with astype()`);
}

/** Machine epsilon of a float dtype: the spacing of floats at 1. */
export function epsOf(dtype: FloatDType): number {
  return dtype === 'float64' ? 2 ** -52 : 2 ** -23;
}
