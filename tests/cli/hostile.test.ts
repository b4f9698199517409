/**
 * Hostile input against the `scorekit` command, run as a user runs it: crafted and corrupted
 * checkpoints, output paths that collide with inputs or each other, option values, CSV edge cases,
 * the VP ancestral boundary, and an internal error. Each case runs in a directory of its own and
 * asserts the exit status, one stderr line naming the problem, that no output or temporary file is
 * left, and that the inputs are unchanged. The closing table (per class: cases, clean refusals,
 * accepts, silent accepts, hangs) is printed as a test diagnostic.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as sk from '../../index.js';
import { craftedCheckpoint } from '../fixtures/crafted-checkpoint.js';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const bugFixture = new URL('../fixtures/internal-bug.js', import.meta.url).href;
const root = mkdtempSync(join(tmpdir(), 'sk-hostile-'));
const fx = (f: string): string => join(root, f);
const HANG_S = 60;

interface Result { status: number | null; stdout: string; stderr: string; seconds: number; hung: boolean }

function runAsync(args: string[], nodeArgs: string[] = []): Promise<Result> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(process.execPath, [...nodeArgs, main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b) => (stdout += b));
    p.stderr.on('data', (b) => (stderr += b));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      p.kill('SIGKILL');
    }, HANG_S * 1000);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, seconds: (Date.now() - t0) / 1000, hung });
    });
  });
}

type Klass = 'checkpoint' | 'output paths' | 'options' | 'csv' | 'discretisation' | 'sizes' | 'non-finite' | 'internal';

interface Case {
  readonly klass: Klass;
  readonly name: string;
  /** Arguments; `@` at the start of an argument stands for the case's directory (e.g. '@/s.json', 'gmm:@/mix.json'). */
  readonly args: string[];
  /** Expected status (default 2) and a pattern of the one stderr line (refusals) or of stdout (accepts). */
  readonly status?: number;
  readonly match: RegExp;
  /** Files (in the case's directory) that must not exist afterwards. */
  readonly absent?: string[];
  /** Extra set-up in the case's directory. */
  readonly setup?: (dir: string) => void;
  readonly nodeArgs?: string[];
  /** For accepts: a check of the outputs. */
  readonly check?: (dir: string, r: Result) => void;
}

const MIX = { weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] };
const exact = (sde = 'vp'): string[] => ['sample', '--score', 'exact', '--data', 'gmm:@/mix.json', '--sde', sde, '--steps', '5', '--n', '20'];

/** A checkpoint with new contents and a valid checksum (what a hostile file would be). */
function recode(src: string, dst: string, f: (c: { meta: Record<string, unknown>; tensors: sk.StoredTensor[] }) => { meta: Record<string, unknown>; tensors: sk.StoredTensor[] }): void {
  const c = sk.decodeCheckpoint(readFileSync(src));
  writeFileSync(dst, sk.encodeCheckpoint(f({ meta: structuredClone(c.meta), tensors: c.tensors.map((t) => ({ ...t, data: t.data.slice() })) })));
}

/** Raw bytes with a crafted header and a valid version-2 checksum. */
function craftRaw(dst: string, header: unknown, data: Uint8Array): void {
  writeFileSync(dst, craftedCheckpoint(header, data));
}

function editBytes(src: string, dst: string, from: string, to: string): void {
  const b = readFileSync(src);
  const at = b.indexOf(from);
  assert.ok(at >= 0, `${from} in ${src}`);
  b.write(to, at, 'latin1');
  writeFileSync(dst, b);
}

