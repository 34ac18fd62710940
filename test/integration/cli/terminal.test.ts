import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";
import { flowAudit } from "../../helpers/cli";
import { repoRoot } from "../../helpers/paths";
import { normalised, overlongLines, runInPty } from "../../helpers/pty";

const TOKEN = "terminal-test-token-5c2e";
const FLOW_AUDIT = [process.execPath, path.join(repoRoot, "dist", "cli", "bin.js")];

interface JsonFinding {
  status: string;
  message: string;
  remediation: string;
}

describe("runInPty (test/helpers/pty.ts)", () => {
  it("gives the command a TTY of the asked size, and passes its exit code on", async () => {
    const r = await runInPty([process.execPath, "-e", "console.log(process.stdout.isTTY, process.stdout.columns, process.stdout.rows); process.exitCode = 3"], {
      columns: 57,
      rows: 21,
    });
    expect(r.lines[0]).toBe("true 57 21");
    expect(r.code).toBe(3);
  });
});

describe("flow-audit's table in a real 80-column terminal (demo dataset, long messages)", () => {
  let sim: FlowSimulator;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    env = { FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN, FLOW_POLICY_FILE: undefined, FLOW_SHOW_PERSONAL_DATA: undefined, NO_COLOR: undefined };
  });
  afterAll(() => sim.close());

  it("keeps every line within 80 cells and shows every finding's whole message and fix", async () => {
    const r = await runInPty(FLOW_AUDIT, { columns: 80, env });
    expect(r.code, r.raw).toBe(1);
    expect(r.raw).toContain("\x1b[31mFAIL\x1b[0m"); // it was a terminal: colour is on
    // Every line fits, the progress line on stderr (redrawn after a CR) included.
    expect(overlongLines(r.lines, 80)).toEqual([]);
    expect(Math.max(...r.lines.map((l) => l.length))).toBeGreaterThan(70); // wrapped at 80, not narrower

    // What each open finding says, from the JSON report of the same data: all of it is on screen.
    const findings = (JSON.parse((await flowAudit(["--format", "json"], env)).stdout) as { findings: JsonFinding[] }).findings;
    const open = findings.filter((f) => f.status === "violation" || f.status === "error");
    expect(open.length).toBeGreaterThanOrEqual(10);
    expect(open.some((f) => f.message.length + 8 > 80)).toBe(true); // the dataset does have messages longer than a line
    for (const f of open) {
      expect(r.text).toContain(normalised(f.message));
      expect(r.text).toContain(normalised(f.remediation));
    }
    expect(r.text).not.toContain("…");
    expect(r.raw).not.toContain(TOKEN);
  });

  it("lists the rules within 80 cells, every description whole", async () => {
    const r = await runInPty([...FLOW_AUDIT, "--list-rules"], { columns: 80, env: { ...env, FLOW_API_TOKEN: undefined }, noColor: true });
    expect(r.code, r.raw).toBe(0);
    expect(overlongLines(r.lines, 80)).toEqual([]);
    const listed = JSON.parse((await flowAudit(["--list-rules", "--format", "json"])).stdout) as { rules: Array<{ id: string; description: string }> };
    for (const rule of listed.rules) {
      expect(r.text).toContain(rule.id);
      expect(r.text).toContain(normalised(rule.description));
    }
  });
});
