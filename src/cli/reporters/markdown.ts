import { bounded } from "../../api/display";
import type { Finding } from "../../rules/types";
import type { AuditReport } from "../report";
import { baselineNote } from "../../rules/baseline";
import { baselineSummary, disposition, notable, notEnforced, outcome, subjectOf, verdict } from "./common";

/**
 * Text for Markdown: what Markdown or HTML could act on inline is escaped (`<>&` as entities;
 * emphasis, code, links, images and table pipes with a backslash; a zero-width non-joiner
 * inside `://` and `www.` so URLs are not autolinked) and line breaks become spaces, so names and messages from Flow cannot add
 * headings, links, images, HTML, tracking pixels or table cells to the report.
 */
export function esc(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|~]/g, "\\$&")
    .replace(/:\/\/|\bwww\./gi, (m) => `${m[0]}\u200c${m.slice(1)}`);
}

/**
 * How large the Markdown summary may grow: GitHub takes at most 1 MiB per step summary (and
 * comments are smaller still), so the summary lists the first findings, the failing ones
 * first, and says how many more the full report has. Text from Flow is cut to `text`
 * characters per cell.
 */
export const MARKDOWN_LIMITS = { findings: 100, bytes: 256 * 1024, text: 500, listItems: 20 } as const;

/** Bytes kept for what follows the findings: the "more" line and the footer (whose texts are cut to fit). */
const RESERVE = 8 * 1024;

/** The report files written in the same run, that the summary points at for the full list. */
export interface MarkdownOptions {
  artifacts?: ReadonlyArray<{ format: string; file: string }>;
}

/** Lines under a byte budget: a line that does not fit is refused, and so are all after it. */
class Budget {
  readonly lines: string[] = [];
  private used = 0;
  private full = false;
  constructor(private readonly limit: number) {}
  add(...lines: string[]): boolean {
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    if (this.used + bytes > this.limit) this.full = true;
    if (this.full) return false;
    this.lines.push(...lines);
    this.used += bytes;
    return true;
  }
}

/** Escaped text, bounded to MARKDOWN_LIMITS.text characters first (src/api/display.ts; so no escape is cut in half). */
const cut = (s: string, max: number = MARKDOWN_LIMITS.text) => esc(bounded(s, max));

/** `--format markdown`: for PR comments and CI job summaries, at most MARKDOWN_LIMITS.bytes long. */
export function renderMarkdown(report: AuditReport, options: MarkdownOptions = {}): string {
  const s = report.summary;
  const o = outcome(report);
  const out = new Budget(MARKDOWN_LIMITS.bytes - RESERVE);
  out.add(`## ${o.ok ? (o.status === "passed" ? "✅" : "⚠️") : "❌"} Flow integration audit: ${o.status}`, "");
  out.add(`${verdict(report)}.`, "");
  // Counts that do not depend on --fail-on; the verdict above says what fails this run.
  out.add(
    "| Integrations | Rules | Open mandatory | Open advisory | Suppressed | Baselined | OK | Not applicable |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${s.integrations} | ${s.rules} | ${s.open.mandatory} | ${s.open.advisory} | ${s.suppressed} | ${s.baselined} | ${s.findings.ok} | ${s.findings["not-applicable"]} |`,
    "",
  );
  const baseline = baselineSummary(report);
  if (baseline) out.add(cut(baseline, 2000), "");
  const full = fullReport(options.artifacts ?? []);
  const omitted = findingRows(report, out);
  const tail = omitted.count ? [`_… and ${omitted.count} more findings (${omitted.failing} of them ❌) in ${full}._`, ""] : [];
  if (report.diff && !diffLines(report.diff, out, full, tail)) tail.push(`_Changes since ${cut(report.diff.against, 300)}: in ${full}._`, "");
  if (!omitted.count && full !== FULL_REPORT_DEFAULT) tail.push(`Full report: ${full}.`, "");
  tail.push(
    `<sub>flow-audit ${esc(report.tool.version)} · source: ${report.source.kind} · policy: ${cut(report.policy.file ?? "defaults", 300)} · fail on ${report.policy.failOn}${report.policy.failOn === "never" ? " (not enforced)" : ""}</sub>`,
    "",
  );
  return [...out.lines, ...tail].join("\n");
}

const FULL_REPORT_DEFAULT = "the full report (--format json or --output json=FILE)";

