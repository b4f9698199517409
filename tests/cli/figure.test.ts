/** Figures from Vega-Lite specifications: tick values, layout, reference lines, bands, byte-identical PNGs, the files the CLI writes. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { figureSpec, linearTicks, logTicks, type Panel } from '../../cli/plot/figure.js';
import { figure, renderSpec, renderSvg, specPathOf, writeFigure } from '../../cli/plot/render.js';
import { orderBand, referenceOrdersFor } from '../../cli/plot/order-lines.js';
import { checkProperty } from '../helpers.js';
import { ok, runCli } from './run-cli.js';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const dir = mkdtempSync(join(tmpdir(), 'sk-figure-'));

const NFE = [10, 20, 40, 80, 160];
const orders: Panel = {
  kind: 'line', title: 'error vs NFE', xLabel: 'NFE', yLabel: 'error', logX: true, logY: true, referenceOrders: [1, 2],
  series: [
    { label: 'first order', x: NFE, y: NFE.map((n) => 2 / n), band: { lo: NFE.map((n) => 1.5 / n), hi: NFE.map((n) => 2.5 / n) } },
    { label: 'second order', x: NFE, y: NFE.map((n) => 20 / n ** 2) },
  ],
};
const scatter: Panel = { kind: 'scatter', title: 'points', points: [0, 0, 1, 1, -1, 0.5, 0.3, -0.7], x: { min: -1.5, max: 1.5 }, y: { min: -1.5, max: 1.5 } };
const quiver: Panel = { kind: 'quiver', title: 'field', at: [0, 0, 1, 0, 0, 1, 1, 1], vec: [1, 0, 0, 1, -1, 0, 0.5, -0.5], x: { min: -0.5, max: 1.5 }, y: { min: -0.5, max: 1.5 }, background: [0.5, 0.5] };
const image: Panel = { kind: 'image', title: 'pixels', pixels: [-1, 0, 1, 0.5, -0.5, 0], width: 3, height: 2 };

type Layer = { layer?: Layer[]; encoding?: Record<string, { axis?: { values?: number[] } | null; legend?: { orient?: string } | null }>; data?: { values: Record<string, unknown>[] } };
const layersOf = (s: Layer): Layer[] => [s, ...(s.layer ?? []).flatMap(layersOf)];

/** Numbers of the tick labels an SVG draws (text elements that read as numbers). */
function numericLabels(svg: string): number[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace('−', '-')).filter((t) => /^-?[\d.]+(e[-+]?\d+)?$/.test(t)).map(Number);
}

