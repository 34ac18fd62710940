import { bounded, MESSAGE_MAX } from "../../api/display";
import { terminalSafe } from "../../api/ingest";
import type { Finding } from "../../rules/types";
import type { AuditReport } from "../report";
import { append, count, DEFAULT_WIDTH, fixLabel, hanging, MIN_WIDTH, sharedFix, wrap } from "../terminal";
import { baselineNote } from "../../rules/baseline";
import { baselineSummary, disposition, notable, notEnforced, outcome, verdict } from "./common";

const ANSI = { red: "\x1b[31m", yellow: "\x1b[33m", dim: "\x1b[2m", bold: "\x1b[1m", green: "\x1b[32m", reset: "\x1b[0m" };

type Paint = (code: keyof typeof ANSI, s: string) => string;

/** A server or policy string as a table shows it: bounded (src/api/display.ts), then terminal-safe. */
const safe = (s: string, max?: number) => terminalSafe(bounded(s, max));
/** A whole message or fix: bounded at MESSAGE_MAX, then terminal-safe. */
const safeText = (s: string) => safe(s, MESSAGE_MAX);

/** One finding: its tag and whole message, an exception note, and its own fix unless the group shares one. */
function findingLines(f: Finding, report: AuditReport, ownFix: boolean, width: number, paint: Paint): string[] {
  const d = disposition(f, report);
  const [tag, colour] =
    d === "failing"
      ? (["FAIL", "red"] as const)
      : d === "suppressed"
        ? (["EXCP", "dim"] as const)
        : d === "baselined"
          ? (["BASE", "dim"] as const)
          : (["WARN", "yellow"] as const);
  const dim = (s: string) => paint("dim", s);
  const lines = hanging(`  ${tag}  `, safeText(f.message), width, { prefix: (p) => p.replace(tag, paint(colour, tag)) });
  if (d === "suppressed") lines.push(...hanging("        ", `exception until ${f.exception!.expires}: ${safeText(f.exception!.reason)}`, width, { text: dim }));
  else if (f.exception?.state === "expired")
    lines.push(...hanging("        ", `exception expired ${f.exception.expires}: ${safeText(f.exception.reason)}`, width, { text: dim }));
  if (f.baseline) lines.push(...hanging("        ", baselineNote(f.baseline), width, { text: dim }));
  if (ownFix) lines.push(...hanging("        fix: ", safeText(f.remediation), width, { text: dim }));
  return lines;
}

/** The findings of one rule; a fix every finding shares is said once, after them. */
function groupLines(ruleId: string, findings: Finding[], report: AuditReport, width: number, paint: Paint): string[] {
  const rule = report.rules.find((r) => r.id === ruleId)!;
  // The findings stay FAIL under --fail-on never; the rule's heading says the run does not enforce them.
  const level = `(${rule.enforcement}, ${rule.severity})${findings.some((f) => notEnforced(f, report)) ? " — failing, not enforced (--fail-on never)" : ""}`;
  const head = wrap(`${ruleId} ${level}`, width);
  const lines = head.length === 1 ? [paint("bold", ruleId) + paint("dim", ` ${level}`)] : head.map((l) => paint("bold", l));
  // Known findings the baseline tolerates are said in one line per rule: the table is for what needs attention.
  const baselined = findings.filter((f) => disposition(f, report) === "baselined");
  const shown = findings.filter((f) => !baselined.includes(f));
  const shared = sharedFix(shown.map((f) => f.remediation));
  for (const f of shown) append(lines, findingLines(f, report, shared === undefined, width, paint));
  if (shared !== undefined && shown.length) {
    append(lines, hanging(`        ${fixLabel(shown.length)}: `, safeText(shared), width, { text: (s) => paint("dim", s) }));
  }
  if (baselined.length) append(lines, baselinedLine(baselined, width, paint));
  lines.push("");
  return lines;
}

