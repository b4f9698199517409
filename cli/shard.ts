/**
 * `scorekit sample --shard I/N`: shard I of N of a sampling run writes rows
 * [⌊I·n/N⌋, ⌊(I+1)·n/N⌋) of the full batch of n rows (contiguous blocks whose sizes differ by at most
 * one). Prior draws and step noise are keyed by the global row index (counter-based Threefry), so
 * the rows are those of the one-process run bit for bit. The shard's file records its run's
 * fingerprint, I, N and its rows, and a checksum of the whole file, which `scorekit merge` checks.
 */
import { createHash } from 'node:crypto';
import type { OptionSpec, Parsed } from './args.js';
import { InputError } from './errors.js';
import { readInput } from '../io/files.js';
import { dataFileOf } from './run-files.js';
import { onnxFileOf } from './onnx-source.js';

export const SHARD_OPTIONS: Record<string, OptionSpec> = {
  shard: { kind: 'string', help: 'I/N: write only shard I of N (rows ⌊I·n/N⌋ … ⌊(I+1)·n/N⌋ − 1 of the batch, bit for bit those of the whole run) to FILE.json; join the shards with scorekit merge (fixed-grid samplers but pc)' },
};

export interface Shard {
  readonly index: number;
  readonly count: number;
  /** The rows [start, end) of the full batch. */
  readonly rows: readonly [number, number];
}

/** What a shard file holds besides the run's own output: the shard and its run's fingerprint, and the file's checksum. */
export interface ShardRecord extends Shard {
  readonly fingerprint: string;
  readonly digest: string;
}

/** Rows [⌊I·n/N⌋, ⌊(I+1)·n/N⌋) of n: shard I of N. */
export function shardRows(index: number, count: number, n: number): [number, number] {
  return [Math.floor((index * n) / count), Math.floor(((index + 1) * n) / count)];
}

/** The shard of --shard I/N for a batch of n rows, or undefined without --shard; refuses a malformed or out-of-range value. */
export function parseShard(spec: string | undefined, n: number): Shard | undefined {
  if (spec === undefined) return undefined;
  const m = /^\s*(-?\d+)\s*\/\s*(-?\d+)\s*$/.exec(spec);
  if (!m) throw new InputError(`--shard must be I/N (shard I of N shards, 0 ≤ I < N), got '${spec}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new InputError(`--shard ${spec}: the number of shards N must be an integer ≥ 1, got ${m[2]}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) throw new InputError(`--shard ${spec}: the shard index must be one of 0 … ${count - 1} (shards are numbered from 0), got ${m[1]}`);
  if (count > n) throw new InputError(`--shard ${spec}: ${count} shards of --n ${n} rows would leave shards empty; use at most ${n} shards`);
  return { index, count, rows: shardRows(index, count, n) };
}

/** The checks of --shard against the other options of `scorekit sample`; the shard, if any. */
export function shardOf(o: Parsed): Shard | undefined {
  const shard = parseShard(o.shard as string | undefined, o.n as number);
  if (!shard) return undefined;
  if (!/\.json$/i.test(String(o.out))) throw new InputError('--shard writes its rows with their run\'s fingerprint to --out FILE.json (scorekit merge then writes .json or .csv)');
  for (const flag of ['plot', 'trajectory']) if (o[flag] !== undefined) throw new InputError(`--${flag} draws the whole run; merge the shards with scorekit merge first`);
  return shard;
}

/** Options that do not change the samples, left out of a run's fingerprint (and --shard itself). */
const NOT_IN_FINGERPRINT: ReadonlySet<string> = new Set(['shard', 'out', 'plot', 'trajectory', 'threads', 'chunk', 'check-finite', 'json', 'debug', 'config', 'max-memory']);

const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The fingerprint of a sampling run: SHA-256 of its options that affect the samples (by flag name,
 * sorted; every option but those of NOT_IN_FINGERPRINT) and of the bytes of the files it reads
 * (checkpoint, mixture, ONNX model) in place of their paths.
 */
export async function runFingerprint(config: Record<string, number | string | boolean>): Promise<string> {
  const data = dataFileOf(config.data);
  // the files count by their bytes, not by their paths (which differ between machines)
  const files: Record<string, string> = {};
  if (typeof config.ckpt === 'string') files.ckpt = sha256(await readInput(config.ckpt, 'checkpoint'));
  if (data !== undefined) files.data = sha256(await readInput(data, 'mixture file'));
  const onnx = onnxFileOf(config.score);
  if (onnx !== undefined) files.score = sha256(await readInput(onnx, 'ONNX model'));
  const named = { ...config, ...(config.ckpt !== undefined ? { ckpt: 'file' } : {}), ...(data !== undefined ? { data: 'gmm:file' } : {}), ...(onnx !== undefined ? { score: 'onnx:file' } : {}) };
  const options = Object.fromEntries(Object.entries(named).filter(([k]) => !NOT_IN_FINGERPRINT.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return sha256(JSON.stringify({ options, files }));
}

/** The checksum of a shard file: SHA-256 of its JSON text with the digest left out. */
export const shardDigest = (file: Record<string, unknown>): string => sha256(JSON.stringify(file));

/** The JSON text of a shard's file: the run's output (samples and info, its config last) with the shard record appended. */
export async function shardFileText(output: Record<string, unknown> & { config: Record<string, number | string | boolean> }, shard: Shard): Promise<string> {
  const record = { index: shard.index, count: shard.count, rows: [...shard.rows], fingerprint: await runFingerprint(output.config) };
  const file = { ...output, shard: record };
  return JSON.stringify({ ...output, shard: { ...record, digest: shardDigest(file) } }) + '\n';
}

/** How a shard's run names its rows, for the command's report. */
export const shardLabel = (s: Shard | undefined, n: number): string => (s ? `shard ${s.index}/${s.count}: rows ${s.rows[0]} … ${s.rows[1] - 1} of ${n}` : `${n}`);
