import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReportPageData } from "../../../src/cli/reporters/html/data";
import { makeSnapshot, writeSnapshot } from "../../../src/cli/snapshot";
import { demoDataset } from "../../../src/simulator/datasets";
import { flowAudit } from "../../helpers/cli";

describe("flow-audit --history-dir", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-history-cli-"));
    writeSnapshot(path.join(dir, "today.json"), makeSnapshot(demoDataset(), "http://127.0.0.1/v3/customer/core", true));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("adds one snapshot per run, never overwriting, and charts them in the HTML report", async () => {
    for (let i = 0; i < 2; i++) {
      const r = await flowAudit(["--from-snapshot", "today.json", "--history-dir", "runs", "--quiet"], {}, dir);
      expect(r.code, r.stderr).toBe(1);
    }
    fs.writeFileSync(path.join(dir, "runs", "flow-audit-20200101T000000Z.json"), "{}");
    const r = await flowAudit(["--from-snapshot", "today.json", "--history-dir", "runs", "--quiet", "--format", "html"], {}, dir);
    expect(r.code).toBe(1);
    const files = fs.readdirSync(path.join(dir, "runs")).filter((f) => f !== "flow-audit-20200101T000000Z.json");
    expect(files).toHaveLength(3);
    for (const f of files) expect(f).toMatch(/^flow-audit-\d{8}T\d{6}Z(-\d+)?\.json$/);
    expect(r.stderr).toContain("flow-audit: warning: --history-dir runs: skipped flow-audit-20200101T000000Z.json: not a pulumi-flow snapshot");
    expect(r.stdout).toMatch(/^<!doctype html>/);
    // The page charts the runs from its data (in a browser: html-browser.test.ts).
    const data = JSON.parse(/<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(r.stdout)![1]) as ReportPageData;
    expect(data.history).toMatchObject({ runs: 3, skipped: [{ file: "flow-audit-20200101T000000Z.json" }] });
    expect(data.history!.points).toHaveLength(3);
  });

  it("is a usage error (exit 2, before anything is read) when it is a file or cannot be written", async () => {
    fs.writeFileSync(path.join(dir, "a-file"), "");
    const file = await flowAudit(["--history-dir", "a-file"], {}, dir);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain("flow-audit: --history-dir a-file: is not a directory");
    const proc = await flowAudit(["--from-snapshot", "today.json", "--history-dir", "/proc"], {}, dir);
    expect(proc.code).toBe(2);
    expect(proc.stderr).toMatch(/flow-audit: --history-dir \/proc: cannot write/);
    const listing = await flowAudit(["--list-rules", "--history-dir", "runs"], {}, dir);
    expect(listing.code).toBe(2);
    expect(fs.existsSync(path.join(dir, "runs"))).toBe(false);
  });
});
