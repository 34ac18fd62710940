import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePreviewEvents, type PreviewEvents } from "../../src/pulumi/events";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { flowAudit } from "../helpers/cli";
import { PulumiSandbox, repoRoot } from "../helpers/pulumi";

const TOKEN = "e2e-policy-token-41d2";
const PACK = path.join(repoRoot, "policies");

const MANDATORY = [
  "flow-integration-allowed-auth-type flow-104",
  "flow-integration-allowed-auth-type flow-110",
  "flow-integration-connected flow-105",
  "flow-integration-webhooks-enabled flow-102",
];
const ADVISORY = [
  "flow-integration-exclusions-reviewed flow-111",
  "flow-integration-owner-active flow-108",
  "flow-integration-processing-healthy flow-110",
  "flow-integration-recently-synced flow-107",
  "flow-integration-required-source-types flow-111",
  "flow-integration-source-types-active flow-106",
];

const keys = (e: PreviewEvents, level: string) =>
  e.violations
    .filter((v) => v.enforcement === level)
    .map((v) => `${v.policy} ${v.resource}`)
    .sort();

describe("the policy pack gates `pulumi preview` (real engine, simulator demo dataset)", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let stack: string;

  /** Runs preview with the pack, streaming engine events as JSON lines. */
  async function preview(extraArgs: string[] = [], env: Record<string, string | undefined> = {}) {
    const r = await sandbox.run(["preview", "--json", "--policy-pack", PACK, ...extraArgs, "--stack", stack], {
      cwd: dir,
      env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1", ...env },
    });
    return { ...r, events: parsePreviewEvents(r.stdout) };
  }
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    ({ dir, stack } = await sandbox.auditStack(sim));
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
  });

  it("exits 1 and lists exactly the expected mandatory and advisory violations", async () => {
    const r = await preview();
    expect(r.code, r.stderr).toBe(1);
    expect(r.events.result).toBe("failed");
    expect(keys(r.events, "mandatory")).toEqual(MANDATORY);
    expect(keys(r.events, "advisory")).toEqual(ADVISORY);
    const webhooks = r.events.violations.find((v) => v.policy === "flow-integration-webhooks-enabled")!;
    expect(webhooks).toMatchObject({ pack: "pulumi-flow", severity: "high" });
    expect(webhooks.message).toMatch(
      /^Integration 'GitHub Mobile' \(id 102, github\) has webhooks off although GitHub supports them\. Fix: In Flow, .*turn on webhooks.* See https:\/\/\S+docs\/rules\.md#flow-integration-webhooks-enabled$/,
    );
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("gates identically with PULUMI_SKIP_CHECKPOINTS=true (the setting docs/stack.md recommends for previews of large tenants)", async () => {
    // A preview persists nothing, so skipping the engine's per-step snapshot serialization must
    // change nothing the gate decides: the same exit code, result, violations and messages.
    const [plain, skipped] = [await preview([], { PULUMI_SKIP_CHECKPOINTS: undefined }), await preview([], { PULUMI_SKIP_CHECKPOINTS: "true" })];
    expect(skipped.code, skipped.stderr).toBe(plain.code);
    expect(skipped.events.result).toBe(plain.events.result);
    const all = (e: PreviewEvents) => e.violations.map((v) => `${v.enforcement} ${v.policy} ${v.resource} ${v.message}`).sort();
    expect(all(skipped.events)).toEqual(all(plain.events));
    expect(keys(skipped.events, "mandatory")).toEqual(MANDATORY);
  });

  it("exits 0 with a config that downgrades the mandatory rules to advisory, and still reports them", async () => {
    const advisory = { enforcementLevel: "advisory" };
    const config = write(
      "advisory.json",
      JSON.stringify({
        "flow-integration-webhooks-enabled": advisory,
        "flow-integration-allowed-auth-type": advisory,
        "flow-integration-connected": advisory,
      }),
    );
    const r = await preview(["--policy-pack-config", config]);
    expect(r.code, r.stderr).toBe(0);
    expect(keys(r.events, "mandatory")).toEqual([]);
    expect(keys(r.events, "advisory")).toEqual([...MANDATORY, ...ADVISORY].sort());
  });

  it("applies parameters and levels from the policy file (found in the directory pulumi runs in)", async () => {
    write(
      "flow-policy.yaml",
      "version: 1\nrules:\n  flow-integration-recently-synced:\n    enforcement: mandatory\n    maxAgeDays: 30\n  flow-integration-allowed-vendor:\n    enforcement: mandatory\n    allowedVendors: [github, gitlab, jira, bitbucket]\n",
    );
    try {
      const r = await preview();
      expect(r.code).toBe(1);
      expect(keys(r.events, "mandatory")).toEqual(
        [...MANDATORY, "flow-integration-allowed-vendor flow-107", "flow-integration-allowed-vendor flow-108"].sort(),
      );
      expect(keys(r.events, "advisory")).not.toContain("flow-integration-recently-synced flow-107");
    } finally {
      fs.rmSync(path.join(dir, "flow-policy.yaml"));
    }
  });

  it("lets an active exception remove one violation and shows it as a notice", async () => {
    const file = write(
      "exceptions.yaml",
      "version: 1\nexceptions:\n  - rule: flow-integration-webhooks-enabled\n    integrations: [102]\n    reason: Webhooks blocked by the mobile org's GitHub policy\n    owner: mobile-platform\n    ticket: OPS-1234\n    expires: 2099-12-31\n",
    );
    const r = await preview([], { FLOW_POLICY_FILE: file });
    expect(r.code).toBe(1);
    expect(keys(r.events, "mandatory")).toEqual(MANDATORY.filter((k) => !k.endsWith("flow-102")));
    const notices = r.events.violations.filter((v) => v.policy === "flow-exceptions-applied");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ enforcement: "advisory", resource: "flow-102" });
    expect(notices[0].message).toContain(
      "suppressed by an exception until 2099-12-31 (owner mobile-platform, ticket OPS-1234): Webhooks blocked by the mobile org's GitHub policy.",
    );
  });

  it("honours the baseline flow-audit wrote (policy file `baseline:`): passes, then fails on exactly a new finding", async () => {
    const audit = await flowAudit(
      ["--write-baseline", "flow-baseline.json", "--baseline-expires", "2099-12-31", "--quiet"],
      { FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN },
      dir,
    );
    expect(audit.stderr).toContain("wrote flow-baseline.json: 10 baselined findings");
    const file = write("baselined.yaml", "version: 1\nbaseline: flow-baseline.json\n");
    const passed = await preview([], { FLOW_POLICY_FILE: file });
    expect(passed.code, passed.stderr).toBe(0);
    expect(keys(passed.events, "mandatory")).toEqual([]);
    // What the baseline tolerates is said once per rule, not once per finding; nothing else is reported.
    const notices = passed.events.violations.filter((v) => v.policy === "flow-baseline-applied");
    expect(passed.events.violations.filter((v) => v.policy !== "flow-baseline-applied")).toEqual([]);
    expect(notices.map((n) => /^\[([a-z-]+)\]/.exec(n.message)?.[1]).sort()).toEqual(
      [...new Set([...MANDATORY, ...ADVISORY].map((k) => k.split(" ")[0]))].sort(),
    );
    const authNotice = notices.find((n) => n.message.startsWith("[flow-integration-allowed-auth-type]"))!.message;
    expect(authNotice, authNotice).toContain("2 known findings tolerated by the baseline flow-baseline.json until 2099-12-31 (integrations 104, 110)");
    sim.setConnectionStatus(101, { status: "disconnected", connected: false, message: "token revoked" });
    try {
      const failed = await preview([], { FLOW_POLICY_FILE: file });
      expect(failed.code).toBe(1);
      expect(keys(failed.events, "mandatory")).toEqual(["flow-integration-connected flow-101"]);
    } finally {
      sim.setConnectionStatus(101, { status: "connected", connected: true });
    }
  });

  it("ignores an expired exception and says that it expired", async () => {
    const file = write(
      "expired.yaml",
      "exceptions:\n  - rule: flow-integration-webhooks-enabled\n    vendor: github\n    name: GitHub Mob*\n    reason: temporary\n    expires: 2020-01-31\n",
    );
    const r = await preview([], { FLOW_POLICY_FILE: file });
    expect(keys(r.events, "mandatory")).toEqual(MANDATORY);
    expect(r.events.violations.find((v) => v.resource === "flow-102")!.message).toContain(
      "An exception for this (reason: temporary) expired on 2020-01-31; it no longer applies.",
    );
    expect(r.events.violations.some((v) => v.policy === "flow-exceptions-applied")).toBe(false);
  });

  it("fails closed on a broken policy file, naming its line and column", async () => {
    const file = write(
      "broken.yaml",
      "version: 1\nexceptions:\n  - rule: flow-integration-webhooks-enabled\n    integrations: [102]\n    expires: 2099-01-01\n",
    );
    const r = await preview([], { FLOW_POLICY_FILE: file });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`invalid policy file: ${file}:3:5: exceptions[0] is missing 'reason' (every exception needs a reason)`);
  });

  it("rejects pack config of the wrong type through the rules' config schemas", async () => {
    const config = write("bad-config.json", JSON.stringify({ "flow-integration-recently-synced": { maxAgeDays: "soon" } }));
    const r = await preview(["--policy-pack-config", config]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/flow-integration-recently-synced: maxAgeDays: Invalid type\. Expected: number, given: string/);
  });
});
