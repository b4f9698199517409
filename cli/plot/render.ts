/**
 * Figures to files: a Vega-Lite specification (figure.ts) compiled to Vega, rendered to SVG headless
 * (vega's View with no renderer, then toSVG) and the SVG to PNG with resvg (a Rust renderer shipped
 * as an npm package; text in the system's DejaVu Sans). Every PNG goes with its specification,
 * data inline, in FILE.vl.json beside it, so that the figure can be restyled and rendered again.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../../io/checkpoint.js';
import { FONT, type FigureOptions, figureSpec, type Panel, type VegaLiteSpec } from './figure.js';

/** A rendered figure: its PNG bytes and its specification as JSON text. */
export interface Figure {
  readonly png: Uint8Array;
  readonly spec: string;
}

/** The specification file beside a PNG: FILE.png → FILE.vl.json. */
export const specPathOf = (png: string): string => png.replace(/\.png$/i, '') + '.vl.json';

/** The SVG of a Vega-Lite specification. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string): Uint8Array {
  const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT }, background: 'white' });
  return r.render().asPng();
}

/** The PNG of a Vega-Lite specification (e.g. one read back from a .vl.json file). */
export async function renderSpec(spec: VegaLiteSpec): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec));
}

/** Panels laid out as one figure: its PNG and its specification. */
export async function figure(panels: readonly Panel[], opts: FigureOptions = {}): Promise<Figure> {
  const spec = figureSpec(panels, opts);
  return { png: await renderSpec(spec), spec: JSON.stringify(spec) + '\n' };
}

/** Write a figure's PNG to `path` and its specification beside it, atomically. */
export async function writeFigure(path: string, fig: Figure): Promise<void> {
  await writeFileAtomic(path, fig.png);
  await writeFileAtomic(specPathOf(path), fig.spec);
}
