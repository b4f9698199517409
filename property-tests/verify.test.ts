/**
 * The `scorekit verify` properties on every backend of this machine. A backend that is not registered
 * is skipped with a visible reason, never silently.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../index.js';

const CANDIDATES = ['cpu:float32', 'gpujs:webgpu', 'gpujs:wasm', 'gpujs:cpu', 'tfjs:cpu', 'tfjs:wasm', 'tfjs:webgpu'];
const RUNS = 20;

describe('verify: every backend against cpu:float64', () => {
  for (const spec of CANDIDATES) {
    const parsed = sk.parseBackendSpec(spec);
    const why = parsed._tag === 'Left' ? parsed.left : '';
    it(spec, { skip: why ? `not available here: ${why}` : false }, async () => {
      const rows = await sk.verify.verifyBackend(await sk.getBackend(spec), { reference: await sk.getBackend('cpu:float64'), runs: RUNS, seed: 7 });
      const failed = rows.filter((r) => !r.pass);
      assert.equal(failed.length, 0, sk.verify.formatVerify(failed));
      assert.ok(rows.length > sk.verify.OP_CASES.length, `${rows.length} properties`);
    });
  }
});
