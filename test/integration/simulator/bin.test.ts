import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/paths";

/** The environment without any Flow settings, so only what the pasted line sets counts. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("FLOW_") || k === "NO_COLOR" || k === "COLUMNS") delete env[k];
  return env;
}

const started: ChildProcess[] = [];

/** Starts the flow-simulator bin (what `npm run simulator` runs) and resolves with what it printed once it is ready. */
function startBin(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [path.join(repoRoot, "dist", "simulator", "bin.js"), ...args], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Ctrl-C stops the simulator.\n")) resolve(out);
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`flow-simulator exited ${code} before it was ready:\n${out}`)));
  });
}

/** Runs a line as a user pasting it into a POSIX shell would, in the clone. */
function sh(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", line], { cwd: repoRoot, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
});

describe("the flow-simulator bin (npm run simulator)", () => {
  it("prints its URL, its token and a flow-audit line that works when pasted into a shell", async () => {
    const token = "it's a token $HOME `x`"; // quoting is needed, and must be right
    const out = await startBin(["--token", token]);
    const url = /^Flow simulator \(12 integrations\) listening on (http:\/\/127\.0\.0\.1:\d+\/v3\/customer\/core)$/m.exec(out)?.[1];
    expect(url, out).toBeDefined();
    expect(out).toContain(`API token: ${token}\n`);
    const line = /^ {2}(FLOW_API_URL=\S+ FLOW_API_TOKEN=.+ npx flow-audit)$/m.exec(out)?.[1];
    expect(line, out).toBeDefined();
    expect(line).toContain(`FLOW_API_URL=${url} `);

    const audit = await sh(line!);
    expect(audit.stderr).not.toContain("FLOW_API_TOKEN"); // a missing or rejected token names it
    expect(audit.code, audit.stderr).toBe(1); // the demo dataset has mandatory violations
    expect(audit.stdout).toContain(` — Flow API ${url}\n`);
    expect(audit.stdout).toMatch(/^FAIL: 12 integrations, /m);
  });

  it("says 1 integration for a dataset of one, and takes a plain token as it is", async () => {
    const out = await startBin(["--dataset", "generated:1"]);
    expect(out).toMatch(/^Flow simulator \(1 integration\) listening on /m);
    expect(out).toMatch(/^ {2}FLOW_API_URL=http:\/\/127\.0\.0\.1:\d+\/v3\/customer\/core FLOW_API_TOKEN=flow-simulator-token npx flow-audit$/m);
  });
});