const CASES: Case[] = [
  // checkpoints: corrupted (checksum) and crafted (valid checksum, hostile contents)
  { klass: 'checkpoint', name: 'header byte edited (betaMax 20 → 28)', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => editBytes(fx('m.ckpt'), join(d, 'k.ckpt'), '"betaMax":20', '"betaMax":28'), match: /CRC-32 mismatch over the header and data/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'header byte edited (loss dsm → ism)', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => editBytes(fx('m.ckpt'), join(d, 'k.ckpt'), '"loss":"dsm"', '"loss":"ism"'), match: /CRC-32 mismatch/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'data byte flipped', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => { const b = readFileSync(fx('m.ckpt')); b[b.length - 20] ^= 1; writeFileSync(join(d, 'k.ckpt'), b); }, match: /CRC-32 mismatch/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'truncated', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => writeFileSync(join(d, 'k.ckpt'), readFileSync(fx('m.ckpt')).subarray(0, 300)), match: /k\.ckpt: (truncated|corrupted)/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'width 30000 declared (valid checksum)', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, meta: { ...c.meta, model: { ...(c.meta.model as object), width: 30000 } } })), match: /width 30000, .*implies \[18, 30000\]/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'width 10^9 declared', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, meta: { ...c.meta, model: { ...(c.meta.model as object), width: 1e9 } } })), match: /meta\.model\.width must be an integer in \[1, 65536\], got 1000000000/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'model missing', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => { delete c.meta.model; return c; }), match: /meta lacks the field 'model'/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'unknown model kind', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, meta: { ...c.meta, model: { ...(c.meta.model as object), kind: 'resnet' } } })), match: /meta\.model\.kind must be one of "mlp", "energy", got "resnet"/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'unknown SDE kind', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, meta: { ...c.meta, sde: { kind: 'vq', config: {} } } })), match: /meta\.sde\.kind must be one of/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'int32 tensors', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, tensors: c.tensors.map((t) => ({ ...t, dtype: 'int32' as const, data: Int32Array.from(t.data, (v) => Math.round(v * 1000)) })) })), match: /is int32; parameters are float32 or float64/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'NaN weights', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, tensors: c.tensors.map((t) => (t.name === 'ema.layers.0.W' ? { ...t, data: t.data.map((v, i) => (i === 3 ? NaN : v)) } : t)) })), match: /'ema.layers.0.W' holds NaN at element 3/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'Adam moments missing (a second parameter group)', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, tensors: c.tensors.filter((t) => !t.name.startsWith('adam.v')) })), match: /no tensor 'adam.v.layers.0.W'/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'duplicate tensor names', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => craftRaw(join(d, 'k.ckpt'), { format: 'scorekit-checkpoint', version: 2, meta: {}, dataBytes: 8, tensors: [{ name: 'a', dtype: 'float64', shape: [1], offset: 0, byteLength: 8 }, { name: 'a', dtype: 'float64', shape: [1], offset: 0, byteLength: 8 }] }, new Uint8Array(8)), match: /duplicate tensor name 'a'/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'tensor of 2^80 elements declared', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => craftRaw(join(d, 'k.ckpt'), { format: 'scorekit-checkpoint', version: 2, meta: {}, dataBytes: 8, tensors: [{ name: 'a', dtype: 'float64', shape: [2 ** 40, 2 ** 40], offset: 0, byteLength: 8 }] }, new Uint8Array(8)), match: /lies outside the data/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'a checkpoint that is not a model', args: ['sample', '--ckpt', '@/k.ckpt', '--out', '@/s.json'], setup: (d) => craftRaw(join(d, 'k.ckpt'), { format: 'scorekit-checkpoint', version: 2, meta: { format: 'other' }, dataBytes: 0, tensors: [] }, new Uint8Array(0)), match: /not of a model trained by 'scorekit train'/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'stored data gmm:/dev/zero is never read', status: 0, args: ['sample', '--ckpt', '@/k.ckpt', '--steps', '5', '--n', '20', '--out', '@/s.json', '--plot', '@/s.png'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, meta: { ...c.meta, data: 'gmm:/dev/zero' } })), match: /20 samples/, check: (d) => assert.equal(JSON.parse(readFileSync(join(d, 's.json'), 'utf8')).samples.length, 20) },
  { klass: 'checkpoint', name: 'stored data names a FIFO: never opened', status: 0, args: ['sample', '--ckpt', '@/k.ckpt', '--steps', '5', '--n', '20', '--out', '@/s.json'], setup: (d) => { spawnSync('mkfifo', [join(d, 'fifo')]); recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, meta: { ...c.meta, data: `gmm:${join(d, 'fifo')}` } })); }, match: /20 samples/ },
  { klass: 'checkpoint', name: '--ckpt /dev/zero', args: ['sample', '--ckpt', '/dev/zero', '--out', '@/s.json'], match: /cannot read checkpoint \/dev\/zero: not a regular file/, absent: ['s.json'] },
  { klass: 'checkpoint', name: '--ckpt a FIFO', args: ['sample', '--ckpt', '@/fifo', '--out', '@/s.json'], setup: (d) => void spawnSync('mkfifo', [join(d, 'fifo')]), match: /cannot read checkpoint .*fifo: not a regular file/, absent: ['s.json'] },
  { klass: 'checkpoint', name: 'a version-1 checkpoint still loads', status: 0, args: ['sample', '--ckpt', '@/k.ckpt', '--steps', '5', '--n', '20', '--out', '@/s.json'], setup: (d) => { const c = sk.decodeCheckpoint(readFileSync(fx('m.ckpt'))); writeFileSync(join(d, 'k.ckpt'), sk.encodeCheckpoint(c, { version: 1 })); }, match: /20 samples/ },

  // output paths
  { klass: 'output paths', name: 'sample --out onto the mixture it reads', args: [...exact(), '--out', '@/mix.json'], match: /--out .*mix\.json would overwrite the input --data/ },
  { klass: 'output paths', name: 'sample --out onto the mixture through a symlink', args: [...exact(), '--out', '@/link.json'], setup: (d) => symlinkSync(join(d, 'mix.json'), join(d, 'link.json')), match: /would overwrite the input --data/ },
  { klass: 'output paths', name: 'train --out onto the data file', args: ['train', '--data', 'gmm:@/mix.json', '--steps', '5', '--out', '@/mix.json'], match: /--out .*mix\.json would overwrite the input --data/ },
  { klass: 'output paths', name: 'sample --ckpt X --out X', args: ['sample', '--ckpt', '@/vp.json', '--out', '@/vp.json'], setup: (d) => copyFileSync(fx('m.ckpt'), join(d, 'vp.json')), match: /--out .*vp\.json would overwrite the input --ckpt/ },
  { klass: 'output paths', name: 'sample --out X --plot X', args: [...exact(), '--out', '@/s.json', '--plot', '@/s.json'], match: /--out and --plot name the same file/, absent: ['s.json'] },
  { klass: 'output paths', name: 'sample --plot X --trajectory X', args: [...exact('cld'), '--sampler', 'sscs', '--out', '@/s.json', '--plot', '@/p.png', '--trajectory', '@/./p.png'], match: /--plot and --trajectory name the same file/, absent: ['s.json', 'p.png'] },
  { klass: 'output paths', name: 'train --out X --plot X', args: ['train', '--data', '8gaussians', '--steps', '5', '--out', '@/m.ckpt', '--plot', '@/m.ckpt'], match: /--out and --plot name the same file/, absent: ['m.ckpt'] },
  { klass: 'output paths', name: 'sample --plot into a missing directory leaves no samples', args: [...exact(), '--out', '@/s.json', '--plot', '@/no/p.png'], match: /--plot .*no\/p\.png: the directory .*no does not exist/, absent: ['s.json'] },
  { klass: 'output paths', name: 'train --out into a missing directory fails before training', args: ['train', '--data', '8gaussians', '--steps', '1000000', '--out', '@/no/such/dir/m.ckpt'], match: /--out .*no\/such\/dir\/m\.ckpt: the directory .*no\/such\/dir does not exist/ },
  { klass: 'output paths', name: 'sample --out is a directory', args: [...exact(), '--out', '@/sub.json'], setup: (d) => mkdirSync(join(d, 'sub.json')), match: /--out .*sub\.json exists and is not a regular file/ },
  { klass: 'output paths', name: 'sample --plot of 3-D samples fails after sampling: nothing is written', args: ['sample', '--score', 'exact', '--data', 'gmm:@/mix3.json', '--sde', 'vp', '--steps', '3', '--n', '10', '--out', '@/s.json', '--plot', '@/p.png'], setup: (d) => writeFileSync(join(d, 'mix3.json'), JSON.stringify({ weights: [1], means: [[0, 0, 0]], covs: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]] })), match: /--plot draws 2-D samples/, absent: ['s.json', 'p.png'] },

  // option values
  { klass: 'options', name: '--out --json', args: [...exact(), '--out', '--json'], match: /--out needs a value \(got the option --json/ },
  { klass: 'options', name: '--n --5', args: [...exact(), '--n', '--5', '--out', '@/s.json'], match: /--n needs a value/, absent: ['s.json'] },
  { klass: 'options', name: '--json=maybe', args: [...exact(), '--json=maybe', '--out', '@/s.json'], match: /--json is a flag: give it alone or as --json=true\|false, not 'maybe'/, absent: ['s.json'] },
  { klass: 'options', name: '--json=false prints for people', status: 0, args: [...exact(), '--json=false', '--out', '@/s.json'], match: /^20 samples with em on vp/, check: (_d, r) => assert.throws(() => JSON.parse(r.stdout)) },
  { klass: 'options', name: '--json=true prints JSON', status: 0, args: [...exact(), '--json=true', '--out', '@/s.json'], match: /"out"/, check: (_d, r) => assert.equal(JSON.parse(r.stdout).n, 20) },
  { klass: 'options', name: '--steps=', args: [...exact(), '--steps=', '--out', '@/s.json'], match: /--steps needs a value/, absent: ['s.json'] },

  // CSV for eval
  { klass: 'csv', name: 'an empty field', args: ['eval', '--samples', '@/s.csv', '--data', '8gaussians'], setup: (d) => writeFileSync(join(d, 's.csv'), 'x0,x1\n1,2\n3,\n5,6\n'), match: /s\.csv: row 3, column 2: empty field/ },
  { klass: 'csv', name: 'a lone space', args: ['eval', '--samples', '@/s.csv', '--data', '8gaussians'], setup: (d) => writeFileSync(join(d, 's.csv'), '1,2\n 3,4\n5, \n'), match: /row 3, column 2: empty field/ },
  { klass: 'csv', name: 'hexadecimal 0x10', args: ['eval', '--samples', '@/s.csv', '--data', '8gaussians'], setup: (d) => writeFileSync(join(d, 's.csv'), '1,2\n0x10,4\n5,6\n'), match: /row 2, column 1: '0x10' is not a decimal number/ },
  { klass: 'csv', name: 'Infinity', args: ['eval', '--samples', '@/s.csv', '--data', '8gaussians'], setup: (d) => writeFileSync(join(d, 's.csv'), '1,2\n3,Infinity\n5,6\n'), match: /row 2, column 2: 'Infinity' is not a decimal number/ },
  { klass: 'csv', name: 'a ragged row', args: ['eval', '--samples', '@/s.csv', '--data', '8gaussians'], setup: (d) => writeFileSync(join(d, 's.csv'), '1,2\n3,4,5\n5,6\n'), match: /row 2 has 3 fields, the first row 2/ },
  { klass: 'csv', name: 'a first row with e (1e-3) is data', status: 0, args: ['eval', '--samples', '@/s.csv', '--data', '8gaussians', '--json'], setup: (d) => writeFileSync(join(d, 's.csv'), '1e-3,2e0\n3,4\n5,6\n'), match: /"n": 3/ },

  // discretisation boundaries
  { klass: 'discretisation', name: 'VP ancestral, N = β_max = 20', args: [...exact(), '--sampler', 'ancestral', '--steps', '20', '--out', '@/s.json'], match: /use N ≥ 21 \(N > β_max = 20\)/, absent: ['s.json'] },
  { klass: 'discretisation', name: 'VP ancestral, N = 21 (the count recommended)', status: 0, args: [...exact(), '--sampler', 'ancestral', '--steps', '21', '--out', '@/s.json'], match: /20 samples with ancestral/, check: (d) => assert.ok(JSON.parse(readFileSync(join(d, 's.json'), 'utf8')).samples.flat().every(Number.isFinite)) },
  { klass: 'discretisation', name: 'VP reverse diffusion, N = 19', args: [...exact(), '--sampler', 'rd', '--steps', '19', '--out', '@/s.json'], match: /use N ≥ 20 \(N ≥ β_max = 20\)/, absent: ['s.json'] },
  { klass: 'discretisation', name: 'VP reverse diffusion, N = 20 (the count recommended)', status: 0, args: [...exact(), '--sampler', 'rd', '--steps', '20', '--out', '@/s.json'], match: /20 samples with rd/, check: (d) => assert.ok(JSON.parse(readFileSync(join(d, 's.json'), 'utf8')).samples.flat().every(Number.isFinite)) },
  { klass: 'discretisation', name: 'VE ancestral, N = 2', status: 0, args: [...exact('ve'), '--sampler', 'ancestral', '--steps', '2', '--out', '@/s.json'], match: /20 samples with ancestral on ve/ },

  // sizes checked up front
  { klass: 'sizes', name: 'sample --n 1e9', args: [...exact(), '--n', '1e9', '--out', '@/s.json'], match: /needs about .* GiB of memory .*lower --n or raise --max-memory/, absent: ['s.json'] },
  { klass: 'sizes', name: 'sample --n 1e12', args: [...exact(), '--n', '1e12', '--out', '@/s.json'], match: /needs about .* GiB of memory .*lower --n/, absent: ['s.json'] },
  { klass: 'sizes', name: 'sample --steps 1e12 (Karras grid)', args: [...exact('edm'), '--sampler', 'ode-heun', '--grid', 'karras', '--steps', '1e12', '--out', '@/s.json'], match: /a grid of 1000000000000 steps.*lower --steps/, absent: ['s.json'] },
  { klass: 'sizes', name: 'sample --n 1e7 --max-memory 0.01', args: [...exact(), '--n', '1e7', '--max-memory', '0.01', '--out', '@/s.json'], match: /more than the limit of 10\.2 MiB; lower --n or raise --max-memory/, absent: ['s.json'] },
  { klass: 'sizes', name: 'sample --threads 1000 for 50 rows: capped, the same samples', status: 0, args: [...exact(), '--n', '50', '--threads', '1000', '--out', '@/s.json'], match: /50 samples/ },
  { klass: 'sizes', name: 'train --width 100000', args: ['train', '--data', '8gaussians', '--width', '100000', '--out', '@/m.ckpt'], match: /parameters .*lower --width or --depth/, absent: ['m.ckpt'] },
  { klass: 'sizes', name: 'train --batch 2e8', args: ['train', '--data', '8gaussians', '--batch', '2e8', '--out', '@/m.ckpt'], match: /activations of a batch of 200000000.*lower --batch/, absent: ['m.ckpt'] },
  { klass: 'sizes', name: 'train --steps 1e12', args: ['train', '--data', '8gaussians', '--steps', '1e12', '--out', '@/m.ckpt'], match: /the loss of 1000000000000 steps.*lower --steps/, absent: ['m.ckpt'] },
  { klass: 'sizes', name: 'nll --n 1e9', args: ['nll', '--score', 'exact', '--sde', 'vp', '--data', 'gmm:@/mix.json', '--n', '1e9'], match: /1000000000 points through the ODE.*lower --n/ },

  // non-finite and overflowing inputs
  { klass: 'non-finite', name: 'a mixture mean of 1e300 (sample)', args: ['sample', '--score', 'exact', '--data', 'gmm:@/big.json', '--sde', 'vp', '--steps', '5', '--n', '20', '--out', '@/s.json'], setup: (d) => writeFileSync(join(d, 'big.json'), JSON.stringify({ ...MIX, means: [[1e300, 0], [2, 1]] })), match: /means\[0\] has an entry of magnitude 1e\+300, above 1000000000000000/, absent: ['s.json'] },
  { klass: 'non-finite', name: 'a mixture mean of 1e300 (eval)', args: ['eval', '--samples', '@/s.csv', '--data', 'gmm:@/big.json'], setup: (d) => { writeFileSync(join(d, 'big.json'), JSON.stringify({ ...MIX, means: [[1e300, 0], [2, 1]] })); writeFileSync(join(d, 's.csv'), '1,2\n3,4\n'); }, match: /means\[0\] has an entry of magnitude/ },
  { klass: 'non-finite', name: 'a mixture mean of 1e300 (nll)', args: ['nll', '--score', 'exact', '--sde', 'vp', '--data', 'gmm:@/big.json', '--n', '5'], setup: (d) => writeFileSync(join(d, 'big.json'), JSON.stringify({ ...MIX, means: [[1e300, 0], [2, 1]] })), match: /means\[0\] has an entry of magnitude/ },
  { klass: 'non-finite', name: 'finite weights that overflow (×1e200): samples refused, not written', args: ['sample', '--ckpt', '@/k.ckpt', '--steps', '5', '--n', '20', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, tensors: c.tensors.map((t) => ({ ...t, data: t.data.map((v) => v * 1e200) })) })), match: /euler-maruyama: the state is not finite after step 1 \(t = 1 → 0\.8002\): (NaN|-?Infinity) at row \d+, column \d+/, absent: ['s.json'] },
  { klass: 'non-finite', name: 'the same with --check-finite 0: the final samples are refused', args: ['sample', '--ckpt', '@/k.ckpt', '--steps', '5', '--n', '20', '--check-finite', '0', '--out', '@/s.json'], setup: (d) => recode(fx('m.ckpt'), join(d, 'k.ckpt'), (c) => ({ ...c, tensors: c.tensors.map((t) => ({ ...t, data: t.data.map((v) => v * 1e200) })) })), match: /the samples are not finite \((NaN|-?Infinity) at row \d+, column \d+; \d+ of 40 values\) after em on vp with 5 steps/, absent: ['s.json'] },

  // internal errors
  { klass: 'internal', name: 'a bug: exit 70, please report, one line', status: 70, nodeArgs: ['--import', bugFixture], args: [...exact(), '--backend', 'bug', '--out', '@/s.json'], match: /^scorekit: internal error \(TypeError: Cannot read properties of undefined \(reading 'view'\)\); this is a bug, please report it/, absent: ['s.json'] },
  { klass: 'internal', name: 'a bug with --debug: the stack follows', status: 70, nodeArgs: ['--import', bugFixture], args: [...exact(), '--backend', 'bug', '--debug', '--out', '@/s.json'], match: /internal error[\s\S]*\n\s+at /, absent: ['s.json'] },
];

