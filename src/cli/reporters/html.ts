/**
 * `--format html`: one self-contained evidence report that works offline from file://. The
 * report's data is embedded as JSON (`<script type="application/json">`, with `<`, `>`, `&`,
 * U+2028 and U+2029 escaped) and the page's one script builds the DOM from it with
 * `textContent` only; a Content-Security-Policy allows that script and the style by their
 * SHA-256 hashes and nothing else (no network, no other script). Strings that repeat — rule
 * metadata, remediations, evidence, the integration named at the start of each message — are
 * stored once and referred to by index, so 1,000 integrations stay far below 2 MB.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { bounded, boundedValue } from "../../api/display";
import type { Finding } from "../../rules/types";
import type { HistoryView } from "../history";
import type { AuditReport } from "../report";
import { disposition, outcome, text as shownText, verdict } from "./common";
import { escapeXml, historyCharts } from "./html-chart";

/** Code tables the page decodes rows with (indexes into these lists). */
export const HTML_CODES = {
  status: ["ok", "violation", "not-applicable", "error"],
  disposition: ["failing", "warning", "suppressed", "baselined", "passed", "not-applicable"],
  severity: ["critical", "high", "medium", "low"],
  enforcement: ["mandatory", "advisory", "disabled"],
} as const;

/** Options of the HTML report. */
export interface HtmlOptions {
  /** The runs of --history-dir, charted with the diff since the previous run. */
  history?: HistoryView;
}

/** JSON that is safe inside a `<script>` element (and in JavaScript source): no `<`, `>`, `&`, U+2028 or U+2029 left. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The URL when it is an absolute http(s) URL, else undefined (no javascript:, data:, relative or malformed links). */
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** An API base URL without credentials, query or fragment (`https://user:pass@host/p?q` → `https://host/p`); other text unchanged. */
export function withoutCredentials(location: string): string {
  try {
    const u = new URL(location);
    if (u.protocol !== "http:" && u.protocol !== "https:") return location;
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.href;
  } catch {
    return location.replace(/\/\/[^/@\s]*@/, "//").replace(/[?#].*$/s, "");
  }
}

/** Values stored once and referred to by index. */
class Interned<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();
  add(value: T, key: string = typeof value === "string" ? value : JSON.stringify(value)): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(key, i);
    }
    return i;
  }
}

/** What the page needs of one finding beyond the shared tables: subject, data problems, and metadata that differs from its rule. */
function extraOf(f: Finding, rule: AuditReport["rules"][number] | undefined): Record<string, unknown> | undefined {
  const x: Record<string, unknown> = {};
  if (f.subject !== undefined) x.subject = bounded(f.subject);
  if (f.dataProblems?.length) x.dataProblems = boundedValue(f.dataProblems);
  if (rule && f.severity !== rule.severity) x.severity = f.severity;
  if (rule && f.enforcement !== rule.enforcement) x.enforcement = f.enforcement;
  if (rule && f.helpUri !== rule.helpUri) x.helpUri = safeHref(f.helpUri) ?? null;
  return Object.keys(x).length ? x : undefined;
}

/**
 * The findings as rows of indexes: [rule, status, disposition, integration (-1: none), message
 * (negative: -(i+1), the text after "Integration '<name>' (id <id>, <vendor>)"), evidence,
 * remediation, exception, baseline, extra] with trailing -1 left out.
 */
export function findingRows(report: AuditReport) {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const extraRules: string[] = [];
  const ints = new Interned<[number, string, string]>();
  const text = new Interned<string>();
  const evidence = new Interned<Record<string, unknown>>();
  const exceptions = new Interned<NonNullable<Finding["exception"]>>();
  const baselines = new Interned<NonNullable<Finding["baseline"]>>();
  const extras: Array<Record<string, unknown>> = [];
  const rows = report.findings.map((f) => {
    let r = ruleIndex.get(f.ruleId);
    if (r === undefined) ruleIndex.set(f.ruleId, (r = report.rules.length + extraRules.push(f.ruleId) - 1));
    const name = f.integration && bounded(f.integration.name);
    const vendor = f.integration && bounded(f.integration.vendor);
    const i = f.integration ? ints.add([f.integration.id, name!, vendor!], String(f.integration.id)) : -1;
    const prefix = f.integration ? `Integration '${name}' (id ${f.integration.id}, ${vendor})` : undefined;
    const message = shownText(f.message);
    const m = prefix && message.startsWith(prefix) ? -(text.add(message.slice(prefix.length)) + 1) : text.add(message);
    const x = extraOf(f, report.rules[r]);
    const row = [
      r,
      HTML_CODES.status.indexOf(f.status),
      HTML_CODES.disposition.indexOf(disposition(f, report)),
      i,
      m,
      evidence.add(boundedValue(f.evidence ?? {}) as Record<string, unknown>),
      text.add(shownText(f.remediation)),
      f.exception ? exceptions.add({ ...f.exception, reason: shownText(f.exception.reason) }) : -1,
      f.baseline ? baselines.add(f.baseline) : -1,
      x ? extras.push(x) - 1 : -1,
    ];
    while (row[row.length - 1] === -1) row.pop();
    return row;
  });
  return {
    rows,
    extraRules,
    ints: ints.values,
    text: text.values,
    evidence: evidence.values,
    exceptions: exceptions.values,
    baselines: baselines.values,
    extras,
  };
}

