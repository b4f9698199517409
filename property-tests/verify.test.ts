/**
 * The `scorekit verify` properties on every backend of this machine. A backend that is not registered
 * is skipped with a visible reason, never silently.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../index.js';

/** Every concrete backend of the registry but the reference; one that cannot start here is skipped with its reason. */
const CANDIDATES = sk.listBackendSpecs().filter((s) => s !== 'cpu:float64');
const RUNS = 20;
// one at a time: the tfjs engines share one TensorFlow.js instance, whose engine set-up does not interleave
const unavailable = new Map<string, string>();
for (const s of CANDIDATES) unavailable.set(s, await sk.getBackend(s).then(() => '', (e: Error) => e.message.split('\n')[0]));

describe('verify: every backend against cpu:float64', () => {
  it('the registry lists the built-in engines', () => {
    for (const s of ['cpu:float32', 'gpujs:webgpu', 'gpujs:wasm', 'gpujs:cpu', 'tfjs:cpu', 'tfjs:wasm', 'tfjs:webgpu', 'tfjs:tensorflow']) assert.ok(CANDIDATES.includes(s), `${s} missing from ${CANDIDATES.join(', ')}`);
  });
  for (const spec of CANDIDATES) {
    const why = unavailable.get(spec);
    it(spec, { skip: why ? `not available here: ${why}` : false }, async () => {
      const rows = await sk.verify.verifyBackend(await sk.getBackend(spec), { reference: await sk.getBackend('cpu:float64'), runs: RUNS, seed: 7 });
      const failed = rows.filter((r) => !r.pass);
      assert.equal(failed.length, 0, sk.verify.formatVerify(failed));
      assert.ok(rows.length > sk.verify.OP_CASES.length, `${rows.length} properties`);
    });
  }
});