describe('log-axis ticks', () => {
  it('are 1, 2, 5 × 10^k, or powers of ten, inside the range', () => {
    assert.deepEqual(logTicks(250, 3500), [500, 1000, 2000]);
    assert.deepEqual(logTicks(8, 600), [10, 20, 50, 100, 200, 500]);
    assert.deepEqual(logTicks(1e-6, 1), [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1]);
    assert.deepEqual(logTicks(0.5, 2e11), [1, 1e3, 1e6, 1e9]);
    assert.deepEqual(logTicks(300, 400), [300, 320, 340, 360, 380, 400]);
    assert.throws(() => logTicks(0, 10), /need 0 < lo/);
  });

  it('hold for any range: sorted, inside it, at least two, at most a dozen, each m × 10^k with m in 1…9', () => {
    checkProperty('log ticks', fc.property(fc.double({ min: -12, max: 12, noNaN: true }), fc.double({ min: 0.05, max: 20, noNaN: true }), (a, w) => {
      const lo = 10 ** a;
      const hi = 10 ** (a + w);
      const t = logTicks(lo, hi);
      assert.ok(t.length >= 2 && t.length <= 12, `${t.length} ticks on [${lo}, ${hi}]`);
      for (let i = 0; i < t.length; i++) {
        assert.ok(t[i] >= lo * (1 - 1e-9) && t[i] <= hi * (1 + 1e-9), `${t[i]} outside [${lo}, ${hi}]`);
        if (i > 0) assert.ok(t[i] > t[i - 1]);
      }
      if (w >= 1) for (const v of t) {
        const m = v / 10 ** Math.floor(Math.log10(v) + 1e-12);
        assert.ok(Math.abs(m - Math.round(m)) < 1e-9, `${v} is not m × 10^k`);
      }
    }), 300);
  });

  it('linear ticks step by 1, 2 or 5 × 10^k, and the SVG labels them as plain numbers', async () => {
    assert.deepEqual(linearTicks(-2.2, 2.2), [-2, -1, 0, 1, 2]);
    assert.deepEqual(linearTicks(0, 0.9), [0, 0.2, 0.4, 0.6, 0.8]);
    const svg = await renderSvg(figureSpec([{ kind: 'line', title: 't', series: [{ label: 's', x: [1, 300], y: [0.1, 0.3] }] }]));
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const t of ['100', '200', '300', '0.1', '0.2', '0.3']) assert.ok(labels.includes(t), `label ${t} in ${labels.join(' ')}`);
    assert.ok(!labels.some((t) => /e\+/.test(t)), labels.join(' '));
  });

  it('are the labels the rendered SVG draws on a log–log panel', async () => {
    const svg = await renderSvg(figureSpec([{ kind: 'line', title: 't', logX: true, logY: true, series: [{ label: 's', x: [300, 3000], y: [300, 3000] }] }]));
    const want = logTicks(300 / 10 ** 0.05, 3000 * 10 ** 0.05);
    const got = numericLabels(svg);
    assert.deepEqual([...new Set(got)].sort((p, q) => p - q), want);
    assert.ok(!got.includes(316) && !got.includes(3160));
  });
});

describe('figure specification', () => {
  it('puts every legend outside the plot area, and has the reference slopes and the band', () => {
    const spec = figureSpec([orders]) as { concat: Layer[] };
    const all = spec.concat.flatMap(layersOf);
    const legends = all.flatMap((l) => Object.values(l.encoding ?? {}).map((e) => e.legend)).filter((g) => g);
    assert.ok(legends.length >= 2);
    for (const g of legends) assert.ok(['right', 'left', 'top', 'bottom'].includes(g!.orient!), `legend orient ${g!.orient}`);
    const ref = all.find((l) => l.data?.values.some((v) => 'reference' in v))!.data!.values;
    // each reference line passes through the first point (10, 0.2) with slope −p on log–log axes
    for (const p of [1, 2]) {
      const line = ref.filter((v) => v.reference === `slope −${p}`) as { x: number; y: number }[];
      assert.equal(line.length, 2);
      for (const { x, y } of line) assert.ok(Math.abs(Math.log(y / 0.2) + p * Math.log(x / 10)) < 1e-9);
    }
    const band = all.find((l) => l.data?.values.some((v) => 'lo' in v))!.data!.values;
    assert.deepEqual(band.map((v) => v.hi), NFE.map((n) => 2.5 / n));
  });

  it('refuses no panels and a mis-sized image', () => {
    assert.throws(() => figureSpec([]), /no panels/);
    assert.throws(() => figureSpec([{ ...image, width: 4 } as Panel]), /6 values for 2×4 pixels/);
  });

  it('order guides: reference orders cover the measured ones, the band spans the interval through the centroid', () => {
    assert.deepEqual(referenceOrdersFor([0.98, 2.1]), [1, 2]);
    assert.deepEqual(referenceOrdersFor([0.5, 1.4]), [0.5, 1, 2]);
    const b = orderBand([10, 100], [1, 0.01], [1.5, 2.5]);
    // centroid (√1000, 0.1): at n = 10 the slopes 1.5 and 2.5 give 0.1·10^0.75 and 0.1·10^1.25
    assert.ok(Math.abs(b.lo[0] - 0.1 * 10 ** 0.75) < 1e-12 && Math.abs(b.hi[0] - 0.1 * 10 ** 1.25) < 1e-12);
    assert.ok(Math.abs(b.lo[1] - 0.1 * 10 ** -1.25) < 1e-12 && Math.abs(b.hi[1] - 0.1 * 10 ** -0.75) < 1e-12);
  });
});

