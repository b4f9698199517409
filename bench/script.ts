/**
 * What the bench programs share (bench/run.ts and the standalone scripts unet.ts, roofline.ts,
 * dimension-sweep.ts, width-sweep.ts): the PyTorch peer's interpreter and its probe, the name of the
 * normal kernel, min / median / max of repeated timings, option parsing whose errors name the flag,
 * and the entry point (bad options: one line and exit status 2, as the command line's bad input;
 * any other failure: exit status 70).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as sk from '../index.js';

/** The interpreter the PyTorch peers run under (Debian's python3-torch installs for it). */
export const PYTHON = '/usr/bin/python3';

/** Why a peer is skipped when PYTHON has no torch, with the install command. */
export const TORCH_MISSING = `${PYTHON} cannot import torch (apt-get install python3-torch python3-numpy)`;

/** PyTorch's version and BLAS (from torch.__config__) under PYTHON, or null when it cannot import torch. */
export function torchInfo(): { version: string; blas: string } | null {
  const r = spawnSync(PYTHON, ['-c', "import torch,re; m=re.search(r'BLAS_INFO=([^,\\s]+)', torch.__config__.show()); print(torch.__version__); print(m.group(1) if m else 'unknown')"], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const [version, blas] = r.stdout.trim().split('\n');
  return { version, blas: blas ?? 'unknown' };
}

/**
 * Runs a PyTorch peer script under PYTHON and parses its stdout, one JSON object a line; a failure
 * (exit status, or `timeoutMs` passed) throws with the command and the last lines of stderr.
 */
export function runPeerLines<T>(script: string, args: readonly string[], timeoutMs?: number): T[] {
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, ...(timeoutMs ? { timeout: timeoutMs } : {}) });
  if (r.status !== 0) throw new Error(`the PyTorch peer failed (${PYTHON} ${script} ${args.join(' ')}): ${(r.error?.message ?? r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

/** 'WASM-SIMD' or 'scalar (reason)': which normal kernel made the noise of this run. */
export function normalKernelName(): string {
  const k = sk.random.normalKernel();
  return k.kind === 'wasm-simd' ? 'WASM-SIMD' : `scalar (${k.reason})`;
}

/** Min, median and max of repeated measurements. */
export interface Stat { readonly min: number; readonly median: number; readonly max: number }

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function stat(xs: readonly number[]): Stat {
  return { min: Math.min(...xs), median: median(xs), max: Math.max(...xs) };
}

const POS_INT = /^[1-9]\d*$/;

/** A positive integer option value; a RangeError naming the flag otherwise. */
export function posInt(flag: string, v: string): number {
  if (!POS_INT.test(v.trim()) || !Number.isSafeInteger(Number(v))) throw new RangeError(`${flag} must be a positive integer, got '${v}'`);
  return Number(v);
}

/** A comma-separated list of positive integers. */
export function posIntList(flag: string, v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (!parts.length || parts.some((p) => !POS_INT.test(p) || !Number.isSafeInteger(Number(p)))) throw new RangeError(`${flag} must be a comma-separated list of positive integers, got '${v}'`);
  return parts.map(Number);
}

/** A comma-separated list of at least one name. */
export function nameList(flag: string, v: string): string[] {
  const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new RangeError(`${flag} must list at least one name, got '${v}'`);
  return parts;
}

/**
 * Applies `--flag value` options and `--switch`es from argv in order: a flag without a value or an
 * unknown option is a RangeError naming it (and listing the known ones).
 */
export function parseFlags(argv: readonly string[], flags: Readonly<Record<string, (v: string) => void>>, switches: Readonly<Record<string, () => void>> = {}): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (switches[a]) switches[a]();
    else if (flags[a]) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new RangeError(`${a} needs a value`);
      flags[a](v);
      i++;
    } else throw new RangeError(`unknown option '${a}' (known: ${[...Object.keys(flags), ...Object.keys(switches)].join(', ')})`);
  }
}

/**
 * Runs `main(options)` when the module at `moduleUrl` is the process's entry point: options parsed
 * by `parse` (a thrown error is bad input: `name: message` on stderr, exit 2), then main (a thrown
 * error: exit 70). `passThrough` arguments skip the parser (a script's child-process mode).
 */
export function runScript<O>(moduleUrl: string, name: string, parse: (argv: readonly string[]) => O, main: (o: O, argv: readonly string[]) => Promise<void>, passThrough?: (argv: readonly string[]) => Promise<void> | undefined): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  const argv = process.argv.slice(2);
  const fail = (e: unknown, status: number): never => {
    process.stderr.write(`${name}: ${(e as Error).message}\n`);
    process.exit(status);
  };
  const child = passThrough?.(argv);
  if (child) {
    child.then(() => process.exit(process.exitCode ?? 0), (e) => fail(e, 70));
    return;
  }
  let o: O;
  try {
    o = parse(argv);
  } catch (e) {
    fail(e, 2);
  }
  main(o!, argv).then(() => process.exit(process.exitCode ?? 0), (e) => fail(e, 70));
}
