import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import type { AuditReport } from "../../../src/cli/report";
import { outcome, verdict } from "../../../src/cli/reporters/common";
import { HTML_CODES, htmlData, renderHtml, safeHref, scriptJson, withoutCredentials } from "../../../src/cli/reporters/html";
import { chartPoints, escapeXml, historyCharts, lineChart, niceCeiling, OVERLAP_GAP, yTicks } from "../../../src/cli/reporters/html-chart";
import { defaultPolicy } from "../../../src/rules/evaluate";
import type { FlowPolicy } from "../../../src/rules/types";
import { demoDataset, generatedDataset } from "../../../src/simulator/datasets";
import { auditReportOf } from "../../helpers/reports";

const NOW = new Date("2026-11-30T12:00:00Z");
const HOSTILE = [
  `</script><script>window.__pwned=1</script>`,
  `<img src=x onerror="window.__pwned=1">`,
  "javascript:alert(1)",
  "\u2028\u2029 & \u001b[31m red \u202e",
];

function reportOf(records: InventoryRecord[], policy: FlowPolicy = defaultPolicy(), location = "https://flow.example/v3/customer/core"): AuditReport {
  return auditReportOf(records, policy, NOW, { location });
}

/** The demo inventory with hostile names (one per string above). */
function hostileDemo(): InventoryRecord[] {
  return demoDataset(NOW.getTime()).map((r, i) => (i < HOSTILE.length ? { ...r, integration: { ...r.integration, name: HOSTILE[i] } } : r));
}

/** The JSON embedded in a page, parsed. */
function embedded(html: string): ReturnType<typeof htmlData> {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]) as ReturnType<typeof htmlData>;
}

/** A finding's message as the page rebuilds it from the shared tables. */
function messageOf(data: ReturnType<typeof htmlData>, row: number[]): string {
  const m = row[4];
  if (m >= 0) return data.text[m];
  const [id, name, vendor] = data.ints[row[3]];
  return `Integration '${name}' (id ${id}, ${vendor})${data.text[-m - 1]}`;
}