describe('rendered figures', () => {
  it('the same panels give byte-identical PNGs, and the written specification renders them again', async () => {
    const panels = [scatter, orders, quiver, image];
    const a = await figure(panels, { cols: 2, title: 'all panels' });
    const b = await figure(panels, { cols: 2, title: 'all panels' });
    assert.deepEqual([...a.png.subarray(0, 8)], PNG);
    assert.ok(Buffer.from(a.png).equals(Buffer.from(b.png)));
    const path = join(dir, 'all.png');
    await writeFigure(path, a);
    assert.equal(specPathOf(path), join(dir, 'all.vl.json'));
    const again = await renderSpec(JSON.parse(readFileSync(join(dir, 'all.vl.json'), 'utf8')));
    assert.ok(Buffer.from(again).equals(readFileSync(path)));
    // a change to the data changes the picture
    const c = await figure([{ ...scatter, points: [0, 0, 1, -1] }, orders, quiver, image], { cols: 2, title: 'all panels' });
    assert.ok(!Buffer.from(c.png).equals(Buffer.from(a.png)));
  });
});

describe('CLI figures', () => {
  const figureOk = (png: string): void => {
    assert.deepEqual([...readFileSync(png).subarray(0, 8)], PNG, png);
    const spec = JSON.parse(readFileSync(specPathOf(png), 'utf8'));
    assert.match(spec.$schema, /vega-lite\/v5/);
  };
  const p = (f: string): string => join(dir, f);

  it('orders --plot and orders --strong --plot exit 0 and write the PNG and its specification', () => {
    ok(runCli('orders', '--sde', 'vp', '--samplers', 'ode-euler,ode-heun', '--steps', '10,20', '--plot', p('weak.png')));
    figureOk(p('weak.png'));
    ok(runCli('orders', '--strong', '--sde', 'vp', '--samplers', 'em', '--steps', '4,8', '--plot', p('strong.png')));
    figureOk(p('strong.png'));
    // the same seed gives the same bytes
    ok(runCli('orders', '--strong', '--sde', 'vp', '--samplers', 'em', '--steps', '4,8', '--plot', p('strong2.png')));
    assert.ok(readFileSync(p('strong.png')).equals(readFileSync(p('strong2.png'))));
    const spec = readFileSync(p('strong.vl.json'), 'utf8');
    assert.match(spec, /"lo":/);
    assert.match(spec, /slope −1/);
  });

  it('sample --plot and --trajectory write both files; a refused run leaves neither', () => {
    const mix = p('mix.json');
    writeFileSync(mix, JSON.stringify({ weights: [0.4, 0.6], means: [[-1, 0], [1, 0.5]], covs: [[[0.2, 0], [0, 0.2]], [[0.3, 0.1], [0.1, 0.2]]] }));
    ok(runCli('sample', '--score', 'exact', '--data', `gmm:${mix}`, '--sde', 'cld', '--sampler', 'sscs', '--steps', '5', '--n', '50', '--out', p('s.json'), '--plot', p('s.png'), '--trajectory', p('t.png')));
    figureOk(p('s.png'));
    figureOk(p('t.png'));
    // 3-D samples cannot be plotted: the run fails after sampling and writes nothing
    writeFileSync(p('mix3.json'), JSON.stringify({ weights: [1], means: [[0, 0, 0]], covs: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]] }));
    const r = runCli('sample', '--score', 'exact', '--data', `gmm:${p('mix3.json')}`, '--sde', 'vp', '--steps', '3', '--n', '10', '--out', p('u.json'), '--plot', p('u.png'));
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--plot draws 2-D samples/);
    for (const f of ['u.json', 'u.png', 'u.vl.json']) assert.ok(!existsSync(p(f)), f);
  });

  it('train --plot writes both files', () => {
    ok(runCli('train', '--data', '8gaussians', '--sde', 'vp', '--loss', 'dsm', '--steps', '10', '--width', '8', '--depth', '1', '--batch', '32', '--out', p('m.ckpt'), '--plot', p('loss.png')));
    figureOk(p('loss.png'));
  });
});
