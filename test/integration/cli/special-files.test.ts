import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatBaseline } from "../../../src/config/baseline-file";
import { makeSnapshot, writeSnapshot } from "../../../src/cli/snapshot";
import { demoDataset } from "../../../src/simulator/datasets";
import { flowAudit, type CliResult } from "../../helpers/cli";
import { repoRoot } from "../../helpers/paths";

// Issue 27, items 6 and 7: files that are not regular files (a FIFO, a link to /dev/zero) and
// deeply nested files, wherever flow-audit reads one. Before, a FIFO hung the run and /dev/zero
// grew it without bound: every run here is killed after RUN_MS so that a regression fails
// instead of hanging. Sized for a busy two-core machine; the fixed runs take about a second.
const RUN_MS = 45_000;

describe("flow-audit refuses files that are not regular files, and deep nesting, naming the file", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-special-files-"));
    writeSnapshot(path.join(dir, "today.json"), makeSnapshot(demoDataset(), "http://127.0.0.1/v3/customer/core", true));
    execFileSync("mkfifo", [path.join(dir, "fifo.json")]);
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.json"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => flowAudit(args, {}, dir, { timeoutMs: RUN_MS });
  const refused = (r: CliResult, problem: string | RegExp) => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(problem);
    expect(r.stderr).not.toMatch(/\n\s+at |RangeError|unexpected failure/);
  };

  it("--policy-file: a FIFO, a link to /dev/zero, and a baseline: that is one", async () => {
    refused(await run(["--from-snapshot", "today.json", "--policy-file", "fifo.json"]), /fifo\.json:1:1: is a FIFO, not a regular file/);
    refused(await run(["--from-snapshot", "today.json", "--policy-file", "zero.json"]), /zero\.json:1:1: is a character device, not a regular file/);
    fs.writeFileSync(path.join(dir, "policy.yaml"), "version: 1\nbaseline: fifo.json\n");
    refused(await run(["--from-snapshot", "today.json", "--policy-file", "policy.yaml"]), /fifo\.json:1:1: is a FIFO, not a regular file/);
  });

  it("--baseline: a FIFO and a link to /dev/zero", async () => {
    refused(await run(["--from-snapshot", "today.json", "--baseline", "fifo.json"]), /flow-audit: fifo\.json:1:1: is a FIFO, not a regular file/);
    refused(await run(["--from-snapshot", "today.json", "--baseline", "zero.json"]), /flow-audit: zero\.json:1:1: is a character device, not a regular file/);
  });

  it("--from-snapshot and --diff-against: a FIFO and a link to /dev/zero", async () => {
    refused(await run(["--from-snapshot", "fifo.json"]), /fifo\.json: is a FIFO, not a regular file/);
    refused(await run(["--from-snapshot", "today.json", "--diff-against", "zero.json"]), /zero\.json: is a character device, not a regular file/);
  });

  it("--history-dir: a FIFO and a link to /dev/zero among the history files are skipped with a warning", async () => {
    fs.mkdirSync(path.join(dir, "runs"));
    execFileSync("mkfifo", [path.join(dir, "runs", "flow-audit-20200101T000000Z.json")]);
    fs.symlinkSync("/dev/zero", path.join(dir, "runs", "flow-audit-20200102T000000Z.json"));
    const r = await run(["--from-snapshot", "today.json", "--history-dir", "runs", "--format", "html", "--quiet"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("--history-dir runs: skipped flow-audit-20200101T000000Z.json: is a FIFO, not a regular file");
    expect(r.stderr).toContain("--history-dir runs: skipped flow-audit-20200102T000000Z.json: is a character device, not a regular file");
  });

  it("a deeply nested snapshot: --from-snapshot and --diff-against end with an error naming the file (rc 2, no stack); --history-dir skips it", async () => {
    const snap = makeSnapshot(demoDataset(), "http://127.0.0.1/v3/customer/core", true);
    const text = JSON.stringify({ ...snap, records: [{ ...snap.records[0], integration: { ...snap.records[0].integration, extra: "DEEP" } }] });
    fs.writeFileSync(path.join(dir, "deep.json"), text.replace('"DEEP"', `${"[".repeat(100_000)}${"]".repeat(100_000)}`));
    const problem = /deep\.json: nests more than 32 levels deep, far beyond any snapshot flow-audit writes; refusing to read it/;
    refused(await run(["--from-snapshot", "deep.json"]), problem);
    refused(await run(["--from-snapshot", "today.json", "--diff-against", "deep.json"]), problem);
    fs.mkdirSync(path.join(dir, "runs"));
    fs.copyFileSync(path.join(dir, "deep.json"), path.join(dir, "runs", "flow-audit-20200101T000000Z.json"));
    const r = await run(["--from-snapshot", "today.json", "--history-dir", "runs", "--format", "html", "--quiet"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("skipped flow-audit-20200101T000000Z.json: nests more than 32 levels deep");
  });

  it("a deeply nested baseline is refused with an error naming the file", async () => {
    fs.writeFileSync(
      path.join(dir, "deep-baseline.json"),
      formatBaseline({ file: "", createdAt: "", expires: "2099-01-01", entries: [] }).replace(
        '"entries": []',
        `"entries": [${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}]`,
      ),
    );
    refused(await run(["--from-snapshot", "today.json", "--baseline", "deep-baseline.json"]), /deep-baseline\.json:1:1: nests more than 32 levels deep/);
  });

  it("the policy pack's search for the project folder does not wait on a FIFO named Pulumi.yaml", () => {
    fs.mkdirSync(path.join(dir, "stack"));
    execFileSync("mkfifo", [path.join(dir, "stack", "Pulumi.yaml")]);
    const script = `const { findProjectDir } = require(${JSON.stringify(path.join(repoRoot, "dist", "config", "policy-file.js"))}); console.log(JSON.stringify(findProjectDir(${JSON.stringify(path.join(dir, "stack"))}, "demo") ?? null));`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: RUN_MS });
    expect(r.signal, "killed: it waited on the FIFO").toBeNull();
    expect(r.stdout.trim()).toBe("null");
  });
});
