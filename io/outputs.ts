/**
 * The output files of one run, planned before any work and committed together at the end.
 * - planOutputs checks every output path up front: its directory exists and is writable, it is not a
 *   directory, and it names a file distinct from every other output and from every input (by the
 *   resolved real path, and by device and inode for existing files, so links and `./` spellings
 *   count as the same file).
 * - stage writes an output's bytes to a temporary file beside its target (fsync'ed); commit renames
 *   every staged file onto its target once all are staged, so a failed run leaves no output at all.
 *   (Renames within one directory do not fail short of a vanished directory or a full inode table;
 *   then the staged files not yet renamed are removed and the error names the path.)
 * - Temporary files are `.<name>.<pid>.<hex>.tmp`; they are removed on failure, on SIGINT and
 *   SIGTERM, and a later run removes those of its own targets whose process no longer exists
 *   (a SIGKILL leaves them).
 */
import { constants, promises as fs, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export class OutputPathError extends Error {
  override name = 'OutputPathError';
}

/** An option naming a file, e.g. { flag: '--out', path: 'm.ckpt' }; undefined paths are skipped. */
export interface NamedPath {
  readonly flag: string;
  readonly path: string | undefined;
}

interface Identity {
  readonly real: string;
  readonly inode?: string;
}

async function identityOf(path: string): Promise<Identity> {
  const abs = resolve(path);
  try {
    const st = await fs.stat(abs);
    return { real: await fs.realpath(abs), inode: `${st.dev}:${st.ino}` };
  } catch {
    try {
      return { real: join(await fs.realpath(dirname(abs)), basename(abs)) };
    } catch {
      return { real: abs };
    }
  }
}

const same = (a: Identity, b: Identity): boolean => a.real === b.real || (a.inode !== undefined && a.inode === b.inode);

const TEMP = /^\.(.+)\.(\d+)\.([0-9a-f]{8})\.tmp$/;

/** The temporary-file name of a target in its directory. */
/** Create `path` (it must not exist) with `bytes`, flushed to the disk before it returns. */
export async function writeNewFileSynced(path: string, bytes: Uint8Array | string): Promise<void> {
  const fh = await fs.open(path, 'wx', 0o644);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the temporary files of `target` left by processes that no longer exist; returns their names. */
export function removeStaleTemps(target: string): string[] {
  const dir = dirname(resolve(target));
  const base = basename(target);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || m[1] !== base || alive(Number(m[2]))) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) {
        rmSync(p, { force: true });
        removed.push(p);
      }
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Temporary files of this process not yet renamed or removed. */
const live = new Set<string>();

const SIGNAL_STATUS: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

function removeLiveSync(): void {
  for (const p of live) rmSync(p, { force: true });
  live.clear();
  setHandlers(false);
}

const onSignal = (sig: NodeJS.Signals): void => {
  removeLiveSync();
  process.exit(SIGNAL_STATUS[sig as keyof typeof SIGNAL_STATUS] ?? 1);
};

/** The signal handlers are installed only while a temporary file exists (the default action kills at once otherwise). */
function setHandlers(on: boolean): void {
  for (const sig of Object.keys(SIGNAL_STATUS) as NodeJS.Signals[]) {
    process.removeListener(sig, onSignal);
    if (on) process.on(sig, onSignal);
  }
  process.removeListener('exit', removeLiveSync);
  if (on) process.on('exit', removeLiveSync);
}

/** Register a temporary file: removed on SIGINT, SIGTERM and exit until untracked. */
export function trackTemp(path: string): void {
  if (live.size === 0) setHandlers(true);
  live.add(path);
}

export function untrackTemp(path: string): void {
  live.delete(path);
  if (live.size === 0) setHandlers(false);
}

/** Remove every temporary file this process still holds (on a failed run). */
export async function abortOutputs(): Promise<void> {
  removeLiveSync();
}

export interface OutputPlan {
  /** The targets by flag, as the user wrote them. */
  readonly paths: ReadonlyMap<string, string>;
  /** Write an output's bytes to its temporary file (not yet visible at the target). */
  stage(flag: string, bytes: Uint8Array | string): Promise<void>;
  /** Rename every staged file onto its target; a planned output left unstaged is an error before any rename. */
  commit(): Promise<void>;
  /** Remove the staged files. */
  abort(): Promise<void>;
}

/** Check the outputs against each other and the inputs, and against the file system, before any work. */
export async function planOutputs(outputs: readonly NamedPath[], inputs: readonly NamedPath[] = []): Promise<OutputPlan> {
  const outs = outputs.filter((o): o is { flag: string; path: string } => o.path !== undefined && o.path !== '');
  const ins = inputs.filter((o): o is { flag: string; path: string } => o.path !== undefined && o.path !== '');
  const outIds: Identity[] = [];
  for (const o of outs) {
    const abs = resolve(o.path);
    if (o.path.endsWith('/') || o.path.endsWith('\\')) throw new OutputPathError(`${o.flag} ${o.path} names a directory; give a file name`);
    const dir = dirname(abs);
    let dst;
    try {
      dst = await fs.stat(dir);
    } catch {
      throw new OutputPathError(`${o.flag} ${o.path}: the directory ${dirname(o.path)} does not exist`);
    }
    if (!dst.isDirectory()) throw new OutputPathError(`${o.flag} ${o.path}: ${dirname(o.path)} is not a directory`);
    try {
      await fs.access(dir, constants.W_OK);
    } catch {
      throw new OutputPathError(`${o.flag} ${o.path}: the directory ${dirname(o.path)} is not writable`);
    }
    const st = await fs.stat(abs).catch(() => undefined);
    if (st && !st.isFile()) throw new OutputPathError(`${o.flag} ${o.path} exists and is not a regular file`);
    const id = await identityOf(o.path);
    outs.forEach((p, j) => {
      if (j < outIds.length && same(outIds[j], id)) throw new OutputPathError(`${p.flag} and ${o.flag} name the same file ${o.path}; give each output its own path`);
    });
    outIds.push(id);
  }
  for (const i of ins) {
    const id = await identityOf(i.path);
    outs.forEach((o, j) => {
      if (same(outIds[j], id)) throw new OutputPathError(`${o.flag} ${o.path} would overwrite the input ${i.flag} ${i.path}; write the output elsewhere`);
    });
  }
  for (const o of outs) removeStaleTemps(o.path);

  const staged = new Map<string, string>();
  const paths = new Map(outs.map((o) => [o.flag, o.path]));
  const drop = async (): Promise<void> => {
    for (const tmp of staged.values()) {
      await fs.rm(tmp, { force: true });
      untrackTemp(tmp);
    }
    staged.clear();
  };
  return {
    paths,
    async stage(flag, bytes) {
      const target = paths.get(flag);
      if (target === undefined) throw new OutputPathError(`${flag}: not a planned output`);
      if (staged.has(flag)) throw new OutputPathError(`${flag}: staged twice`);
      const tmp = tempPathFor(target);
      trackTemp(tmp);
      staged.set(flag, tmp);
      try {
        await writeNewFileSynced(tmp, bytes);
      } catch (e) {
        await drop();
        throw new OutputPathError(`cannot write ${flag} ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    },
    async commit() {
      const missing = [...paths.keys()].filter((f) => !staged.has(f));
      if (missing.length) {
        await drop();
        throw new OutputPathError(`${missing.join(', ')}: planned but never written`);
      }
      for (const [flag, tmp] of staged) {
        try {
          await fs.rename(tmp, paths.get(flag)!);
          untrackTemp(tmp);
          staged.delete(flag);
        } catch (e) {
          await drop();
          throw new OutputPathError(`cannot write ${flag} ${paths.get(flag)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
    },
    abort: drop,
  };
}
