import { readInput } from '../../io/files.js';
import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import { parseData } from '../specs.js';
import { parseNumericCsv } from '../csv.js';

async function readSamples(path: string): Promise<number[][]> {
  const text = (await readInput(path, 'samples')).toString('utf8');
  let rows: unknown;
  if (/\.json$/i.test(path)) {
    try {
      rows = (JSON.parse(text) as { samples?: unknown }).samples;
    } catch (e) {
      throw new Error(`${path}: malformed JSON (${(e as Error).message})`);
    }
  } else {
    rows = parseNumericCsv(text, path).rows;
  }
  if (!Array.isArray(rows) || rows.length < 2 || !rows.every((r) => Array.isArray(r) && r.length === (rows as unknown[][])[0].length && r.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    throw new Error(`${path}: expected at least 2 samples of equal dimension with finite numbers (JSON {"samples": [[...]]} or CSV)`);
  }
  return rows as number[][];
}

export const evalCommand: Command = {
  name: 'eval',
  usage: 'scorekit eval --samples FILE.json|FILE.csv --data NAME|gmm:FILE.json [--n COUNT]',
  summary: 'Compare samples with fresh data: MMD², sliced Wasserstein-2, energy distance (and the exact log-likelihood for mixtures).',
  options: {
    samples: { kind: 'string', help: 'samples file from scorekit sample (required)' },
    data: { kind: 'string', help: 'the data they should follow (required)' },
    n: { kind: 'int', min: 2, help: 'size of the fresh data sample (default: as many as the samples)' },
    ...COMMON,
  },
  async run(o) {
    if (!o.samples || !o.data) throw new Error('--samples and --data are required');
    const be = await sk.getBackend(o.backend as string);
    const rows = await readSamples(o.samples as string);
    const data = await parseData(o.data as string);
    if (rows[0].length !== data.dim) throw new Error(`the samples have dimension ${rows[0].length}, the data ${data.dim}`);
    const x = sk.fromArray(rows, { backend: be });
    const [kd, ks] = sk.random.split(sk.random.key(o.seed as number), 2);
    const ref = data.sample(kd, (o.n as number | undefined) ?? rows.length, be);
    const res: Record<string, number> = {
      mmd2: await sk.metrics.mmd2(x, ref),
      slicedWasserstein2: await sk.metrics.slicedWasserstein(x, ref, ks),
      energyDistance: await sk.metrics.energyDistance(x, ref),
    };
    if (data.gmm) res.meanLogLikelihood = await sk.mean(sk.gmmLogDensity(data.gmm, x)).item();
    if (data.gmm) res.dataMeanLogLikelihood = await sk.mean(sk.gmmLogDensity(data.gmm, ref)).item();
    const lines = Object.entries(res).map(([k, v]) => `  ${k.padEnd(22)} ${v.toExponential(4)}`);
    print(o, `${rows.length} samples vs ${ref.shape[0]} fresh points of ${data.name}:\n${lines.join('\n')}`, { samples: o.samples, data: data.name, n: rows.length, ...res });
  },
};
