import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePreviewEvents } from "../../src/pulumi/events";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { PulumiSandbox, repoRoot } from "../helpers/pulumi";

// Many pipelines run `pulumi install` before `pulumi preview`. `pulumi install` has the language
// host run the package manager (npm install): in a copy of this repository, built and installed as
// `npm ci && npm run build` leave it, it must change nothing and leave both the root stack and
// its preview with the policy pack working.
const TOKEN = "p1nstall-5d0e-token";
const run = promisify(execFile);
const npmQuiet = { npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };

/** Folders of the working tree that are not the project: VCS data, other tests' copies, results. */
const NOT_PROJECT = new Set([".git", ".work", ".test-results", ".pulumi", "tmp"]);

/** The working tree (node_modules and dist as `npm ci && npm run build` left them) copied to a fresh folder. */
async function copyRepository(): Promise<string> {
  const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-install-")), "repo");
  fs.mkdirSync(dest);
  const entries = fs.readdirSync(repoRoot).filter((e) => !NOT_PROJECT.has(e));
  // cp -a: symlinks (node_modules/.bin, the package's own link) stay relative, pointing into the copy; much faster than fs.cpSync.
  await run("cp", ["-a", ...entries.map((e) => path.join(repoRoot, e)), dest + path.sep]);
  return dest;
}

describe("`pulumi install` before `pulumi preview` (real engine, a copy of this repository)", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  const snapshot = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
  const resolvePackage = async () =>
    (await run(process.execPath, ["-p", 'require.resolve("pulumi-flow") + "\\n" + require.resolve("pulumi-flow/policy")'], { cwd: dir })).stdout
      .trim()
      .split("\n");

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    dir = await copyRepository();
  }, 300_000);
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
    if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it("runs npm install in the project and changes no manifest, lockfile or package link", async () => {
    const before = { pkg: snapshot("package.json"), lock: snapshot("package-lock.json") };
    const r = await sandbox.run(["install"], { cwd: dir, env: npmQuiet, timeoutMs: 600_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout, "npm's own report of the install").toMatch(/up to date|added \d+|changed \d+/);
    expect({ pkg: snapshot("package.json"), lock: snapshot("package-lock.json") }).toEqual(before);
    // The package resolves from the copy itself (npm's link for the `file:.` devDependency), not from elsewhere.
    for (const resolved of await resolvePackage()) expect(resolved.startsWith(path.join(dir, "dist") + path.sep), resolved).toBe(true);
  });

  it("installs the policy pack's dependencies in policies/ without leaving a new file", async () => {
    const before = fs.readdirSync(path.join(dir, "policies")).sort();
    const lock = snapshot("policies/package-lock.json");
    const r = await sandbox.run(["install"], { cwd: path.join(dir, "policies"), env: npmQuiet, timeoutMs: 600_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // npm may add an empty node_modules/ (ignored by git); nothing else appears or changes.
    expect(
      fs
        .readdirSync(path.join(dir, "policies"))
        .filter((f) => f !== "node_modules")
        .sort(),
    ).toEqual(before);
    expect(snapshot("policies/package-lock.json")).toBe(lock);
  });

  it("then previews the root stack with the policy pack: the program compiles and the gate judges", async () => {
    const stack = await sandbox.initStack(dir);
    await sandbox.expect(["config", "set", "flow:apiUrl", sim.url, "--stack", stack], 0, { cwd: dir });
    const r = await sandbox.run(["preview", "--json", "--policy-pack", "policies", "--stack", stack], {
      cwd: dir,
      env: { FLOW_API_TOKEN: TOKEN, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" },
    });
    const events = parsePreviewEvents(r.stdout);
    expect(r.stdout + r.stderr).not.toMatch(/TS2307|Cannot find module/);
    // The demo dataset fails the gate with mandatory violations (exit 1), judged by the pack.
    expect(r.code, r.stderr).toBe(1);
    expect(events.violations.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy} ${v.resource}`)).toContain(
      "flow-integration-webhooks-enabled flow-102",
    );
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});