/** "flow-audit.json (JSON), flow-audit.sarif (SARIF)": the full reports written in the same run. */
function fullReport(artifacts: ReadonlyArray<{ format: string; file: string }>): string {
  const named = (["json", "sarif"] as const).flatMap((format) => {
    const a = artifacts.find((x) => x.format === format);
    return a ? [`${cut(a.file, 200)} (${format.toUpperCase()})`] : [];
  });
  return named.length ? named.join(", ") : FULL_REPORT_DEFAULT;
}

/** Failing (and enforced) first, then failing ones --fail-on never does not enforce, other open ones, suppressed ones, baselined ones. */
function rank(f: Finding, report: AuditReport): number {
  const d = disposition(f, report);
  return d === "failing" ? (notEnforced(f, report) ? 1 : 0) : d === "suppressed" ? 3 : d === "baselined" ? 4 : 2;
}

/** The findings table, as many rows as the limits allow; returns what was left out. */
function findingRows(report: AuditReport, out: Budget): { count: number; failing: number } {
  const ranked = notable(report)
    .flatMap((g) => g.findings)
    .map((f) => ({ f, rank: rank(f, report) }))
    .sort((a, b) => a.rank - b.rank);
  let shown = 0;
  if (ranked.length && out.add("| | Rule | Integration | Finding |", "| --- | --- | --- | --- |")) {
    const help = new Map(report.rules.map((r) => [r.id, r.helpUri]));
    for (const { f, rank } of ranked) {
      if (shown === MARKDOWN_LIMITS.findings) break;
      const icon = rank <= 1 ? "❌" : rank === 3 ? "⏸️" : rank === 4 ? "📌" : "⚠️";
      const note =
        (rank < 2 && notEnforced(f, report) ? " _Failing, not enforced (--fail-on never)._" : "") +
        (rank === 3
          ? ` _Suppressed until ${f.exception!.expires}: ${cut(f.exception!.reason)}_`
          : f.exception?.state === "expired"
            ? ` _Exception expired ${f.exception.expires}._`
            : f.baseline
              ? ` _${cut(baselineNote(f.baseline))}._`
              : "");
      const row = `| ${icon} | [\`${f.ruleId}\`](${help.get(f.ruleId)}) (${f.enforcement}) | ${cut(subjectOf(f))} | ${cut(f.message)} **Fix:** ${cut(f.remediation)}${note} |`;
      if (!out.add(row)) break;
      shown++;
    }
    out.add("");
  }
  const rest = ranked.slice(shown);
  return { count: rest.length, failing: rest.filter((r) => r.rank <= 1).length };
}

/** "a (1), b (2) and 3 more" for a capped list. */
function capped<T>(items: readonly T[], show: (item: T) => string): string {
  const n = MARKDOWN_LIMITS.listItems;
  const shown = items.slice(0, n).map(show).join(", ");
  return items.length > n ? `${shown} and ${items.length - n} more` : shown || "none";
}

/**
 * What changed since the earlier snapshot, each list capped (the JSON report has them all): the
 * heading with at least its first entry, or false when there was no room for them. The line
 * saying how many more goes to `tail` (kept outside the budget) when it does not fit.
 */
function diffLines(d: NonNullable<AuditReport["diff"]>, out: Budget, full: string, tail: string[]): boolean {
  const n = MARKDOWN_LIMITS.listItems;
  const entries = [
    { text: `- Added: ${capped(d.added, (i) => `${cut(i.name)} (${i.id})`)}`, items: d.added.length },
    { text: `- Removed: ${capped(d.removed, (i) => `${cut(i.name)} (${i.id})`)}`, items: d.removed.length },
    ...d.changed.slice(0, n).map((c) => ({ text: `- Changed: ${cut(c.name)} (${c.id}): ${cut(c.fields.join(", "))}`, items: 1 })),
    ...d.findingsAppeared.slice(0, n).map((f) => ({ text: `- 🆕 New finding: \`${f.ruleId}\` ${cut(f.message)}`, items: 1 })),
    ...d.findingsResolved.slice(0, n).map((f) => ({ text: `- ✅ Resolved: \`${f.ruleId}\` ${cut(f.message)}`, items: 1 })),
  ];
  if (!out.add(`### Changes since ${cut(d.against, 300)}`, "", entries[0].text)) return false;
  let shown = 1;
  while (shown < entries.length && out.add(entries[shown].text)) shown++;
  const beyondCaps = [d.changed, d.findingsAppeared, d.findingsResolved].reduce((m, list) => m + Math.max(0, list.length - n), 0);
  const left = beyondCaps + entries.slice(shown).reduce((m, e) => m + e.items, 0);
  const more = [...(left ? [`- … and ${left} more in ${full}`] : []), ""];
  if (!out.add(...more)) tail.unshift(...more);
  return true;
}
