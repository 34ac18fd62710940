/**
 * Line charts as inline SVG for the HTML report's history (no library, no script): the open
 * findings per severity over the runs, and one small line per rule. All text is escaped.
 */
import type { HistoryPoint } from "../history";

/** Text for HTML and SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A line of a chart: its name, colour and one value per run. */
export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
}

const SEVERITY_COLORS: Record<string, string> = { critical: "#8b1a1a", high: "#d9480f", medium: "#c99700", low: "#4a6fa5" };

/** "2026-11-30 08:15" (UTC) */
const when = (iso: string) => iso.slice(0, 16).replace("T", " ");

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

/** An attribute value: escaped like text (the values here are numbers and constants, escaped all the same). */
const attr = (v: string | number) => escapeXml(String(v));

/** A marker of a series at (x, y), filled with its colour, with an optional tooltip. */
function marker(shape: Marker, x: number, y: number, color: string, tooltip?: string): string {
  const r = 3.5;
  const title = tooltip === undefined ? "" : `<title>${escapeXml(tooltip)}</title>`;
  const at = (dx: number, dy: number) => `${Math.round((x + dx) * 10) / 10},${Math.round((y + dy) * 10) / 10}`;
  const path =
    shape === "circle"
      ? undefined
      : shape === "square"
        ? `M${at(-r + 0.5, -r + 0.5)} L${at(r - 0.5, -r + 0.5)} L${at(r - 0.5, r - 0.5)} L${at(-r + 0.5, r - 0.5)} Z`
        : shape === "triangle"
          ? `M${at(0, -r)} L${at(r, r - 0.5)} L${at(-r, r - 0.5)} Z`
          : `M${at(0, -r)} L${at(r, 0)} L${at(0, r)} L${at(-r, 0)} Z`;
  return path === undefined
    ? `<circle class="marker circle" cx="${attr(x)}" cy="${attr(y)}" r="${attr(r - 0.5)}" fill="${attr(color)}">${title}</circle>`
    : `<path class="marker ${shape}" d="${attr(path)}" fill="${attr(color)}">${title}</path>`;
}

/**
 * A multi-line chart with axes, a legend and a tooltip (SVG `<title>`) per point. Lines that
 * overlap stay visible: each series has its own dash pattern and marker shape (also in the
 * legend), and where several share a value at a run they are drawn OVERLAP_GAP px apart around
 * it (the tooltips give the exact values). Every attribute value is escaped.
 */
export function lineChart(series: readonly ChartSeries[], at: readonly string[], title: string): string {
  const W = 640;
  const H = 220;
  const box = { left: 44, top: 12, width: W - 44 - 150, height: H - 12 - 36 };
  const ticks = yTicks(Math.max(0, ...series.flatMap((s) => s.values)));
  const max = ticks[ticks.length - 1];
  const grid = ticks.map((t) => {
    const y = Math.round((box.top + box.height - (t / max) * box.height) * 10) / 10;
    return `<line x1="${attr(box.left)}" y1="${attr(y)}" x2="${attr(box.left + box.width)}" y2="${attr(y)}" stroke="#d0d7de" stroke-width="1"/><text x="${attr(box.left - 6)}" y="${attr(y + 4)}" text-anchor="end" class="tick y-tick">${t}</text>`;
  });
  const xs = at.length
    ? [
        `<text x="${attr(box.left)}" y="${attr(H - 14)}" class="tick">${escapeXml(when(at[0]))}</text>`,
        at.length > 1
          ? `<text x="${attr(box.left + box.width)}" y="${attr(H - 14)}" text-anchor="end" class="tick">${escapeXml(when(at[at.length - 1]))}</text>`
          : "",
      ]
    : [];
  const offsets = overlapOffsets(series);
  const lines = series.map((s, k) => {
    const style = SERIES_STYLES[k % SERIES_STYLES.length];
    const pts = chartPoints(s.values, box, max).map(([x, y], i): [number, number] => [x, Math.round((y + offsets[k][i]) * 10) / 10]);
    const dots = pts.map(([x, y], i) => marker(style.marker, x, y, s.color, `${when(at[i] ?? "")} UTC: ${s.values[i]} ${s.label}`)).join("");
    const dash = style.dash ? ` stroke-dasharray="${attr(style.dash)}"` : "";
    return `<g class="series" data-series="${attr(s.label)}"><polyline fill="none" stroke="${attr(s.color)}" stroke-width="2"${dash} points="${attr(pts.map((p) => p.join(",")).join(" "))}"/>${dots}</g>`;
  });
  const legend = series.map((s, k) => {
    const style = SERIES_STYLES[k % SERIES_STYLES.length];
    const dash = style.dash ? ` stroke-dasharray="${attr(style.dash)}"` : "";
    return `<g class="legend-item" transform="translate(${attr(box.left + box.width + 16)},${attr(box.top + 6 + k * 18)})"><line x1="0" y1="6" x2="22" y2="6" stroke="${attr(s.color)}" stroke-width="2"${dash}/>${marker(style.marker, 11, 6, s.color)}<text x="28" y="10" class="legend">${escapeXml(`${s.label} (${s.values[s.values.length - 1] ?? 0})`)}</text></g>`;
  });
  return `<svg class="chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${escapeXml(title)}</title>${grid.join("")}${xs.join("")}${lines.join("")}${legend.join("")}</svg>`;
}

/** A small line without axes (one rule's open findings over the runs). */
export function sparkline(values: readonly number[], label: string): string {
  const box = { left: 2, top: 2, width: 156, height: 20 };
  const max = niceCeiling(Math.max(0, ...values));
  const pts = chartPoints(values, box, max);
  return `<svg class="spark" role="img" viewBox="0 0 160 24" width="160" height="24" xmlns="http://www.w3.org/2000/svg"><title>${escapeXml(label)}</title><polyline fill="none" stroke="#0b5cad" stroke-width="1.5" points="${pts.map((p) => p.join(",")).join(" ")}"/></svg>`;
}

/** The history section's charts: open findings per severity, then a table with one line per rule. */
export function historyCharts(points: readonly HistoryPoint[], rules: ReadonlyArray<{ id: string; title: string }>): string {
  const at = points.map((p) => p.at);
  const severity = lineChart(
    (["critical", "high", "medium", "low"] as const).map((s) => ({ label: s, color: SEVERITY_COLORS[s], values: points.map((p) => p.bySeverity[s] ?? 0) })),
    at,
    "Open findings per severity, per run",
  );
  const ids = [...new Set([...rules.map((r) => r.id), ...points.flatMap((p) => Object.keys(p.byRule))])];
  const rows = ids.map((id) => {
    const values = points.map((p) => p.byRule[id] ?? 0);
    const first = values[0] ?? 0;
    const last = values[values.length - 1] ?? 0;
    const trend = last === first ? "=" : last > first ? `+${last - first}` : `${last - first}`;
    return `<tr><td><code>${escapeXml(id)}</code></td><td>${sparkline(values, `${id}: open findings per run`)}</td><td class="num">${first}</td><td class="num">${last}</td><td class="num">${escapeXml(trend)}</td></tr>`;
  });
  return `<h3>Open findings per severity</h3>${severity}<h3>Open findings per rule</h3><table class="grid"><thead><tr><th>Rule</th><th>Over the runs</th><th class="num">First run</th><th class="num">This run</th><th class="num">Change</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
