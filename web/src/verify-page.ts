/**
 * The verify page: the cross-backend property suite (sk.verify.verifyBackend, the one `scorekit
 * verify` runs) against the backends this browser has, with cpu:float64 as the reference, printed as
 * the same table. `?backends=a,b&runs=N` chooses; `&auto` runs on load. window.scorekitVerify.run
 * returns the rows (used by the end-to-end test).
 */
import * as sk from 'scorekit';
import { probeBackends, probeText } from './backends.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

async function run(specs: readonly string[], runs: number, seed = 0): Promise<sk.verify.VerifyRow[]> {
  const ref = await sk.getBackend('cpu:float64');
  const rows: sk.verify.VerifyRow[] = [];
  for (const spec of specs) {
    $('status').textContent = `verifying ${spec} …`;
    const be = await sk.getBackend(spec);
    rows.push(...await sk.verify.verifyBackend(be, { reference: ref, runs, seed }));
    $('table').textContent = sk.verify.formatVerify(rows);
  }
  const failed = rows.filter((r) => !r.pass).length;
  $('status').textContent = `${specs.join(', ')}: ${rows.length - failed} properties pass, ${failed} fail`;
  return rows;
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const probes = await probeBackends();
  $('backends').textContent = probeText(probes);
  const found = probes.filter((p) => p.name && p.spec !== 'cpu').map((p) => p.spec);
  const input = $<HTMLInputElement>('specs');
  // gpu.js's wasm and cpu modes build a kernel (and a WebAssembly memory) per op signature: slow in a page
  input.value = q.get('backends') ?? found.filter((s) => s !== 'gpujs:cpu' && s !== 'gpujs:wasm').join(',');
  const runsInput = $<HTMLInputElement>('runs');
  runsInput.value = q.get('runs') ?? '5';
  const go = (): Promise<sk.verify.VerifyRow[]> => run(input.value.split(',').map((s) => s.trim()).filter(Boolean), Number(runsInput.value) || 5);
  $('run').addEventListener('click', () => void go().catch((e) => { $('status').textContent = `error: ${(e as Error).message}`; }));
  (window as unknown as { scorekitVerify: unknown }).scorekitVerify = { run, probes };
  $('status').textContent = 'ready';
  if (q.has('auto')) await go();
}

void main().catch((e) => { $('status').textContent = `error: ${(e as Error).message}`; });
