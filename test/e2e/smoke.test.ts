import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PulumiSandbox } from "../helpers/pulumi";

const fixtures = path.join(__dirname, "fixtures");
const SMOKE_TYPE = "pulumi-nodejs:dynamic/flow:Smoke";

/** The steps of a `pulumi preview --json`, as [op, type] pairs without the stack itself. */
function steps(previewJson: string): Array<[string, string]> {
  const parsed = JSON.parse(previewJson) as { steps?: Array<{ op: string; urn: string }> };
  return (parsed.steps ?? []).map((s) => [s.op, s.urn.split("::")[2]] as [string, string]).filter(([, type]) => type !== "pulumi:pulumi:Stack");
}

describe("engine smoke: a dynamic resource through preview, up, preview, destroy", () => {
  const sandbox = PulumiSandbox.create();
  let dir: string;
  let stack: string;

  beforeAll(async () => {
    dir = sandbox.copyProject(path.join(fixtures, "smoke"));
    stack = await sandbox.initStack(dir);
  });
  afterAll(() => sandbox.dispose());

  it(`reports the engine version (${sandbox.engine.version})`, async () => {
    const r = await sandbox.expect(["version"]);
    expect(r.stdout.trim()).toMatch(/^v?3\.\d+\.\d+/);
  });

  it("previews a create of the Smoke resource with its type token", async () => {
    const r = await sandbox.expect(["preview", "--json", "--stack", stack], 0, { cwd: dir });
    expect(steps(r.stdout)).toEqual([["create", SMOKE_TYPE]]);
  });

  it("creates it with `up`, and the state and outputs hold it", async () => {
    const r = await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
    expect(r.stdout).toMatch(/1 created|\+ 2 created|2 created/);
    expect(await sandbox.outputs(dir, stack)).toEqual({ message: "hello from pulumi-flow", length: 22 });
    const { deployment } = await sandbox.exportStack(dir, stack);
    const smoke = deployment.deployment.resources.find((r) => r.type === SMOKE_TYPE);
    expect(smoke?.outputs?.message).toBe("hello from pulumi-flow");
    expect(smoke?.id).toBe("smoke-22");
  });

  it("shows no changes on a second preview", async () => {
    const r = await sandbox.expect(["preview", "--json", "--expect-no-changes", "--stack", stack], 0, { cwd: dir });
    expect(steps(r.stdout).filter(([op]) => op !== "same")).toEqual([]);
    expect(JSON.parse(r.stdout).changeSummary).toEqual({ same: 2 });
  });

  it("destroys it, leaving an empty stack", async () => {
    const r = await sandbox.expect(["destroy", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
    expect(r.stdout).toMatch(/deleted/);
    const { deployment } = await sandbox.exportStack(dir, stack);
    expect(deployment.deployment.resources ?? []).toEqual([]);
  });
});

describe("engine smoke: a local policy pack gates preview", () => {
  const sandbox = PulumiSandbox.create();
  let dir: string;
  let pack: string;
  let stack: string;

  beforeAll(async () => {
    dir = sandbox.copyProject(path.join(fixtures, "smoke"));
    pack = sandbox.copyProject(path.join(fixtures, "smoke-policy"));
    stack = await sandbox.initStack(dir);
  });
  afterAll(() => sandbox.dispose());

  it("fails with exit code 1 and the rule's message when a mandatory rule is violated", async () => {
    await sandbox.expect(["config", "set", "message", "forbidden", "--stack", stack], 0, { cwd: dir });
    const r = await sandbox.run(["preview", "--policy-pack", pack, "--stack", stack], { cwd: dir });
    const all = r.stdout + r.stderr;
    expect(r.code, all).toBe(1);
    expect(all).toContain("smoke-message-not-forbidden");
    expect(all).toContain("Smoke resource 'smoke' has the forbidden message; set another message.");
    expect(all).toMatch(/mandatory/);
  });

  it("passes when the rule is satisfied", async () => {
    await sandbox.expect(["config", "set", "message", "allowed", "--stack", stack], 0, { cwd: dir });
    const r = await sandbox.run(["preview", "--policy-pack", pack, "--stack", stack], { cwd: dir });
    const all = r.stdout + r.stderr;
    expect(r.code, all).toBe(0);
    expect(all).toContain("flow-smoke-policy");
    expect(all).not.toContain("has the forbidden message");
  });
});