/** The page's data: the report with shared strings stored once, metadata cleaned, links checked. */
export function htmlData(report: AuditReport, history?: HistoryView) {
  const { extraRules, ...findings } = findingRows(report);
  const o = outcome(report);
  const location = report.source.kind === "api" ? withoutCredentials(report.source.location) : report.source.location;
  return {
    codes: HTML_CODES,
    meta: {
      generatedAt: report.generatedAt,
      tool: report.tool,
      source: { kind: report.source.kind, location },
      policy: report.policy,
      personalDataMasked: report.personalDataMasked,
    },
    verdict: { status: o.status, ok: o.ok, text: verdict(report) },
    summary: report.summary,
    rules: [
      ...report.rules.map((r) => [r.id, r.title, r.severity, r.enforcement, safeHref(r.helpUri) ?? null, r.description]),
      ...extraRules.map((id) => [id, id, "", "", null, ""]),
    ],
    ...findings,
    warnings: report.warnings.slice(0, 1000).map((w) => boundedValue(w)),
    baseline: report.baseline ?? null,
    diff: report.diff ? shownDiff(report.diff) : null,
    history: history
      ? {
          dir: history.dir,
          total: history.total,
          limit: history.limit,
          runs: history.points.length,
          skipped: history.skipped,
          previous: history.previous ?? null,
        }
      : null,
  };
}

/** The changes since an earlier snapshot with names, fields and messages bounded for display (the JSON report has them whole). */
function shownDiff(d: NonNullable<AuditReport["diff"]>): NonNullable<AuditReport["diff"]> {
  const ref = <T extends { name: string; vendor?: string }>(i: T): T => ({
    ...i,
    name: bounded(i.name),
    ...(i.vendor === undefined ? {} : { vendor: bounded(i.vendor) }),
  });
  const change = (c: NonNullable<AuditReport["diff"]>["findingsAppeared"][number]) => ({
    ...c,
    subject: c.subject && bounded(c.subject),
    message: shownText(c.message),
  });
  return {
    ...d,
    against: bounded(d.against),
    added: d.added.map(ref),
    removed: d.removed.map(ref),
    changed: d.changed.map((c) => ({ ...ref(c), fields: c.fields.map((f) => bounded(f)) })),
    findingsAppeared: d.findingsAppeared.map(change),
    findingsResolved: d.findingsResolved.map(change),
  };
}

let assets: { css: string; js: string } | undefined;
/** The page's stylesheet and script (copied next to the compiled reporter by the build). */
function pageAssets(): { css: string; js: string } {
  const dir = path.join(__dirname, "html");
  if (!assets) {
    assets = { css: fs.readFileSync(path.join(dir, "page.css"), "utf8"), js: fs.readFileSync(path.join(dir, "page.js"), "utf8") };
    if (/<\/(script|style)/i.test(assets.css + assets.js)) throw new Error("the HTML report's page.js or page.css contains a closing </script> or </style>");
  }
  return assets;
}

const sha256 = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

/** The Content-Security-Policy of a page with exactly this script and this style: nothing else runs or loads. */
export function contentSecurityPolicy(js: string, css: string): string {
  return `default-src 'none'; script-src ${sha256(js)}; style-src ${sha256(css)}; img-src 'none'; base-uri 'none'; form-action 'none'`;
}

/** `--format html`: the whole page. */
export function renderHtml(report: AuditReport, options: HtmlOptions = {}): string {
  const { css, js } = pageAssets();
  const o = outcome(report);
  const history = options.history;
  const charts =
    history && history.points.length > 1
      ? historyCharts(history.points, report.rules)
      : history
        ? `<p class="note">This is the first run in ${escapeXml(history.dir)}: the charts start with the next run.</p>`
        : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(js, css)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Flow integration audit: ${escapeXml(o.status)}</title>
<style>${css}</style>
</head>
<body>
<noscript><p class="note">This report builds its tables with JavaScript; the data is in the element #report-data as JSON.</p></noscript>
<header id="top"></header>
<main>
<section id="summary"></section>
<section id="history"${history ? "" : " hidden"}><h2>History</h2><p id="history-note"></p><div id="history-charts">${charts}</div><div id="history-diff"></div></section>
<section id="findings"></section>
<section id="exceptions"></section>
<section id="baseline"></section>
<section id="changes"></section>
<section id="warnings"></section>
<section id="run"></section>
</main>
<script type="application/json" id="report-data">${scriptJson(htmlData(report, history))}</script>
<script>${js}</script>
</body>
</html>
`;
}
