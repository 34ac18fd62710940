/** How a run ends: flow-audit's exit codes, the code of a failure, and the verdict of a written report. */
import { FlowApiError } from "../api/errors";
import { describeProblem, type DataProblem } from "../api/validation";
import { BaselineError } from "../config/baseline-file";
import { PolicyFileError } from "../config/policy-file";
import { isDataError } from "../rules/evaluate";
import { UsageError } from "./args";
import type { Say } from "./io";
import type { AuditReport } from "./report";
import { SnapshotError } from "./snapshot";
import { count, plural } from "./terminal";

/** Exit codes of flow-audit. */
export const EXIT = { pass: 0, violations: 1, usage: 2, incomplete: 3 } as const;

/** The exit code of a run that threw, after saying why: a local mistake is a usage error, a partial read never passes. */
export function failureCode(e: unknown, say: Say): number {
  if (e instanceof UsageError || e instanceof PolicyFileError || e instanceof SnapshotError || e instanceof BaselineError) {
    say(`flow-audit: ${e.message}`);
    return EXIT.usage;
  }
  if (e instanceof FlowApiError && e.kind === "config") {
    say(`flow-audit: ${e.message}`);
    return EXIT.usage;
  }
  if (e instanceof FlowApiError) {
    say(`flow-audit: the Flow inventory could not be read completely, so nothing was evaluated (a partial read never passes).\n  ${e.message}`);
    return EXIT.incomplete;
  }
  say(`flow-audit: unexpected failure: ${(e as Error)?.stack ?? String(e)}`);
  return EXIT.incomplete;
}

/** The exit code of a written report, saying why an incomplete evaluation does not pass. */
export function verdictCode(report: AuditReport, say: Say): number {
  // --fail-on never reports failing findings as failing (summary.passed false) without enforcing them.
  if (report.summary.dataErrors === 0) return report.summary.verdict === "failed" ? EXIT.violations : EXIT.pass;
  const ids = [...new Set(report.findings.filter(isDataError).map((f) => f.integration?.id))].filter((id) => id !== undefined);
  const n = report.summary.dataErrors;
  say(
    `flow-audit: the evaluation is incomplete: Flow sent unusable data for ${plural(ids.length, "integration")} ${ids.join(", ")}, ` +
      `so ${count(n, "rule result")} ${plural(n, "is an error", "are errors")} (see the report); the other integrations were evaluated. An incomplete evaluation never passes (exit 3).`,
  );
  return EXIT.incomplete;
}

/** At most 20 warning lines for data problems no rule reads (the JSON report lists them all). */
export function warningLines(warnings: DataProblem[]): string[] {
  const lines = warnings
    .slice(0, 20)
    .map((p) => `flow-audit: warning: integration ${p.integrationId}: ${describeProblem(p)} (no enabled rule reads it; ignored)`);
  if (warnings.length > 20) lines.push(`flow-audit: warning: ${count(warnings.length - 20, "more data warning")} in the JSON report`);
  return lines;
}
