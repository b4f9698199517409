/**
 * The files a command reads and writes, named by their options, for planOutputs (io/outputs.ts):
 * a data spec reads a file only when it is gmm:FILE.
 */
import { type NamedPath, type OutputPlan, planOutputs } from '../io/outputs.js';
import { type Figure, specPathOf } from './plot/render.js';

/** The file a --data spec reads (gmm:FILE.json), if any. */
export const dataFileOf = (spec: unknown): string | undefined => (typeof spec === 'string' && spec.startsWith('gmm:') ? spec.slice(4) : undefined);

/** Plan a command's outputs: each `[flag, value]` of `outputs` and `inputs` whose value is a non-empty string. */
export function planRun(outputs: readonly [string, unknown][], inputs: readonly [string, unknown][]): Promise<OutputPlan> {
  const named = (xs: readonly [string, unknown][]): NamedPath[] => xs.map(([flag, v]) => ({ flag, path: typeof v === 'string' ? v : undefined }));
  return planOutputs(named(outputs), named(inputs));
}

/** A figure's two outputs for planRun: its PNG under `flag` and its specification (FILE.vl.json) under `flag spec`. */
export function figureFiles(flag: string, path: unknown): [string, unknown][] {
  return [[flag, path], [`${flag} spec`, typeof path === 'string' && path !== '' ? specPathOf(path) : undefined]];
}

/** Stage a figure planned with figureFiles; `config`, the options of the run, goes into its specification's usermeta (which rendering ignores). */
export async function stageFigure(outputs: OutputPlan, flag: string, fig: Figure, config?: Record<string, unknown>): Promise<void> {
  await outputs.stage(flag, fig.png);
  await outputs.stage(`${flag} spec`, config ? JSON.stringify({ ...(JSON.parse(fig.spec) as object), usermeta: { config } }) + '\n' : fig.spec);
}
