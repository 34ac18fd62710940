import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const script = path.resolve(__dirname, "../../../scripts/test-summary.mjs");

function summarize(report: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "summary-")), "r.json");
  fs.writeFileSync(file, JSON.stringify(report));
  const r = spawnSync(process.execPath, [script, file], { encoding: "utf8" });
  fs.rmSync(path.dirname(file), { recursive: true });
  return r.stdout;
}

describe("CI summary line", () => {
  it("prints passed, failed and skipped counts from a vitest JSON report", () => {
    expect(summarize({ numPassedTests: 7, numFailedTests: 2, numPendingTests: 1, numTodoTests: 1, testResults: [] })).toBe("7 passed, 2 failed, 2 skipped\n");
  });

  it("counts a suite that failed to load as a failure", () => {
    const report = { numPassedTests: 3, numFailedTests: 0, testResults: [{ status: "failed", assertionResults: [] }] };
    expect(summarize(report)).toBe("3 passed, 1 failed, 0 skipped\n");
  });
});

describe("CI summary line for a broken run", () => {
  it("reports a failure when vitest marks the run unsuccessful without failing tests", () => {
    expect(summarize({ numPassedTests: 0, numFailedTests: 0, success: false, testResults: [] })).toBe("0 passed, 1 failed, 0 skipped\n");
  });
});
