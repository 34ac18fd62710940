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

describe("CI summary line over several Node.js lines", () => {
  it("sums the reports and names each line's counts on stderr", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
    try {
      fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify({ numPassedTests: 5, numFailedTests: 0, testResults: [] }));
      fs.writeFileSync(path.join(dir, "b.json"), JSON.stringify({ numPassedTests: 4, numFailedTests: 1, numPendingTests: 2, testResults: [] }));
      const r = spawnSync(process.execPath, [script, `node20=${path.join(dir, "a.json")}`, `node24=${path.join(dir, "b.json")}`], { encoding: "utf8" });
      expect(r.stdout).toBe("9 passed, 1 failed, 2 skipped\n");
      expect(r.stderr).toContain("node20: 5 passed, 0 failed, 0 skipped");
      expect(r.stderr).toContain("node24: 4 passed, 1 failed, 2 skipped");
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("counts a line without results as a failure, naming it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
    try {
      fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify({ numPassedTests: 5, numFailedTests: 0, testResults: [] }));
      fs.writeFileSync(path.join(dir, "bad.json"), "{ truncated");
      const args = [`node20=${path.join(dir, "a.json")}`, `node24=${path.join(dir, "missing.json")}`, `node26=${path.join(dir, "bad.json")}`];
      const r = spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
      expect(r.stdout).toBe("5 passed, 2 failed, 0 skipped\n");
      expect(r.stderr).toMatch(/node24: 0 passed, 1 failed, 0 skipped \(no results at .*missing\.json\)/);
      expect(r.stderr).toMatch(/node26: 0 passed, 1 failed, 0 skipped \(unreadable results/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
