/** SVG → PNG with resvg (a Rust renderer shipped as an npm package; fonts: the system's DejaVu Sans). */
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from '../../io/checkpoint.js';

export function renderPng(svg: string): Uint8Array {
  const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' });
  return r.render().asPng();
}

/** Write a figure as PNG (and, with `svg: true`, the SVG beside it), atomically. */
export async function writeFigure(path: string, svg: string, opts: { svg?: boolean } = {}): Promise<void> {
  await writeFileAtomic(path, renderPng(svg));
  if (opts.svg) await writeFileAtomic(path.replace(/\.png$/i, '') + '.svg', svg);
}