interface Outcome { c: Case; r: Result; dir: string }
const outcomes: Outcome[] = [];

async function pool<T>(items: readonly T[], width: number, f: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await f(items[i], i);
    }
  }));
}

describe('hostile input against the command line', () => {
  before(async () => {
    writeFileSync(fx('mix.json'), JSON.stringify(MIX));
    const t = spawnSync(process.execPath, [main, 'train', '--data', '8gaussians', '--sde', 'vp', '--steps', '3', '--width', '4', '--depth', '1', '--batch', '16', '--out', fx('m.ckpt')], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    await pool(CASES, 2, async (c, i) => {
      const dir = join(root, `case-${i}`);
      mkdirSync(dir);
      copyFileSync(fx('mix.json'), join(dir, 'mix.json'));
      c.setup?.(dir);
      const args = c.args.map((a) => a.replace(/^(gmm:)?@/, (_m, g: string | undefined) => `${g ?? ''}${dir}`));
      outcomes[i] = { c, r: await runAsync(args, c.nodeArgs), dir };
    });
  });
  after(() => {
    const classes = [...new Set(CASES.map((c) => c.klass))];
    const rows = classes.map((k) => {
      const os = outcomes.filter((o) => o.c.klass === k);
      const refusals = os.filter((o) => (o.c.status ?? 2) !== 0 && o.r.status === (o.c.status ?? 2));
      const accepts = os.filter((o) => (o.c.status ?? 2) === 0 && o.r.status === 0);
      const silent = os.filter((o) => (o.c.status ?? 2) !== 0 && o.r.status === 0);
      return `${k.padEnd(15)} ${String(os.length).padStart(5)} ${String(refusals.length).padStart(8)} ${String(accepts.length).padStart(7)} ${String(silent.length).padStart(6)} ${String(os.filter((o) => o.r.hung).length).padStart(5)}`;
    });
    process.stdout.write(`# class           cases  refused  accepts  silent  hangs\n${rows.map((r) => `# ${r}`).join('\n')}\n`);
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.klass}: ${c.name}`, () => {
      const { r, dir } = outcomes[i];
      const want = c.status ?? 2;
      assert.ok(!r.hung, `hung (killed after ${HANG_S} s)`);
      assert.equal(r.status, want, `exit ${r.status}, expected ${want}: ${r.stderr}${r.stdout}`);
      if (want === 0) {
        assert.match(r.stdout, c.match);
        assert.equal(r.stderr.replace(/^.*\r.*$/gm, '').trim(), '', `no stderr: ${r.stderr}`);
      } else {
        if (want === 2) assert.equal(r.stderr.trim().split('\n').length, 1, `one line on stderr: ${r.stderr}`);
        else if (!c.args.includes('--debug')) assert.equal(r.stderr.trim().split('\n').length, 1, `one line on stderr: ${r.stderr}`);
        assert.match(r.stderr, c.match);
        assert.equal(r.stdout, '', 'nothing on stdout');
      }
      for (const f of c.absent ?? []) assert.ok(!existsSync(join(dir, f)), `${f} must not be written`);
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'mix.json'), 'utf8')), MIX, 'the input is unchanged');
      c.check?.(dir, r);
    });
  }
});
