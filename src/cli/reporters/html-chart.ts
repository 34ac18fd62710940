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

/** A multi-line chart with axes, a legend and a tooltip (SVG `<title>`) per point. */
export function lineChart(series: readonly ChartSeries[], at: readonly string[], title: string): string {
  const W = 640;
  const H = 220;
  const box = { left: 44, top: 12, width: W - 44 - 150, height: H - 12 - 36 };
  const max = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values)));
  const grid = [0, 0.5, 1].map((f) => {
    const y = box.top + box.height - f * box.height;
    return `<line x1="${box.left}" y1="${y}" x2="${box.left + box.width}" y2="${y}" stroke="#d0d7de" stroke-width="1"/><text x="${box.left - 6}" y="${y + 4}" text-anchor="end" class="tick">${Math.round(f * max)}</text>`;
  });
  const xs = at.length
    ? [
        `<text x="${box.left}" y="${H - 14}" class="tick">${escapeXml(when(at[0]))}</text>`,
        at.length > 1 ? `<text x="${box.left + box.width}" y="${H - 14}" text-anchor="end" class="tick">${escapeXml(when(at[at.length - 1]))}</text>` : "",
      ]
    : [];
  const lines = series.map((s) => {
    const pts = chartPoints(s.values, box, max);
    const dots = pts
      .map(
        ([x, y], i) =>
          `<circle cx="${x}" cy="${y}" r="2.5" fill="${s.color}"><title>${escapeXml(`${when(at[i] ?? "")} UTC: ${s.values[i]} ${s.label}`)}</title></circle>`,
      )
      .join("");
    return `<g class="series"><polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => p.join(",")).join(" ")}"/>${dots}</g>`;
  });
  const legend = series.map(
    (s, i) =>
      `<g transform="translate(${box.left + box.width + 16},${box.top + 6 + i * 18})"><rect width="12" height="12" fill="${s.color}"/><text x="18" y="10" class="legend">${escapeXml(`${s.label} (${s.values[s.values.length - 1] ?? 0})`)}</text></g>`,
  );
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
