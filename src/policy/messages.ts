/** The texts the CrossGuard pack reports: terminal-safe, naming the integration and what to do. */
import { terminalSafe } from "../api/ingest";
import type { Finding } from "../rules/types";

/** The text a policy reports for a failing finding: what is wrong, how to fix it, where to read more. */
export function violationMessage(f: Finding): string {
  const parts = [f.message, `Fix: ${f.remediation}`];
  if (f.exception?.state === "expired") {
    parts.push(`An exception for this (reason: ${f.exception.reason}) expired on ${f.exception.expires}; it no longer applies.`);
  }
  parts.push(`See ${f.helpUri}`);
  return terminalSafe(parts.join(" "));
}

/** The advisory notice for a violation an active exception suppresses. */
export function exceptionNotice(f: Finding): string {
  const x = f.exception!;
  const who = [x.owner && `owner ${x.owner}`, x.ticket && `ticket ${x.ticket}`].filter(Boolean).join(", ");
  return terminalSafe(`[${f.ruleId}] suppressed by an exception until ${x.expires}${who ? ` (${who})` : ""}: ${x.reason}. Suppressed finding: ${f.message}`);
}

/**
 * The one violation that stands for a rule's advisory findings when there are more than the
 * pack lists one by one: how many, which integrations (the first `shown` ids), the fix when
 * they share one, and where the full list is (flow-audit reads the same data and rules).
 */
export function aggregateMessage(ruleId: string, findings: readonly Finding[], limit: number, shown = 20): string {
  const ids = findings.flatMap((f) => (f.integration ? [f.integration.id] : [])).sort((a, b) => a - b);
  const listed = ids.slice(0, shown).join(", ") + (ids.length > shown ? ` (+${ids.length - shown} more)` : "");
  const fixes = new Set(findings.map((f) => f.remediation));
  const fix = fixes.size === 1 ? `Fix: ${findings[0].remediation}` : "Each finding's own fix is in flow-audit's report.";
  return terminalSafe(
    `${findings.length} advisory findings of ${ruleId}, more than the ${limit} the pack lists one by one, so they are reported together: integrations ${listed}. ` +
      `The full list, each with its message and evidence: flow-audit (same rules and policy file), e.g. \`flow-audit --format json\`. ${fix} See ${findings[0].helpUri}`,
  );
}
