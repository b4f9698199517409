/**
 * The CLI's figures as Vega-Lite specifications (Satyanarayan et al., "Vega-Lite: A Grammar of
 * Interactive Graphics", IEEE TVCG 2017; https://vega.github.io/vega-lite/docs/): panels (scatter,
 * line with optional log axes, reference slopes and confidence bands, quiver, image) laid out in a
 * grid of `columns`, each panel's data inline in the specification. The specification is a pure
 * function of the panels; render.ts turns it into SVG (vega, headless) and PNG (resvg).
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
  /** A confidence band: lower and upper y at each x. */
  readonly band?: { readonly lo: ArrayLike<number>; readonly hi: ArrayLike<number> };
}

export interface LinePanel {
  readonly kind: 'line';
  readonly title: string;
  readonly series: readonly Series[];
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  /**
   * Reference orders p: dashed lines y = y₀ (x / x₀)^(−p) through the first point (x₀, y₀) of the
   * first series, the slopes −p of error against cost on log–log axes.
   */
  readonly referenceOrders?: readonly number[];
}

export interface ImagePanel {
  readonly kind: 'image';
  readonly title: string;
  /** Row-major [height, width] grey values. */
  readonly pixels: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  /** Values drawn black and white (default [−1, 1]). */
  readonly range?: readonly [number, number];
}

export type Panel = ScatterPanel | QuiverPanel | LinePanel | ImagePanel;

export interface FigureOptions {
  /** Panels per row (default all in one row). */
  readonly cols?: number;
  readonly title?: string;
}

/** A Vega-Lite specification: a JSON object. */
export type VegaLiteSpec = Record<string, unknown>;

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const SIZE = 300;
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross'];
const DASHES = [[1, 3], [6, 3], [8, 3, 1, 3], [14, 3, 1, 3, 1, 3], [2, 6]];
export const FONT = 'DejaVu Sans';

/** Data range of finite values (of log₁₀ of the values with `log`), padded by 5 %. */
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

/** Linear-axis labels: six significant digits, trailing zeros dropped (a format string alone would round to the tick step). */
const LINEAR_LABEL = "format(datum.value, '~g')";
/** Log-axis labels: plain decimals on [10⁻³, 10⁴], otherwise m e k (2e-6, 5e+5). */
const LOG_LABEL = "datum.value >= 0.001 && datum.value <= 10000 ? format(datum.value, '~g') : format(datum.value, '~e')";

const clean = (v: number): number => Number(v.toPrecision(12));

