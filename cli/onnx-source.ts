/**
 * `--score onnx:FILE`: a score network exported to ONNX (io/onnx-score.ts) as the score of `sample`,
 * `nll` and `orders`, under the SDE of the command's --sde and SDE flags. The model must map the
 * SDE's state [n, S] (and t [n]) to the score [n, D] with S = sde.stateDim(D): D = S, or S = 2D for CLD.
 */
import * as sk from '../index.js';
import { InputError } from './errors.js';

export const ONNX_PREFIX = 'onnx:';

/** The file of an `onnx:FILE` score, or undefined for another score. */
export const onnxFileOf = (score: unknown): string | undefined => (typeof score === 'string' && score.startsWith(ONNX_PREFIX) ? score.slice(ONNX_PREFIX.length) : undefined);

/** The score and data dimension of `--score onnx:FILE` under `sde`. */
export async function onnxScoreOn(file: string, sde: sk.Sde): Promise<{ score: sk.ScoreFn; dim: number }> {
  if (file === '') throw new InputError('--score onnx:FILE needs a file name after onnx:');
  const m = await sk.onnxScore(file);
  if (sde.stateDim(m.outDim) !== m.inDim) {
    await m.close();
    throw new InputError(`${file}: the model maps x [n, ${m.inDim}] to a score [n, ${m.outDim}]; on ${sde.kind} a score of ${m.outDim}-dimensional data takes x [n, ${sde.stateDim(m.outDim)}]`);
  }
  return { score: m.score, dim: m.outDim };
}
