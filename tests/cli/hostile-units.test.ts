/**
 * Hostile input, in process: option values, numeric CSV, checkpoint bytes and headers, model
 * metadata against its tensors, output-path planning, and the split between bad input and internal
 * errors. Properties run with fast-check (the seed is printed on failure).
 */
import assert from 'node:assert/strict';
import { linkSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import * as sk from '../../index.js';
import { craftedCheckpoint } from '../fixtures/crafted-checkpoint.js';
import { checkProperty } from '../helpers.js';
import { parseOptions, type OptionSpec } from '../../cli/args.js';
import { parseNumericCsv } from '../../cli/csv.js';
import { classify, InputError, report } from '../../cli/errors.js';
import { checkModelCheckpoint, expectedShapes, META_SCHEMA, SDE_SCHEMA } from '../../cli/model-meta.js';
import { buildNet, type ModelMeta } from '../../cli/specs.js';
import { planOutputs, removeStaleTemps } from '../../io/outputs.js';

const SPECS: Record<string, OptionSpec> = {
  out: { kind: 'string', help: '' },
  n: { kind: 'int', min: 1, default: 10, help: '' },
  lr: { kind: 'number', help: '' },
  json: { kind: 'flag', help: '' },
};

describe('hostile input: option values', () => {
  it('a value that looks like an option is refused, never taken as the value', () => {
    checkProperty('option as value', fc.property(fc.constantFrom('out', 'n', 'lr'), fc.constantFrom('--json', '--n', '--out', '--x', '--'), (name, next) => {
      const r = parseOptions([`--${name}`, next], SPECS);
      assert.ok(E.isLeft(r), `--${name} ${next} accepted`);
      assert.match(r.left.join('; '), new RegExp(`--${name} needs a value`));
    }), 40);
    const r = parseOptions(['--out=--json'], SPECS);
    assert.ok(E.isRight(r) && r.right.out === '--json' && r.right.json === undefined, 'the = form names a file starting with --');
    const neg = parseOptions(['--lr', '-0.5'], SPECS);
    assert.ok(E.isRight(neg) && neg.right.lr === -0.5, 'a negative number is a value');
  });
  it('flags take no value or an explicit boolean', () => {
    const truth: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false, TRUE: true, No: false };
    checkProperty('flag values', fc.property(fc.oneof(fc.constantFrom(...Object.keys(truth)), fc.string({ maxLength: 6 })), (v) => {
      const r = parseOptions([`--json=${v}`], SPECS);
      if (v in truth) assert.ok(E.isRight(r) && r.right.json === truth[v], `--json=${v}`);
      else if (v.toLowerCase() in truth) assert.ok(E.isRight(r) && r.right.json === truth[v.toLowerCase()]);
      else assert.ok(E.isLeft(r) && /--json is a flag/.test(r.left[0]), `--json=${v} must be refused`);
    }), 100);
    const plain = parseOptions(['--json'], SPECS);
    assert.ok(E.isRight(plain) && plain.right.json === true);
  });
  it('numbers: empty, hexadecimal-free checks keep their messages', () => {
    for (const [v, re] of [['', /--n needs a value/], ['abc', /must be a number/], ['1.5', /must be an integer/], ['0', /must be ≥ 1/], ['Infinity', /must be a number/]] as const) {
      const r = parseOptions([`--n=${v}`], SPECS);
      assert.ok(E.isLeft(r), v);
      assert.match(r.left[0], re);
    }
  });
});

