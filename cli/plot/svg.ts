/**
 * A small SVG chart builder for the CLI's figures: panels (scatter, quiver, line with optional log
 * axes) laid out in a grid, with axes, ticks and titles. Output is a deterministic SVG string; PNG
 * rendering is in png.ts. Pure functions, no DOM.
 */
export interface Range {
  readonly min: number;
  readonly max: number;
}

export interface ScatterPanel {
  readonly kind: 'scatter';
  readonly title: string;
  /** Row-major [n, 2] points. */
  readonly points: ArrayLike<number>;
  readonly color?: string;
  readonly x: Range;
  readonly y: Range;
}

export interface QuiverPanel {
  readonly kind: 'quiver';
  readonly title: string;
  /** Arrow origins and vectors, row-major [n, 2] each. */
  readonly at: ArrayLike<number>;
  readonly vec: ArrayLike<number>;
  readonly x: Range;
  readonly y: Range;
  /** Background points drawn faintly (e.g. data). */
  readonly background?: ArrayLike<number>;
}

export interface Series {
  readonly label: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color?: string;
}

export interface LinePanel {
  readonly kind: 'line';
  readonly title: string;
  readonly series: readonly Series[];
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
}

export type Panel = ScatterPanel | QuiverPanel | LinePanel;

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const W = 360;
const H = 360;
const M = { left: 48, right: 12, top: 28, bottom: 40 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (v: number): string => (Math.abs(v) < 1e-9 ? '0' : v.toFixed(2));

/** "Nice" tick values covering [min, max]. */
export function ticks(r: Range, count = 5): number[] {
  const span = r.max - r.min;
  if (!(span > 0)) return [r.min];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(r.min / step) * step; v <= r.max + 1e-12 * span; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return Number(v.toPrecision(3)).toString();
}

/** Data range of finite values, padded by 5 %. */
export function rangeOf(values: ArrayLike<number>, stride = 1, offset = 0, log = false): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset; i < values.length; i += stride) {
    const v = log ? Math.log10(values[i]) : values[i];
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return { min: 0, max: 1 };
  if (lo === hi) return { min: lo - 1, max: hi + 1 };
  const pad = 0.05 * (hi - lo);
  return { min: lo - pad, max: hi + pad };
}

function axes(x: Range, y: Range, logX: boolean, logY: boolean, xLabel?: string, yLabel?: string): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (v: number): number => M.left + ((v - x.min) / (x.max - x.min)) * pw;
  const sy = (v: number): number => M.top + ph - ((v - y.min) / (y.max - y.min)) * ph;
  let s = `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="white" stroke="#444" stroke-width="1"/>`;
  for (const t of ticks(x)) {
    s += `<line x1="${f(sx(t))}" y1="${M.top + ph}" x2="${f(sx(t))}" y2="${M.top + ph + 4}" stroke="#444"/>`;
    s += `<text x="${f(sx(t))}" y="${M.top + ph + 16}" font-size="10" text-anchor="middle">${esc(fmtTick(logX ? 10 ** t : t))}</text>`;
  }
  for (const t of ticks(y)) {
    s += `<line x1="${M.left - 4}" y1="${f(sy(t))}" x2="${M.left}" y2="${f(sy(t))}" stroke="#444"/>`;
    s += `<text x="${M.left - 6}" y="${f(sy(t) + 3)}" font-size="10" text-anchor="end">${esc(fmtTick(logY ? 10 ** t : t))}</text>`;
  }
  if (xLabel) s += `<text x="${M.left + pw / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>`;
  if (yLabel) s += `<text x="12" y="${M.top + ph / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${M.top + ph / 2})">${esc(yLabel)}</text>`;
  return s;
}

function scaler(x: Range, y: Range): { sx: (v: number) => number; sy: (v: number) => number; inside: (a: number, b: number) => boolean } {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  return {
    sx: (v) => M.left + ((v - x.min) / (x.max - x.min)) * pw,
    sy: (v) => M.top + ph - ((v - y.min) / (y.max - y.min)) * ph,
    inside: (a, b) => a >= x.min && a <= x.max && b >= y.min && b <= y.max,
  };
}

function dots(points: ArrayLike<number>, x: Range, y: Range, color: string, r: number, opacity: number): string {
  const { sx, sy, inside } = scaler(x, y);
  let s = `<g fill="${color}" fill-opacity="${opacity}">`;
  for (let i = 0; i + 1 < points.length; i += 2) {
    if (inside(points[i], points[i + 1])) s += `<circle cx="${f(sx(points[i]))}" cy="${f(sy(points[i + 1]))}" r="${r}"/>`;
  }
  return s + '</g>';
}

