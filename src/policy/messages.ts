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
