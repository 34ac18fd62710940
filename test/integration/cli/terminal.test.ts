import { spawn } from "node:child_process";
import * as path from "node:path";
import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";
import { flowAudit } from "../../helpers/cli";
import { repoRoot } from "../../helpers/paths";

const TOKEN = "terminal-test-token-5c2e";
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs flow-audit in a real pseudo-terminal of `columns` columns: util-linux `script` gives the
 * command a pty, `stty` sizes it, and flow-audit sees a TTY stdout with that many columns.
 */
function inTerminal(columns: number, env: Record<string, string>): Promise<{ code: number; screen: string }> {
  const command = `stty cols ${columns} rows 50; exec ${quote(process.execPath)} ${quote(path.join(repoRoot, "dist", "cli", "bin.js"))}`;
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith("FLOW_") || k === "COLUMNS" || k === "LINES" || k === "NO_COLOR") delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env: { ...base, TERM: "xterm", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let screen = "";
    child.stdout.on("data", (d: Buffer) => (screen += d.toString()));
    child.stderr.on("data", (d: Buffer) => (screen += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, screen }));
  });
}

const normalised = (s: string) => s.replace(/\s+/g, " ");

describe("flow-audit's table in a real 80-column terminal (demo dataset)", () => {
  let sim: FlowSimulator;
  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
  });
  afterAll(() => sim.close());

  it("keeps every line within 80 cells and shows every finding's whole message and fix", async () => {
    const env = { FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN };
    const { code, screen } = await inTerminal(80, env);
    expect(code, screen).toBe(1);
    expect(screen).toContain("\x1b[31mFAIL\x1b[0m"); // it was a terminal: colour is on
    // A carriage return starts the line over (the progress line on stderr redraws itself).
    const lines = stripVTControlCharacters(screen).split(/\r?\n|\r/);
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    expect(Math.max(...lines.map((l) => stringWidth(l)))).toBeGreaterThan(70); // wrapped at 80, not narrower

    const findings = JSON.parse((await flowAudit(["--format", "json"], env)).stdout).findings as Array<{
      status: string;
      message: string;
      remediation: string;
    }>;
    const open = findings.filter((f) => f.status === "violation" || f.status === "error");
    expect(open).toHaveLength(10);
    const text = normalised(stripVTControlCharacters(screen));
    for (const f of open) {
      expect(text).toContain(normalised(f.message));
      expect(text).toContain(normalised(f.remediation));
    }
    expect(text).not.toContain("…");
    expect(screen).not.toContain(TOKEN);
  });
});