describe("the HTML report", () => {
  it("embeds its data as JSON that cannot end the script element, and reads back exactly", () => {
    const value = { names: HOSTILE };
    const json = scriptJson(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it("links only absolute http(s) URLs", () => {
    expect(safeHref("https://github.com/pulumi-flow/pulumi-flow/blob/main/docs/rules.md#x")).toBe(
      "https://github.com/pulumi-flow/pulumi-flow/blob/main/docs/rules.md#x",
    );
    expect(safeHref("http://example.com/")).toBe("http://example.com/");
    for (const bad of [
      "javascript:alert(1)",
      " javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "data:text/html,<script>",
      "//evil.example/",
      "/docs/rules.md",
      "vbscript:x",
      "",
      42,
      null,
    ])
      expect(safeHref(bad), String(bad)).toBeUndefined();
  });

  it("shows the API origin without credentials, query or fragment", () => {
    expect(withoutCredentials("https://user:secret@acme.appfireflow.com/v3/customer/core?token=abc#x")).toBe("https://acme.appfireflow.com/v3/customer/core");
    expect(withoutCredentials("http://127.0.0.1:8080/v3/customer/core")).toBe("http://127.0.0.1:8080/v3/customer/core");
    const html = renderHtml(reportOf(demoDataset(NOW.getTime()), defaultPolicy(), "https://user:secret@acme.appfireflow.com/v3/customer/core?key=k1"));
    expect(html).not.toContain("secret");
    expect(html).not.toContain("key=k1");
    expect(embedded(html).meta.source.location).toBe("https://acme.appfireflow.com/v3/customer/core");
  });

  it("runs only its own script: the CSP names the hashes of the one inline script and the style, and nothing loads", () => {
    const html = renderHtml(reportOf(hostileDemo()));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    const hash = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(scripts[0])};`);
    expect(csp).toContain(`style-src ${hash(styles[0])};`);
    expect(csp).not.toMatch(/unsafe|https?:|\*/);
    // Every <script ...> tag in the file: the data block and the page script, nothing from the data.
    expect(html.match(/<script\b/gi)).toHaveLength(2);
    // Outside the data (where hostile text stays text), nothing refers to another resource.
    expect(html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, "")).not.toMatch(/\bsrc=|<link\b|@import|\burl\(/);
  });

  it("escapes hostile names everywhere, and keeps them verbatim in the data", () => {
    const report = reportOf(hostileDemo());
    const html = renderHtml(report);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("__pwned=1</script>");
    expect(html).not.toContain("\u2028");
    const data = embedded(html);
    for (const name of HOSTILE) expect(data.ints.map((i) => i[1])).toContain(name);
    expect(data.rows.map((row) => messageOf(data, row))).toEqual(report.findings.map((f) => f.message));
  });

  it("stores what repeats once and decodes to the same findings, dispositions and verdict", () => {
    const report = reportOf(demoDataset(NOW.getTime()));
    const data = htmlData(report);
    expect(data.verdict).toEqual({ ...outcome(report), text: verdict(report) });
    expect(data.rows).toHaveLength(report.findings.length);
    for (const [n, row] of data.rows.entries()) {
      const f = report.findings[n];
      expect(data.rules[row[0]][0]).toBe(f.ruleId);
      expect(HTML_CODES.status[row[1]]).toBe(f.status);
      expect(data.evidence[row[5]]).toEqual(f.evidence);
      expect(data.text[row[6]]).toBe(f.remediation);
    }
    expect(data.text.length).toBeLessThan(report.findings.length / 2);
  });

  it("records the baseline in force by digest beside the policy file's, and shows both", () => {
    const policy = { ...defaultPolicy(), file: "flow-policy.yaml", digest: `sha256:${"a".repeat(64)}` };
    policy.baseline = { file: "flow-baseline.json", createdAt: "2026-11-01T00:00:00Z", expires: "2027-03-31", entries: [], digest: `sha256:${"b".repeat(64)}` };
    const report = reportOf(demoDataset(NOW.getTime()), policy);
    expect(report.policy).toEqual({
      file: "flow-policy.yaml",
      digest: `sha256:${"a".repeat(64)}`,
      failOn: "mandatory",
      baseline: { file: "flow-baseline.json", digest: `sha256:${"b".repeat(64)}` },
    });
    expect(embedded(renderHtml(report)).meta.policy.baseline).toEqual(report.policy.baseline);
    expect(reportOf(demoDataset(NOW.getTime())).policy.baseline).toBeNull();
    // The page shows it in the policy line, the baseline section and the run's metadata (page.js; rendered in a browser by html-browser.test.ts).
    const js = fs.readFileSync(path.join(__dirname, "../../../src/cli/reporters/html/page.js"), "utf8");
    expect(js).toContain('" · baseline " + P.baseline.file');
    expect(js).toContain('el("dt", null, "Baseline digest")');
  });

  it("stays far below 2 MB for 1,000 integrations", () => {
    const html = renderHtml(reportOf(generatedDataset(1000, 42, NOW.getTime())));
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
  });
});

describe("the history charts", () => {
  it("scale to a nice ceiling and place points inside the box", () => {
    expect([0, 1, 3, 10, 11, 99, 180, 501].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 100, 200, 1000]);
    const box = { left: 10, top: 0, width: 100, height: 50 };
    expect(chartPoints([0, 5, 10], box, 10)).toEqual([
      [10, 50],
      [60, 25],
      [110, 0],
    ]);
    expect(chartPoints([3], box, 10)).toEqual([[60, 35]]);
  });

  /** The y-axis labels a chart prints (numbers only: the x axis's labels are dates). */
  const yLabels = (svg: string) => [...svg.matchAll(/<text [^>]*class="tick[^"]*"[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
  const AT = ["2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z", "2026-11-30T00:00:00Z"];

  it("label the y axis with distinct integers from 0 to at least the largest count", () => {
    for (const max of [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 99, 101, 180, 501, 12_345]) {
      const ticks = yTicks(max);
      expect(new Set(ticks).size, `max ${max}: ${ticks.join(",")}`).toBe(ticks.length);
      expect(ticks.every(Number.isInteger)).toBe(true);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(Math.max(1, max));
      expect(ticks.length).toBeLessThanOrEqual(6);
      const steps = ticks.slice(1).map((t, i) => t - ticks[i]);
      expect(new Set(steps).size).toBe(1);
      // What the chart prints: the same labels, none twice.
      const labels = yLabels(lineChart([{ label: "high", color: "#d9480f", values: [0, max, max] }], AT, "t"));
      expect(labels).toEqual(ticks);
    }
    expect([0, 1, 2, 3, 7, 10].map(yTicks)).toEqual([
      [0, 1],
      [0, 1],
      [0, 1, 2],
      [0, 1, 2, 3],
      [0, 2, 4, 6, 8],
      [0, 2, 4, 6, 8, 10],
    ]);
  });

  it("keep every severity visible when lines overlap: own dash and marker, drawn apart where values are equal, in the legend", () => {
    const points = AT.map((at) => ({ at, bySeverity: { critical: 1, high: 1, medium: 1, low: 1 }, byRule: {} }));
    const svg = historyCharts(points as never, []);
    const series = [...svg.matchAll(/<g class="series" data-series="([^"]+)"><polyline ([^>]*)\/>(.*?)<\/g>/g)].map((m) => ({
      label: m[1],
      dash: /stroke-dasharray="([^"]*)"/.exec(m[2])?.[1] ?? "",
      ys: [...m[2].matchAll(/(?:points="| )[\d.]+,([\d.]+)/g)].map((p) => Number(p[1])),
      marker: /class="marker (\w+)"/.exec(m[3])![1],
    }));
    expect(series.map((s) => s.label)).toEqual(["critical", "high", "medium", "low"]);
    expect(new Set(series.map((s) => s.dash)).size).toBe(4);
    expect(series.map((s) => s.marker)).toEqual(["circle", "square", "triangle", "diamond"]);
    // Equal counts: each line at its own height, OVERLAP_GAP apart, around the true value.
    for (let i = 0; i < AT.length; i++) {
      const ys = series.map((s) => s.ys[i]).sort((a, b) => a - b);
      expect(new Set(ys).size).toBe(4);
      ys.slice(1).forEach((y, j) => expect(y - ys[j]).toBeCloseTo(OVERLAP_GAP, 1));
    }
    // Each legend entry shows its line's dash pattern and marker beside the label.
    const legend = [...svg.matchAll(/<g class="legend-item"[^>]*>(.*?)<\/g>/g)].map((m) => m[1]);
    expect(legend).toHaveLength(4);
    legend.forEach((l, k) => {
      expect(l).toContain(`class="legend">${series[k].label} (1)</text>`);
      if (series[k].dash) expect(l).toContain(`stroke-dasharray="${series[k].dash}"`);
      expect(l).toContain(`class="marker ${series[k].marker}"`);
    });
    // A value no other series has is drawn where it is.
    const alone = lineChart(
      [
        { label: "a", color: "#000", values: [2] },
        { label: "b", color: "#111", values: [0] },
      ],
      ["2026-11-30T00:00:00Z"],
      "t",
    );
    expect(alone).toContain(`points="${chartPoints([2], { left: 44, top: 12, width: 446, height: 172 }, 2)[0].join(",")}"`);
  });

  it("escape every text they draw", () => {
    const svg = lineChart([{ label: `<b onload="x">`, color: "#000", values: [1, 2] }], ["2026-11-29T00:00:00Z", "2026-11-30T00:00:00Z"], "t & <t>");
    expect(svg).not.toContain("<b ");
    expect(svg).toContain(escapeXml(`<b onload="x">`));
    expect(svg).toContain("t &#38; &#60;t&#62;");
    // Attribute values too: the series' name on its group, and a colour that tries to leave its attribute.
    expect(svg).toContain(`data-series="${escapeXml(`<b onload="x">`)}"`);
    const colour = lineChart([{ label: "x", color: `"/><script>x</script>`, values: [1] }], ["2026-11-30T00:00:00Z"], "t");
    expect(colour).not.toContain("<script");
    expect(colour).toContain(`stroke="${escapeXml(`"/><script>x</script>`)}"`);
  });
});
