import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePreviewEvents, type PreviewEvents } from "../../src/pulumi/events";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { PulumiSandbox, repoRoot } from "../helpers/pulumi";

// pulumi-flow's component package (component/) used the way a stack of another language uses it:
// the engine runs the plugin folder, construct reads Flow, the children are the plugin's own
// resources, and the shipped pack judges them like a TypeScript stack's dynamic resources.
const TOKEN = "e2e-component-token-5c1a9d";
const PACK = path.join(repoRoot, "policies");

/** "policy integration-id" of each violation at `level` (the resource names differ between consumers; the findings must not). */
function findings(e: PreviewEvents, level: string): string[] {
  return e.violations
    .filter((v) => v.enforcement === level)
    .map((v) => `${v.policy} ${/\(id (\d+),/.exec(v.message)?.[1] ?? v.resource}`)
    .sort();
}

/** The preview events of the TypeScript audit stack with the pack, against the same simulator: the findings to match. */
async function typescriptFindings(sandbox: PulumiSandbox, sim: FlowSimulator): Promise<PreviewEvents> {
  const audit = await sandbox.auditStack(sim);
  const ts = await sandbox.run(["preview", "--json", "--policy-pack", PACK, "--stack", audit.stack], {
    cwd: audit.dir,
    env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" },
  });
  expect(ts.code, ts.stderr).toBe(1);
  return parsePreviewEvents(ts.stdout);
}

describe("the component package from a program that is not TypeScript (real engine, simulator demo dataset)", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let stack: string;
  const env = () => ({ FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN });
  const pulumi = (args: string[], extra: Record<string, string> = {}) => sandbox.run([...args, "--stack", stack], { cwd: dir, env: { ...env(), ...extra } });
  const preview = async (args: string[] = []) => {
    const r = await pulumi(["preview", "--json", ...args], { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" });
    return { ...r, events: parsePreviewEvents(r.stdout) };
  };

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    dir = sandbox.copyProject(path.join(__dirname, "fixtures", "component-js"));
    stack = await sandbox.initStack(dir);
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
  });

  it("up records one flow:index:Integration per integration under the component, with its outputs, and no token in state", async () => {
    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stderr.slice(-3000) + up.stdout.slice(-3000)).toBe(0);
    const { raw, deployment: exported } = await sandbox.exportStack(dir, stack, true);
    const deployment = exported.deployment;
    const types = deployment.resources.map((r) => r.type);
    expect(types.filter((t) => t === "flow:index:Integrations")).toHaveLength(1);
    expect(types.filter((t) => t === "flow:index:Integration")).toHaveLength(12);
    const child = deployment.resources.find((r) => r.type === "flow:index:Integration" && r.urn.endsWith("::flow-102"))!;
    expect(child.parent).toMatch(/flow:index:Integrations::flow$/);
    expect(child.outputs).toMatchObject({ integrationId: 102, integration: { id: 102, name: "GitHub Mobile" }, apiUrl: sim.url });
    const outputs = await sandbox.outputs(dir, stack);
    expect(outputs).toMatchObject({ count: 12, summary: { total: 12, webhooksOff: [102] } });
    expect(raw).not.toContain(TOKEN);
  });

  it("shows a change made in Flow as a per-field update of that integration", async () => {
    sim.updateIntegration(103, { name: "Renamed in Flow" });
    const r = await pulumi(["preview", "--diff"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/~ flow:index:Integration: \(update\)[\s\S]*\[urn=[^\]]*::flow-103\][\s\S]*~ name\s*: "[^"]*" => "Renamed in Flow"/);
    expect(r.stdout).toContain("1 to update");
  });

  it("refresh reads Flow again through the plugin, and destroy forgets without touching Flow", async () => {
    const refresh = await pulumi(["refresh", "--yes", "--skip-preview"]);
    expect(refresh.code, refresh.stderr.slice(-3000)).toBe(0);
    const { deployment } = (await sandbox.exportStack(dir, stack)).deployment;
    expect(deployment.resources.find((r) => r.urn.endsWith("::flow-103"))?.outputs).toMatchObject({ integration: { name: "Renamed in Flow" } });
    const before = sim.requests.length;
    const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code, destroy.stderr.slice(-3000)).toBe(0);
    expect(sim.requests.slice(before).every((r) => r.method === "GET")).toBe(true);
    expect((await sandbox.exportStack(dir, stack)).deployment.deployment.resources ?? []).toHaveLength(0);
  });

  it("fails `pulumi preview --policy-pack` on the same findings as the TypeScript audit stack, per integration and in chunks", async () => {
    const reference = await typescriptFindings(sandbox, sim);
    expect(findings(reference, "mandatory").length).toBeGreaterThan(0);

    const perIntegration = await preview(["--policy-pack", PACK]);
    expect(perIntegration.code, perIntegration.stderr).toBe(1);
    expect(findings(perIntegration.events, "mandatory")).toEqual(findings(reference, "mandatory"));
    expect(findings(perIntegration.events, "advisory")).toEqual(findings(reference, "advisory"));

    await sandbox.expect(["config", "set", "chunks", "3", "--stack", stack], 0, { cwd: dir });
    const chunked = await preview(["--policy-pack", PACK]);
    expect(chunked.code, chunked.stderr).toBe(1);
    expect(findings(chunked.events, "mandatory")).toEqual(findings(reference, "mandatory"));
    expect(chunked.stdout).toContain("flow:index:IntegrationChunk");
    fs.rmSync(path.join(dir, `Pulumi.${stack}.yaml`), { force: true });
  });
});

