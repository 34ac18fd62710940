import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK_TYPE, chunkEntries, INTEGRATION_TYPE } from "../../src/pulumi/type";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { PulumiSandbox, repoRoot, type PulumiResult } from "../helpers/pulumi";

const TOKEN = "e2e-chunks-token-4e8d";

interface PreviewStep {
  op: string;
  urn: string;
}

const chunkSteps = (r: PulumiResult) => ((JSON.parse(r.stdout) as { steps?: PreviewStep[] }).steps ?? []).filter((s) => s.urn.includes(CHUNK_TYPE));
const nameOf = (s: { urn: string }) => s.urn.split("::").pop();

describe("the chunked granularity (flow:chunks): the root audit stack in 3 resources, real engine, simulator", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let stack: string;

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    ({ dir, stack } = await sandbox.auditStack(sim));
    await sandbox.expect(["config", "set", "--path", "flow:chunks", "3", "--stack", stack], 0, { cwd: dir });
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
  });

  it("gates with the pack: every finding names its integration, on the chunk that holds it", async () => {
    const r = await sandbox.run(["preview", "--policy-pack", path.join(repoRoot, "policies"), "--stack", stack], { cwd: dir });
    const text = r.stdout + r.stderr;
    expect(r.code, text).toBe(1);
    // The four mandatory findings of the demo data, as in one-resource-per-integration mode.
    expect(text).toContain("Integration 'GitHub Mobile' (id 102, github) has webhooks off");
    expect(text).toContain("Integration 'GitLab Legacy' (id 104, gitlab) uses auth type 'userpass'");
    expect(text).toContain("Integration 'Jira Server' (id 110, jira) uses auth type 'userpass'");
    expect(text).toContain("Integration 'Bitbucket Payments' (id 105, bitbucket) is not connected");
    expect(text).toMatch(/flow:IntegrationChunk: flow-chunk-0-of-3\)/); // 102 % 3 = 0
    expect(text).not.toContain(TOKEN);
  });

  it("keeps each chunk's reading out of the SDK's per-resource debug line (src/pulumi/debug-text.ts), and that line's text otherwise", async () => {
    const r = await sandbox.run(["preview", "--debug", "--stack", stack], { cwd: dir });
    const text = r.stdout + r.stderr;
    expect(r.code, text).toBe(0);
    const finished = text.split("\n").filter((l) => l.includes("RegisterResource RPC finished"));
    const forChunks = finished.filter((l) => l.includes(CHUNK_TYPE));
    // Each once in the progress and once among the diagnostics.
    expect(new Set(forChunks.map((l) => /flow-chunk-\d-of-3/.exec(l)?.[0])), text.slice(-3000)).toEqual(
      new Set(["flow-chunk-0-of-3", "flow-chunk-1-of-3", "flow-chunk-2-of-3"]),
    );
    for (const line of forChunks) {
      expect(line).toContain("left out of this debug line by pulumi-flow");
      expect(line).not.toContain("webhooks_enabled");
    }
    // The SDK's other lines (the component, the stack) are as the SDK writes them.
    expect(finished.length).toBeGreaterThan(forChunks.length);
    expect(text).not.toContain(TOKEN);
  });

  it("leaves the SDK's debug line whole under PULUMI_FLOW_SDK_PATCH=0, saying why", async () => {
    const count = (text: string, needle: string) => text.split(needle).length - 1;
    const patched = await sandbox.run(["preview", "--debug", "--stack", stack], { cwd: dir });
    const r = await sandbox.run(["preview", "--debug", "--stack", stack], { cwd: dir, env: { PULUMI_FLOW_SDK_PATCH: "0" } });
    const text = r.stdout + r.stderr;
    expect(r.code, text).toBe(0);
    expect(count(text, "RegisterResource RPC finished: resource:flow-chunk-"), text.slice(-3000)).toBeGreaterThan(0);
    expect(text).not.toContain("left out of this debug line by pulumi-flow");
    // The responses' text holds each chunk's reading (it spans lines: the serialized provider has newlines).
    expect(count(text, "webhooks_enabled")).toBeGreaterThan(count(patched.stdout + patched.stderr, "webhooks_enabled"));
    expect(text).toContain("is not shortened: PULUMI_FLOW_SDK_PATCH=0 switches it off");
  });

  it("records the inventory in 3 chunk resources and the same outputs with `up`", async () => {
    await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
    const { deployment } = await sandbox.exportStack(dir, stack, true);
    const resources = deployment.deployment.resources;
    expect(resources.filter((r) => r.type === INTEGRATION_TYPE)).toHaveLength(0);
    const chunks = resources.filter((r) => r.type === CHUNK_TYPE);
    expect(chunks.map((r) => r.id).sort()).toEqual(["chunk-0-of-3", "chunk-1-of-3", "chunk-2-of-3"]);
    const ids = chunks.flatMap((r) => Object.keys((r.outputs?.integrations ?? {}) as object)).map(Number);
    expect(ids.sort()).toEqual([101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112]);
    for (const r of chunks) for (const id of Object.keys(r.outputs?.integrations as object)) expect(Number(id) % 3).toBe(r.outputs?.chunk);
    // Each entry is the integration and its connection status as JSON text; the users and
    // vendor descriptions its entries share are held once, and chunkEntries reads them back whole.
    for (const r of chunks) {
      for (const [id, text] of Object.entries(r.outputs?.integrations as Record<string, string>))
        expect(JSON.parse(text)).toMatchObject({
          integration: { id: Number(id), created_by: null },
          connectionStatus: {},
          shared: { created_by: expect.any(String) },
        });
      for (const entry of chunkEntries(r.outputs!))
        expect(entry.record?.integration.created_by).toMatchObject({ id: expect.any(Number), name: expect.any(String) });
    }
    expect(chunks.flatMap((r) => Object.keys(r.outputs?.users as object)).sort()).toEqual(["1001", "1001", "1001", "1002", "1003", "1003"]);
    expect(JSON.parse((chunks.find((r) => r.id === "chunk-0-of-3")!.outputs!.vendorMeta as Record<string, string>).github)).toMatchObject({ name: "github" });
    // The users the chunks share are one secret per chunk: no name or email in state.
    expect((await sandbox.exportStack(dir, stack)).raw).not.toContain("dana.ops@example.com");
    const outputs = (await sandbox.outputs(dir, stack)) as { summary: Record<string, unknown> };
    expect(outputs.summary).toMatchObject({ total: 12, webhooksOff: [102], disconnected: [105] });
    // The per-integration list is opt-in: flow:listIntegrations true adds it to the outputs.
    expect(Object.keys(outputs)).toEqual(["summary"]);
    await sandbox.expect(["config", "set", "flow:listIntegrations", "true", "--stack", stack], 0, { cwd: dir });
    try {
      await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
      expect(((await sandbox.outputs(dir, stack)) as { integrations: unknown[] }).integrations).toHaveLength(12);
    } finally {
      await sandbox.expect(["config", "rm", "flow:listIntegrations", "--stack", stack], 0, { cwd: dir });
    }
    await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir });
    expect(Object.keys(await sandbox.outputs(dir, stack))).toEqual(["summary"]);
  });

  it("reads state that 0.2.0 recorded (entries as objects) without a change, and judges it the same", async () => {
    const { raw } = await sandbox.exportStack(dir, stack);
    // (0.2.0 recorded users in plain text, inside each entry.)
    const old = (await sandbox.exportStack(dir, stack, true)).deployment as unknown as {
      deployment: { resources: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> };
    };
    // 0.2.0 held each integration whole, as an object, and no shared tables.
    const asObjects = (m?: Record<string, unknown>) => {
      if (!m?.integrations) return;
      m.integrations = Object.fromEntries(chunkEntries(m).map(({ key, record }) => [key, record]));
      delete m.users;
      delete m.vendorMeta;
    };
    for (const r of old.deployment.resources.filter((r) => r.type === CHUNK_TYPE)) {
      asObjects(r.inputs);
      asObjects(r.outputs);
    }
    const file = path.join(dir, "state-0.2.0.json");
    fs.writeFileSync(file, JSON.stringify(old));
    const restore = path.join(dir, "state-now.json");
    fs.writeFileSync(restore, raw);
    try {
      await sandbox.expect(["stack", "import", "--file", file, "--stack", stack], 0, { cwd: dir });
      const again = await sandbox.exportStack(dir, stack);
      expect(typeof Object.values(again.deployment.deployment.resources.find((r) => r.type === CHUNK_TYPE)!.outputs!.integrations as object)[0]).toBe("object");
      await sandbox.expect(["preview", "--expect-no-changes", "--stack", stack], 0, { cwd: dir });
      const r = await sandbox.run(["preview", "--policy-pack", path.join(repoRoot, "policies"), "--stack", stack], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain("Integration 'GitHub Mobile' (id 102, github) has webhooks off");
    } finally {
      await sandbox.expect(["stack", "import", "--file", restore, "--stack", stack], 0, { cwd: dir });
    }
  });

  it("updates only the chunks that changed, and the diff names the integration and field", async () => {
    sim.updateIntegration(103, { webhooks_enabled: false }); // chunk 1
    const [template] = sim.integrations().filter((i) => i.id === 101);
    sim.addIntegration({ integration: { ...template, id: 150, name: "GitHub New" }, connectionStatus: { status: "connected", connected: true } }); // chunk 0
    const r = await sandbox.expect(["preview", "--json", "--diff", "--stack", stack], 0, { cwd: dir, env: { PULUMI_SKIP_CHECKPOINTS: undefined } });
    const changed = chunkSteps(r).filter((s) => s.op !== "same");
    expect(changed.map((s) => [s.op, nameOf(s)]).sort()).toEqual([
      ["update", "flow-chunk-0-of-3"],
      ["update", "flow-chunk-1-of-3"],
    ]);
    const text = await sandbox.expect(["preview", "--diff", "--stack", stack], 0, { cwd: dir });
    // The provider's detailed diff names the changed entries only (src/pulumi/detailed-diff.ts);
    // an entry is JSON text, which the display decodes, so the changed field is marked inside
    // its integration's entry, and the added entry is shown as an add of its fields. The other
    // integrations of both chunks are not printed.
    for (const unchanged of [102, 105, 106, 109, 112]) expect(text.stdout, text.stdout).not.toMatch(new RegExp(`\\b${unchanged}\\s*: \\(json\\)`));
    expect(text.stdout.split("\n").length, text.stdout).toBeLessThan(200);
    expect(text.stdout).toMatch(/~ 103: \(json\) \{[^]*?~ integration\s*: \{[^]*?~ webhooks_enabled\s*: true => false/);
    expect(text.stdout).toMatch(/\+ 150\s*: \(json\) \{[^]*?name\s*: "GitHub New"/);
    expect(text.stdout).toMatch(/webhooks_enabled\s*:\s*true\s*=>\s*false/);
    expect(text.stdout).toMatch(/2 to update/);
    // The same plan without the engine's per-step snapshot serialization (docs/stack.md).
    const skipped = await sandbox.expect(["preview", "--json", "--diff", "--stack", stack], 0, { cwd: dir, env: { PULUMI_SKIP_CHECKPOINTS: "true" } });
    // (Steps of resources that do not depend on each other come in any order.)
    const plan = (res: PulumiResult) =>
      chunkSteps(res)
        .map((s) => `${s.op} ${nameOf(s)}`)
        .sort();
    expect(plan(skipped)).toEqual(plan(r));
  });

  it("shows a change of a user that integrations share once, as the change of that user", async () => {
    const embedding = sim.integrations().filter((i) => [i.created_by, i.updated_by].some((u) => (u as { id?: number } | null)?.id === 1001));
    expect(sim.updateUser(1001, { name: "Dana Operations" })).toBe(embedding.length);
    expect(embedding.length).toBeGreaterThan(3);
    try {
      const text = await sandbox.expect(["preview", "--diff", "--stack", stack], 0, { cwd: dir });
      // The shared users are a secret (personal data): the diff says they changed, never the names.
      expect(text.stdout).toMatch(/~ users\s*: /);
      expect(text.stdout).not.toMatch(/Dana Op/);
      // Shown under the user, not under each integration the user created (103 and 150 changed in the test before).
      for (const { id } of embedding.filter((i) => ![103, 150].includes(i.id))) expect(text.stdout).not.toMatch(new RegExp(`[~+-] ${id}: `));
      expect(text.stdout).toMatch(/3 to update/);
    } finally {
      sim.updateUser(1001, { name: "Dana Ops" });
    }
  });

  it("refreshes: re-reads each chunk's integrations, dropping one deleted in Flow", async () => {
    sim.removeIntegration(108); // chunk 0
    await sandbox.expect(["refresh", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir, env: { FLOW_API_TOKEN: TOKEN } });
    expect((await sandbox.exportStack(dir, stack)).raw).not.toContain("Dana Ops");
    const { deployment } = await sandbox.exportStack(dir, stack, true);
    const chunk = (k: number) =>
      deployment.deployment.resources.find((r) => r.type === CHUNK_TYPE && r.id === `chunk-${k}-of-3`)!.outputs!.integrations as Record<string, string>;
    expect(Object.keys(chunk(0)).sort()).toEqual(["102", "105", "111"]);
    expect(JSON.parse(chunk(1)["103"])).toMatchObject({ integration: { id: 103, webhooks_enabled: false }, connectionStatus: { status: "connected" } });
    // Refresh records the shared users and vendor descriptions as the program does.
    const outputs = deployment.deployment.resources.find((r) => r.type === CHUNK_TYPE && r.id === "chunk-1-of-3")!.outputs!;
    expect(Object.keys(outputs.users as object).sort()).toEqual(["1001", "1003"]);
    expect(chunkEntries(outputs).find((e) => e.key === "103")?.record?.integration).toMatchObject({
      created_by: { id: 1001, name: "Dana Ops" },
      vendor_meta: { name: "gitlab" },
    });
  });

  it("refuses a chunk count that is not a whole number from 1 to 1000, before reading Flow", async () => {
    await sandbox.expect(["config", "set", "--path", "flow:chunks", "0", "--stack", stack], 0, { cwd: dir });
    sim.resetLog();
    const r = await sandbox.run(["preview", "--stack", stack], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("readFlowIntegrations('flow'): chunks must be a whole number from 1 to 1000");
    expect(sim.requests).toHaveLength(0);
  });
});
