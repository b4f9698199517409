/**
 * W4 (issue 10): peak resident memory of one SSCS run with the exact GMM score, in a process of its
 * own so that the peak belongs to that run. Prints one JSON line:
 *   { id: 'w4', backend, steps, n, baseMiB, peakMiB, stateMiB, seconds }
 * baseMiB is the RSS after loading and a small warm-up, peakMiB the process's peak RSS at the end.
 * Usage: node dist/bench/memory.js BACKEND STEPS PARTICLES
 */
import * as sk from '../index.js';
import { FULL, type Runner, scorekitRunner, stateMiB, workloads } from './workloads.js';

/** W1's SSCS runner at n particles with a schedule of `steps` steps. */
function sscsRunner(be: sk.Backend, n: number, steps: number): Runner {
  const z = { ...FULL, w1Particles: n, samplerSteps: steps };
  return scorekitRunner(workloads(z).find((w) => w.id === 'w1-sscs')!, z, be);
}

async function main(): Promise<void> {
  const [spec, stepsArg, nArg] = process.argv.slice(2);
  const steps = Number(stepsArg);
  const n = Number(nArg);
  if (!spec || !Number.isInteger(steps) || steps < 1 || !Number.isInteger(n) || n < 1) {
    throw new Error('usage: memory.js BACKEND STEPS PARTICLES (positive integers)');
  }
  const be = await sk.getBackend(spec);
  await sscsRunner(be, 1000, 2).run(2);
  const base = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  await sscsRunner(be, n, steps).run(steps);
  const seconds = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ id: 'w4', backend: be.name, steps, n, baseMiB: base, peakMiB: peak, stateMiB: stateMiB(n), seconds }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`memory.js: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
