import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePreviewEvents, type PreviewEvents } from "../../src/pulumi/events";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { inject } from "vitest";
import { PulumiSandbox, repoRoot, type PulumiResult } from "../helpers/pulumi";

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

/**
 * Preview shows the component and the 12 integrations of the demo dataset (+ the stack) to create;
 * up records them with the component's outputs, and no token lands in state.
 */
async function previewAndUp(sandbox: PulumiSandbox, pulumi: (args: string[]) => Promise<PulumiResult>, dir: string, stack: string): Promise<void> {
  const preview = await pulumi(["preview"]);
  expect(preview.code, preview.stderr.slice(-3000) + preview.stdout.slice(-3000)).toBe(0);
  expect(preview.stdout).toContain("+ 14 to create");
  const up = await pulumi(["up", "--yes", "--skip-preview"]);
  expect(up.code, up.stderr.slice(-3000) + up.stdout.slice(-3000)).toBe(0);
  const { raw, deployment } = await sandbox.exportStack(dir, stack, true);
  expect(deployment.deployment.resources.filter((r) => r.type === "flow:index:Integration")).toHaveLength(12);
  expect(await sandbox.outputs(dir, stack)).toMatchObject({ count: 12, summary: { total: 12, webhooksOff: [102], disconnected: [105] } });
  expect(raw).not.toContain(TOKEN);
}

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
    await previewAndUp(sandbox, pulumi, dir, stack);
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

  it("imports an existing integration with `pulumi import flow:index:Integration` (the package's provider reads it); a chunk cannot be imported by id", async () => {
    const importDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-yaml-import-"));
    dirs.push(importDir);
    fs.writeFileSync(
      path.join(importDir, "Pulumi.yaml"),
      `name: flow-import\nruntime: yaml\npackages:\n  flow: ${path.join(repoRoot, "component")}\nresources: {}\n`,
    );
    const importStack = await sandbox.initStack(importDir);
    const run = (args: string[]) => sandbox.run([...args, "--stack", importStack], { cwd: importDir, env: env() });
    const imported = await run(["import", "flow:index:Integration", "payments", "105", "--yes", "--out", path.join(importDir, "generated.yaml")]);
    expect(imported.code, imported.stderr.slice(-3000) + imported.stdout.slice(-3000)).toBe(0);
    const { deployment } = (await sandbox.exportStack(importDir, importStack)).deployment;
    expect(deployment.resources.find((r) => r.type === "flow:index:Integration")?.outputs).toMatchObject({
      integrationId: 105,
      integration: { id: 105, name: "Bitbucket Payments" },
      connectionStatus: { status: "disconnected" },
    });
    const chunk = await run(["import", "flow:index:IntegrationChunk", "chunk", "chunk-0-of-3", "--yes"]);
    expect(chunk.code).not.toBe(0);
    expect(chunk.stdout + chunk.stderr).toContain("a flow:index:IntegrationChunk cannot be imported or read by id alone");
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

/** Runs a command to its end: code and output (never throws on a non-zero exit). */
function exec(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

// The Go consumer: every integration (the same set as the TypeScript audit stack), one flow:index:Integration
// each unless the stack's `chunks` config says otherwise; `vendors` narrows the filter.
const GO_CONSUMER = `package main

import (
\t"github.com/pulumi-flow/pulumi-flow/sdk/go/flow"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
\tpulumi.Run(func(ctx *pulumi.Context) error {
\t\targs := &flow.IntegrationsArgs{Client: &flow.ClientSettingsArgs{TimeoutMs: pulumi.Int(10000)}}
\t\tif chunks := config.GetInt(ctx, "chunks"); chunks > 0 {
\t\t\targs.Chunks = pulumi.Int(chunks)
\t\t}
\t\tif vendors := config.Get(ctx, "vendors"); vendors != "" {
\t\t\targs.Filter = pulumi.StringMap{"vendor_type__in": pulumi.String(vendors)}
\t\t}
\t\tinv, err := flow.NewIntegrations(ctx, "flow", args)
\t\tif err != nil {
\t\t\treturn err
\t\t}
\t\tctx.Export("ids", inv.Ids)
\t\tctx.Export("count", inv.Count)
\t\tctx.Export("summary", inv.Summary)
\t\treturn nil
\t})
}
`;

/** Only the module cache: no proxy, no checksum database, the local toolchain. */
const GO_OFFLINE = { GOPROXY: "off", GOSUMDB: "off", GOTOOLCHAIN: "local" };

describe("SDKs generated from the component package's schema (a Go program builds and runs under the engine with our Go language host; Python compiles)", () => {
  const sandbox = PulumiSandbox.create();
  let work: string;
  let sdk: string;
  let consumer: string;
  let sim: FlowSimulator;
  let stack: string;
  // The engine's Go language host (ours: tools/engine/go/golanghost) builds the program with `go build` offline.
  const env = () => ({ FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN, ...GO_OFFLINE, GOFLAGS: undefined, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" });
  const pulumi = (args: string[]) => sandbox.run([...args, "--stack", stack], { cwd: consumer, env: env() });

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-sdks-"));
    // The schema as the engine gets it from the plugin, then the SDKs from pkg/v3's generators (tools/engine/gensdk).
    const schema = await sandbox.run(["package", "get-schema", path.join(repoRoot, "component")], { cwd: work });
    expect(schema.code, schema.stderr).toBe(0);
    fs.writeFileSync(path.join(work, "schema.json"), schema.stdout);
    expect(JSON.parse(schema.stdout)).toMatchObject({
      name: "flow",
      version: JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version,
    });
    const gensdk = inject("engine").tools?.gensdk;
    expect(gensdk, "the SDK generator was not built: run npm run engine").toBeTruthy();
    sdk = path.join(work, "sdk");
    const gen = await exec(gensdk!, ["--language", "go,python", "--out", sdk, "schema.json"], work);
    expect(gen.code, gen.out).toBe(0);
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("a Go program using the generated SDK builds with go build against github.com/pulumi/pulumi/sdk/v3 (offline, from the module cache the engine build filled)", async () => {
    fs.writeFileSync(
      path.join(sdk, "go.mod"),
      "module github.com/pulumi-flow/pulumi-flow/sdk\n\ngo 1.26\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.276.0\n",
    );
    consumer = path.join(work, "consumer");
    fs.mkdirSync(consumer);
    fs.writeFileSync(
      path.join(consumer, "go.mod"),
      "module flow-consumer\n\ngo 1.26\n\nrequire (\n\tgithub.com/pulumi-flow/pulumi-flow/sdk v0.0.0\n\tgithub.com/pulumi/pulumi/sdk/v3 v3.276.0\n)\n\nreplace github.com/pulumi-flow/pulumi-flow/sdk => ../sdk\n",
    );
    fs.writeFileSync(path.join(consumer, "main.go"), GO_CONSUMER);
    const goEnv = { ...process.env, ...GO_OFFLINE, GOFLAGS: "-mod=mod" };
    const tidy = await exec("go", ["mod", "tidy"], consumer, goEnv);
    expect(tidy.code, tidy.out).toBe(0);
    const out = path.join(work, "flow-consumer");
    const build = await exec("go", ["build", "-o", out, "."], consumer, goEnv);
    expect(build.code, build.out).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
    // The component's inputs reach the engine as the schema names them.
    expect(fs.readFileSync(path.join(sdk, "go", "flow", "integrations.go"), "utf8")).toContain('ctx.RegisterRemoteComponentResource("flow:index:Integrations"');
  }, 900_000);

  it("the Go program runs under the engine (runtime: go, the plugin listed in Pulumi.yaml): preview and up, one flow:index:Integration per integration, its outputs, no token in state", async () => {
    expect(inject("engine").tools?.go, "the Go language host was not built: run npm run engine").toBeTruthy();
    fs.writeFileSync(
      path.join(consumer, "Pulumi.yaml"),
      `name: flow-go\nruntime: go\nplugins:\n  providers:\n    - name: flow\n      path: ${path.join(repoRoot, "component")}\n`,
    );
    stack = await sandbox.initStack(consumer);
    await previewAndUp(sandbox, pulumi, consumer, stack);
  }, 900_000);

  it("fails `pulumi preview --policy-pack` on the same findings as the TypeScript audit stack, per integration and in chunks (stack config reaches the Go program)", async () => {
    const reference = await typescriptFindings(sandbox, sim);
    const gate = await pulumi(["preview", "--json", "--policy-pack", PACK]);
    const events = parsePreviewEvents(gate.stdout);
    expect(gate.code, gate.stderr).toBe(1);
    expect(findings(events, "mandatory")).toEqual(findings(reference, "mandatory"));
    expect(findings(events, "advisory")).toEqual(findings(reference, "advisory"));

    await sandbox.expect(["config", "set", "chunks", "3", "--stack", stack], 0, { cwd: consumer });
    const chunked = await pulumi(["preview", "--json", "--policy-pack", PACK]);
    expect(chunked.code, chunked.stderr).toBe(1);
    expect(findings(parsePreviewEvents(chunked.stdout), "mandatory")).toEqual(findings(reference, "mandatory"));
    expect(chunked.stdout).toContain("flow:index:IntegrationChunk");
    await sandbox.expect(["config", "rm", "chunks", "--stack", stack], 0, { cwd: consumer });
  }, 900_000);

  it("destroy forgets the Go stack's resources without touching Flow; a program that fails reports it", async () => {
    const before = sim.requests.length;
    const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code, destroy.stderr.slice(-3000)).toBe(0);
    expect(sim.requests.slice(before).every((r) => r.method === "GET")).toBe(true);
    expect((await sandbox.exportStack(consumer, stack)).deployment.deployment.resources ?? []).toHaveLength(0);

    // The Go SDK logs the program's error itself; the exit code makes the engine fail the update.
    const failing = await sandbox.run(["preview", "--stack", stack], { cwd: consumer, env: { ...env(), FLOW_API_TOKEN: "not-the-token" } });
    expect(failing.code).toBe(1);
    expect(failing.stdout + failing.stderr).toContain("HTTP 401");
  }, 900_000);

  it("the generated Python SDK compiles (its pulumi package cannot be installed here: no PyPI)", async () => {
    const files = fs
      .readdirSync(path.join(sdk, "python"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".py"));
    expect(files).toEqual(expect.arrayContaining([path.join("pulumi_flow_sdk", "integrations.py")]));
    const compiled = await exec("python3", ["-m", "py_compile", ...files], path.join(sdk, "python"));
    expect(compiled.code, compiled.out).toBe(0);
  });
});
