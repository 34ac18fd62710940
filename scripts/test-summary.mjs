#!/usr/bin/env node
// Prints "N passed, N failed, N skipped" from a vitest JSON report (the line CI reads).
import * as fs from "node:fs";

const file = process.argv[2] ?? ".test-results/vitest.json";
const report = JSON.parse(fs.readFileSync(file, "utf8"));
const passed = report.numPassedTests ?? 0;
// Suites that failed to load have no failing tests but do count as failures.
const failedSuites = (report.testResults ?? []).filter((s) => s.status === "failed" && (s.assertionResults ?? []).every((a) => a.status !== "failed")).length;
let failed = (report.numFailedTests ?? 0) + failedSuites;
// A run that vitest itself marks unsuccessful (e.g. an unhandled error) is never "0 failed".
if (report.success === false && failed === 0) failed = 1;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
