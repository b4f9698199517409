/**
 * `scorekit merge OUT SHARD.json …`: the files of `scorekit sample --shard I/N` joined into the output
 * of the one-process run (cli/shard.ts): its samples bit for bit, and, as JSON, its file byte for
 * byte when the shards ran with its options and OUT is its --out. Every shard 0 … N − 1 must be given
 * once, all of one run (the same fingerprint and N), each intact (its checksum).
 */
import { type Command, print } from '../command.js';
import { samplesCsv } from '../csv.js';
import { InputError } from '../errors.js';
import { readInput } from '../../io/files.js';
import { planRun } from '../run-files.js';
import { type ShardRecord, shardDigest, shardRows } from '../shard.js';

export interface ShardFile {
  readonly path: string;
  readonly file: Record<string, unknown>;
  readonly shard: ShardRecord;
  readonly samples: readonly (readonly number[])[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** A shard file read and checked on its own: JSON, a shard record, its checksum, rows of one width that fill its row range. */
export function checkShardFile(path: string, text: string): ShardFile {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw new InputError(`shard file ${path} is not valid JSON (truncated or corrupt)`);
  }
  if (!isObject(file) || !isObject(file.shard)) throw new InputError(`${path} is not a shard file (written by scorekit sample --shard I/N --out FILE.json)`);
  const { digest, ...record } = file.shard;
  if (typeof digest !== 'string' || shardDigest({ ...file, shard: record }) !== digest) throw new InputError(`shard file ${path} is corrupt: its checksum does not match its contents`);
  const { index, count, rows, fingerprint } = record;
  const n = file.n;
  if (!isCount(index) || !isCount(count) || index >= count || !isCount(n) || typeof fingerprint !== 'string' || !Array.isArray(rows) || rows.length !== 2) {
    throw new InputError(`shard file ${path} is corrupt: its shard record is incomplete`);
  }
  const [a, b] = shardRows(index, count, n);
  if (rows[0] !== a || rows[1] !== b) throw new InputError(`shard file ${path} is corrupt: shard ${index}/${count} of ${n} rows holds rows ${a} … ${b - 1}, not ${rows[0]} … ${rows[1] - 1}`);
  const samples = file.samples;
  if (!Array.isArray(samples) || samples.length !== b - a) throw new InputError(`shard file ${path} is corrupt: it must hold ${b - a} samples`);
  const width = Array.isArray(samples[0]) ? samples[0].length : 0;
  for (const row of samples) {
    if (!Array.isArray(row) || row.length !== width || width === 0 || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new InputError(`shard file ${path} is corrupt: its samples are not rows of ${width || 'some'} finite numbers`);
    }
  }
  if (!isObject(file.config)) throw new InputError(`shard file ${path} is corrupt: it has no config`);
  return { path, file, shard: { index, count, rows: [a, b], fingerprint, digest }, samples: samples as number[][] };
}

/** The shards of one run, each once, all of them, ordered by index. */
export function checkShardSet(shards: readonly ShardFile[]): ShardFile[] {
  const first = shards[0];
  for (const s of shards) {
    if (s.shard.count !== first.shard.count) throw new InputError(`${first.path} is shard ${first.shard.index} of ${first.shard.count}, ${s.path} is shard ${s.shard.index} of ${s.shard.count}: shards of different runs`);
    if (s.shard.fingerprint !== first.shard.fingerprint) throw new InputError(`${first.path} and ${s.path} are shards of different runs (their fingerprints differ: other options, checkpoint or data)`);
  }
  const byIndex = new Map<number, ShardFile>();
  for (const s of shards) {
    const seen = byIndex.get(s.shard.index);
    if (seen) throw new InputError(`${seen.path} and ${s.path} are both shard ${s.shard.index}/${s.shard.count}; give each shard once`);
    byIndex.set(s.shard.index, s);
  }
  const count = first.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) throw new InputError(`shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} of 0 … ${count - 1} missing (${shards.length} of ${count} given)`);
  return Array.from({ length: count }, (_, i) => byIndex.get(i)!);
}

/**
 * The one-process run's output JSON from its shards: shard 0's file with the rows of every shard,
 * its shard record left out and --out set to OUT in its config (keys in their order).
 */
export function mergedOutput(shards: readonly ShardFile[], out: string): Record<string, unknown> {
  const head = shards[0].file;
  const config = Object.fromEntries(Object.entries(head.config as Record<string, unknown>).filter(([k]) => k !== 'shard').map(([k, v]) => [k, k === 'out' ? out : v]));
  const samples = shards.flatMap((s) => s.samples);
  return Object.fromEntries(Object.entries(head).filter(([k]) => k !== 'shard').map(([k, v]) => [k, k === 'samples' ? samples : k === 'config' ? config : v]));
}

export const mergeCommand: Command = {
  name: 'merge',
  usage: 'scorekit merge OUT.json|OUT.csv SHARD.json …',
  summary: 'Join the shard files of scorekit sample --shard I/N into the output of the whole run.',
  operands: true,
  options: {
    json: { kind: 'flag', help: 'machine-readable output on stdout' },
    debug: { kind: 'flag', help: 'print the stack of an internal error' },
  },
  async run(o, operands) {
    const [out, ...files] = operands ?? [];
    if (out === undefined || !/\.(json|csv)$/i.test(out)) throw new InputError(`the first operand is the output OUT.json or OUT.csv (usage: ${mergeCommand.usage})${out === undefined ? '' : `, got '${out}'`}`);
    if (files.length === 0) throw new InputError(`give the shard files after ${out} (usage: ${mergeCommand.usage})`);
    const outputs = await planRun([['OUT', out]], files.map((f) => ['SHARD', f]));
    const shards = [];
    for (const f of files) shards.push(checkShardFile(f, (await readInput(f, 'shard file')).toString('utf8')));
    const ordered = checkShardSet(shards);
    const merged = mergedOutput(ordered, out);
    const samples = merged.samples as number[][];
    if (/\.json$/i.test(out)) await outputs.stage('OUT', JSON.stringify(merged) + '\n');
    else await outputs.stage('OUT', samplesCsv(samples, samples[0].length));
    await outputs.commit();
    const { count, fingerprint } = ordered[0].shard;
    print(o, `${samples.length} samples from ${count} shard${count > 1 ? 's' : ''} → ${out}`, { out, n: samples.length, shards: count, fingerprint });
  },
};
