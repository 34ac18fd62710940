import { isOpen } from "../../rules/evaluate";
import type { Finding } from "../../rules/types";
import type { AuditReport } from "../report";
import { ruleDisposition, subjectOf, text } from "./common";
import { baselineNote } from "../../rules/baseline";

/**
 * `--format junit`: one test suite per rule, one test case per integration × rule. What a
 * finding is does not depend on `--fail-on` (that sets the exit code, not the report): every
 * open violation is a failure, its `type` the rule's enforcement (`mandatory` or `advisory`),
 * and every open error is an error; not-applicable and suppressed findings are skipped with the
 * reason. So a merge-request widget counts the open findings even when the run exits 0. Each
 * suite's properties `fail-on` and `disposition` (`enforced`, `not enforced` under --fail-on
 * never, `reported` below the policy's level) say what the run does with its failures.
 */
export function renderJunit(report: AuditReport): string {
  // Loaded on use (CommonJS `module.exports = builder`, so no `.default`).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a JUnit report is asked for
  const junitBuilder = require("junit-report-builder") as (typeof import("junit-report-builder"))["default"];
  const builder = junitBuilder.newBuilder().name(`flow-audit ${text(report.source.location)}`);
  for (const rule of report.rules) {
    const findings = report.findings.filter((f) => f.ruleId === rule.id);
    // The test cases do not depend on --fail-on; these properties say what the run does with the failures.
    const suite = builder
      .testSuite()
      .name(rule.id)
      .property("enforcement", rule.enforcement)
      .property("severity", rule.severity)
      .property("fail-on", report.policy.failOn)
      .property("disposition", ruleDisposition(rule.enforcement, report));
    for (const f of findings) {
      const tc = suite.testCase().className(rule.id).name(subjectOf(f));
      const message = text(f.message);
      if (isOpen(f)) {
        const detail = `${message}\nFix: ${text(f.remediation)}${expiredNote(f)}\n${f.helpUri}`;
        if (f.status === "error") tc.error(message, "error", detail);
        else tc.failure(message, f.enforcement).stacktrace(detail);
      } else if (f.exception?.state === "active") {
        tc.skipped().standardOutput(`Suppressed by an exception until ${f.exception.expires}: ${text(f.exception.reason)}\n${message}`);
      } else if (f.baseline?.state === "active") {
        tc.skipped().standardOutput(`Baselined: ${baselineNote(f.baseline)}\n${message}`);
      } else if (f.status === "not-applicable") {
        tc.skipped().standardOutput(`Not applicable: ${message}`);
      }
    }
  }
  return builder.build();
}

function expiredNote(f: Finding): string {
  const exception = f.exception?.state === "expired" ? `\nAn exception expired on ${f.exception.expires}: ${text(f.exception.reason)}` : "";
  return `${exception}${f.baseline ? `\nThis finding is ${baselineNote(f.baseline)}.` : ""}`;
}
