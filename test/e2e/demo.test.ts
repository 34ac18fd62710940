import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/paths";
import { startFlowSimulator } from "../../src/simulator/server";
import { processesWithEnv, settledProcessesWithEnv } from "../helpers/orphans";
import { normalised, overlongLines, runInPty } from "../helpers/pty";

interface DemoRun {
  code: number;
  stdout: string;
  stderr: string;
}

const demoScript = path.join(repoRoot, "scripts", "demo.mjs");
/** A stack trace's frames ("    at fn (file:1:2)"): never what a user of the demo should read. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const demoTmp = fs.mkdtempSync(path.join(os.tmpdir(), "demo-test-"));
/** The demo in an 80-column pseudo-terminal, on the simulator (no Flow settings of this process). */
const demoInPty = (args: string[]) =>
  runInPty([process.execPath, demoScript, ...args], {
    columns: 80,
    timeoutMs: 300_000,
    env: { TMPDIR: demoTmp, FLOW_API_URL: undefined, FLOW_API_TOKEN: undefined, FLOW_POLICY_FILE: undefined, FLOW_DEMO_DATASET: undefined },
  });
afterAll(() => fs.rmSync(demoTmp, { recursive: true, force: true }));

/** Runs the README's main job (scripts/demo.mjs, what `npm run demo` runs after the build). */
function demo(args: string[], opts: { interruptWhen?: RegExp; env?: NodeJS.ProcessEnv } = {}): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    // A temporary directory of this test file's own, so a suite running beside it cannot be mistaken for leftovers.
    // Wide lines, so a message is on one line for the assertions; the terminal test below sizes a real pty.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", TMPDIR: demoTmp, COLUMNS: "300" };
    delete env.FLOW_API_URL;
    delete env.FLOW_API_TOKEN;
    delete env.FLOW_POLICY_FILE;
    Object.assign(env, opts.env);
    const child = spawn(process.execPath, [demoScript, ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (opts.interruptWhen && !interrupted && opts.interruptWhen.test(stdout)) {
        interrupted = true;
        // Press Ctrl-C once the demo's `pulumi preview` runs (a process of the demo's with that command line).
        const poll = setInterval(() => {
          if (child.exitCode !== null || child.signalCode !== null) return clearInterval(poll);
          if (!processesWithEnv("TMPDIR", demoTmp).some((p) => /\bpulumi\b.*\bpreview\b/.test(p.command))) return;
          clearInterval(poll);
          child.kill("SIGINT");
        }, 50);
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
    expect(r.stdout).toMatch(/Stack outputs: summary\n(.*\n)*? {2}webhooksOff +102\n/);
    const section = r.stdout.slice(r.stdout.indexOf("Policy violations (10)"));
    expect(section.indexOf("flow-integration-webhooks-enabled [mandatory]")).toBeGreaterThan(0);
    expect(section.indexOf("flow-integration-webhooks-enabled [mandatory]")).toBeLessThan(section.indexOf("[advisory]"));
    for (const id of ["102", "104", "105", "110"]) expect(section).toContain(`(id ${id},`);
    expect(r.stdout).toContain("verdict: FAIL — 12 integrations read; 4 mandatory and 6 advisory findings; pulumi preview exited 1");
    expect(leftovers()).toEqual(before);
  });

  it("passes with the example policy config that downgrades the mandatory rules", async () => {
    const r = await demo(["--policy-config", "examples/policy/policy-config.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("verdict: PASS — 12 integrations read; 0 mandatory and 10 advisory findings");
  });

  it("deploys with --up, listing each violation once", async () => {
    const r = await demo(["--up", "--policy-config", "examples/policy/policy-config.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("verdict: PASS — 12 integrations read; 0 mandatory and 10 advisory findings; pulumi up exited 0");
  });

  it("applies the example policy file: its exceptions show as notices", async () => {
    const r = await demo(["--policy-file", "examples/policy/flow-policy.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("flow-exceptions-applied [advisory]");
    expect(r.stdout).toContain("suppressed by an exception until 2030-03-31 (owner mobile-platform, ticket OPS-1234)");
    expect(r.stdout).toContain("verdict: FAIL — 12 integrations read; 2 mandatory");
  });

  it("cleans up the throwaway stack, its state and the simulator on Ctrl-C", async () => {
    const before = leftovers();
    const r = await demo([], { interruptWhen: /Flow simulator: / });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted; stopped pulumi, removed the throwaway stack");
    expect(leftovers()).toEqual(before);
    // pulumi's language host and plugins run in process groups of their own: none outlives the
    // demo (pulumi stops them as it exits; on a busy machine they may take a moment to go).
    expect(await settledProcessesWithEnv("TMPDIR", demoTmp)).toEqual([]);
  });

  it("rejects a missing policy config with exit code 2", async () => {
    const r = await demo(["--policy-config", "nope.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--policy-config nope.json: no such file");
  });

  it("says what is wrong with an unknown --dataset, as a usage error before starting anything", async () => {
    const r = await demo(["--dataset", "bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('demo: --dataset bogus: unknown simulator dataset "bogus" (expected demo, published, empty, generated:N)');
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stdout).toBe("");
  });

  it("prints its help through npm without compiling first", async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", "demo", "--", "--help"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? 1, out }));
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^Usage: npm run demo -- \[options\]/);
    expect(r.out).not.toContain("compiling");
  });

  it("shows Flow's own error and an ERROR verdict, not FAIL, when the token is rejected", async () => {
    const sim = await startFlowSimulator({ token: "the-right-token-8d1f" });
    try {
      const r = await demo([], { env: { FLOW_API_URL: sim.url, FLOW_API_TOKEN: "a-wrong-token-3b7a" } });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Errors\n {2}pulumi-flow could not read Flow.*HTTP 401: the API token was rejected/);
      expect(r.stdout).toMatch(/verdict: ERROR — no integrations read; pulumi could not complete the run \(see Errors above\); pulumi preview exited 1/);
      expect(r.stdout).not.toContain("verdict: FAIL");
      expect(r.stdout).not.toContain("Integrations read");
      expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stdout + r.stderr).not.toContain("a-wrong-token-3b7a");
    } finally {
      await sim.close();
    }
  });

  it("shows a broken policy file's file:line:column and an ERROR verdict", async () => {
    const bad = path.join(demoTmp, "bad-policy.yaml");
    fs.writeFileSync(bad, "exceptions:\n  - rule: flow-integration-webhooks-enabled\n    integrationId: 102\n");
    const r = await demo(["--policy-file", bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${bad}:3:5: unknown key 'integrationId' in exceptions[0]`);
    expect(r.stdout).toContain("verdict: ERROR — 12 integrations read; the policy file is invalid, so no rule was evaluated");
  });

  it("shows the engine's words and an ERROR verdict when the pack config is rejected", async () => {
    const bad = path.join(demoTmp, "bad-config.json");
    fs.writeFileSync(bad, JSON.stringify({ "flow-integration-webhooks-enabled": { enforcementLevel: "bogus" } }));
    const r = await demo(["--policy-config", bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('"bogus" is not a valid enforcement level');
    expect(r.stdout).toContain("verdict: ERROR — no integrations read; pulumi could not complete the run (see Errors above)");
  });

  it("does not claim PASS without the policy pack", async () => {
    const r = await demo(["--no-policy"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("PASS");
    expect(r.stdout).not.toContain("Policy violations");
    expect(r.stdout).toContain("verdict: NOT GATED — 12 integrations read; the policy pack did not run (--no-policy), so nothing was judged");
  });

  it("fits an 80-column terminal without cutting any finding, its fix or its verdict", async () => {
    const { code, raw, lines } = await demoInPty([]);
    expect(code, raw).toBe(1);
    expect(overlongLines(lines, 80)).toEqual([]);
    // The simulator's timestamps are relative to when it starts; the two runs start apart.
    const untimed = (t: string) => normalised(t).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>");
    const text = untimed(lines.join("\n"));
    // Every violation the engine reported, whole: what is wrong and its fix.
    const wide = await demo(["--all"]);
    const violations = wide.stdout.slice(wide.stdout.indexOf("Policy violations (10)"), wide.stdout.indexOf("verdict:"));
    const items = [...violations.matchAll(/^ {4}- (.*)$/gm), ...violations.matchAll(/^ {6}fix(?: \([^)]*\))?: (.*)$/gm)].map((m) => m[1]);
    expect(items.length).toBeGreaterThanOrEqual(10 + 8);
    for (const item of items) expect(text).toContain(untimed(item));
    expect(text).toContain("verdict: FAIL — 12 integrations read; 4 mandatory and 6 advisory findings; pulumi preview exited 1");
    expect(text).toMatch(/102 GitHub Mobile github oauth off connected/);
  });

  it("shows progress and a bounded summary for a big tenant", async () => {
    const { code, raw, lines } = await demoInPty(["--dataset", "generated:150"]);
    expect(code, raw).toBe(1);
    expect(raw).toMatch(/demo: previewing… \d+\/150 integrations, \d+ policy violations?/);
    expect(overlongLines(lines, 80)).toEqual([]);
    const text = normalised(lines.join("\n"));
    expect(text).toContain("Integrations read (150)");
    expect(text).toContain("… and 130 more integrations (--all lists them)");
    expect(text).toMatch(/… and \d+ more violations of this rule \(--all lists them\)/);
    // Bounded: the 150 integrations and their ~170 violations take well under a screenful each.
    const output = lines.filter((l) => !l.startsWith("demo: previewing"));
    expect(output.length).toBeLessThan(200);
  });
});
