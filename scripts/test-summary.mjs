#!/usr/bin/env node
// Prints "N passed, N failed, N skipped" summed over vitest JSON reports (the line CI reads).
//
// Usage: node scripts/test-summary.mjs [label=]report.json ...
// With several reports (one per Node.js line), each one's counts go to stderr under its label
// and the sum to stdout. A report that is missing or unreadable counts as one failure: a run
// that produced no results never reads as "0 failed".
import * as fs from "node:fs";

/** Counts of one vitest JSON report. */
function count(report) {
  const passed = report.numPassedTests ?? 0;
  // Suites that failed to load have no failing tests but do count as failures.
  const failedSuites = (report.testResults ?? []).filter((s) => s.status === "failed" && (s.assertionResults ?? []).every((a) => a.status !== "failed")).length;
  let failed = (report.numFailedTests ?? 0) + failedSuites;
  // A run that vitest itself marks unsuccessful (e.g. an unhandled error) is never "0 failed".
  if (report.success === false && failed === 0) failed = 1;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return { passed, failed, skipped };
}

function read(file) {
  try {
    return { counts: count(JSON.parse(fs.readFileSync(file, "utf8"))) };
  } catch (e) {
    return {
      counts: { passed: 0, failed: 1, skipped: 0 },
      problem: e.code === "ENOENT" ? `no results at ${file}` : `unreadable results at ${file}: ${e.message}`,
    };
  }
}

const line = (c) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;

const args = process.argv.slice(2);
if (args.length === 0) args.push(".test-results/vitest.json");
const total = { passed: 0, failed: 0, skipped: 0 };
for (const arg of args) {
  const eq = arg.indexOf("=");
  const [label, file] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [undefined, arg];
  const { counts, problem } = read(file);
  for (const k of Object.keys(total)) total[k] += counts[k];
  if (args.length > 1 || problem) process.stderr.write(`${label ?? file}: ${line(counts)}${problem ? ` (${problem})` : ""}\n`);
}
process.stdout.write(line(total) + "\n");
