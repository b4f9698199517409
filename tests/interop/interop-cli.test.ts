import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { badInput, ok, runCli } from '../cli/run-cli.js';
import { INTEROP_FIXTURES } from '../fixtures/interop-checkpoint.js';
import { resolveScore } from '../../cli/sample-job.js';
import { classify } from '../../cli/errors.js';
import { ordersCommand } from '../../cli/commands/orders.js';
import { nllCommand } from '../../cli/commands/nll.js';
import type { Parsed } from '../../cli/args.js';
import * as sk from '../../index.js';

const onnx = (name: string): string => `onnx:${join(INTEROP_FIXTURES, name)}`;
/** What a command prints with --json, run in this process. */
async function printed(run: () => Promise<void>): Promise<unknown> {
  const write = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string) => {
    text += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(text);
}

const samples = async (file: string): Promise<number[][]> => (JSON.parse(await fs.readFile(file, 'utf8')) as { samples: number[][] }).samples;

describe('interoperability on the command line', () => {
  it('train writes .safetensors, sample reads it; a corrupted byte is refused', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'sk-interop-'));
    const ckpt = join(dir, 'm.safetensors');
    ok(runCli('train', '--data', 'moons', '--sde', 'vp', '--loss', 'dsm', '--steps', '5', '--width', '8', '--depth', '1', '--batch', '16', '--ema', '0.9', '--out', ckpt));
    const bytes = await fs.readFile(ckpt);
    assert.equal(bytes[8], 0x7b, 'a safetensors header follows the length');
    ok(runCli('sample', '--ckpt', ckpt, '--steps', '5', '--n', '10', '--out', join(dir, 's.json')));
    assert.equal((await samples(join(dir, 's.json'))).length, 10);
    const bad = Buffer.from(bytes);
    bad[bytes.length - 3] ^= 0x04;
    await fs.writeFile(join(dir, 'bad.safetensors'), bad);
    badInput(['sample', '--ckpt', join(dir, 'bad.safetensors'), '--steps', '5', '--n', '10', '--out', join(dir, 'bad.json')], /bad\.safetensors: corrupted \(CRC-32 mismatch over the header and data\)/, join(dir, 'bad.json'));
  });

  it('--score onnx:FILE samples (with --threads), and gives nll and strong orders', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'sk-interop-'));
    ok(runCli('sample', '--score', onnx('mlp-vp.onnx'), '--sde', 'vp', '--sampler', 'em', '--steps', '8', '--n', '32', '--threads', '2', '--out', join(dir, 'a.json')));
    const be = await sk.getBackend('cpu');
    const { score } = await resolveScore({ score: onnx('mlp-vp.onnx'), sde: 'vp' }, be);
    const single = await sk.runSampler(sk.random.key(0), sk.SAMPLERS.em, sk.vpSde(), score, { n: 32, d: 2, steps: 8, eps: 1e-3, backend: be });
    assert.deepEqual(await samples(join(dir, 'a.json')), await single.x.array(), 'the threads give the rows of the one-process run');
    const nll = await printed(() => nllCommand.run({ score: onnx('mlp-vp.onnx'), sde: 'vp', data: 'moons', n: 8, seed: 0, backend: 'cpu', json: true } as unknown as Parsed));
    assert.ok(Number.isFinite((nll as { nll: number }).nll));
    const orders = await printed(() => ordersCommand.run({ score: onnx('mlp-vp.onnx'), sde: 'vp', strong: true, samplers: 'em', steps: '4,8', eps: 1e-3, seed: 0, json: true } as unknown as Parsed));
    assert.equal((orders as { rows: unknown[] }).rows.length, 1);
  });

  it('ONNX models of the wrong shapes, a missing runtime and misuse are refused with one line, exit 2', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'sk-interop-'));
    const out = join(dir, 'x.json');
    const sample = (score: string, sde = 'vp'): string[] => ['sample', '--score', score, '--sde', sde, '--n', '10', '--steps', '4', '--out', out];
    // the same checks in process: each is a bad-input refusal (exit 2)
    const be = await sk.getBackend('cpu');
    const refused = async (p: Promise<unknown>, pattern: RegExp): Promise<void> => {
      await assert.rejects(p, (e: Error) => pattern.test(e.message) && classify(e) === 'bad-input');
    };
    await refused(resolveScore({ score: onnx('wrong-output.onnx'), sde: 'vp' }, be), /wrong-output.onnx: the model maps x \[n, 2\] to a score \[n, 3\]; on vp a score of 3-dimensional data takes x \[n, 3\]/);
    await refused(resolveScore({ score: onnx('one-input.onnx'), sde: 'vp' }, be), /one-input.onnx: the model has 1 input \(x\), not 2/);
    await refused(resolveScore({ score: onnx('mlp-vp.onnx'), sde: 'cld' }, be), /on cld a score of 2-dimensional data takes x \[n, 4\]/);
    await refused(resolveScore({ score: 'onnx:', sde: 'vp' }, be), /--score onnx:FILE needs a file name/);
    await refused(resolveScore({ score: onnx('mlp-vp.onnx') }, be), /--score onnx:FILE needs --sde/);
    const gmm3 = join(dir, 'g3.json');
    await fs.writeFile(gmm3, JSON.stringify({ weights: [1], means: [[0, 0, 0]], covs: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]] }));
    await refused(resolveScore({ score: onnx('mlp-vp.onnx'), sde: 'vp', data: `gmm:${gmm3}` }, be), /--data has dimension 3, the ONNX score 2/);
    await refused(ordersCommand.run({ score: onnx('mlp-vp.onnx'), sde: 'vp', steps: '4,8', eps: 1e-3 } as unknown as Parsed), /--score onnx:FILE needs --strong/);
    const hook = fileURLToPath(new URL('../fixtures/no-onnxruntime.js', import.meta.url));
    const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', hook, main, ...sample(onnx('mlp-vp.onnx'))], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^scorekit: onnxruntime-node failed to load \(.*\); install it with npm/);
    await assert.rejects(fs.access(out));
  });
});
