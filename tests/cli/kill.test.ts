/**
 * Kills at random moments: SIGKILL, SIGTERM and SIGINT sent to `scorekit train` and `scorekit sample`
 * at a random time in their run never leave a truncated target (it is absent, the previous complete
 * file, or a complete new one); SIGTERM and SIGINT leave no temporary file, and after a SIGKILL the
 * next run to the same target removes the one left. The moments come from a seed printed on failure
 * (SCOREKIT_KILL_SEED replays it).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'sk-kill-'));
const seed = Number(process.env.SCOREKIT_KILL_SEED ?? Date.now() % 1e9);
const mix = join(root, 'mix.json');
writeFileSync(mix, JSON.stringify({ weights: [0.5, 0.5], means: [[-1, 0], [1, 0]], covs: [[[0.2, 0], [0, 0.2]], [[0.2, 0], [0, 0.2]]] }));

/** mulberry32: a small seeded generator for the kill moments. */
function rng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Run the command; kill it after `killAfterMs`, or (`onTempIn`) as soon as a temporary file appears in that directory. */
function run(args: string[], kill?: { signal: NodeJS.Signals; afterMs?: number; onTempIn?: string }): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (b) => (stderr += b));
    const timer = kill?.afterMs !== undefined ? setTimeout(() => p.kill(kill.signal), kill.afterMs) : undefined;
    const watcher = kill?.onTempIn !== undefined ? watch(kill.onTempIn, (_e, name) => {
      if (name?.endsWith('.tmp')) p.kill(kill.signal);
    }) : undefined;
    p.on('close', (status, sig) => {
      if (timer) clearTimeout(timer);
      watcher?.close();
      resolve({ status, signal: sig, stderr });
    });
  });
}

const temps = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

interface Job {
  readonly name: string;
  readonly args: (dir: string) => string[];
  /** The targets, and a check that a present target is complete. */
  readonly targets: readonly string[];
  readonly complete: (path: string) => void;
  /** About how long a run takes, in ms (kills land in [0, 1.3×] of it). */
  readonly ms: number;
}

const JOBS: Job[] = [
  {
    name: 'train',
    args: (d) => ['train', '--data', '8gaussians', '--steps', '150', '--width', '16', '--depth', '2', '--batch', '64', '--out', join(d, 'm.ckpt'), '--plot', join(d, 'loss.png')],
    targets: ['m.ckpt', 'loss.png'],
    complete: (p) => {
      if (p.endsWith('.ckpt')) assert.doesNotThrow(() => sk.decodeCheckpoint(readFileSync(p)), p);
      else assert.deepEqual([...readFileSync(p).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], p);
    },
    ms: 3000,
  },
  {
    name: 'sample',
    args: (d) => ['sample', '--score', 'exact', '--data', `gmm:${mix}`, '--sde', 'vp', '--sampler', 'em', '--steps', '30', '--n', '20000', '--out', join(d, 's.json')],
    targets: ['s.json'],
    complete: (p) => assert.equal(JSON.parse(readFileSync(p, 'utf8')).samples.length, 20000, p),
    ms: 1800,
  },
];

describe('kills at random moments', () => {
  it('never leave a truncated target, and no temporary file after the next run', async () => {
    const rand = rng(seed);
    const signals: NodeJS.Signals[] = ['SIGKILL', 'SIGTERM', 'SIGINT'];
    // per job and signal: two kills at random moments, one as the first temporary file appears (during the write)
    const trials = JOBS.flatMap((j) => signals.flatMap((s) => [0, 1, 2].map((k) => ({ j, s, duringWrite: k === 2 }))));
    let kills = 0;
    let present = 0;
    let stale = 0;
    const pending = [...trials.entries()];
    const worker = async (): Promise<void> => {
      for (let next = pending.shift(); next; next = pending.shift()) {
        const [i, { j, s, duringWrite }] = next;
        const dir = join(root, `${j.name}-${i}`);
        mkdirSync(dir);
        const at = Math.round(rand() * 1.3 * j.ms);
        const why = `seed ${seed}: ${j.name} ${s} ${duringWrite ? 'during the write' : `after ${at} ms`}`;
        const r = await run(j.args(dir), duringWrite ? { signal: s, onTempIn: dir } : { signal: s, afterMs: at });
        if (r.signal !== null || r.status === 130 || r.status === 143) kills++;
        for (const t of j.targets) {
          if (existsSync(join(dir, t))) {
            present++;
            j.complete(join(dir, t));
          }
        }
        stale += temps(dir).length;
        if (s !== 'SIGKILL') assert.deepEqual(temps(dir), [], `${why}: no temporary file after ${s}`);
        if (r.status !== 0 && r.signal === null && r.status !== 130 && r.status !== 143) assert.fail(`${why}: exit ${r.status}: ${r.stderr}`);
        const again = await run(j.args(dir));
        assert.equal(again.status, 0, `${why}: the next run: ${again.stderr}`);
        for (const t of j.targets) j.complete(join(dir, t));
        assert.deepEqual(temps(dir), [], `${why}: no temporary file after the next run`);
      }
    };
    await Promise.all([worker(), worker()]);
    process.stdout.write(`# seed ${seed}: ${trials.length} runs, ${kills} killed, ${present} complete targets after a kill, ${stale} temporary files left by SIGKILL (removed by the next run)\n`);
    assert.ok(kills >= trials.length / 3, `seed ${seed}: only ${kills} of ${trials.length} runs were killed (the moments missed the runs)`);
  });
});