function panelBody(p: Panel): string {
  const title = `<text x="${W / 2}" y="18" font-size="13" font-weight="bold" text-anchor="middle">${esc(p.title)}</text>`;
  if (p.kind === 'scatter') return title + axes(p.x, p.y, false, false) + dots(p.points, p.x, p.y, p.color ?? PALETTE[0], 1.4, 0.45);
  if (p.kind === 'quiver') {
    const { sx, sy } = scaler(p.x, p.y);
    let maxLen = 0;
    for (let i = 0; i + 1 < p.vec.length; i += 2) maxLen = Math.max(maxLen, Math.hypot(p.vec[i], p.vec[i + 1]));
    const n = p.at.length / 2;
    const cell = (W - M.left - M.right) / Math.max(1, Math.sqrt(n));
    const k = maxLen > 0 ? (0.9 * cell) / maxLen : 0;
    let s = title + axes(p.x, p.y, false, false);
    if (p.background) s += dots(p.background, p.x, p.y, '#999', 1, 0.25);
    s += '<g stroke="#1f3b73" stroke-width="1.1" fill="#1f3b73">';
    for (let i = 0; i < n; i++) {
      const x0 = sx(p.at[2 * i]);
      const y0 = sy(p.at[2 * i + 1]);
      const dx = p.vec[2 * i] * k;
      const dy = -p.vec[2 * i + 1] * k;
      const len = Math.hypot(dx, dy);
      if (!(len > 0.5)) continue;
      const x1 = x0 + dx;
      const y1 = y0 + dy;
      const ux = dx / len;
      const uy = dy / len;
      const h = Math.min(4, len / 2);
      s += `<line x1="${f(x0)}" y1="${f(y0)}" x2="${f(x1)}" y2="${f(y1)}"/>`;
      s += `<path d="M${f(x1)} ${f(y1)} L${f(x1 - h * ux + 0.5 * h * uy)} ${f(y1 - h * uy - 0.5 * h * ux)} L${f(x1 - h * ux - 0.5 * h * uy)} ${f(y1 - h * uy + 0.5 * h * ux)} Z"/>`;
    }
    return s + '</g>';
  }
  const tx = (v: number): number => (p.logX ? Math.log10(v) : v);
  const ty = (v: number): number => (p.logY ? Math.log10(v) : v);
  const allX: number[] = [];
  const allY: number[] = [];
  for (const se of p.series) {
    for (let i = 0; i < se.x.length; i++) {
      allX.push(tx(se.x[i]));
      allY.push(ty(se.y[i]));
    }
  }
  const xr = rangeOf(allX);
  const yr = rangeOf(allY);
  const { sx, sy } = scaler(xr, yr);
  let s = title + axes(xr, yr, !!p.logX, !!p.logY, p.xLabel, p.yLabel);
  p.series.forEach((se, j) => {
    const color = se.color ?? PALETTE[j % PALETTE.length];
    const pts: string[] = [];
    for (let i = 0; i < se.x.length; i++) {
      const a = tx(se.x[i]);
      const b = ty(se.y[i]);
      if (Number.isFinite(a) && Number.isFinite(b)) pts.push(`${f(sx(a))},${f(sy(b))}`);
    }
    s += `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(' ')}"/>`;
    if (se.x.length <= 40) for (const q of pts) s += `<circle cx="${q.split(',')[0]}" cy="${q.split(',')[1]}" r="2.5" fill="${color}"/>`;
    s += `<rect x="${W - M.right - 110}" y="${M.top + 8 + 14 * j}" width="10" height="3" fill="${color}"/>`;
    s += `<text x="${W - M.right - 96}" y="${M.top + 12 + 14 * j}" font-size="10">${esc(se.label)}</text>`;
  });
  return s;
}

/** Lay panels out in a grid and return the SVG document. */
export function figure(panels: readonly Panel[], opts: { cols?: number; title?: string } = {}): string {
  const cols = Math.min(opts.cols ?? panels.length, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const top = opts.title ? 24 : 0;
  const width = cols * W;
  const height = rows * H + top;
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`;
  s += `<rect width="${width}" height="${height}" fill="white"/>`;
  if (opts.title) s += `<text x="${width / 2}" y="17" font-size="14" text-anchor="middle">${esc(opts.title)}</text>`;
  panels.forEach((p, i) => {
    s += `<g transform="translate(${(i % cols) * W},${top + Math.floor(i / cols) * H})">${panelBody(p)}</g>`;
  });
  return s + '</svg>';
}