/** "BASE  3 known findings baselined in FILE until DAY: A (id 1), B (id 2), …": the first ten, and how many more. */
function baselinedLine(findings: Finding[], width: number, paint: Paint): string[] {
  const b = findings[0].baseline!;
  const names = findings.slice(0, 10).map((f) => (f.integration ? `${safe(f.integration.name)} (id ${f.integration.id})` : safe(f.subject ?? "inventory")));
  const more = findings.length > 10 ? `, and ${findings.length - 10} more (--format json or html lists them)` : "";
  const text = `${count(findings.length, "known finding")} baselined in ${safe(b.file)} until ${b.expires}: ${names.join(", ")}${more}`;
  return hanging("  BASE  ", text, width, { prefix: (p) => p.replace("BASE", paint("dim", "BASE")), text: (s) => paint("dim", s) });
}

function diffLines(d: NonNullable<AuditReport["diff"]>, width: number, paint: Paint): string[] {
  const names = (list: Array<{ name: string; id: number }>) => list.map((i) => `${safe(i.name)} (${i.id})`).join(", ") || "none";
  const lines = wrap(`Changes since ${safe(d.against)}`, width).map((l) => paint("bold", l));
  append(lines, hanging("  added: ", names(d.added), width));
  append(lines, hanging("  removed: ", names(d.removed), width));
  for (const c of d.changed) append(lines, hanging("  changed: ", `${safe(c.name)} (${c.id}): ${safeText(c.fields.join(", "))}`, width));
  for (const f of d.findingsAppeared)
    append(lines, hanging("  new: ", `[${f.ruleId}] ${safeText(f.message)}`, width, { prefix: (p) => p.replace("new", paint("red", "new")) }));
  for (const f of d.findingsResolved)
    append(lines, hanging("  resolved: ", `[${f.ruleId}] ${safeText(f.message)}`, width, { prefix: (p) => p.replace("resolved", paint("green", "resolved")) }));
  lines.push("");
  return lines;
}

/**
 * `--format table`: findings grouped by rule for a terminal, each with its whole message and
 * its own fix, wrapped at word boundaries to `width` cells (default 100, at least 40); colour
 * only when asked (TTY).
 */
export function renderTable(report: AuditReport, options: { color?: boolean; width?: number } = {}): string {
  const paint: Paint = (code, s) => (options.color ? `${ANSI[code]}${s}${ANSI.reset}` : s);
  const width = Math.max(MIN_WIDTH, options.width ?? DEFAULT_WIDTH);
  const lines: string[] = [];
  const source = `${report.source.kind === "api" ? "Flow API" : "snapshot"} ${safe(report.source.location)}`;
  lines.push(...wrap(`flow-audit ${report.tool.version} — ${source}`, width).map((l) => paint("bold", l)));
  lines.push(
    ...wrap(
      `policy: ${report.policy.file ?? "defaults"} · fail on: ${report.policy.failOn === "never" ? "never (findings judged at mandatory, not enforced)" : report.policy.failOn}${report.personalDataMasked ? " · personal data masked" : ""}`,
      width,
    ),
    "",
  );
  const groups = notable(report);
  if (report.summary.integrations === 0) lines.push(paint("yellow", "No integrations were evaluated."), "");
  else if (groups.length === 0) lines.push(paint("green", "No violations."), "");
  for (const { ruleId, findings } of groups) append(lines, groupLines(ruleId, findings, report, width, paint));
  if (report.diff) append(lines, diffLines(report.diff, width, paint));
  const s = report.summary;
  const tally = [
    `${s.findings.ok} ok`,
    count(s.findings.violation, "violation"),
    count(s.findings.error, "error"),
    `${s.findings["not-applicable"]} not applicable`,
  ];
  lines.push(...wrap(tally.join(" · "), width));
  const baseline = baselineSummary(report);
  if (baseline) lines.push(...wrap(safeText(baseline), width));
  lines.push(...wrap(verdict(report), width).map((l) => paint(outcome(report).ok ? "green" : "red", l)));
  return `${lines.join("\n")}\n`;
}
