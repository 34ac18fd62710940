/** The texts the CrossGuard pack reports: terminal-safe, naming the integration and what to do. */
import { bounded, MESSAGE_MAX } from "../api/display";
import { terminalSafe } from "../api/ingest";
import { count } from "../api/text";
import { baselineNote, type Baseline, type BaselineEntry } from "../rules/baseline";
import type { Finding } from "../rules/types";

/** A message, fix or reason as the pack prints it: bounded (src/api/display.ts), so no value from Flow makes a message long. */
const fit = (s: string) => bounded(s, MESSAGE_MAX);

/** The text a policy reports for a failing finding: what is wrong, how to fix it, where to read more. */
export function violationMessage(f: Finding): string {
  const parts = [fit(f.message), `Fix: ${fit(f.remediation)}`];
  if (f.exception?.state === "expired") {
    parts.push(`An exception for this (reason: ${fit(f.exception.reason)}) expired on ${f.exception.expires}; it no longer applies.`);
  }
  if (f.baseline) parts.push(`This finding is ${baselineNote(f.baseline)}.`);
  parts.push(`See ${f.helpUri}`);
  return terminalSafe(parts.join(" "));
}

/** The advisory notice for a violation an active exception suppresses. */
export function exceptionNotice(f: Finding): string {
  const x = f.exception!;
  const who = [x.owner && `owner ${x.owner}`, x.ticket && `ticket ${x.ticket}`].filter(Boolean).join(", ");
  return terminalSafe(
    `[${f.ruleId}] suppressed by an exception until ${x.expires}${who ? ` (${fit(who)})` : ""}: ${fit(x.reason)}. Suppressed finding: ${fit(f.message)}`,
  );
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
  const fix = fixes.size === 1 ? `Fix: ${fit(findings[0].remediation)}` : "Each finding's own fix is in flow-audit's report.";
  return terminalSafe(
    `${findings.length} advisory findings of ${ruleId}, more than the ${limit} the pack lists one by one, so they are reported together: integrations ${listed}. ` +
      `The full list, each with its message and evidence: flow-audit (same rules and policy file), e.g. \`flow-audit --format json\`. ${fix} See ${findings[0].helpUri}`,
  );
}

/** "a, b, c (+4 more)": the first `shown` items of a list. */
function firstOf(items: readonly string[], shown = 20): string {
  return items.slice(0, shown).join(", ") + (items.length > shown ? ` (+${items.length - shown} more)` : "");
}

/**
 * The baseline policy's notices: an expired baseline (it tolerates nothing), then per rule the
 * findings it tolerates, then the entries resolved since it was written.
 */
export function baselineNotices(
  baseline: Baseline,
  findings: readonly Finding[],
  compared: { resolved: BaselineEntry[]; changed: number },
  expired: boolean,
): string[] {
  const notices: string[] = [];
  if (expired) {
    notices.push(
      `The baseline ${baseline.file} expired on ${baseline.expires}: it tolerates nothing, so the ${baseline.entries.length} findings it lists fail as usual. Fix them, or write a new baseline with flow-audit --write-baseline FILE --baseline-expires DATE.`,
    );
  }
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) if (f.baseline?.state === "active") byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  for (const [rule, list] of byRule) {
    const subjects = list
      .map((f) => f.integration?.id ?? f.subject ?? "inventory")
      .sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b))))
      .map(String);
    notices.push(
      `[${rule}] ${count(list.length, "known finding")} tolerated by the baseline ${baseline.file} until ${baseline.expires} (integrations ${firstOf(subjects)}); they fail again if their evidence changes or after that day. flow-audit --baseline ${baseline.file} lists each one.`,
    );
  }
  if (compared.changed > 0)
    notices.push(
      `${count(compared.changed, "finding")} listed in the baseline ${baseline.file} changed since it was written; they fail as new findings (see the violations above).`,
    );
  if (compared.resolved.length > 0) {
    const ids = compared.resolved.map((e) => `${e.rule} ${e.integration ?? e.subject}`);
    notices.push(
      `${count(compared.resolved.length, "entry", "entries")} of the baseline ${baseline.file} resolved (fixed since it was written): ${firstOf(ids, 10)}. Shrink it: flow-audit --baseline ${baseline.file} --write-baseline ${baseline.file}.`,
    );
  }
  return notices.map((n) => terminalSafe(n));
}
