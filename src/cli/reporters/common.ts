import { bounded, MESSAGE_MAX } from "../../api/display";
import { isDataError, isFailing, isOpen } from "../../rules/evaluate";
import type { Finding } from "../../rules/types";
import { policyLevel, type AuditReport, type Verdict } from "../report";
import { count } from "../terminal";

/**
 * How a finding shows in reports: failing the policy (at --fail-on's level, mandatory under
 * --fail-on never: see `policyLevel`), open but below that level, suppressed by an exception,
 * tolerated by the baseline, or quiet. Whether this run enforces a failing finding is a separate
 * question (`notEnforced`): --fail-on never changes the exit code, never what a finding is.
 */
export type Disposition = "failing" | "warning" | "suppressed" | "baselined" | "passed" | "not-applicable";

/** Classifies a finding against the policy's level (the same whatever --fail-on never says about enforcing it). */
export function disposition(f: Finding, report: AuditReport): Disposition {
  if (f.status === "not-applicable") return "not-applicable";
  if (f.status === "ok") return "passed";
  if (f.exception?.state === "active") return "suppressed";
  if (f.baseline?.state === "active") return "baselined";
  if (isFailing(f, policyLevel(report.policy.failOn)) || isDataError(f)) return "failing";
  return isOpen(f) ? "warning" : "passed";
}

/**
 * True for a failing finding this run does not enforce: --fail-on never lets the run exit 0 (a
 * data error is enforced whatever --fail-on says: the run is incomplete, exit 3).
 */
export function notEnforced(f: Finding, report: AuditReport): boolean {
  return report.policy.failOn === "never" && !isDataError(f) && disposition(f, report) === "failing";
}

/**
 * What this run does with the open violations of a rule at `enforcement`: they fail it
 * ("enforced"), fail the policy but --fail-on never lets the run exit 0 ("not enforced"), or are
 * reported below the policy's level ("reported": advisory rules unless --fail-on advisory).
 */
export function ruleDisposition(enforcement: string, report: AuditReport): "enforced" | "not enforced" | "reported" {
  const level = policyLevel(report.policy.failOn);
  if (enforcement !== "mandatory" && !(enforcement === "advisory" && level === "advisory")) return "reported";
  return report.policy.failOn === "never" ? "not enforced" : "enforced";
}

/** "X (id 1, github)" or the stack-level subject, each value bounded for display (src/api/display.ts). */
export function subjectOf(f: Finding): string {
  return f.integration ? `${bounded(f.integration.name)} (id ${f.integration.id}, ${bounded(f.integration.vendor)})` : bounded(f.subject ?? "inventory");
}

/** A finding's message, fix or an exception's reason as a report prints it: bounded at MESSAGE_MAX (src/api/display.ts). */
export function text(s: string): string {
  return bounded(s, MESSAGE_MAX);
}

/** The outcome of a report, in words. */
export type OutcomeStatus = "incomplete" | "failed" | "failed (not enforced)" | "passed with warnings" | "passed";

const WORDS: Record<Verdict, OutcomeStatus> = {
  incomplete: "incomplete",
  failed: "failed",
  "failed-not-enforced": "failed (not enforced)",
  "passed-with-warnings": "passed with warnings",
  passed: "passed",
};

/**
 * The one verdict every format words (`summary.verdict`): incomplete (Flow sent unusable data:
 * never passes), failed (findings fail the policy and the run), failed but not enforced
 * (findings fail the policy while --fail-on never lets the run exit 0), passed with warnings,
 * passed.
 */
export function outcome(report: AuditReport): { status: OutcomeStatus; ok: boolean } {
  const status = WORDS[report.summary.verdict];
  return { status, ok: status === "passed" || status === "passed with warnings" };
}

const HEADS: Record<OutcomeStatus, string> = {
  incomplete: "INCOMPLETE",
  failed: "FAIL",
  "failed (not enforced)": "FAIL, not enforced (--fail-on never: this run exits 0)",
  "passed with warnings": "PASS",
  passed: "PASS",
};

/** A one-line verdict, worded for the --fail-on in force (the same verdict as `outcome`). */
export function verdict(report: AuditReport): string {
  const s = report.summary;
  const open = s.open.mandatory + s.open.advisory;
  const data = s.dataErrors > 0 ? `, ${s.dataErrors} not evaluable (Flow sent unusable data)` : "";
  const warned = s.warnings > 0 ? `, ${count(s.warnings, "data warning")}` : "";
  const gate = `${s.failing} failing at ${policyLevel(report.policy.failOn)}${data}, ${count(open - s.failing, "other open finding")}`;
  const baselined = report.baseline?.applied ? `, ${s.baselined} baselined` : "";
  return `${HEADS[outcome(report).status]}: ${count(s.integrations, "integration")}, ${count(s.rules, "rule")}, ${gate}, ${s.suppressed} suppressed by exceptions${baselined}${warned}`;
}

/** One sentence on the baseline in force and the one written, for the summaries of every format; undefined without either. */
export function baselineSummary(report: AuditReport): string | undefined {
  const a = report.baseline?.applied;
  const w = report.baseline?.written;
  const parts: string[] = [];
  if (a) {
    const evaluatedNote = a.notEvaluated ? `, ${a.notEvaluated} not evaluated in this run` : "";
    parts.push(
      a.expired
        ? `Baseline ${a.file} expired on ${a.expires}: it tolerates nothing, its ${count(a.entries, "finding")} fail again`
        : `Baseline ${a.file} (expires ${a.expires}): ${a.tolerated} of ${count(a.entries, "entry", "entries")} tolerated, ${a.changed} changed (failing), ${a.resolved.length} resolved${evaluatedNote}`,
    );
  }
  if (w) {
    const grew = w.added ? `, ${w.added} added` : "";
    const left = w.notAdded ? `, ${count(w.notAdded, "new finding")} not added (--baseline-grow adds them)` : "";
    parts.push(`wrote ${w.file}: ${count(w.entries, "entry", "entries")} (${w.kept} kept, ${w.dropped} dropped${grew}${left}), expires ${w.expires}`);
  }
  return parts.length ? `${parts.join("; ")}.` : undefined;
}

/** Findings that are open or suppressed, grouped by rule in rule order. */
export function notable(report: AuditReport): Array<{ ruleId: string; findings: Finding[] }> {
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (f.status !== "violation" && f.status !== "error") continue;
    groups.set(f.ruleId, [...(groups.get(f.ruleId) ?? []), f]);
  }
  return report.rules.filter((r) => groups.has(r.id)).map((r) => ({ ruleId: r.id, findings: groups.get(r.id)! }));
}
