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
import type { DataProblem } from "../../api/validation";
import type { Finding } from "../../rules/types";
import type { HistoryView } from "../history";
import type { AuditReport } from "../report";
import { integrationPrefix } from "../../rules/util";
import { disposition, outcome, text as shownText, verdict } from "./common";
import { findingsTable, HTML_CODES, safeHref, type PageExtra, type PageFinding, type PageIntegration, type ReportPageData } from "./html/data";

export { HTML_CODES, safeHref } from "./html/data";
export type { ReportPageData } from "./html/data";

/** Options of the HTML report. */
export interface HtmlOptions {
  /** The runs of --history-dir, charted with the diff since the previous run. */
  history?: HistoryView;
}

/** JSON that is safe inside a `<script>` element (and in JavaScript source): no `<`, `>`, `&`, U+2028 or U+2029 left. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
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
function extraOf(f: Finding, rule: AuditReport["rules"][number] | undefined): PageExtra | undefined {
  const x: PageExtra = {};
  if (f.subject !== undefined) x.subject = bounded(f.subject);
  if (f.dataProblems?.length) x.dataProblems = boundedValue(f.dataProblems) as PageExtra["dataProblems"];
  // A rule the report does not list (its row is empty): the finding's own metadata, all of it.
  if (!rule || f.severity !== rule.severity) x.severity = f.severity;
  if (!rule || f.enforcement !== rule.enforcement) x.enforcement = f.enforcement;
  if (!rule || f.helpUri !== rule.helpUri) x.helpUri = safeHref(f.helpUri) ?? null;
  return Object.keys(x).length ? x : undefined;
}

/** The shared tables the findings refer to by index, filled as findings are added. */
function findingTables() {
  return {
    integrations: new Interned<PageIntegration>(),
    text: new Interned<string>(),
    evidence: new Interned<Record<string, unknown>>(),
    exceptions: new Interned<NonNullable<Finding["exception"]>>(),
    baselines: new Interned<NonNullable<Finding["baseline"]>>(),
    extras: [] as PageExtra[],
  };
}

/**
 * The findings as `PageFinding`s: indexes into shared tables, each message stored without the
 * integration's `integrationPrefix` when it starts with it (the page puts it back), and the ids
 * of rules findings name that the report's rules do not list (`rules` continues with them).
 */
export function findingRows(report: AuditReport) {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const extraRules: string[] = [];
  const t = findingTables();
  const findings = report.findings.map((f): PageFinding => {
    let rule = ruleIndex.get(f.ruleId);
    if (rule === undefined) ruleIndex.set(f.ruleId, (rule = report.rules.length + extraRules.push(f.ruleId) - 1));
    const i = f.integration && { id: f.integration.id, name: bounded(f.integration.name), vendor: bounded(f.integration.vendor) };
    const prefix = i && integrationPrefix(i.name, i.id, i.vendor);
    const message = shownText(f.message);
    const prefixed = prefix !== undefined && message.startsWith(prefix);
    const x = extraOf(f, report.rules[rule]);
    return {
      rule,
      status: HTML_CODES.status.indexOf(f.status),
      disposition: HTML_CODES.disposition.indexOf(disposition(f, report)),
      ...(i && { integration: t.integrations.add(i, String(i.id)) }),
      message: t.text.add(prefixed ? message.slice(prefix.length) : message),
      ...(prefixed && { prefixed }),
      evidence: t.evidence.add(boundedValue(f.evidence ?? {}) as Record<string, unknown>),
      remediation: t.text.add(shownText(f.remediation)),
      ...(f.exception && { exception: t.exceptions.add({ ...f.exception, reason: shownText(f.exception.reason) }) }),
      ...(f.baseline && { baseline: t.baselines.add(f.baseline) }),
      ...(x && { extra: t.extras.push(x) - 1 }),
    };
  });
  const { integrations, text, evidence, exceptions, baselines, extras } = t;
  return {
    findings: findingsTable(findings),
    extraRules,
    integrations: integrations.values,
    text: text.values,
    evidence: evidence.values,
    exceptions: exceptions.values,
    baselines: baselines.values,
    extras,
  };
}

/** The history as the page charts it: the runs' counts, the rules charted, what changed since the previous run. */
function pageHistory(history: HistoryView, report: AuditReport): ReportPageData["history"] {
  const points = history.points.map((p) => ({ at: p.at, bySeverity: p.bySeverity, byRule: p.byRule }));
  return {
    dir: history.dir,
    total: history.total,
    limit: history.limit,
    runs: history.points.length,
    skipped: history.skipped,
    previous: history.previous ?? null,
    points,
    rules: [...new Set([...report.rules.map((r) => r.id), ...points.flatMap((p) => Object.keys(p.byRule))])],
  };
}

/** The page's data: the report with shared strings stored once, metadata cleaned, links checked. */
export function htmlData(report: AuditReport, history?: HistoryView): ReportPageData {
  const { extraRules, ...findings } = findingRows(report);
  const o = outcome(report);
  const location = report.source.kind === "api" ? withoutCredentials(report.source.location) : report.source.location;
  const rule = (r: AuditReport["rules"][number]) => ({ ...r, helpUri: safeHref(r.helpUri) ?? null });
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
    rules: [...report.rules.map((r) => rule(r)), ...extraRules.map((id) => ({ id, title: id, severity: "", enforcement: "", helpUri: null, description: "" }))],
    ...findings,
    warnings: report.warnings.slice(0, 1000).map((w) => boundedValue(w) as DataProblem),
    baseline: report.baseline ?? null,
    diff: report.diff ? shownDiff(report.diff) : null,
    history: history ? pageHistory(history, report) : null,
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

/** Text for HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page's script: bundled from html/page.ts by the build (scripts/bundle-page.mjs) next to
 * the compiled reporter; run from the sources (the unit tests), the build's copy in dist/.
 */
function pageScriptPath(dir: string): string {
  const built = path.join(dir, "page.js");
  if (fs.existsSync(built) || path.basename(path.resolve(__dirname, "..", "..")) !== "src") return built;
  return path.resolve(__dirname, "..", "..", "..", "dist", "cli", "reporters", "html", "page.js");
}

let assets: { css: string; js: string } | undefined;
/** The page's stylesheet and script (copied and bundled next to the compiled reporter by the build). */
function pageAssets(): { css: string; js: string } {
  const dir = path.join(__dirname, "html");
  if (!assets) {
    const script = pageScriptPath(dir);
    if (!fs.existsSync(script)) throw new Error(`the HTML report's script is missing at ${script}: run npm run build`);
    assets = { css: fs.readFileSync(path.join(dir, "page.css"), "utf8"), js: fs.readFileSync(script, "utf8") };
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
<section id="history"${history ? "" : " hidden"}><h2>History</h2><p id="history-note"></p><div id="history-charts"></div><div id="history-diff"></div></section>
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
