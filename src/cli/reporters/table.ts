import { terminalSafe } from "../../api/ingest";
import type { AuditReport } from "../report";
import { disposition, notable, verdict } from "./common";

const ANSI = { red: "\x1b[31m", yellow: "\x1b[33m", dim: "\x1b[2m", bold: "\x1b[1m", green: "\x1b[32m", reset: "\x1b[0m" };

/** `--format table`: findings grouped by rule for a terminal; colour only when asked (TTY). */
export function renderTable(report: AuditReport, options: { color?: boolean; width?: number } = {}): string {
  const paint = (code: keyof typeof ANSI, s: string) => (options.color ? `${ANSI[code]}${s}${ANSI.reset}` : s);
  // Long messages are cut to the terminal's width; logs (no width) get them whole.
  const width = options.width ? Math.max(60, options.width) : Infinity;
  const lines: string[] = [];
  lines.push(paint("bold", `flow-audit ${report.tool.version} — ${report.source.kind === "api" ? "Flow API" : "snapshot"} ${report.source.location}`));
  lines.push(`policy: ${report.policy.file ?? "defaults"} · fail on: ${report.policy.failOn}${report.personalDataMasked ? " · personal data masked" : ""}`, "");
  const groups = notable(report);
  if (groups.length === 0) lines.push(paint("green", "No violations."), "");
  for (const { ruleId, findings } of groups) {
    const rule = report.rules.find((r) => r.id === ruleId)!;
    lines.push(paint("bold", `${ruleId}`) + paint("dim", ` (${rule.enforcement}, ${rule.severity})`));
    for (const f of findings) {
      const d = disposition(f, report);
      const tag = d === "failing" ? paint("red", "FAIL") : d === "suppressed" ? paint("dim", "EXCP") : paint("yellow", "WARN");
      const message = terminalSafe(f.message);
      const text = message.length > width - 8 ? `${message.slice(0, width - 9)}…` : message;
      lines.push(`  ${tag}  ${text}`);
      if (d === "suppressed") lines.push(paint("dim", `        exception until ${f.exception!.expires}: ${terminalSafe(f.exception!.reason)}`));
      else if (f.exception?.state === "expired")
        lines.push(paint("dim", `        exception expired ${f.exception.expires}: ${terminalSafe(f.exception.reason)}`));
    }
    lines.push(paint("dim", `        fix: ${terminalSafe(findings[0].remediation)}`), "");
  }
  if (report.diff) {
    const d = report.diff;
    lines.push(paint("bold", `Changes since ${d.against}`));
    lines.push(`  added: ${d.added.map((i) => `${terminalSafe(i.name)} (${i.id})`).join(", ") || "none"}`);
    lines.push(`  removed: ${d.removed.map((i) => `${terminalSafe(i.name)} (${i.id})`).join(", ") || "none"}`);
    for (const c of d.changed) lines.push(`  changed: ${terminalSafe(c.name)} (${c.id}): ${terminalSafe(c.fields.join(", "))}`);
    for (const f of d.findingsAppeared) lines.push(`  ${paint("red", "new")}: [${f.ruleId}] ${terminalSafe(f.message)}`);
    for (const f of d.findingsResolved) lines.push(`  ${paint("green", "resolved")}: [${f.ruleId}] ${terminalSafe(f.message)}`);
    lines.push("");
  }
  const s = report.summary;
  lines.push(`${s.findings.ok} ok · ${s.findings.violation} violations · ${s.findings.error} errors · ${s.findings["not-applicable"]} not applicable`);
  lines.push(paint(s.passed ? "green" : "red", verdict(report)));
  return `${lines.join("\n")}\n`;
}
