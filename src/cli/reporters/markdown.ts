import { isOpen } from "../../rules/evaluate";
import type { AuditReport } from "../report";
import { disposition, notable, outcome, subjectOf, verdict } from "./common";

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

/** `--format markdown`: for PR comments and CI job summaries. */
export function renderMarkdown(report: AuditReport): string {
  const s = report.summary;
  const out: string[] = [];
  const o = outcome(report);
  out.push(`## ${o.ok ? (o.status === "passed" ? "✅" : "⚠️") : "❌"} Flow integration audit: ${o.status}`, "");
  out.push(`${verdict(report)}.`, "");
  // Counts that do not depend on --fail-on; the verdict above says what fails this run.
  out.push(
    "| Integrations | Rules | Open mandatory | Open advisory | Suppressed | OK | Not applicable |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  const open = report.findings.filter((f) => isOpen(f));
  const mandatory = open.filter((f) => f.enforcement === "mandatory").length;
  out.push(
    `| ${s.integrations} | ${s.rules} | ${mandatory} | ${open.length - mandatory} | ${s.suppressed} | ${s.findings.ok} | ${s.findings["not-applicable"]} |`,
    "",
  );
  const groups = notable(report);
  if (groups.length) {
    out.push("| | Rule | Integration | Finding |", "| --- | --- | --- | --- |");
    for (const { ruleId, findings } of groups) {
      const rule = report.rules.find((r) => r.id === ruleId)!;
      for (const f of findings) {
        const d = disposition(f, report);
        // Open mandatory findings are what "failed" means, even when --fail-on never does not enforce them.
        const icon = d === "failing" || (isOpen(f) && f.enforcement === "mandatory") ? "❌" : d === "suppressed" ? "⏸️" : "⚠️";
        const note =
          d === "suppressed"
            ? ` _Suppressed until ${f.exception!.expires}: ${esc(f.exception!.reason)}_`
            : f.exception?.state === "expired"
              ? ` _Exception expired ${f.exception.expires}._`
              : "";
        out.push(
          `| ${icon} | [\`${ruleId}\`](${rule.helpUri}) (${f.enforcement}) | ${esc(subjectOf(f))} | ${esc(f.message)} **Fix:** ${esc(f.remediation)}${note} |`,
        );
      }
    }
    out.push("");
  }
  if (report.diff) {
    const d = report.diff;
    out.push(`### Changes since ${esc(d.against)}`, "");
    out.push(`- Added: ${d.added.map((i) => `${esc(i.name)} (${i.id})`).join(", ") || "none"}`);
    out.push(`- Removed: ${d.removed.map((i) => `${esc(i.name)} (${i.id})`).join(", ") || "none"}`);
    for (const c of d.changed) out.push(`- Changed: ${esc(c.name)} (${c.id}): ${c.fields.map(esc).join(", ")}`);
    for (const f of d.findingsAppeared) out.push(`- 🆕 New finding: \`${f.ruleId}\` ${esc(f.message)}`);
    for (const f of d.findingsResolved) out.push(`- ✅ Resolved: \`${f.ruleId}\` ${esc(f.message)}`);
    out.push("");
  }
  out.push(
    `<sub>flow-audit ${esc(report.tool.version)} · source: ${report.source.kind} · policy: ${esc(report.policy.file ?? "defaults")} · fail on ${report.policy.failOn}</sub>`,
    "",
  );
  return out.join("\n");
}