describe('hostile input: numeric CSV', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
  it('numbers written as decimals come back exactly, with or without a header', () => {
    checkProperty('csv round trip', fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(finite, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.boolean(), fc.constantFrom('\n', '\r\n'), (d, rows, header, nl) => {
      const rs = rows.map((r) => r.slice(0, d));
      const text = [...(header ? [Array.from({ length: d }, (_, i) => `x${i}`).join(',')] : []), ...rs.map((r) => r.map((v, j) => (j % 2 ? v.toExponential() : String(v))).join(','))].join(nl) + nl;
      const got = parseNumericCsv(text, 'f.csv');
      assert.deepEqual(got.rows, rs.map((r) => r.map((v) => (v === 0 ? 0 : v)))); // -0 is written as 0
      assert.equal(got.header !== undefined, header);
    }), 200);
  });
  it('a first row of numbers with an e (1e-3) is data, not a header', () => {
    const got = parseNumericCsv('1e-3,2E+1\n3,4\n', 'f.csv');
    assert.deepEqual(got.rows, [[0.001, 20], [3, 4]]);
  });
  it('one bad field is refused with its row and column', () => {
    const bad = fc.constantFrom('', ' ', '0x10', 'nan', 'NaN', 'Infinity', '-Infinity', '1e999', '1.2.3', '1e', 'e5', '0b1', '+-1', '1_000', 'abc', '"1"', '∞');
    checkProperty('csv bad field', fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.nat(), fc.nat(), bad, fc.boolean(), (n, d, ri, ci, token, header) => {
      const rows = Array.from({ length: n }, (_, r) => Array.from({ length: d }, (_, c) => String(r * 10 + c + 0.5)));
      const r = ri % n;
      const c = ci % d;
      rows[r][c] = token;
      const lines = [...(header ? [Array.from({ length: d }, (_, i) => `x${i}`).join(',')] : []), ...rows.map((x) => x.join(','))];
      const row = r + 1 + (header ? 1 : 0);
      let msg = '';
      try {
        parseNumericCsv(lines.join('\n') + '\n', 'f.csv');
      } catch (e) {
        assert.ok(e instanceof InputError, `an InputError, got ${String(e)}`);
        msg = e.message;
      }
      if (token.includes('"')) assert.match(msg, new RegExp(`^f\\.csv: row ${row}: quoted`));
      else if (!header && r === 0 && d === 1 && /^[A-Za-z_][\w .-]*$/.test(token) && !/^(nan|infinity)$/i.test(token)) assert.equal(msg, ''); // a name alone on the first row is a header
      else assert.match(msg, new RegExp(`^f\\.csv: row ${row}, column ${c + 1}: `), `message for '${token}': ${msg}`);
    }), 300);
  });
  it('ragged rows and blank lines are refused', () => {
    assert.throws(() => parseNumericCsv('1,2\n3\n', 'f.csv'), /row 2 has 1 field, the first row 2/);
    assert.throws(() => parseNumericCsv('x,y\n1,2\n\n3,4\n', 'f.csv'), /row 3 has 1 field, the header 2/);
    assert.throws(() => parseNumericCsv('', 'f.csv'), /empty CSV file/);
  });
});

/** A small trained-model checkpoint (as scorekit train writes it) and its pieces. */
async function modelCheckpoint(sdeKind: 'vp' | 'cld' = 'vp'): Promise<sk.CheckpointContents> {
  const be = await sk.getBackend('cpu');
  const sde = SDE_SCHEMA[sdeKind].make({});
  const meta: ModelMeta = {
    format: 'scorekit-model', version: 1,
    model: { kind: 'mlp', width: 4, depth: 1, keyWords: sk.random.key(3).toJSON() },
    sde: { kind: sde.kind, config: { ...sde.config } }, loss: sdeKind === 'cld' ? 'hsm' : 'dsm', data: 'checkerboard', dim: 2,
  };
  const net = buildNet(meta, be);
  const st = sk.trainInit(net.init, { optimizer: { lr: 1e-3 }, emaDecay: 0.9 });
  return sk.decodeCheckpoint(await sk.encodeTrainState(st, { ...meta }));
}

