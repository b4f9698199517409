/**
 * A sampling job that another thread can rebuild: the sampler's options are not sent between
 * threads (scores are closures over backends and parameters); a factory is named instead, by module
 * and export, with structured-cloneable arguments, and every thread calls it to build its own copy
 * (the way multiprocessing refers to module-level functions).
 */
import type { PRNGKey, SampleOptions } from '../core/index.js';

/** What a factory returns: the key and the options of `sample` (rows and progress are set by the runner). */
export interface SampleSetup {
  readonly key: PRNGKey;
  readonly options: Omit<SampleOptions, 'rowOffset' | 'onProgress' | 'trajectory' | 'x0'>;
}

export interface SampleJob {
  /** File URL or absolute path of an ES module. */
  readonly module: string;
  /** The name of its export: (args) => SampleSetup | Promise<SampleSetup>. */
  readonly factory: string;
  /** Structured-cloneable arguments for the factory. */
  readonly args?: unknown;
}

export async function buildSetup(job: SampleJob): Promise<SampleSetup> {
  const url = /^[a-z]+:/i.test(job.module) ? job.module : new URL(`file://${job.module}`).href;
  let mod: Record<string, unknown>;
  try {
    mod = await import(url);
  } catch (e) {
    throw new Error(`sample job: cannot import module ${job.module}: ${(e as Error).message}`);
  }
  const f = mod[job.factory];
  if (typeof f !== 'function') throw new Error(`sample job: module ${job.module} has no exported function '${job.factory}'`);
  const setup = (await f(job.args)) as SampleSetup;
  if (!setup || typeof setup !== 'object' || !setup.key || !setup.options) {
    throw new Error(`sample job: ${job.factory}(args) must return { key, options } (a SampleSetup)`);
  }
  return setup;
}