/**
 * Tick values of a log axis on [lo, hi] (lo > 0): m × 10^k for the coarsest mantissa set of
 * {1}, {1, 2, 5}, {1, …, 9} that puts at least three ticks inside; over more than eight decades every
 * ⌈decades / 6⌉-th power of ten; on a range too short for three, the nice linear ticks of [lo, hi].
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) throw new RangeError(`logTicks: need 0 < lo ≤ hi < ∞, got [${lo}, ${hi}]`);
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  const inside = (v: number): boolean => v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12);
  if (k1 - k0 > 8) {
    const every = Math.ceil((k1 - k0) / 6);
    const out: number[] = [];
    for (let k = Math.ceil(k0 / every) * every; k <= k1; k += every) if (inside(clean(10 ** k))) out.push(clean(10 ** k));
    return out;
  }
  for (const ms of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let k = k0; k <= k1; k++) for (const m of ms) if (inside(clean(m * 10 ** k))) out.push(clean(m * 10 ** k));
    if (out.length >= 3) return out;
  }
  return linearTicks(lo, hi);
}

/** Nice linear ticks (steps 1, 2, 5 × 10^k) covering [lo, hi], at most about five. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const mag = 10 ** Math.floor(Math.log10(span / count));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12 * span; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : clean(v));
  return out;
}

const finite = (...vs: number[]): boolean => vs.every(Number.isFinite);

function pairs(xs: ArrayLike<number>, x: Range, y: Range, extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const a = xs[i];
    const b = xs[i + 1];
    if (finite(a, b) && a >= x.min && a <= x.max && b >= y.min && b <= y.max) out.push({ x: a, y: b, ...extra });
  }
  return out;
}

const linearAxis = (field: string, r: Range, title: string | null = null): Record<string, unknown> => ({
  field, type: 'quantitative', title,
  scale: { domain: [r.min, r.max], nice: false, zero: false },
  axis: { values: linearTicks(r.min, r.max), labelExpr: LINEAR_LABEL, grid: false },
});

function scatterSpec(p: ScatterPanel): VegaLiteSpec {
  return {
    title: p.title, width: SIZE, height: SIZE,
    data: { values: pairs(p.points, p.x, p.y) },
    mark: { type: 'circle', size: 6, opacity: 0.45, color: p.color ?? PALETTE[0], clip: true },
    encoding: { x: linearAxis('x', p.x), y: linearAxis('y', p.y) },
  };
}

function quiverSpec(p: QuiverPanel): VegaLiteSpec {
  const n = Math.floor(p.at.length / 2);
  let maxLen = 0;
  for (let i = 0; i < n; i++) if (finite(p.vec[2 * i], p.vec[2 * i + 1])) maxLen = Math.max(maxLen, Math.hypot(p.vec[2 * i], p.vec[2 * i + 1]));
  // the longest arrow spans 0.9 of a grid cell; lengths in pixels, as the axes' scales differ
  const cell = SIZE / Math.max(1, Math.sqrt(n));
  const k = maxLen > 0 ? (0.9 * cell) / maxLen : 0;
  const px = (p.x.max - p.x.min) / SIZE;
  const py = (p.y.max - p.y.min) / SIZE;
  const arrows: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const [x0, y0, u, v] = [p.at[2 * i], p.at[2 * i + 1], p.vec[2 * i], p.vec[2 * i + 1]];
    if (!finite(x0, y0, u, v) || !(Math.hypot(u, v) * k > 0.5)) continue;
    const x1 = x0 + u * k * px;
    const y1 = y0 + v * k * py;
    // vega rotates a point's shape clockwise in degrees from pointing up
    arrows.push({ x: x0, y: y0, x2: x1, y2: y1, angle: clean((Math.atan2(u, v) * 180) / Math.PI) });
  }
  const layer: VegaLiteSpec[] = [];
  if (p.background) {
    layer.push({ data: { values: pairs(p.background, p.x, p.y) }, mark: { type: 'circle', size: 4, opacity: 0.35, color: '#999', clip: true }, encoding: { x: linearAxis('x', p.x), y: linearAxis('y', p.y) } });
  }
  layer.push({
    data: { values: arrows },
    layer: [
      { mark: { type: 'rule', color: '#1f3b73', strokeWidth: 1.1, clip: true }, encoding: { x: linearAxis('x', p.x), y: linearAxis('y', p.y), x2: { field: 'x2' }, y2: { field: 'y2' } } },
      { mark: { type: 'point', shape: 'triangle-up', filled: true, size: 18, color: '#1f3b73', opacity: 1, clip: true }, encoding: { x: { ...linearAxis('x2', p.x) }, y: { ...linearAxis('y2', p.y) }, angle: { field: 'angle', type: 'quantitative', scale: { domain: [-360, 360], range: [-360, 360] } } } },
    ],
  });
  return { title: p.title, width: SIZE, height: SIZE, layer };
}

function logRange(values: number[]): Range {
  const r = rangeOf(values, 1, 0, true);
  return { min: 10 ** r.min, max: 10 ** r.max };
}

function lineSpec(p: LinePanel): VegaLiteSpec {
  const okX = (v: number): boolean => Number.isFinite(v) && (!p.logX || v > 0);
  const okY = (v: number): boolean => Number.isFinite(v) && (!p.logY || v > 0);
  const labels = p.series.map((s) => s.label);
  const colors = p.series.map((s, j) => s.color ?? PALETTE[j % PALETTE.length]);
  const rows: Record<string, unknown>[] = [];
  const bands: Record<string, unknown>[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of p.series) {
    for (let i = 0; i < s.x.length; i++) {
      if (!okX(s.x[i])) continue;
      if (okY(s.y[i])) {
        rows.push({ series: s.label, x: s.x[i], y: s.y[i] });
        xs.push(s.x[i]);
        ys.push(s.y[i]);
      }
      if (s.band && okY(s.band.lo[i]) && okY(s.band.hi[i])) {
        bands.push({ series: s.label, x: s.x[i], lo: s.band.lo[i], hi: s.band.hi[i] });
        ys.push(s.band.lo[i], s.band.hi[i]);
      }
    }
  }
  const xr = p.logX ? logRange(xs) : rangeOf(xs);
  const yr = p.logY ? logRange(ys) : rangeOf(ys);
  const axis = (field: string, r: Range, log: boolean | undefined, title: string | undefined): Record<string, unknown> => ({
    field, type: 'quantitative', title: title ?? null,
    scale: log ? { type: 'log', domain: [r.min, r.max], nice: false } : { domain: [r.min, r.max], nice: false, zero: false },
    axis: { values: log ? logTicks(r.min, r.max) : linearTicks(r.min, r.max), labelExpr: log ? LOG_LABEL : LINEAR_LABEL, grid: true, gridOpacity: 0.35 },
  });
  const x = axis('x', xr, p.logX, p.xLabel);
  const y = axis('y', yr, p.logY, p.yLabel);
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: labels, range: colors }, legend: { orient: 'right' } };
  const layer: VegaLiteSpec[] = [];
  if (bands.length > 0) {
    layer.push({ data: { values: bands }, mark: { type: 'area', opacity: 0.18, clip: true }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: { ...color, legend: null } } });
  }
  const refs = referenceRows(p, xr, okX, okY);
  if (refs.length > 0) {
    const orders = [...new Set(refs.map((r) => r.reference as string))];
    layer.push({
      data: { values: refs },
      mark: { type: 'line', color: '#777', strokeWidth: 1, clip: true },
      encoding: { x, y, detail: { field: 'reference' }, strokeDash: { field: 'reference', type: 'nominal', title: 'reference', scale: { domain: orders, range: orders.map((_, i) => DASHES[i % DASHES.length]) }, legend: { orient: 'right' } } },
    });
  }
  const few = rows.length <= 40 * Math.max(1, p.series.length);
  // past the palette's length, series also differ in their points' shape (one shape per round of colours)
  const shape = p.series.length > PALETTE.length
    ? { shape: { field: 'series', type: 'nominal', title: null, scale: { domain: labels, range: labels.map((_, j) => SHAPES[Math.floor(j / PALETTE.length) % SHAPES.length]) }, legend: { orient: 'right' } } }
    : {};
  layer.push({ data: { values: rows }, mark: { type: 'line', strokeWidth: 1.5, point: few ? { size: 20, filled: true } : false, clip: true }, encoding: { x, y, color, ...shape } });
  return { title: p.title, width: SIZE, height: SIZE, layer, resolve: { legend: { color: 'independent', strokeDash: 'independent', shape: 'independent' } } };
}

/** Dashed reference lines of the panel's orders through the first point of its first series. */
function referenceRows(p: LinePanel, xr: Range, okX: (v: number) => boolean, okY: (v: number) => boolean): Record<string, unknown>[] {
  const s = p.series[0];
  if (!p.referenceOrders || !s) return [];
  let i0 = 0;
  while (i0 < s.x.length && !(okX(s.x[i0]) && okY(s.y[i0]))) i0++;
  if (i0 === s.x.length) return [];
  const [x0, y0] = [s.x[i0], s.y[i0]];
  const out: Record<string, unknown>[] = [];
  for (const q of p.referenceOrders) {
    for (const x of [xr.min, xr.max]) out.push({ reference: `slope −${q}`, x, y: y0 * (x / x0) ** -q });
  }
  return out;
}

