/**
 * The history's line charts as SVG element trees (no library): the open findings per severity
 * over the runs, and one small line per rule. Pure — no DOM — so tests read the trees directly;
 * the page turns them into elements with `createElementNS`, `setAttribute` and `textContent`
 * (dom.ts), so no value is ever parsed as markup and none needs escaping.
 */

/** An SVG element: its tag, attributes and children (strings are text). */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  children: Array<SvgNode | string>;
}

/** An SVG element tree node. */
export const svg = (tag: string, attrs: SvgNode["attrs"] = {}, ...children: SvgNode["children"]): SvgNode => ({ tag, attrs, children });

/** A line of a chart: its name, colour and one value per run. */
export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
}

export const SEVERITY_COLORS: Record<string, string> = { critical: "#8b1a1a", high: "#d9480f", medium: "#c99700", low: "#4a6fa5" };

/** "2026-11-30 08:15" (UTC) */
export const when = (iso: string) => iso.slice(0, 16).replace("T", " ");

/** The smallest "nice" ceiling (1, 2, 5 × 10^k) at or above n, at least 1. */
export function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((c) => c >= n)!;
}

/**
 * The y axis's ticks for counts up to `max`: integers from 0 in steps of 1, 2 or 5 × 10^k, at
 * most 5 intervals, the last at or above `max` (at least 1). Each is a different integer, so no
 * label repeats (halves of a ceiling of 1 or 3 rounded to the same label).
 */
export function yTicks(max: number): number[] {
  const n = Math.max(1, Math.ceil(max));
  let step = 1;
  for (let p = 1; ; p *= 10) {
    const s = [1, 2, 5].map((m) => m * p).find((c) => Math.ceil(n / c) <= 5);
    if (s !== undefined) {
      step = s;
      break;
    }
  }
  return Array.from({ length: Math.ceil(n / step) + 1 }, (_, i) => i * step);
}

/** Point coordinates of values over evenly spaced runs, y growing downwards from `top` to `top + height`. */
export function chartPoints(
  values: readonly number[],
  box: { left: number; top: number; width: number; height: number },
  max: number,
): Array<[number, number]> {
  const step = values.length > 1 ? box.width / (values.length - 1) : 0;
  return values.map((v, i) => [
    Math.round((box.left + (values.length > 1 ? i * step : box.width / 2)) * 10) / 10,
    Math.round((box.top + box.height - (v / max) * box.height) * 10) / 10,
  ]);
}

/** How far apart (px) lines with the same value at a run are drawn, so none hides another. */
export const OVERLAP_GAP = 3;

/**
 * Vertical offsets (px) per series and run: 0 where a series' value is its own, spread
 * OVERLAP_GAP apart around the true value where several series share it (in series order).
 */
export function overlapOffsets(series: ReadonlyArray<{ values: readonly number[] }>): number[][] {
  const offsets = series.map((s) => s.values.map(() => 0));
  const runs = Math.max(0, ...series.map((s) => s.values.length));
  for (let i = 0; i < runs; i++) {
    const groups = new Map<number, number[]>();
    series.forEach((s, k) => {
      if (i < s.values.length) groups.set(s.values[i], [...(groups.get(s.values[i]) ?? []), k]);
    });
    for (const members of groups.values()) members.forEach((k, j) => (offsets[k][i] = (j - (members.length - 1) / 2) * OVERLAP_GAP));
  }
  return offsets;
}

/** Each series' line style, by position: a dash pattern and a marker shape, so lines differ without colour. */
export const SERIES_STYLES = [
  { dash: "", marker: "circle" },
  { dash: "7 3", marker: "square" },
  { dash: "2 3", marker: "triangle" },
  { dash: "9 3 2 3", marker: "diamond" },
] as const;

type Marker = (typeof SERIES_STYLES)[number]["marker"];

const round1 = (n: number) => Math.round(n * 10) / 10;

/** A marker of a series at (x, y), filled with its colour, with an optional tooltip. */
function marker(shape: Marker, x: number, y: number, color: string, tooltip?: string): SvgNode {
  const r = 3.5;
  const title = tooltip === undefined ? [] : [svg("title", {}, tooltip)];
  const at = (dx: number, dy: number) => `${round1(x + dx)},${round1(y + dy)}`;
  if (shape === "circle") return svg("circle", { class: "marker circle", cx: x, cy: y, r: r - 0.5, fill: color }, ...title);
  const d =
    shape === "square"
      ? `M${at(-r + 0.5, -r + 0.5)} L${at(r - 0.5, -r + 0.5)} L${at(r - 0.5, r - 0.5)} L${at(-r + 0.5, r - 0.5)} Z`
      : shape === "triangle"
        ? `M${at(0, -r)} L${at(r, r - 0.5)} L${at(-r, r - 0.5)} Z`
        : `M${at(0, -r)} L${at(r, 0)} L${at(0, r)} L${at(-r, 0)} Z`;
  return svg("path", { class: `marker ${shape}`, d, fill: color }, ...title);
}

