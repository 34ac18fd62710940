import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTEGRATION_TYPE } from "../../src/pulumi/integration";
import { CHUNK_TYPE } from "../../src/pulumi/type";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { PulumiSandbox, repoRoot, type PulumiResult } from "../helpers/pulumi";

const fixtures = path.join(__dirname, "fixtures");
const TOKEN = "e2e-flow-token-7c1b9a";
const PAGE = 5;

interface PreviewStep {
  op: string;
  urn: string;
  newState?: { inputs?: Record<string, unknown> };
}

function integrationSteps(r: PulumiResult): PreviewStep[] {
  const parsed = JSON.parse(r.stdout) as { steps?: PreviewStep[] };
  return (parsed.steps ?? []).filter((s) => s.urn.includes(`::${INTEGRATION_TYPE}::`) || s.urn.includes(`$${INTEGRATION_TYPE}::`));
}

const resourceName = (s: PreviewStep) => s.urn.split("::").pop();

describe("Flow integrations as Pulumi state (root audit stack, real engine, simulator)", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let pack: string;
  let stack: string;

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN, maxPageSize: PAGE });
    pack = sandbox.copyProject(path.join(fixtures, "flow-policy"));
    ({ dir, stack } = await sandbox.auditStack(sim));
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
  });

  it("previews a never-deployed stack with every integration's live fields, within the request budget", async () => {
    sim.resetLog();
    const r = await sandbox.expect(["preview", "--json", "--stack", stack], 0, { cwd: dir });
    const steps = integrationSteps(r);
    expect(steps).toHaveLength(12);
    expect(steps.every((s) => s.op === "create")).toBe(true);
    const mobile = steps.find((s) => resourceName(s) === "flow-102")!;
    expect(mobile.newState?.inputs?.integration).toMatchObject({ id: 102, name: "GitHub Mobile", webhooks_enabled: false });
    expect(steps.find((s) => resourceName(s) === "flow-105")!.newState?.inputs?.connectionStatus).toMatchObject({ status: "disconnected" });
    // ceil(N / page size) list requests + N status requests, and nothing else.
    expect(sim.requests.filter((q) => q.route === "list")).toHaveLength(Math.ceil(12 / PAGE));
    expect(sim.requests.filter((q) => q.route === "status")).toHaveLength(12);
    expect(sim.requests).toHaveLength(Math.ceil(12 / PAGE) + 12);
  });

  it("lets a resource policy see the live fields during that first preview", async () => {
    const r = await sandbox.run(["preview", "--policy-pack", pack, "--stack", stack], { cwd: dir });
    const all = r.stdout + r.stderr;
    expect(r.code, all).toBe(1);
    expect(all).toContain("fixture-webhooks-on");
    expect(all).toContain("Integration 'GitHub Mobile' (id 102, github) has webhooks off.");
    expect(all.match(/has webhooks off/g)).toHaveLength(1);
  });

  it("records every integration in state and outputs with `up`", async () => {
    await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
    const { deployment } = await sandbox.exportStack(dir, stack);
    const resources = deployment.deployment.resources.filter((r) => r.type === INTEGRATION_TYPE);
    expect(resources).toHaveLength(12);
    expect(resources.find((r) => r.id === "110")?.outputs?.integration).toMatchObject({ processing_status: "FAILED" });
    const outputs = (await sandbox.outputs(dir, stack)) as { summary: Record<string, unknown> };
    expect(outputs.summary).toMatchObject({ total: 12, webhooksOff: [102], disconnected: [105], notRecentlySynced: [107] });
  });

  it("shows a change made in Flow as a per-field diff on that integration only", async () => {
    sim.updateIntegration(103, { webhooks_enabled: false });
    const r = await sandbox.expect(["preview", "--json", "--diff", "--stack", stack], 0, { cwd: dir });
    const changed = integrationSteps(r).filter((s) => s.op !== "same");
    expect(changed.map((s) => [s.op, resourceName(s)])).toEqual([["update", "flow-103"]]);
    // The engine's own diff view names the field and both values.
    const text = await sandbox.expect(["preview", "--diff", "--stack", stack], 0, { cwd: dir });
    expect(text.stdout, text.stdout).toMatch(/webhooks_enabled\s*:\s*true\s*=>\s*false/);
    expect(text.stdout).toMatch(/1 to update/);
    // Just the changed paths (the provider's detailed diff, src/pulumi/detailed-diff.ts), not the
    // whole record: the integration's unchanged fields are not printed.
    const block = text.stdout.slice(text.stdout.indexOf("flow:Integration: (update)"), text.stdout.indexOf("--outputs:--"));
    expect(block, text.stdout).toContain("flow-103");
    expect(block, text.stdout).not.toMatch(/auth_type|vendor_meta|connectionStatus|created_by/);
    expect(block.split("\n").length, text.stdout).toBeLessThan(12);
    // With the stack's summary output (its changed webhooksOff list): the whole preview stays short.
    expect(text.stdout.split("\n").length, text.stdout).toBeLessThan(60);
  });

  it("records the users an integration embeds as secrets: in no state or preview output, plain with flow:secretPersonalData false", async () => {
    const emails = ["dana.ops@example.com", "sam.former@example.com", "flow-svc@example.com"];
    for (const email of emails) expect(sandbox.transcript.join("\n")).not.toContain(email);
    const { raw } = await sandbox.exportStack(dir, stack);
    for (const email of emails) expect(raw).not.toContain(email);
    expect((await sandbox.exportStack(dir, stack, true)).raw).toContain("dana.ops@example.com");
    await sandbox.expect(["config", "set", "flow:secretPersonalData", "false", "--stack", stack], 0, { cwd: dir });
    try {
      // Switching the setting re-records every integration (a one-line change each), then state holds them plain.
      const preview = await sandbox.expect(["preview", "--diff", "--stack", stack], 0, { cwd: dir });
      expect(preview.stdout).toMatch(/~ personalData\s*: "secret" => "plain"/);
      await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
      expect((await sandbox.exportStack(dir, stack)).raw).toContain("dana.ops@example.com");
    } finally {
      await sandbox.expect(["config", "rm", "flow:secretPersonalData", "--stack", stack], 0, { cwd: dir });
    }
    await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
    for (const email of emails) expect((await sandbox.exportStack(dir, stack)).raw).not.toContain(email);
  });

  it("brings state up to date with `refresh`", async () => {
    // Refresh re-reads Flow in the provider, which takes the token from the environment only.
    await sandbox.expect(["refresh", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir, env: { FLOW_API_TOKEN: TOKEN } });
    const { deployment } = await sandbox.exportStack(dir, stack);
    const r103 = deployment.deployment.resources.find((r) => r.type === INTEGRATION_TYPE && r.id === "103");
    expect(r103?.outputs?.integration).toMatchObject({ webhooks_enabled: false });
  });

  it("`pulumi import` of a Flow resource imports nothing and leaves the state as it was (no dynamic resource can be imported)", async () => {
    const urns = async () => (await sandbox.exportStack(dir, stack)).deployment.deployment.resources.map((r) => r.urn).sort();
    const before = await urns();
    for (const type of [INTEGRATION_TYPE, CHUNK_TYPE]) {
      const r = await sandbox.run(["import", type, "imported-105", "105", "--yes", "--stack", stack], { cwd: dir, env: { FLOW_API_TOKEN: TOKEN } });
      expect(r.code, r.stdout + r.stderr).not.toBe(0);
      // Pulumi's dynamic-provider host fails before any code of pulumi-flow runs (pulumi/pulumi#3550): this pins the
      // limitation docs/stack.md ("Adopting") describes; when it fails, Pulumi changed and the docs should say so.
      expect(r.stdout + r.stderr).toContain("code must be a string, not undefined");
    }
    expect(await urns()).toEqual(before);
  });

  it("shows a new integration as a create and a deleted one as a delete", async () => {
    const [template] = sim.integrations().filter((i) => i.id === 101);
    sim.addIntegration({ integration: { ...template, id: 150, name: "GitHub New" }, connectionStatus: { status: "connected", connected: true } });
    sim.removeIntegration(108);
    const r = await sandbox.expect(["preview", "--json", "--stack", stack], 0, { cwd: dir });
    const changed = integrationSteps(r)
      .filter((s) => s.op !== "same")
      .map((s) => [s.op, resourceName(s)]);
    // flow-103 matches again since the refresh recorded Flow's current state.
    expect(changed.sort()).toEqual([
      ["create", "flow-150"],
      ["delete", "flow-108"],
    ]);
  });

  it("looks up an integration of that stack by id from another stack (Integration.get): a read, not a managed resource", async () => {
    const getDir = sandbox.copyProject(path.join(fixtures, "flow-get"));
    const getStack = await sandbox.initStack(getDir);
    await sandbox.expect(["config", "set", "integrationId", "105", "--stack", getStack], 0, { cwd: getDir });
    await sandbox.expect(["config", "set", "flow:apiUrl", sim.url, "--stack", getStack], 0, { cwd: getDir });
    // The audit stack recorded 105 with `up` above; get looks it up by that id.
    const { deployment: audit } = await sandbox.exportStack(dir, stack);
    expect(audit.deployment.resources.some((r) => r.type === INTEGRATION_TYPE && r.id === "105")).toBe(true);
    // The lookup is the provider's read, which takes the token from the environment only.
    const env = { FLOW_API_TOKEN: TOKEN };
    sim.resetLog();
    await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", getStack], 0, { cwd: getDir, env });
    expect(await sandbox.outputs(getDir, getStack)).toEqual({ name: "Bitbucket Payments", vendor: "bitbucket", connection: "disconnected" });
    expect(sim.requests.map((q) => q.route).sort()).toEqual(["get", "status"]);
    const { deployment } = await sandbox.exportStack(getDir, getStack);
    const found = deployment.deployment.resources.find((r) => r.type === INTEGRATION_TYPE);
    expect(found).toMatchObject({ id: "105", external: true, outputs: { integrationId: 105, integration: { name: "Bitbucket Payments" } } });
    // Not managed: the pack does not judge it (105 is disconnected), and destroy only forgets it.
    const gated = await sandbox.run(["preview", "--policy-pack", pack, "--stack", getStack], { cwd: getDir, env });
    expect(gated.code, gated.stdout + gated.stderr).toBe(0);
    sim.resetLog();
    await sandbox.expect(["destroy", "--yes", "--skip-preview", "--stack", getStack], 0, { cwd: getDir, env });
    expect(sim.requests).toHaveLength(0);
  });

  it("records one integration by id into another stack with Integration.fromFlow (the program reads it; a secret flow:token works)", async () => {
    const getDir = sandbox.copyProject(path.join(fixtures, "flow-get"));
    const getStack = await sandbox.initStack(getDir);
    for (const [k, v] of [
      ["integrationId", "105"],
      ["mode", "fromFlow"],
      ["flow:apiUrl", sim.url],
    ]) {
      await sandbox.expect(["config", "set", k, v, "--stack", getStack], 0, { cwd: getDir });
    }
    await sandbox.expect(["config", "set", "--secret", "flow:token", TOKEN, "--stack", getStack], 0, { cwd: getDir });
    await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", getStack], 0, { cwd: getDir, env: { FLOW_API_TOKEN: undefined } });
    expect(await sandbox.outputs(getDir, getStack)).toEqual({ name: "Bitbucket Payments", vendor: "bitbucket", connection: "disconnected" });
    const { deployment } = await sandbox.exportStack(getDir, getStack);
    const recorded = deployment.deployment.resources.find((r) => r.type === INTEGRATION_TYPE);
    expect(recorded?.id).toBe("105");
    expect(recorded?.external).toBeUndefined();
  });

  it("destroys without calling Flow, only forgetting state", async () => {
    sim.resetLog();
    await sandbox.expect(["destroy", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
    expect(sim.requests).toHaveLength(0);
    const { deployment } = await sandbox.exportStack(dir, stack);
    expect(deployment.deployment.resources ?? []).toEqual([]);
  });

  it("sent only GET requests to Flow, and the token appears in no state, output or log", async () => {
    expect(sim.requests.every((q) => q.method === "GET")).toBe(true);
    const { raw } = await sandbox.exportStack(dir, stack);
    expect(raw).not.toContain(TOKEN);
    expect(sandbox.transcript.join("\n")).not.toContain(TOKEN);
  });
});

