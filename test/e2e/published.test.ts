import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePreviewEvents } from "../../src/pulumi/events";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { flowAudit } from "../helpers/cli";
import { PulumiSandbox, repoRoot } from "../helpers/pulumi";

const TOKEN = "e2e-published-token-5d0e";

interface JsonFinding {
  ruleId: string;
  status: string;
  enforcement: string;
  message: string;
  integration?: { id: number };
  evidence: Record<string, unknown>;
  dataProblems?: Array<Record<string, unknown>>;
}

/** The status each rule gives an integration: "ruleId status". */
const statuses = (findings: JsonFinding[], id: number) =>
  findings
    .filter((f) => f.integration?.id === id)
    .map((f) => `${f.ruleId} ${f.status}`)
    .sort();

/**
 * Flow's published example response, served verbatim by the simulator's `published` dataset
 * (with variants of it), read through the real client, rules, flow-audit and the policy pack.
 */
describe("conformance: Flow's published example response, end to end", () => {
  let sim: FlowSimulator;
  let dir: string;

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN, dataset: "published" });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-published-"));
  });
  afterAll(async () => {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const audit = (args: string[]) => flowAudit(args, { FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN }, dir);

  it("flow-audit gives the example the findings its values call for", async () => {
    const r = await audit(["--format", "json", "--id", "10649"]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ integrations: 1, failing: 1, dataErrors: 0, warnings: 0 });
    expect(statuses(report.findings, 10649)).toEqual([
      "flow-integration-allowed-auth-type ok", // oauth is allowed
      "flow-integration-connected ok",
      "flow-integration-exclusions-reviewed violation", // exclusion_rule_count 1 > 0
      "flow-integration-owner-active ok", // created_by / updated_by are active user objects
      "flow-integration-processing-healthy ok", // UNPROCESSED is not a failure state
      "flow-integration-recently-synced not-applicable", // has_repos false, never synced
      "flow-integration-required-source-types ok", // repo and pull_request enabled
      "flow-integration-source-types-active ok", // all three "active"
      "flow-integration-webhooks-enabled violation", // off, while vendor_meta.enable_webhooks is true
      "flow-no-duplicate-integrations ok",
    ]);
    const byRule = Object.fromEntries((report.findings as JsonFinding[]).map((f) => [f.ruleId, f]));
    expect(byRule["flow-integration-webhooks-enabled"]).toMatchObject({
      enforcement: "mandatory",
      message: "Integration 'Engineering BB' (id 10649, bitbucket) has webhooks off although BitBucket Cloud supports them.",
      evidence: { webhooks_enabled: false, "vendor_meta.enable_webhooks": true },
    });
    expect(byRule["flow-integration-processing-healthy"].evidence).toMatchObject({ processing_status: "UNPROCESSED" });
    expect(byRule["flow-integration-exclusions-reviewed"].message).toContain("has 1 exclusion rule (maximum 0)");
    expect(byRule["flow-integration-recently-synced"].evidence).toMatchObject({ has_repos: false, source_projects_last_updated: null });
  });

  it("reads every variant the table allows, errs only where a rule needs an unusable field, and exits 3", async () => {
    const r = await audit(["--format", "json"]);
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout);
    const findings = report.findings as JsonFinding[];
    expect(report.summary).toMatchObject({ integrations: 7, dataErrors: 1, warnings: 1, passed: false });
    // Creator as an id string: the owner rule cannot tell whether that user is active.
    expect(statuses(findings, 10650)).toContain("flow-integration-owner-active not-applicable");
    // No source types: nothing to judge.
    expect(statuses(findings, 10651)).toContain("flow-integration-source-types-active not-applicable");
    // An unknown extra field changes nothing.
    expect(statuses(findings, 10652)).toEqual(statuses(findings, 10649));
    // Uppercase ACTIVE / CONNECTED count as active / connected.
    expect(statuses(findings, 10653)).toEqual(expect.arrayContaining(["flow-integration-source-types-active ok", "flow-integration-connected ok"]));
    // webhooks_enabled "yes": the webhooks rule errs, naming field, path and shape; the other rules still run.
    const broken = findings.filter((f) => f.integration?.id === 10654);
    expect(broken.filter((f) => f.status === "error").map((f) => f.ruleId)).toEqual(["flow-integration-webhooks-enabled"]);
    expect(broken.find((f) => f.status === "error")!.dataProblems).toEqual([
      {
        integrationId: 10654,
        document: "integration",
        path: "$.webhooks_enabled",
        field: "webhooks_enabled",
        expected: "boolean or null",
        got: 'a string ("yes")',
      },
    ]);
    expect(broken.filter((f) => f.status === "ok").length).toBeGreaterThan(4);
    // integration_type "remote": no rule reads it, so it is one warning and nothing else.
    expect(report.warnings).toEqual([
      {
        integrationId: 10655,
        document: "integration",
        path: "$.integration_type",
        field: "integration_type",
        expected: "integer or null",
        got: 'a string ("remote")',
      },
    ]);
    expect(statuses(findings, 10655)).toEqual(statuses(findings, 10649));
    expect(r.stderr).toContain(
      'flow-audit: warning: integration 10655: integration_type ($.integration_type) is a string ("remote"); expected integer or null (no enabled rule reads it; ignored)',
    );
    expect(r.stderr).toContain("flow-audit: the evaluation is incomplete: Flow sent unusable data for integration 10654");
  });

  describe("with the real engine: `pulumi preview --policy-pack`", () => {
    const sandbox = PulumiSandbox.create();
    let stackDir: string;
    let stack: string;

    beforeAll(async () => {
      ({ dir: stackDir, stack } = await sandbox.auditStack(sim));
    });
    afterAll(async () => {
      await sandbox.dispose();
    });

    it("reports the same findings, and fails the gate on the unusable field through the data policy", async () => {
      const r = await sandbox.run(["preview", "--json", "--policy-pack", path.join(repoRoot, "policies"), "--stack", stack], {
        cwd: stackDir,
        env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" },
      });
      const events = parsePreviewEvents(r.stdout);
      expect(r.code, r.stderr).toBe(1);
      const of = (resource: string) =>
        events.violations
          .filter((v) => v.resource === resource)
          .map((v) => `${v.policy} ${v.enforcement}`)
          .sort();
      expect(of("flow-10649")).toEqual(["flow-integration-exclusions-reviewed advisory", "flow-integration-webhooks-enabled mandatory"]);
      expect(events.violations.find((v) => v.resource === "flow-10649" && v.policy === "flow-integration-webhooks-enabled")!.message).toContain(
        "Integration 'Engineering BB' (id 10649, bitbucket) has webhooks off although BitBucket Cloud supports them.",
      );
      expect(of("flow-10654")).toEqual([
        "flow-integration-data-usable mandatory",
        "flow-integration-exclusions-reviewed advisory",
        "flow-integration-webhooks-enabled mandatory",
      ]);
      expect(events.violations.find((v) => v.resource === "flow-10654" && v.policy === "flow-integration-data-usable")!.message).toContain(
        'could not be fully evaluated: Flow sent webhooks_enabled ($.webhooks_enabled) is a string ("yes"); expected boolean or null.',
      );
      expect(of("flow-10655")).toEqual(of("flow-10649"));
      const warnings = events.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message);
      expect(warnings.join("\n")).toContain(
        'Flow integration 10655: unusable data: integration_type ($.integration_type) is a string ("remote"); expected integer or null.',
      );
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
    });
  });
});