/** A Pulumi YAML project outside the repository (no node_modules anywhere above it) that uses the component package by path. */
function yamlProject(chunks?: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-yaml-"));
  const properties = chunks ? `\n    properties:\n      chunks: ${chunks}` : "";
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: flow-component-yaml
runtime: yaml
packages:
  flow: ${path.join(repoRoot, "component")}
resources:
  flow:
    type: flow:index:Integrations${properties}
outputs:
  ids: \${flow.ids}
  count: \${flow.count}
  summary: \${flow.summary}
`,
  );
  return dir;
}

describe("the component package from a Pulumi YAML stack (real engine, the YAML language host, simulator demo dataset)", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let stack: string;
  const dirs: string[] = [];
  const env = () => ({ FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN });
  const pulumi = (args: string[], cwd = dir) => sandbox.run([...args, "--stack", stack], { cwd, env: { ...env(), PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" } });

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    dir = yamlProject();
    dirs.push(dir);
    stack = await sandbox.initStack(dir);
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("previews and ups: the component, one flow:index:Integration per integration, its outputs, no token in state", async () => {
    const preview = await pulumi(["preview"]);
    expect(preview.code, preview.stderr.slice(-3000) + preview.stdout.slice(-3000)).toBe(0);
    expect(preview.stdout).toContain("+ 14 to create");
    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stderr.slice(-3000) + up.stdout.slice(-3000)).toBe(0);
    const { raw, deployment } = await sandbox.exportStack(dir, stack, true);
    expect(deployment.deployment.resources.filter((r) => r.type === "flow:index:Integration")).toHaveLength(12);
    expect(await sandbox.outputs(dir, stack)).toMatchObject({ count: 12, summary: { total: 12, webhooksOff: [102], disconnected: [105] } });
    expect(raw).not.toContain(TOKEN);
  });

  it("shows a change in Flow as a per-field diff, refreshes, and destroys", async () => {
    sim.updateIntegration(106, { name: "Renamed for YAML" });
    const diff = await pulumi(["preview", "--diff"]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/\[urn=[^\]]*::flow-106\][\s\S]*~ name\s*: "[^"]*" => "Renamed for YAML"/);
    const refresh = await pulumi(["refresh", "--yes", "--skip-preview"]);
    expect(refresh.code, refresh.stderr.slice(-3000)).toBe(0);
    const { deployment } = await sandbox.exportStack(dir, stack);
    expect(deployment.deployment.resources.find((r) => r.urn.endsWith("::flow-106"))?.outputs).toMatchObject({ integration: { name: "Renamed for YAML" } });
    const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code, destroy.stderr.slice(-3000)).toBe(0);
    expect((await sandbox.exportStack(dir, stack)).deployment.deployment.resources ?? []).toHaveLength(0);
  });

  it("fails `pulumi preview --policy-pack` on the same findings as the TypeScript audit stack, per integration and in chunks", async () => {
    const reference = await typescriptFindings(sandbox, sim);
    const gate = await pulumi(["preview", "--json", "--policy-pack", PACK]);
    const events = parsePreviewEvents(gate.stdout);
    expect(gate.code, gate.stderr).toBe(1);
    expect(findings(events, "mandatory")).toEqual(findings(reference, "mandatory"));
    expect(findings(events, "advisory")).toEqual(findings(reference, "advisory"));

    const chunkedDir = yamlProject(3);
    dirs.push(chunkedDir);
    const chunkedStack = await sandbox.initStack(chunkedDir);
    const chunked = await sandbox.run(["preview", "--json", "--policy-pack", PACK, "--stack", chunkedStack], {
      cwd: chunkedDir,
      env: { ...env(), PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" },
    });
    expect(chunked.code, chunked.stderr).toBe(1);
    expect(findings(parsePreviewEvents(chunked.stdout), "mandatory")).toEqual(findings(reference, "mandatory"));
  });
});
