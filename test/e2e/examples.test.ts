import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { PulumiSandbox, repoRoot } from "../helpers/pulumi";

describe("examples/existing-stack: an existing stack adds the Flow audit, importing pulumi-flow by name", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;

  beforeAll(async () => {
    sim = await startFlowSimulator({ dataset: "demo" });
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
  });

  it("deploys its own resources and the Flow integrations, with the audit outputs", async () => {
    const dir = sandbox.copyProject(path.join(repoRoot, "examples", "existing-stack"));
    const stack = await sandbox.initStack(dir);
    const env = { FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token };
    await sandbox.expect(["up", "--yes", "--skip-preview", "--stack", stack], 0, { cwd: dir, env });
    expect(await sandbox.outputs(dir, stack)).toEqual({
      services: ["checkout", "search"],
      flowIntegrations: 12,
      flowNeedsAttention: { disconnected: [105], webhooksOff: [102] },
    });
    const { deployment } = await sandbox.exportStack(dir, stack);
    const types = deployment.deployment.resources.map((r) => r.type);
    expect(types.filter((t) => t === "pulumi-nodejs:dynamic/platform:ServiceEntry")).toHaveLength(2);
    expect(types.filter((t) => t === "pulumi-nodejs:dynamic/flow:Integration")).toHaveLength(12);
    expect(sandbox.transcript.join("\n")).not.toContain(sim.token);

    // The same stack gated by the policy pack: only the Flow integrations are judged.
    sim.updateIntegration(102, { webhooks_enabled: true });
    const gate = await sandbox.run(["preview", "--policy-pack", path.join(repoRoot, "policies"), "--stack", stack], { cwd: dir, env });
    expect(gate.code).toBe(1);
    const text = gate.stdout + gate.stderr;
    expect(text).toContain("flow-integration-connected");
    expect(text).not.toContain("flow-integration-webhooks-enabled  (");
    expect(text).not.toMatch(/platform:ServiceEntry: (checkout|search)\)/);
  });
});