describe('hostile input: checkpoints', () => {
  it('any one-byte change of a checkpoint, header or data, is refused (CRC-32 over both)', async () => {
    const bytes = sk.encodeCheckpoint(await modelCheckpoint());
    assert.doesNotThrow(() => sk.decodeCheckpoint(bytes));
    checkProperty('one-byte edit', fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
      const b = bytes.slice();
      b[at] ^= x;
      assert.throws(() => sk.decodeCheckpoint(b), sk.CheckpointError);
    }), 300);
    checkProperty('truncation', fc.property(fc.nat({ max: bytes.length - 1 }), (n) => {
      assert.throws(() => sk.decodeCheckpoint(bytes.subarray(0, n)), sk.CheckpointError);
    }), 100);
  });
  it('crafted headers (with a valid checksum) are refused by the header schema', () => {
    const craft = (header: unknown): Uint8Array => craftedCheckpoint(header);
    const base = { format: 'scorekit-checkpoint', version: 2, meta: {}, dataBytes: 8, tensors: [{ name: 'a', dtype: 'float64', shape: [1], offset: 0, byteLength: 8 }] };
    assert.equal(sk.decodeCheckpoint(craft(base)).tensors.length, 1);
    const cases: [unknown, RegExp][] = [
      [{ ...base, tensors: [base.tensors[0], base.tensors[0]] }, /duplicate tensor name 'a'/],
      [{ ...base, tensors: [{ ...base.tensors[0], dtype: 'float16' }] }, /unknown dtype "float16"/],
      [{ ...base, tensors: [{ ...base.tensors[0], shape: [2 ** 40, 2 ** 40] }] }, /lies outside the data/],
      [{ ...base, tensors: [{ ...base.tensors[0], shape: [-1] }] }, /has shape \[-1\]/],
      [{ ...base, tensors: [{ ...base.tensors[0], shape: new Array(20).fill(1) }] }, /at most 16/],
      [{ ...base, tensors: [{ ...base.tensors[0], name: '' }] }, /has no name/],
      [{ ...base, tensors: [{ ...base.tensors[0], extra: 1 }] }, /unknown field 'extra'/],
      [{ ...base, path: '/dev/zero' }, /unknown field 'path'/],
      [{ ...base, meta: [1] }, /meta is not an object/],
      [{ ...base, dataBytes: 16 }, /truncated: the data needs 16/],
      [{ ...base, tensors: [base.tensors[0], { ...base.tensors[0], name: 'b' }] }, /'b' lies outside the data or overlaps/],
      [[1, 2], /not a JSON object/],
    ];
    for (const [h, re] of cases) assert.throws(() => sk.decodeCheckpoint(craft(h)), re, JSON.stringify(h));
  });
  it('the metadata schema: every field mutated, removed or added is refused with its name; valid ones pass', async () => {
    const good = await modelCheckpoint();
    const cld = await modelCheckpoint('cld');
    assert.equal(checkModelCheckpoint(good, 'm.ckpt').sde.kind, 'vp');
    assert.equal(checkModelCheckpoint(cld, 'c.ckpt').sde.kind, 'cld');
    const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 5 }), fc.double(), fc.integer({ min: -5, max: 1e9 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 3 }), fc.constant({}));
    const paths = [...Object.keys(META_SCHEMA).map((k) => [k]), ['model', 'kind'], ['model', 'width'], ['model', 'depth'], ['model', 'keyWords'], ['sde', 'kind'], ['sde', 'config'], ['sde', 'config', 'betaMax'], ['sde', 'config', 'bogus']];
    checkProperty('meta mutation', fc.property(fc.constantFrom(...paths), junk, (path, v) => {
      const meta = structuredClone(good.meta) as Record<string, unknown>;
      let o = meta;
      for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
      const last = path[path.length - 1];
      const before = o[last];
      if (v === undefined) delete o[last];
      else o[last] = v;
      const c = { meta, tensors: good.tensors };
      let err: unknown;
      try {
        checkModelCheckpoint(c, 'm.ckpt');
      } catch (e) {
        err = e;
      }
      if (err === undefined) {
        // accepted only where the mutation leaves a valid value: an optional field removed, or an equivalent value
        const optional = path.length === 1 && META_SCHEMA[last].optional === true && v === undefined;
        const configKeyDropped = path[1] === 'config' && path.length === 3 && v === undefined && last === 'bogus';
        const sameValue = JSON.stringify(before) === JSON.stringify(v);
        // the run's options: any object of numbers, strings and booleans
        const options = path.length === 1 && last === 'config' && typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => ['number', 'string', 'boolean'].includes(typeof x));
        const fine = optional || options || configKeyDropped || sameValue || (last === 'betaMax' && typeof v === 'number' && v >= 0.1 && Number.isFinite(v)) || (last === 'lambda' && typeof v === 'number' && v >= 0 && Number.isFinite(v)) || (last === 'keyWords' && Array.isArray(v) && v.length === 2) || (last === 'step' || last === 'adamStep') && Number.isSafeInteger(v) && (v as number) >= 0;
        assert.ok(fine, `${path.join('.')} = ${JSON.stringify(v)} accepted`);
      } else {
        assert.ok(err instanceof InputError, `an InputError: ${String(err)}`);
        assert.match(err.message, /^m\.ckpt: /);
        assert.equal(err.message.split('\n').length, 1);
      }
    }), 400);
  });
  it('tensors are checked against the metadata: sizes, shapes, dtypes, finiteness, every group, no extras', async () => {
    const good = await modelCheckpoint();
    const tweak = (f: (ts: sk.StoredTensor[]) => sk.StoredTensor[], meta: Record<string, unknown> = good.meta): sk.CheckpointContents => ({ meta, tensors: f(good.tensors.map((t) => ({ ...t, data: t.data.slice() }))) });
    const model = good.meta.model as Record<string, unknown>;
    const cases: [sk.CheckpointContents, RegExp][] = [
      [tweak((ts) => ts, { ...good.meta, model: { ...model, width: 30000 } }), /width 30000, .*implies \[18, 30000\]/],
      [tweak((ts) => ts, { ...good.meta, model: { ...model, depth: 200 } }), /'params.layers.1.W' has shape \[4, 2\]; the metadata \(width 4, depth 200/],
      [tweak((ts) => ts, { ...good.meta, dim: 3 }), /implies \[19, 4\]/],
      [tweak((ts) => ts.map((t) => (t.name === 'adam.v.layers.0.W' ? { ...t, dtype: 'int32' as const, data: Int32Array.from(t.data) } : t))), /'adam.v.layers.0.W' is int32/],
      [tweak((ts) => ts.map((t) => (t.name === 'ema.layers.1.b' ? { ...t, data: Float64Array.from(t.data, (_, i) => (i === 1 ? NaN : 0)) } : t))), /'ema.layers.1.b' holds NaN at element 1/],
      [tweak((ts) => ts.map((t) => (t.name === 'adam.m.layers.0.b' ? { ...t, data: t.data.map(() => Infinity) } : t))), /holds Infinity/],
      [tweak((ts) => ts.filter((t) => t.name !== 'adam.m.layers.1.W')), /no tensor 'adam.m.layers.1.W'/],
      [tweak((ts) => [...ts, { name: 'params.bonus', dtype: 'float64', shape: [1], data: new Float64Array(1) }]), /tensors the metadata does not describe: 'params.bonus'/],
      [tweak((ts) => ts, { ...good.meta, hasEma: false }), /does not describe: 'ema.layers.0.W'/],
      [tweak((ts) => ts, { ...good.meta, model: undefined }), /lacks the field 'model'/],
      [tweak((ts) => ts, { ...good.meta, model: { ...model, kind: 'transformer' } }), /meta.model.kind must be one of "mlp", "energy", got "transformer"/],
      [tweak((ts) => ts, { ...good.meta, loss: 'hsm' }), /loss 'hsm' does not apply to the vp SDE/],
      [tweak((ts) => ts, { ...good.meta, sde: { kind: 'vp', config: { betaMin: 5, betaMax: 1, T: 1 } } }), /meta.sde: .*betaMax/],
      [tweak((ts) => ts, { ...good.meta, data: 'gmm:/dev/zero', path: '/dev/zero' }), /unknown field 'path'/],
      [tweak((ts) => ts, { ...good.meta, format: 'other' }), /not of a model trained by 'scorekit train'/],
      [tweak((ts) => ts, { ...good.meta, model: JSON.parse('['.repeat(100000) + ']'.repeat(100000)) }), /meta\.model must be an object, got an array of 1/],
      [tweak((ts) => ts, { ...good.meta, loss: JSON.parse('{"a":'.repeat(50000) + '1' + '}'.repeat(50000)) }), /meta\.loss must be one of .*got an object/],
      [tweak((ts) => ts, JSON.parse(JSON.stringify(good.meta).replace('{', '{"__proto__": {"hasEma": false},'))), /unknown field '__proto__'/],
    ];
    for (const [c, re] of cases) assert.throws(() => checkModelCheckpoint(c, 'm.ckpt'), (e: unknown) => e instanceof InputError && re.test(e.message), String(re));
    // the new kinds of checkpoint metadata are accepted by the schema
    for (const [kind, loss, param] of [['edm', 'edm', 'x0'], ['rf', 'cfm', 'velocity'], ['vp-cosine', 'dsm-eps', 'eps'], ['vp-logsnr', 'dsm-v', 'v']] as const) {
      const sde = SDE_SCHEMA[kind].make({});
      const meta = { ...good.meta, sde: { kind, config: { ...sde.config } }, loss, param };
      assert.equal(checkModelCheckpoint({ meta, tensors: good.tensors }, 'p.ckpt').sde.kind, kind);
    }
  });
  it('the SDE table lists exactly the config keys each SDE stores', () => {
    for (const [kind, e] of Object.entries(SDE_SCHEMA)) assert.deepEqual(Object.keys(e.make({}).config).sort(), [...e.config].sort(), kind);
  });
  it('the shapes the schema expects are those of the network buildNet makes', async () => {
    const be = await sk.getBackend('cpu');
    for (const [kind, width, depth, dim] of [['mlp', 5, 0, 2], ['energy', 3, 2, 3], ['mlp', 7, 3, 1]] as const) {
      for (const sdeKind of ['vp', 'cld'] as const) {
        const sde = SDE_SCHEMA[sdeKind].make({});
        const net = buildNet({ model: { kind, width, depth, keyWords: [1, 2] }, sde: { kind: sdeKind, config: {} }, dim }, be);
        const got = (await sk.storeTree(net.init, 'params')).map((t) => [t.name, [...t.shape]]);
        assert.deepEqual(got, expectedShapes('params', sde.stateDim(dim), kind === 'energy' ? 1 : dim, width, depth));
      }
    }
  });
  it('restoreTree refuses integer tensors for float parameters', async () => {
    const good = await modelCheckpoint();
    const net = buildNet(good.meta as unknown as ModelMeta, await sk.getBackend('cpu'));
    const ints = good.tensors.map((t) => ({ ...t, dtype: 'int32' as const, data: Int32Array.from(t.data) }));
    assert.throws(() => sk.restoreTree(net.init, ints, 'params'), /tensor 'params.layers.0.W' is int32 in the checkpoint, the model expects float64/);
  });
});

