import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import type { AuditReport } from "../../../src/cli/report";
import { outcome, verdict } from "../../../src/cli/reporters/common";
import { disposition, notEnforced, text as shownText } from "../../../src/cli/reporters/common";
import { HTML_CODES, htmlData, renderHtml, safeHref, scriptJson, withoutCredentials, type ReportPageData } from "../../../src/cli/reporters/html";
import {
  CHART_BOX,
  chartPoints,
  lineChart,
  niceCeiling,
  OVERLAP_GAP,
  ruleTrend,
  severityChart,
  yTicks,
  type SvgNode,
} from "../../../src/cli/reporters/html/chart";
import { findingAt, findingCount, findingsTable } from "../../../src/cli/reporters/html/data";
import { decode } from "../../../src/cli/reporters/html/decode";
import { bounded } from "../../../src/api/display";
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
function embedded(html: string): ReportPageData {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]) as ReportPageData;
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
    for (const name of HOSTILE) expect(data.integrations.map((i) => i.name)).toContain(name);
    // The page's own decoding (decode.ts) gives every message back whole.
    expect(decode(data).findings.map((f) => f.message)).toEqual(report.findings.map((f) => f.message));
  });

  it("stores what repeats once and decodes to the same findings, dispositions and verdict", () => {
    const report = reportOf(demoDataset(NOW.getTime()));
    const data = htmlData(report);
    expect(data.verdict).toEqual({ ...outcome(report), text: verdict(report) });
    expect(findingCount(data.findings)).toBe(report.findings.length);
    const rows = report.findings.map((_, n) => findingAt(data.findings, n));
    // The table holds what was put in it, field by field.
    expect(findingsTable(rows)).toEqual(data.findings);
    for (const [n, row] of rows.entries()) {
      const f = report.findings[n];
      expect(data.rules[row.rule].id).toBe(f.ruleId);
      expect(HTML_CODES.status[row.status]).toBe(f.status);
      expect(data.evidence[row.evidence]).toEqual(f.evidence);
      expect(data.text[row.remediation]).toBe(f.remediation);
    }
    expect(rows.filter((row) => row.prefixed).length).toBeGreaterThan(report.findings.length / 2);
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
    // The page shows it in the policy line, the baseline section and the run's metadata (rendered in a browser by html-browser.test.ts).
    const source = (file: string) => fs.readFileSync(path.join(__dirname, "../../../src/cli/reporters/html", file), "utf8");
    expect(source("header.ts")).toContain('" · baseline " + P.baseline.file');
    expect(source("baseline.ts")).toContain("D.meta.policy.baseline?.digest");
    expect(source("run.ts")).toContain('el("dt", null, "Baseline digest")');
  });

  it("stays far below 2 MB for 1,000 integrations", () => {
    const html = renderHtml(reportOf(generatedDataset(1000, 42, NOW.getTime())));
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
  });
});

describe("the page's decoding of ReportPageData (its own decode.ts)", () => {
  it("gives back every finding as the report has it, with dispositions, metadata and whether this run enforces it", () => {
    const policy = defaultPolicy();
    for (const failOn of ["mandatory", "never"] as const) {
      const report = { ...reportOf(hostileDemo(), policy), policy: { ...reportOf([]).policy, failOn } };
      report.summary = { ...report.summary, failOn, enforced: failOn !== "never" };
      const { rules, findings } = decode(htmlData(report));
      expect(rules.map((r) => r.id)).toEqual(report.rules.map((r) => r.id));
      expect(findings).toHaveLength(report.findings.length);
      findings.forEach((f, n) => {
        const x = report.findings[n];
        const integration = x.integration ? { id: x.integration.id, name: bounded(x.integration.name), vendor: bounded(x.integration.vendor) } : null;
        expect(f).toEqual({
          n,
          rule: { ...report.rules.find((r) => r.id === x.ruleId)!, i: rules.findIndex((r) => r.id === x.ruleId) },
          status: x.status,
          disposition: disposition(x, report),
          integration,
          subject: x.subject ?? null,
          message: shownText(x.message),
          evidence: x.evidence,
          remediation: shownText(x.remediation),
          exception: x.exception ?? null,
          baseline: x.baseline ?? null,
          severity: x.severity,
          enforcement: x.enforcement,
          helpUri: safeHref(x.helpUri) ?? null,
          dataProblems: x.dataProblems ?? null,
          vendor: integration?.vendor ?? "",
          notEnforced: notEnforced(x, report),
        });
      });
      if (failOn === "never") expect(findings.some((f) => f.notEnforced)).toBe(true);
    }
  });

  it("keeps a message whole when it does not start with its integration's prefix", () => {
    const report = reportOf(demoDataset(NOW.getTime()));
    const n = report.findings.findIndex((f) => f.integration);
    report.findings[n] = { ...report.findings[n], message: "Webhooks are off for this one." };
    const data = htmlData(report);
    expect(data.findings.whole).toEqual({ [n]: true });
    expect(data.text).toContain("Webhooks are off for this one.");
    expect(decode(data).findings.map((f) => f.message)).toEqual(report.findings.map((f) => f.message));
  });

  it("names a rule only findings know, by its id", () => {
    const report = reportOf(demoDataset(NOW.getTime()));
    const gone = report.rules[0].id;
    const { rules, findings } = decode(htmlData({ ...report, rules: report.rules.slice(1) }));
    const f = findings.find((x) => x.rule.id === gone)!;
    expect(f.rule).toEqual({ id: gone, title: gone, severity: "", enforcement: "", helpUri: null, description: "", i: rules.length - 1 });
    // Its own metadata, which the empty rule row does not have.
    expect(f).toMatchObject({ severity: report.findings[f.n].severity, enforcement: report.findings[f.n].enforcement, helpUri: report.findings[f.n].helpUri });
  });
});

