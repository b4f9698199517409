/**
 * W4: peak resident memory of one SSCS run with the exact GMM score, in a process of its
 * own so that the peak belongs to that run. Prints one JSON line:
 *   { id: 'w4', backend, steps, n, baseMiB, peakMiB, stateMiB, seconds }
 * baseMiB is the RSS after loading and a warm-up (16 384 particles, 30 steps), peakMiB the process's
 * peak RSS at the end.
 * With CHUNK, the particles are sampled CHUNK rows at a time (sampleChunked: the same result).
 * Usage: node dist/bench/memory.js BACKEND STEPS PARTICLES [CHUNK]
 */
import { readFileSync } from 'node:fs';
import * as sk from '../index.js';
import { FULL, type Runner, scorekitRunner, stateMiB, w1Setup, workloads } from './workloads.js';

/** W1's SSCS runner at n particles with a schedule of `steps` steps. */
function sscsRunner(be: sk.Backend, n: number, steps: number): Runner {
  const z = { ...FULL, w1Particles: n, samplerSteps: steps };
  return scorekitRunner(workloads(z).find((w) => w.id === 'w1-sscs')!, z, be);
}

/**
 * This process image's peak RSS: VmHWM from /proc on Linux (ru_maxrss survives exec there, so a child
 * of a large parent would report the parent's peak, not its own), else maxRSS.
 */
function peakRssMiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const WARM_PARTICLES = 16_384;
const WARM_STEPS = 30;

async function main(): Promise<void> {
  const [spec, stepsArg, nArg, chunkArg] = process.argv.slice(2);
  const steps = Number(stepsArg);
  const n = Number(nArg);
  const chunk = chunkArg === undefined ? 0 : Number(chunkArg);
  if (!spec || !Number.isInteger(steps) || steps < 1 || !Number.isInteger(n) || n < 1 || !Number.isInteger(chunk) || chunk < 0) {
    throw new Error('usage: memory.js BACKEND STEPS PARTICLES [CHUNK] (positive integers)');
  }
  const be = await sk.getBackend(spec);
  // the warm-up takes the measured run's code path (compiled kernels and functions count in the base)
  const run = async (m: number, k: number): Promise<void> => {
    if (chunk > 0) {
      const s = await w1Setup({ method: 'sscs', n: m, steps: k, backend: spec });
      (await sk.sampleChunked(s.key, s.options, { chunk })).x.dispose();
    } else await sscsRunner(be, m, k).run(k);
  };
  // the warm-up is long enough for the JS heap's young generation to have been collected several
  // times, so its pages (a fixed cost of the runtime, ~5–7 MiB, independent of n and the steps) are
  // in the base: with 1000 particles × 2 steps they were not, and they counted against the run
  await run(WARM_PARTICLES, WARM_STEPS);
  const base = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  await run(n, steps);
  const seconds = (performance.now() - t0) / 1000;
  const peak = peakRssMiB();
  process.stdout.write(JSON.stringify({ id: 'w4', backend: chunk > 0 ? `${be.name} (chunks of ${chunk})` : be.name, steps, n, baseMiB: base, peakMiB: peak, stateMiB: stateMiB(n), seconds }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`memory.js: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