describe('hostile input: output paths', () => {
  it('collisions by spelling, symlink and hard link are refused before anything is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-out-'));
    writeFileSync(join(dir, 'in.json'), '{}');
    symlinkSync(join(dir, 'in.json'), join(dir, 'sym.json'));
    linkSync(join(dir, 'in.json'), join(dir, 'hard.json'));
    const input = { flag: '--data', path: join(dir, 'in.json') };
    for (const spelling of [join(dir, 'in.json'), join(dir, '.', 'in.json'), join(dir, 'sub', '..', 'in.json').replace('sub/..', '.'), join(dir, 'sym.json'), join(dir, 'hard.json')]) {
      await assert.rejects(planOutputs([{ flag: '--out', path: spelling }], [input]), /--out .* would overwrite the input --data/, spelling);
    }
    await assert.rejects(planOutputs([{ flag: '--out', path: join(dir, 'a.png') }, { flag: '--plot', path: join(dir, '.', 'a.png') }]), /--out and --plot name the same file/);
    await assert.rejects(planOutputs([{ flag: '--out', path: join(dir, 'no', 'such', 'm.ckpt') }]), /--out .*no\/such\/m.ckpt: the directory .*no\/such does not exist/);
    await assert.rejects(planOutputs([{ flag: '--out', path: dir }]), /exists and is not a regular file/);
    await assert.rejects(planOutputs([{ flag: '--out', path: join(dir, 'in.json', 'x') }]), /is not a directory/);
    assert.deepEqual(readdirSync(dir).sort(), ['hard.json', 'in.json', 'sym.json']);
  });
  it('all outputs are committed together, or none; temporary files never stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-out-'));
    const plan = await planOutputs([{ flag: '--out', path: join(dir, 'a.txt') }, { flag: '--plot', path: join(dir, 'b.txt') }]);
    await plan.stage('--out', 'A');
    assert.deepEqual(readdirSync(dir).filter((f) => !f.endsWith('.tmp')), [], 'nothing visible before commit');
    await assert.rejects(plan.commit(), /--plot: planned but never written/);
    assert.deepEqual(readdirSync(dir), [], 'a refused commit leaves nothing');
    const ok = await planOutputs([{ flag: '--out', path: join(dir, 'a.txt') }, { flag: '--plot', path: join(dir, 'b.txt') }]);
    await ok.stage('--out', 'A');
    await ok.stage('--plot', 'B');
    await ok.commit();
    assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'b.txt']);
  });
  it('stale temporary files of dead processes are removed; those of live ones are kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-out-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(join(dir, `.m.ckpt.${deadPid}.0badf00d.tmp`), 'half');
    writeFileSync(join(dir, `.m.ckpt.${process.pid}.12345678.tmp`), 'mine');
    writeFileSync(join(dir, `.other.ckpt.${deadPid}.0badf00d.tmp`), 'not ours');
    const removed = removeStaleTemps(join(dir, 'm.ckpt'));
    assert.deepEqual(removed, [join(dir, `.m.ckpt.${deadPid}.0badf00d.tmp`)]);
    assert.deepEqual(readdirSync(dir).sort(), [`.m.ckpt.${process.pid}.12345678.tmp`, `.other.ckpt.${deadPid}.0badf00d.tmp`].sort());
  });
});