describe("Flow errors fail the preview with a clear message", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let stack: string;

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    dir = sandbox.copyRootProject();
    stack = await sandbox.initStack(dir);
    await sandbox.expect(["config", "set", "flow:apiUrl", sim.url, "--stack", stack], 0, { cwd: dir });
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
  });

  /** A failed preview that reads like an error: one clear message, no stack trace, nothing recorded. */
  async function failingPreview(): Promise<string> {
    const r = await sandbox.run(["preview", "--stack", stack], { cwd: dir });
    const all = r.stdout + r.stderr;
    expect(r.code, all).not.toBe(0);
    expect(all).not.toMatch(/pulumi-nodejs:dynamic\/flow:Integration\s+flow-\d+\s+create/);
    expect(all, "an unhandled exception with a stack trace").not.toMatch(/unhandled exception|\n\s+at [^\n]*\(|src\/\w+\/\w+\.ts/);
    // The engine shows a program's error on its progress row and once under Diagnostics.
    const diagnostics = all.slice(all.indexOf("Diagnostics:"));
    const message = /pulumi-flow could not read Flow[^\n]*/.exec(diagnostics)?.[0];
    expect(message, all).toBeDefined();
    expect(diagnostics.split(message!).length - 1, `printed more than once:\n${all}`).toBe(1);
    return all;
  }

  it("401: a rejected token", async () => {
    await sandbox.expect(["config", "set", "--secret", "flow:token", "not-the-token-55", "--stack", stack], 0, { cwd: dir });
    try {
      const out = await failingPreview();
      expect(out).toContain("Flow API listIntegrations: HTTP 401");
      expect(out).not.toContain("not-the-token-55");
    } finally {
      await sandbox.expect(["config", "set", "--secret", "flow:token", TOKEN, "--stack", stack], 0, { cwd: dir });
    }
  });

  it("persistent 5xx on one integration's status", async () => {
    const remove = sim.addFault({ route: "status", integrationId: 104, action: { type: "status", status: 500 } });
    const out = await failingPreview();
    expect(out).toContain("Flow API getConnectionStatus (integration 104): HTTP 500");
    remove();
  });

  it("a record without a usable id stops the read, naming the operation and the path", async () => {
    const remove = sim.addFault({ route: "list", action: { type: "invalid-record", field: "id", value: "102a" } });
    const out = await failingPreview();
    expect(out).toContain(
      'Flow API listIntegrations: an integration record has no usable id (a positive integer), so it cannot be identified at $.results[1].id — got a string ("102a")',
    );
    remove();
  });

  it("a malformed field is a warning naming integration and field, and the pack fails the gate on it", async () => {
    sim.clearFaults();
    await sandbox.expect(["config", "set", "--secret", "flow:token", TOKEN, "--stack", stack], 0, { cwd: dir });
    const remove = sim.addFault({ route: "list", action: { type: "invalid-record", field: "enabled_source_types", value: "repo" } });
    try {
      const plain = await sandbox.run(["preview", "--stack", stack], { cwd: dir });
      const text = plain.stdout + plain.stderr;
      expect(plain.code, text).toBe(0);
      expect(text).toContain(
        'Flow integration 102: unusable data: enabled_source_types ($.enabled_source_types) is a string ("repo"); expected array or null.',
      );
      const gated = await sandbox.run(["preview", "--policy-pack", path.join(repoRoot, "policies"), "--stack", stack], { cwd: dir });
      const out = gated.stdout + gated.stderr;
      expect(gated.code, out).toBe(1);
      expect(out).toMatch(
        /\[mandatory\] \[severity: high\]\s+flow-integration-data-usable\s+\(pulumi-nodejs:dynamic\/flow:Integration: flow-102\)\n[^\n]*\n\s+Integration 'GitHub Mobile' \(id 102, github\) could not be fully evaluated/,
      );
      expect(out).toContain("Rules that could not decide: flow-integration-source-types-active, flow-integration-required-source-types.");
    } finally {
      remove();
    }
  });

  it("an unknown integration id (404) in Integration.get and Integration.fromFlow; a lookup without FLOW_API_TOKEN", async () => {
    const getDir = sandbox.copyProject(path.join(fixtures, "flow-get"));
    const getStack = await sandbox.initStack(getDir);
    for (const [k, v] of [
      ["integrationId", "999"],
      ["flow:apiUrl", sim.url],
    ]) {
      await sandbox.expect(["config", "set", k, v, "--stack", getStack], 0, { cwd: getDir });
    }
    await sandbox.expect(["config", "set", "--secret", "flow:token", TOKEN, "--stack", getStack], 0, { cwd: getDir });
    const clear = (r: PulumiResult) => {
      const all = r.stdout + r.stderr;
      expect(r.code, all).not.toBe(0);
      expect(all, "a stack trace").not.toMatch(/\n\s+at [^\n]*\(|src\/\w+\/\w+\.ts|unhandled exception/);
      return all;
    };
    const lookup = clear(await sandbox.run(["preview", "--stack", getStack], { cwd: getDir, env: { FLOW_API_TOKEN: TOKEN } }));
    expect(lookup).toContain("Integration.get: Flow API getIntegration (integration 999): HTTP 404: integration 999 does not exist");
    await sandbox.expect(["config", "set", "mode", "fromFlow", "--stack", getStack], 0, { cwd: getDir });
    const recorded = clear(await sandbox.run(["preview", "--stack", getStack], { cwd: getDir }));
    expect(recorded).toContain("integration 999 does not exist");
    await sandbox.expect(["config", "set", "mode", "get", "--stack", getStack], 0, { cwd: getDir });
    await sandbox.expect(["config", "set", "integrationId", "105", "--stack", getStack], 0, { cwd: getDir });
    const noToken = clear(await sandbox.run(["preview", "--stack", getStack], { cwd: getDir, env: { FLOW_API_TOKEN: undefined } }));
    expect(noToken).toContain("or the `pulumi preview`/`up` of a program that uses Integration.get");
    expect(sandbox.transcript.join("\n")).not.toContain(TOKEN);
  });
});
