import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/paths";
import { processesWithEnv } from "../helpers/orphans";

interface DemoRun {
  code: number;
  stdout: string;
  stderr: string;
}

const demoTmp = fs.mkdtempSync(path.join(os.tmpdir(), "demo-test-"));
afterAll(() => fs.rmSync(demoTmp, { recursive: true, force: true }));

/** Runs the README's main job (scripts/demo.mjs, what `npm run demo` runs after the build). */
function demo(args: string[], opts: { interruptWhen?: RegExp } = {}): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    // A temporary directory of this test file's own, so a suite running beside it cannot be mistaken for leftovers.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", TMPDIR: demoTmp };
    delete env.FLOW_API_URL;
    delete env.FLOW_API_TOKEN;
    delete env.FLOW_POLICY_FILE;
    const child = spawn(process.execPath, [path.join(repoRoot, "scripts", "demo.mjs"), ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (opts.interruptWhen && !interrupted && opts.interruptWhen.test(stdout)) {
        interrupted = true;
        // Give the demo a moment to start pulumi, then press Ctrl-C.
        setTimeout(() => child.kill("SIGINT"), 1500);
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

const leftovers = () => ({
  stackFiles: fs.readdirSync(repoRoot).filter((f) => /^Pulumi\.demo-\d+\.yaml$/.test(f)),
  tempDirs: fs.readdirSync(demoTmp).filter((f) => f.startsWith("pulumi-flow-demo-")),
});

describe("npm run demo (the main job)", () => {
  it("shows the integrations, the outputs, the violations by rule and a FAIL verdict, exiting 1", async () => {
    const before = leftovers();
    const r = await demo([]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("Integrations read (12)");
    expect(r.stdout).toMatch(/\n {2}102 {2}GitHub Mobile +github +oauth +off +connected/);
    expect(r.stdout).toMatch(/Stack outputs: summary\n(.*\n)*? {2}webhooksOff +\[102\]/);
    const section = r.stdout.slice(r.stdout.indexOf("Policy violations (10)"));
    expect(section.indexOf("flow-integration-webhooks-enabled [mandatory]")).toBeGreaterThan(0);
    expect(section.indexOf("flow-integration-webhooks-enabled [mandatory]")).toBeLessThan(section.indexOf("[advisory]"));
    for (const id of ["102", "104", "105", "110"]) expect(section).toContain(`(id ${id},`);
    expect(r.stdout).toContain("verdict: FAIL — 12 integrations, 4 mandatory and 6 advisory findings; pulumi preview exited 1");
    expect(leftovers()).toEqual(before);
  });

  it("passes with the example policy config that downgrades the mandatory rules", async () => {
    const r = await demo(["--policy-config", "examples/policy/policy-config.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("verdict: PASS — 12 integrations, 0 mandatory and 10 advisory findings");
  });

  it("deploys with --up, listing each violation once", async () => {
    const r = await demo(["--up", "--policy-config", "examples/policy/policy-config.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("verdict: PASS — 12 integrations, 0 mandatory and 10 advisory findings; pulumi up exited 0");
  });

  it("applies the example policy file: its exceptions show as notices", async () => {
    const r = await demo(["--policy-file", "examples/policy/flow-policy.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("flow-exceptions-applied [advisory]");
    expect(r.stdout).toContain("suppressed by an exception until 2030-03-31 (owner mobile-platform, ticket OPS-1234)");
    expect(r.stdout).toContain("verdict: FAIL — 12 integrations, 2 mandatory");
  });

  it("cleans up the throwaway stack, its state and the simulator on Ctrl-C", async () => {
    const before = leftovers();
    const r = await demo([], { interruptWhen: /Flow simulator: / });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted; stopped pulumi, removed the throwaway stack");
    expect(leftovers()).toEqual(before);
    // pulumi's language host and plugins run in process groups of their own: none outlives the demo.
    expect(processesWithEnv("TMPDIR", demoTmp)).toEqual([]);
  });

  it("rejects a missing policy config with exit code 2", async () => {
    const r = await demo(["--policy-config", "nope.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--policy-config nope.json: no such file");
  });
});
