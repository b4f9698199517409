/**
 * W4 (issue 10): peak resident memory of one SSCS run with the exact GMM score, in a process of its
 * own so that the peak belongs to that run. Prints one JSON line:
 *   { id: 'w4', backend, steps, n, baseMiB, peakMiB, stateMiB, seconds }
 * baseMiB is the RSS after loading and a small warm-up, peakMiB the process's peak RSS at the end.
 * Usage: node dist/bench/memory.js BACKEND STEPS PARTICLES
 */
import * as sk from '../index.js';
import { benchMixture } from './workloads.js';

async function main(): Promise<void> {
  const [spec, stepsArg, nArg] = process.argv.slice(2);
  const steps = Number(stepsArg);
  const n = Number(nArg);
  if (!spec || !Number.isInteger(steps) || steps < 1 || !Number.isInteger(n) || n < 1) {
    throw new Error('usage: memory.js BACKEND STEPS PARTICLES (positive integers)');
  }
  const be = await sk.getBackend(spec);
  const sde = sk.cldSde();
  const stepper = sk.sscs(sde, sk.exactScore(sde, benchMixture()));
  const grid = sk.timeGrid({ steps, T: sde.T, eps: 1e-3 });
  const run = async (m: number, s: number): Promise<void> => {
    const x0 = sde.priorSample(sk.random.key(1), m, 2, { backend: be, dtype: 'float32' });
    const r = sk.integrate(stepper, x0, grid.subarray(0, s + 1), sk.random.key(2));
    await r.x.data();
    x0.dispose();
    r.x.dispose();
  };
  await run(1000, 2);
  const base = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  await run(n, steps);
  const seconds = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ id: 'w4', backend: be.name, steps, n, baseMiB: base, peakMiB: peak, stateMiB: (n * 4 * 4) / 2 ** 20, seconds }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`memory.js: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