/** Every node of an SVG tree that matches, depth first. */
function nodes(tree: SvgNode, match: (n: SvgNode) => boolean): SvgNode[] {
  const kids = tree.children.flatMap((c) => (typeof c === "string" ? [] : nodes(c, match)));
  return match(tree) ? [tree, ...kids] : kids;
}
const textOf = (n: SvgNode): string => n.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
const hasClass = (n: SvgNode, cls: string) =>
  String(n.attrs.class ?? "")
    .split(" ")
    .includes(cls);

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

  /** The y-axis labels a chart prints (the x axis's labels are dates). */
  const yLabels = (chart: SvgNode) => nodes(chart, (n) => n.tag === "text" && hasClass(n, "y-tick")).map((n) => Number(textOf(n)));
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
      expect(yLabels(lineChart([{ label: "high", color: "#d9480f", values: [0, max, max] }], AT, "t"))).toEqual(ticks);
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
    const chart = severityChart(AT.map((at) => ({ at, bySeverity: { critical: 1, high: 1, medium: 1, low: 1 } })));
    const series = nodes(chart, (n) => n.tag === "g" && hasClass(n, "series")).map((g) => {
      const line = nodes(g, (n) => n.tag === "polyline")[0];
      return {
        label: g.attrs["data-series"],
        dash: String(line.attrs["stroke-dasharray"] ?? ""),
        ys: String(line.attrs.points)
          .split(" ")
          .map((p) => Number(p.split(",")[1])),
        marker: String(nodes(g, (n) => hasClass(n, "marker"))[0].attrs.class).split(" ")[1],
      };
    });
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
    const legend = nodes(chart, (n) => n.tag === "g" && hasClass(n, "legend-item"));
    expect(legend).toHaveLength(4);
    legend.forEach((l, k) => {
      expect(textOf(l)).toBe(`${series[k].label} (1)`);
      expect(String(nodes(l, (n) => n.tag === "line")[0].attrs["stroke-dasharray"] ?? "")).toBe(series[k].dash);
      expect(nodes(l, (n) => hasClass(n, series[k].marker))).toHaveLength(1);
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
    expect(nodes(alone, (n) => n.tag === "polyline")[0].attrs.points).toBe(chartPoints([2], CHART_BOX, 2)[0].join(","));
  });

  it("keep every text and attribute a value, never markup: the page sets them with textContent and setAttribute", () => {
    const label = `<b onload="x">`;
    const chart = lineChart([{ label, color: `"/><script>x</script>`, values: [1, 2] }], ["2026-11-29T00:00:00Z", "2026-11-30T00:00:00Z"], "t & <t>");
    expect(nodes(chart, (n) => n.tag === "title")[0].children).toEqual(["t & <t>"]);
    expect(nodes(chart, (n) => n.tag === "g" && hasClass(n, "series"))[0].attrs["data-series"]).toBe(label);
    expect(nodes(chart, (n) => n.tag === "polyline")[0].attrs.stroke).toBe(`"/><script>x</script>`);
    expect(textOf(nodes(chart, (n) => hasClass(n, "legend"))[0])).toBe(`${label} (2)`);
    // Only the element names the chart module chose; nothing a value says becomes an element.
    expect(new Set(nodes(chart, () => true).map((n) => n.tag))).toEqual(new Set(["svg", "title", "line", "text", "g", "polyline", "circle"]));
  });

  it("are drawn by the page from the data: the report's HTML holds no SVG, its data the runs' counts", () => {
    const report = reportOf(demoDataset(NOW.getTime()));
    const points = AT.map((at, i) => ({
      at,
      file: `f${i}.json`,
      integrations: 12,
      open: i,
      bySeverity: { critical: i, high: 0, medium: 0, low: 0 },
      byRule: { x: i },
    }));
    const history = { dir: "history", points, total: 3, limit: 100, skipped: [] };
    const html = renderHtml(report, { history });
    expect(html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, "")).not.toMatch(/<svg|<polyline/);
    const data = embedded(html).history!;
    expect(data.points).toEqual(points.map(({ at, bySeverity, byRule }) => ({ at, bySeverity, byRule })));
    expect(data.rules).toEqual([...report.rules.map((r) => r.id), "x"]);
    expect(ruleTrend(data.points, "x")).toEqual({ values: [0, 1, 2], first: 0, last: 2, trend: "+2" });
    expect(ruleTrend(data.points.slice().reverse(), "x").trend).toBe("-2");
    expect(ruleTrend(data.points, report.rules[0].id)).toEqual({ values: [0, 0, 0], first: 0, last: 0, trend: "=" });
  });
});