describe('hostile input: non-finite values', () => {
  it('metrics refuse non-finite samples, naming row and column', async () => {
    const be = await sk.getBackend('cpu');
    const good = sk.fromArray([[0, 1], [2, 3], [4, 5]], { backend: be });
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = sk.fromArray([[0, 1], [2, bad], [4, 5]], { backend: be });
      await assert.rejects(sk.metrics.mmd2(x, good), new RegExp(`MMD: x holds ${bad} at row 1, column 1`));
      await assert.rejects(sk.metrics.mmd2(good, x), new RegExp(`MMD: y holds ${bad} at row 1, column 1`));
      await assert.rejects(sk.metrics.slicedWasserstein(x, good, sk.random.key(0)), /slicedWasserstein: x holds/);
      await assert.rejects(sk.metrics.energyDistance(good, x), /energyDistance: y holds/);
    }
    assert.ok(Number.isFinite(await sk.metrics.mmd2(good, good)));
  });
  it('integrate checks the state every k steps and names the first bad step', async () => {
    const be = await sk.getBackend('cpu');
    const x0 = sk.zeros([4, 2], { backend: be });
    // the state turns NaN at step 4, from t = 0.4 (row 2, column 1)
    const bad: sk.Stepper = { name: 'blows-up', noiseDraws: 0, nfePerStep: 1, step: (x, t) => (t < 0.45 && t > 0.35 ? sk.add(x, sk.fromArray([[0, 0], [0, 0], [0, NaN], [0, 0]], { backend: be })) : sk.add(x, 1)) };
    const grid = [1, 0.8, 0.6, 0.4, 0.2, 0.1];
    assert.throws(() => sk.integrate(bad, x0, grid, sk.random.key(0), { checkFinite: 1 }), /blows-up: the state is not finite after step 4 \(t = 0\.4 → 0\.2\): NaN at row 2, column 1/);
    assert.throws(() => sk.integrate(bad, x0, grid, sk.random.key(0), { checkFinite: 2 }), /after step 4 /);
    assert.throws(() => sk.integrate(bad, x0, grid, sk.random.key(0), { checkFinite: 3 }), /after step 5 /);
    assert.throws(() => sk.integrate(bad, x0, grid, sk.random.key(0), { checkFinite: 10 }), /after step 5 /, 'the last step is always checked');
    assert.doesNotThrow(() => sk.integrate(bad, x0, grid, sk.random.key(0)), 'off by default');
    assert.throws(() => sk.integrate(bad, x0, grid, sk.random.key(0), { checkFinite: 1.5 }), /checkFinite must be an integer ≥ 0/);
    const huge = sk.full([4, 2], 1e308, { backend: be });
    assert.doesNotThrow(() => sk.integrate({ ...bad, step: (x: sk.Tensor) => sk.add(x, 0) }, huge, grid, sk.random.key(0), { checkFinite: 1 }), 'large finite values are finite (no overflow in the check)');
  });
  it('dopri5 stops at a field that is not finite, naming t, instead of searching to maxSteps', async () => {
    const be = await sk.getBackend('cpu');
    const x0 = sk.ones([3, 2], { backend: be });
    const t0 = Date.now();
    await assert.rejects(sk.dopri5((x, t) => (t < 0.5 ? sk.mul(x, NaN) : sk.neg(x)), x0, 1, 0), /dopri5: the state or its derivative is not finite at t = 0\.5\d* .*the vector field overflows there/);
    assert.ok(Date.now() - t0 < 5000, 'at once');
    const ok = await sk.dopri5((x) => sk.neg(x), x0, 1, 0);
    assert.ok(Math.abs(ok.x.dataSync()[0] - Math.E) < 1e-4, 'a finite field integrates');
  });
  it('mixtures whose squares would overflow are refused', () => {
    checkProperty('gmm magnitudes', fc.property(fc.double({ min: 1e15, max: 1e308, noNaN: true }).filter((v) => v > 1e15), fc.boolean(), (big, neg) => {
      const r = sk.validateGmm({ weights: [1], means: [[neg ? -big : big, 0]], covs: [[[1, 0], [0, 1]]] });
      assert.ok(E.isLeft(r) && /means\[0\] has an entry of magnitude/.test(r.left.join(';')));
    }), 50);
    assert.ok(E.isLeft(sk.validateGmm({ weights: [1], means: [[0]], covs: [[[1e31]]] })));
    assert.ok(E.isRight(sk.validateGmm({ weights: [1], means: [[1e15]], covs: [[[1e30]]] })));
  });
});