/** A dash pattern's attribute, when the style has one. */
const dashOf = (dash: string): SvgNode["attrs"] => (dash ? { "stroke-dasharray": dash } : {});

const W = 640;
const H = 220;
/** The plotting area of a line chart (the legend is right of it). */
export const CHART_BOX = { left: 44, top: 12, width: W - 44 - 150, height: H - 12 - 36 };

/** The grid lines and y labels, and the first and last run's time under the x axis. */
function axes(ticks: number[], at: readonly string[]): SvgNode[] {
  const box = CHART_BOX;
  const max = ticks[ticks.length - 1];
  const grid = ticks.flatMap((t) => {
    const y = round1(box.top + box.height - (t / max) * box.height);
    return [
      svg("line", { x1: box.left, y1: y, x2: box.left + box.width, y2: y, stroke: "#d0d7de", "stroke-width": 1 }),
      svg("text", { x: box.left - 6, y: y + 4, "text-anchor": "end", class: "tick y-tick" }, String(t)),
    ];
  });
  const xs = at.length ? [svg("text", { x: box.left, y: H - 14, class: "tick" }, when(at[0]))] : [];
  if (at.length > 1) xs.push(svg("text", { x: box.left + box.width, y: H - 14, "text-anchor": "end", class: "tick" }, when(at[at.length - 1])));
  return [...grid, ...xs];
}

/**
 * A multi-line chart with axes, a legend and a tooltip (SVG `<title>`) per point. Lines that
 * overlap stay visible: each series has its own dash pattern and marker shape (also in the
 * legend), and where several share a value at a run they are drawn OVERLAP_GAP px apart around
 * it (the tooltips give the exact values).
 */
export function lineChart(series: readonly ChartSeries[], at: readonly string[], title: string): SvgNode {
  const box = CHART_BOX;
  const ticks = yTicks(Math.max(0, ...series.flatMap((s) => s.values)));
  const max = ticks[ticks.length - 1];
  const offsets = overlapOffsets(series);
  const lines = series.map((s, k) => {
    const style = SERIES_STYLES[k % SERIES_STYLES.length];
    const pts = chartPoints(s.values, box, max).map(([x, y], i): [number, number] => [x, round1(y + offsets[k][i])]);
    const dots = pts.map(([x, y], i) => marker(style.marker, x, y, s.color, `${when(at[i] ?? "")} UTC: ${s.values[i]} ${s.label}`));
    const line = svg("polyline", { fill: "none", stroke: s.color, "stroke-width": 2, ...dashOf(style.dash), points: pts.map((p) => p.join(",")).join(" ") });
    return svg("g", { class: "series", "data-series": s.label }, line, ...dots);
  });
  const legend = series.map((s, k) => {
    const style = SERIES_STYLES[k % SERIES_STYLES.length];
    return svg(
      "g",
      { class: "legend-item", transform: `translate(${box.left + box.width + 16},${box.top + 6 + k * 18})` },
      svg("line", { x1: 0, y1: 6, x2: 22, y2: 6, stroke: s.color, "stroke-width": 2, ...dashOf(style.dash) }),
      marker(style.marker, 11, 6, s.color),
      svg("text", { x: 28, y: 10, class: "legend" }, `${s.label} (${s.values[s.values.length - 1] ?? 0})`),
    );
  });
  const attrs = { class: "chart", role: "img", viewBox: `0 0 ${W} ${H}`, width: W, height: H };
  return svg("svg", attrs, svg("title", {}, title), ...axes(ticks, at), ...lines, ...legend);
}

/** A small line without axes (one rule's open findings over the runs). */
export function sparkline(values: readonly number[], label: string): SvgNode {
  const box = { left: 2, top: 2, width: 156, height: 20 };
  const max = niceCeiling(Math.max(0, ...values));
  const points = chartPoints(values, box, max)
    .map((p) => p.join(","))
    .join(" ");
  return svg(
    "svg",
    { class: "spark", role: "img", viewBox: "0 0 160 24", width: 160, height: 24 },
    svg("title", {}, label),
    svg("polyline", { fill: "none", stroke: "#0b5cad", "stroke-width": 1.5, points }),
  );
}

/** The open findings per severity over the runs. */
export function severityChart(points: ReadonlyArray<{ at: string; bySeverity: Partial<Record<string, number>> }>): SvgNode {
  const series = (["critical", "high", "medium", "low"] as const).map((s) => ({
    label: s,
    color: SEVERITY_COLORS[s],
    values: points.map((p) => p.bySeverity[s] ?? 0),
  }));
  return lineChart(
    series,
    points.map((p) => p.at),
    "Open findings per severity, per run",
  );
}

/** One rule's line over the runs: its counts, the first and last, and the change between them ("=", "+2", "-1"). */
export function ruleTrend(points: ReadonlyArray<{ byRule: Partial<Record<string, number>> }>, id: string) {
  const values = points.map((p) => p.byRule[id] ?? 0);
  const first = values[0] ?? 0;
  const last = values[values.length - 1] ?? 0;
  const trend = last === first ? "=" : last > first ? `+${last - first}` : `${last - first}`;
  return { values, first, last, trend };
}