function imageSpec(p: ImagePanel): VegaLiteSpec {
  const { width: w, height: h } = p;
  if (!(Number.isInteger(w) && w >= 1 && Number.isInteger(h) && h >= 1) || p.pixels.length !== w * h) {
    throw new RangeError(`image panel: ${p.pixels.length} values for ${h}×${w} pixels`);
  }
  const [lo, hi] = p.range ?? [-1, 1];
  const cells: Record<string, unknown>[] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) cells.push({ c, r, v: Math.min(hi, Math.max(lo, p.pixels[r * w + c])) });
  const side = Math.round(SIZE / Math.max(w, h));
  return {
    title: p.title, width: side * w, height: side * h,
    data: { values: cells },
    transform: [{ calculate: 'datum.c + 1', as: 'c2' }, { calculate: 'datum.r + 1', as: 'r2' }],
    mark: { type: 'rect', strokeWidth: 0 },
    encoding: {
      x: { field: 'c', type: 'quantitative', scale: { domain: [0, w], nice: false }, axis: null },
      x2: { field: 'c2' },
      y: { field: 'r', type: 'quantitative', scale: { domain: [0, h], nice: false, reverse: true }, axis: null },
      y2: { field: 'r2' },
      color: { field: 'v', type: 'quantitative', scale: { domain: [lo, hi], range: ['black', 'white'] }, legend: null },
    },
  };
}

function panelSpec(p: Panel): VegaLiteSpec {
  switch (p.kind) {
    case 'scatter': return scatterSpec(p);
    case 'quiver': return quiverSpec(p);
    case 'line': return lineSpec(p);
    case 'image': return imageSpec(p);
  }
}

/** The Vega-Lite specification of panels laid out in rows of `cols`, with their data inline. */
export function figureSpec(panels: readonly Panel[], opts: FigureOptions = {}): VegaLiteSpec {
  if (panels.length === 0) throw new RangeError('figure: no panels');
  const cols = Math.min(opts.cols ?? panels.length, panels.length);
  if (!(Number.isInteger(cols) && cols >= 1)) throw new RangeError(`figure: cols must be a positive integer, got ${opts.cols}`);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(opts.title ? { title: { text: opts.title, anchor: 'middle', fontSize: 14 } } : {}),
    background: 'white',
    padding: 8,
    columns: cols,
    concat: panels.map(panelSpec),
    resolve: { scale: { x: 'independent', y: 'independent', color: 'independent', strokeDash: 'independent', shape: 'independent' }, legend: { color: 'independent', strokeDash: 'independent', shape: 'independent' } },
    config: {
      font: FONT,
      view: { stroke: '#444' },
      title: { fontSize: 13 },
      axis: { labelFontSize: 10, titleFontSize: 11 },
      legend: { labelFontSize: 10, labelLimit: 220 },
    },
  };
}