describe('library misuse', () => {
  it('tensors of two backends name both; a start x0 on another backend, dtype or shape is refused', async () => {
    const f64 = await sk.getBackend('cpu');
    const f32 = await sk.getBackend('cpu:float32');
    assert.throws(() => sk.add(sk.zeros([2], { backend: f64 }), sk.zeros([2], { backend: f32 })), /operands live on different backends \(cpu:float64 and cpu:float32\)/);
    const vp = sk.vpSde();
    const o = { sde: vp, stepper: sk.eulerMaruyama(vp, (x: sk.Tensor) => sk.neg(x)), n: 3, d: 2, steps: 2 };
    assert.throws(() => sk.sample(sk.random.key(0), { ...o, backend: f64, x0: sk.zeros([3, 2], { backend: f32 }) }), /x0 lives on backend cpu:float32, the run's backend is cpu:float64/);
    assert.throws(() => sk.sample(sk.random.key(0), { ...o, backend: f64, x0: sk.zeros([4, 2], { backend: f64 }) }), /x0 has shape \[4, 2\], the run needs \[3, 2\]/);
    assert.throws(() => sk.sample(sk.random.key(0), { ...o, backend: f32, dtype: 'float64', x0: sk.zeros([3, 2], { backend: f32 }) }), /x0 is float32, the run's dtype is float64/);
    assert.equal(sk.sample(sk.random.key(0), { ...o, x0: sk.zeros([3, 2], { backend: f32 }) }).x.backend, f32, 'without a backend, x0 decides');
  });
});

describe('sizes before host work', () => {
  it("random draws larger than the backend's tensors are refused before generating", async () => {
    const gpu = await sk.getBackend('gpujs:cpu');
    const t0 = Date.now();
    assert.throws(() => sk.random.normal(sk.random.key(0), [2 ** 31], { backend: gpu }), /normal: 2147483648 elements, more than backend gpujs:cpu holds in one tensor \(16777216 = 2\^24\)/);
    assert.throws(() => sk.random.uniform(sk.random.key(0), [2 ** 12, 2 ** 13], { backend: gpu }), /uniform: 33554432 elements/);
    assert.throws(() => sk.random.rademacher(sk.random.key(0), [2 ** 25], { backend: gpu }), /rademacher: /);
    assert.throws(() => sk.random.randint(sk.random.key(0), [2 ** 25], 0, 3, { backend: gpu }), /randint: /);
    assert.throws(() => sk.random.normal(sk.random.key(0), [2 ** 17, 2 ** 16], { backend: 'cpu' }), /normal: 8589934592 elements, more than backend cpu:float64 holds in one tensor \(4294967296 = 2\^32\)/);
    assert.ok(Date.now() - t0 < 2000, 'refused before any generation');
    assert.equal(sk.random.normal(sk.random.key(0), [2 ** 10], { backend: gpu }).size, 1024);
  });
});

describe('hostile input: bad input versus internal errors', () => {
  const caught = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    throw new Error('no error');
  };
  it("the engine's own errors are internal (exit 70, please report; the stack with --debug)", () => {
    const und: { a?: { b: number } } = {};
    const engine = [
      caught(() => und.a!.b),
      caught(() => (und as unknown as { f: () => void }).f()),
      caught(() => new Float64Array(-1)),
      caught(() => new Array(-1)),
      caught(() => { const f = (): number => f() + 1; return f(); }),
      caught(() => JSON.parse('{')),
      caught(() => (BigInt(1) as unknown as number) + 1),
      caught(() => { throw 'a string'; }),
      caught(() => assert.equal(1, 2)),
      caught(() => (null as unknown as Iterable<number>)[Symbol.iterator]),
      caught(() => [...(5 as unknown as number[])]),
      caught(() => (1.5).toFixed(200)),
    ];
    for (const e of engine) {
      assert.equal(classify(e), 'internal', String(e));
      const r = report(e, false);
      assert.equal(r.status, 70);
      assert.equal(r.text.trim().split('\n').length, 1);
      assert.match(r.text, /internal error .*please report/);
      assert.ok(report(e, true).text.trim().split('\n').length > 1 || !(e instanceof Error), 'the stack under --debug');
    }
  });
  it("scorekit's refusals are bad input (exit 2, one line)", async () => {
    const be = await sk.getBackend('cpu');
    const lib = [
      caught(() => sk.mlp({ inDim: 0, outDim: 2 }, sk.random.key(0))),
      caught(() => sk.vpSde({ betaMin: -1 })),
      caught(() => sk.samplerByName('nope')),
      caught(() => sk.ancestral(sk.vpSde(), (x) => x, 20)),
      caught(() => sk.add(sk.zeros([2], { backend: be }), sk.zeros([3], { backend: be }))),
      caught(() => sk.decodeCheckpoint(new Uint8Array(3))),
      caught(() => sk.gmm({ weights: [2], means: [[0]], covs: [[[1]]] })),
      new InputError('--out needs a value'),
      Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT', syscall: 'open', path: 'x' }),
    ];
    for (const e of lib) {
      assert.equal(classify(e), 'bad-input', String(e));
      const r = report(e, false);
      assert.equal(r.status, 2);
      assert.equal(r.text.trim().split('\n').length, 1, r.text);
    }
  });
});
