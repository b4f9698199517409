/** Canvas drawing for the playground: points, arrows and paths in a data view, and line charts. */
import type { View } from './lab.js';

const PAD = 28;

function ctxOf(c: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = c.getContext('2d')!;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.font = '11px sans-serif';
  return ctx;
}

/** Data coordinates → pixels (y up). */
function mapper(c: HTMLCanvasElement, v: View): (x: number, y: number) => [number, number] {
  return (x, y) => [((x - v.x0) / (v.x1 - v.x0)) * c.width, c.height - ((y - v.y0) / (v.y1 - v.y0)) * c.height];
}

export function title(c: HTMLCanvasElement, text: string): void {
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#333';
  ctx.fillText(text, 6, 13);
}

/** Rows (x, y) of `pts` as dots. */
export function scatter(c: HTMLCanvasElement, pts: Float64Array, v: View, color: string, clear = true): void {
  const ctx = clear ? ctxOf(c) : c.getContext('2d')!;
  const at = mapper(c, v);
  ctx.fillStyle = color;
  for (let i = 0; i + 1 < pts.length; i += 2) {
    const [px, py] = at(pts[i], pts[i + 1]);
    if (Number.isFinite(px) && Number.isFinite(py)) ctx.fillRect(px - 1, py - 1, 2.2, 2.2);
  }
}

/** Arrows from each point along its vector, lengths scaled so that the longest spans one grid cell. */
export function arrows(c: HTMLCanvasElement, pts: Float64Array, vecs: Float64Array, v: View, cell: number): void {
  const ctx = ctxOf(c);
  const at = mapper(c, v);
  let longest = 0;
  for (let i = 0; i < vecs.length; i += 2) longest = Math.max(longest, Math.hypot(vecs[i], vecs[i + 1]));
  const scale = longest > 0 ? (0.9 * cell) / longest : 0;
  ctx.strokeStyle = '#2a6';
  for (let i = 0; i < pts.length; i += 2) {
    const [ax, ay] = at(pts[i], pts[i + 1]);
    const [bx, by] = at(pts[i] + scale * vecs[i], pts[i + 1] + scale * vecs[i + 1]);
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
    ctx.fillStyle = '#175';
    ctx.fillRect(bx - 1, by - 1, 2, 2);
  }
}

/** Each path [x0, y0, x1, y1, …] as a polyline, its end as a dot. */
export function paths(c: HTMLCanvasElement, ps: readonly Float64Array[], v: View): void {
  const ctx = ctxOf(c);
  const at = mapper(c, v);
  ps.forEach((p, k) => {
    ctx.strokeStyle = `hsla(${(k * 47) % 360}, 60%, 45%, 0.6)`;
    ctx.beginPath();
    for (let i = 0; i + 1 < p.length; i += 2) {
      const [px, py] = at(p[i], p[i + 1]);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
    ctx.stroke();
    const [ex, ey] = at(p[p.length - 2], p[p.length - 1]);
    ctx.fillStyle = '#000';
    ctx.fillRect(ex - 1.5, ey - 1.5, 3, 3);
  });
}

export interface Series { readonly name: string; readonly x: readonly number[]; readonly y: readonly number[]; readonly color: string }

/** Line chart of the series (log axes where asked), with an optional dashed horizontal line. */
export function chart(c: HTMLCanvasElement, series: readonly Series[], o: { logX?: boolean; logY?: boolean; hline?: { y: number; label: string }; xLabel: string; yLabel: string }): void {
  const ctx = ctxOf(c);
  const fx = (x: number): number => (o.logX ? Math.log10(x) : x);
  const fy = (y: number): number => (o.logY ? Math.log10(y) : y);
  const xs = series.flatMap((s) => s.x.map(fx)).filter(Number.isFinite);
  const ys = [...series.flatMap((s) => s.y.map(fy)), ...(o.hline ? [fy(o.hline.y)] : [])].filter(Number.isFinite);
  if (xs.length === 0 || ys.length === 0) return;
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  const w = c.width - 2 * PAD, h = c.height - 2 * PAD;
  const px = (x: number): number => PAD + ((fx(x) - x0) / (x1 - x0)) * w;
  const py = (y: number): number => PAD + h - ((fy(y) - y0) / (y1 - y0)) * h;
  ctx.strokeStyle = '#999';
  ctx.strokeRect(PAD, PAD, w, h);
  ctx.fillStyle = '#333';
  const fmt = (v: number, log?: boolean): string => (log ? (10 ** v).toPrecision(2) : v.toPrecision(3));
  ctx.fillText(fmt(x0, o.logX), PAD, c.height - PAD + 12);
  ctx.fillText(fmt(x1, o.logX), c.width - PAD - 24, c.height - PAD + 12);
  ctx.fillText(fmt(y1, o.logY), 2, PAD + 4);
  ctx.fillText(fmt(y0, o.logY), 2, PAD + h);
  ctx.fillText(o.xLabel, c.width / 2 - 20, c.height - 4);
  ctx.fillText(o.yLabel, PAD + 4, PAD - 6);
  if (o.hline) {
    ctx.setLineDash([4, 4]);
    ctx.strokeStyle = '#888';
    ctx.beginPath();
    ctx.moveTo(PAD, py(o.hline.y));
    ctx.lineTo(PAD + w, py(o.hline.y));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillText(o.hline.label, PAD + w - 110, py(o.hline.y) - 3);
  }
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.beginPath();
    s.x.forEach((x, i) => (i === 0 ? ctx.moveTo(px(x), py(s.y[i])) : ctx.lineTo(px(x), py(s.y[i]))));
    ctx.stroke();
    s.x.forEach((x, i) => ctx.fillRect(px(x) - 2, py(s.y[i]) - 2, 4, 4));
    ctx.fillText(s.name, PAD + 6, PAD + 14 + 12 * k);
  });
}
