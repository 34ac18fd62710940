import type { AuditReport } from "../report";
import { disposition, subjectOf } from "./common";

/**
 * `--format junit`: one test suite per rule, one test case per integration × rule. Failing
 * findings are failures (errors for error findings); not-applicable and suppressed ones are
 * skipped with the reason; open findings below the fail-on level pass with a warning on stdout.
 */
export function renderJunit(report: AuditReport): string {
  // Loaded on use (CommonJS `module.exports = builder`, so no `.default`).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a JUnit report is asked for
  const junitBuilder = require("junit-report-builder") as (typeof import("junit-report-builder"))["default"];
  const builder = junitBuilder.newBuilder().name(`flow-audit ${report.source.location}`);
  for (const rule of report.rules) {
    const findings = report.findings.filter((f) => f.ruleId === rule.id);
    const suite = builder.testSuite().name(rule.id).property("enforcement", rule.enforcement).property("severity", rule.severity);
    for (const f of findings) {
      const tc = suite.testCase().className(rule.id).name(subjectOf(f));
      const d = disposition(f, report);
      if (d === "failing") {
        const detail = `${f.message}\nFix: ${f.remediation}\n${f.helpUri}`;
        if (f.status === "error") tc.error(f.message, "error", detail);
        else tc.failure(f.message, f.enforcement).stacktrace(detail);
      } else if (d === "suppressed") {
        tc.skipped().standardOutput(`Suppressed by an exception until ${f.exception!.expires}: ${f.exception!.reason}\n${f.message}`);
      } else if (d === "not-applicable") {
        tc.skipped().standardOutput(`Not applicable: ${f.message}`);
      } else if (d === "warning") {
        tc.standardOutput(`${f.enforcement} violation (does not fail at --fail-on ${report.policy.failOn}): ${f.message}`);
      }
    }
  }
  return builder.build();
}
