import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { rules } from "../../../src/rules/index";
import { demoDataset } from "../../../src/simulator/datasets";
import { startFlowSimulator } from "../../../src/simulator/server";
import { auditAgainstSimulator } from "../../helpers/cli";
import { repoRoot } from "../../helpers/paths";
import { sarifSchemaProblems } from "../../helpers/sarif";

const TOKEN = "cli-e2e-token-93ab71f0";
const FAILING = [
  "flow-integration-allowed-auth-type 104",
  "flow-integration-allowed-auth-type 110",
  "flow-integration-connected 105",
  "flow-integration-webhooks-enabled 102",
];

/** The rules that run without a policy file (the others are disabled until configured). */
const ENABLED = rules.filter((r) => r.enforcement !== "disabled");

interface JsonFinding {
  ruleId: string;
  status: string;
  enforcement: string;
  integration?: { id: number };
  exception?: { state: string };
}

describe("flow-audit (the real bin against the simulator)", () => {
  // The token never appears in anything flow-audit printed or wrote (it writes more than 5 files).
  const audit = auditAgainstSimulator(TOKEN, { prefix: "flow-audit-e2e-", neverShown: [TOKEN], minWritten: 6 });
  const { run, file } = audit;
  const failingOf = (findings: JsonFinding[]) =>
    findings
      .filter((f) => (f.status === "violation" || f.status === "error") && f.enforcement === "mandatory" && f.exception?.state !== "active")
      .map((f) => `${f.ruleId} ${f.integration?.id}`)
      .sort();

  it("prints a plain table (no colour when not a terminal) and exits 1 on mandatory violations", async () => {
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("  FAIL  Integration 'GitHub Mobile' (id 102, github) has webhooks off although GitHub supports them.");
    expect(r.stdout).toMatch(/WARN {2}Integration 'Azure DevOps Corp' \(id 107, azure_devops\) last synced/);
    expect(r.stdout).toContain(`FAIL: 12 integrations, ${ENABLED.length} rules, 4 failing at mandatory`);
    expect(r.stdout).not.toContain("\x1b[");
    expect(r.stderr).toBe("");
  });

  it("writes every format at once; JSON matches its schema, SARIF matches the SARIF 2.1.0 schema, JUnit parses back", async () => {
    const r = await run([
      "--format",
      "json",
      "--output",
      `sarif=${file("r.sarif")}`,
      "--output",
      `junit=${file("r.xml")}`,
      "--output",
      `markdown=${file("r.md")}`,
      "--output",
      `table=${file("r.txt")}`,
    ]);
    expect(r.code).toBe(1);

    const report = JSON.parse(r.stdout);
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, "src", "cli", "report.schema.json"), "utf8"));
    expect(ajv.validate(schema, report), ajv.errorsText()).toBe(true);
    expect(report.summary).toMatchObject({ integrations: 12, failing: 4, suppressed: 0, passed: false, findings: { violation: 10, error: 0 } });
    expect(failingOf(report.findings)).toEqual(FAILING);

    const sarif = JSON.parse(fs.readFileSync(file("r.sarif"), "utf8"));
    expect(sarifSchemaProblems(sarif)).toEqual([]);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(ENABLED.map((x) => x.id));
    expect(sarif.runs[0].tool.driver.rules[0].help.text).toContain("How to fix: In Flow");
    expect(sarif.runs[0].results.filter((x: { level: string }) => x.level === "error")).toHaveLength(4);
    expect(sarif.runs[0].results.filter((x: { level: string }) => x.level === "warning")).toHaveLength(6);

    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(fs.readFileSync(file("r.xml"), "utf8"));
    const suites = [junit.testsuites.testsuite].flat();
    const cases = suites.flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as Array<{
      classname: string;
      name: string;
      failure?: { type: string };
      skipped?: unknown;
    }>;
    expect(suites).toHaveLength(ENABLED.length);
    // One test case per finding: each enabled rule's verdict on each of the 12 integrations.
    expect(cases).toHaveLength(report.findings.length);
    // Every open violation is a failure (advisory ones too, whatever --fail-on says); its type is the enforcement.
    expect(cases.filter((c) => c.failure !== undefined)).toHaveLength(10);
    expect(
      cases
        .filter((c) => c.failure?.type === "mandatory")
        .map((c) => `${c.classname} ${c.name}`)
        .sort(),
    ).toEqual([
      "flow-integration-allowed-auth-type GitLab Legacy (id 104, gitlab)",
      "flow-integration-allowed-auth-type Jira Server (id 110, jira)",
      "flow-integration-connected Bitbucket Payments (id 105, bitbucket)",
      "flow-integration-webhooks-enabled GitHub Mobile (id 102, github)",
    ]);
    expect(Number(junit.testsuites.failures)).toBe(10);

    const md = fs.readFileSync(file("r.md"), "utf8");
    expect(md).toMatch(/^## ❌ Flow integration audit: failed/);
    expect(md).toContain("| ❌ | [`flow-integration-connected`]");
    expect(fs.readFileSync(file("r.txt"), "utf8")).toContain("FAIL: 12 integrations");
  });

  it("reaches every exit code with a realistic case", async () => {
    const never = await run(["--fail-on", "never", "--quiet", "--format", "json"]);
    expect(never.code).toBe(0);
    // Exit 0, but the report does not call failing integrations passed.
    expect(JSON.parse(never.stdout).summary).toMatchObject({ failing: 4, enforced: false, passed: false, verdict: "failed-not-enforced" });
    const advisory = await run(["--fail-on", "advisory", "--format", "json"]);
    expect(advisory.code).toBe(1);
    expect(JSON.parse(advisory.stdout).summary.failing).toBe(10);
    expect((await run(["--vendor", "azure_devops,jira", "--format", "json"])).code).toBe(1);
    const clean = await run(["--id", "101", "--id", "103", "--format", "json"]);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout).summary).toMatchObject({ integrations: 2, passed: true });

    const usage = await run(["--format", "xml"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown format "xml"');
    const noToken = await run([], { FLOW_API_TOKEN: undefined });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("set FLOW_API_TOKEN");
    fs.writeFileSync(file("bad-policy.yaml"), "version: 1\nrules:\n  flow-integration-webhook-enabled: {}\n");
    const badPolicy = await run(["--policy-file", file("bad-policy.yaml")]);
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toContain(`${file("bad-policy.yaml")}:3:3: unknown rule id 'flow-integration-webhook-enabled'`);

    const unwritable = await run(["--output", `sarif=${file("missing-dir/r.sarif")}`]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain(`--output sarif=${file("missing-dir/r.sarif")}: cannot write`);
    expect(unwritable.stderr).toContain("ENOENT");

    audit.sim.addFault({ route: "status", integrationId: 107, action: { type: "status", status: 500, detail: "database unavailable" } });
    const partial = await run(["--format", "json"]);
    expect(partial.code).toBe(3);
    expect(partial.stdout).toBe("");
    expect(partial.stderr).toContain("could not be read completely");
    expect(partial.stderr).toContain("(integration 107)");
    const rejected = await run([], { FLOW_API_TOKEN: "wrong-token-0000" });
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toMatch(/401/);
    expect(rejected.stderr).not.toContain("wrong-token-0000");
  });

  it("saves a snapshot without token or personal data, and evaluates it offline to the same findings", async () => {
    const live = await run(["--format", "json", "--snapshot-out", file("snap.json")]);
    const snapshot = fs.readFileSync(file("snap.json"), "utf8");
    expect(JSON.parse(snapshot)).toMatchObject({ kind: "pulumi-flow/inventory-snapshot", version: 2, personalDataMasked: true });
    expect(JSON.parse(snapshot).records).toHaveLength(12);
    expect(snapshot).not.toContain("sam.former@example.com");
    await audit.sim.close();
    const offline = await run(["--format", "json", "--from-snapshot", file("snap.json")], { FLOW_API_TOKEN: undefined, FLOW_API_URL: undefined });
    expect(offline.code).toBe(1);
    const a = JSON.parse(live.stdout);
    const b = JSON.parse(offline.stdout);
    expect(b.source).toEqual({ kind: "snapshot", location: file("snap.json") });
    expect(b.findings).toEqual(a.findings);
    audit.sim = await startFlowSimulator({ token: TOKEN });

    fs.writeFileSync(
      file("not-a-snapshot.json"),
      JSON.stringify({ kind: "pulumi-flow/inventory-snapshot", version: 1, records: [{ integration: { id: "x" } }] }),
    );
    const bad = await run(["--from-snapshot", file("not-a-snapshot.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("$.records[0].integration");
  });

  it("reports what changed since an earlier snapshot after a mutation in Flow", async () => {
    await run(["--snapshot-out", file("before.json"), "--quiet"]);
    audit.sim.updateIntegration(103, { webhooks_enabled: false });
    audit.sim.setConnectionStatus(105, { status: "connected", connected: true });
    audit.sim.removeIntegration(112);
    const fresh = demoDataset()[0];
    audit.sim.addIntegration({ ...fresh, integration: { ...fresh.integration, id: 120, name: "GitHub Data" } });
    const r = await run(["--format", "json", "--diff-against", file("before.json"), "--output", `markdown=${file("diff.md")}`]);
    const diff = JSON.parse(r.stdout).diff;
    expect(diff.added).toEqual([{ id: 120, name: "GitHub Data", vendor: "github" }]);
    expect(diff.removed).toEqual([{ id: 112, name: "GitLab Infra", vendor: "gitlab" }]);
    expect(diff.changed.map((c: { id: number }) => c.id)).toEqual([103, 105]);
    expect(diff.changed[0].fields).toContain("integration.webhooks_enabled");
    expect(diff.changed[1].fields).toEqual(["connectionStatus.connected", "connectionStatus.message", "connectionStatus.status"]);
    expect(diff.findingsAppeared.map((f: { ruleId: string; integrationId: number }) => `${f.ruleId} ${f.integrationId}`)).toEqual([
      "flow-integration-webhooks-enabled 103",
    ]);
    expect(diff.findingsResolved.map((f: { ruleId: string; integrationId: number }) => `${f.ruleId} ${f.integrationId}`)).toEqual([
      "flow-integration-connected 105",
    ]);
    expect(fs.readFileSync(file("diff.md"), "utf8")).toContain("- ✅ Resolved: `flow-integration-connected`");
  });

  it("masks user names and emails unless --show-personal-data is given", async () => {
    const masked = await run(["--format", "json", "--fail-on", "never"]);
    expect(masked.stdout).not.toMatch(/Sam Former|sam\.former@|Dana Ops/);
    expect(masked.stdout).toContain("created_by user id 1002");
    const shown = await run(["--format", "json", "--fail-on", "never", "--show-personal-data"]);
    expect(shown.stdout).toContain("created_by user 'Sam Former' (id 1002)");
    expect(JSON.parse(shown.stdout).personalDataMasked).toBe(false);
  });

  it("applies the policy file's exceptions and shows them as suppressions", async () => {
    fs.writeFileSync(
      file("flow-policy.yaml"),
      "exceptions:\n  - rule: flow-integration-webhooks-enabled\n    integrations: [102]\n    reason: org policy blocks webhooks\n    expires: 2099-01-31\n",
    );
    try {
      const r = await run(["--format", "json", "--output", `sarif=${file("x.sarif")}`]);
      expect(JSON.parse(r.stdout).summary).toMatchObject({ failing: 3, suppressed: 1 });
      const result = JSON.parse(fs.readFileSync(file("x.sarif"), "utf8")).runs[0].results.find(
        (x: { ruleId: string }) => x.ruleId === "flow-integration-webhooks-enabled",
      );
      expect(result.suppressions).toEqual([{ kind: "external", status: "accepted", justification: "org policy blocks webhooks (expires 2099-01-31)" }]);
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe("flow-policy.yaml");
    } finally {
      fs.rmSync(file("flow-policy.yaml"));
    }
  });

  it("refuses filter values that match nothing (exit 2, naming them) and warns when existing ones exclude each other", async () => {
    const typo = await run(["--vendor", "gihub"]);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toContain("--vendor 'gihub': no integration of this vendor in Flow (vendors in Flow: azure_devops, bitbucket, github, gitlab, jira)");
    const ids = await run(["--id", "101,999", "--format", "json"]);
    expect(ids.code).toBe(2);
    expect(ids.stderr).toContain("--id 999: no integration with this id in Flow");

    // Each value exists, but not together: a pass on 0 integrations, said even under --quiet (CI recipes use it).
    const apart = await run(["--vendor", "github", "--id", "104", "--quiet"]);
    expect(apart.code).toBe(0);
    expect(apart.stdout).toContain("No integrations were evaluated.");
    expect(apart.stdout).toContain(`PASS: 0 integrations, ${ENABLED.length} rules`);
    expect(apart.stderr).toBe(
      "flow-audit: warning: no integration matches --vendor github --id 104 (each value exists in Flow, but not together), so 0 integrations were evaluated\n",
    );

    await run(["--snapshot-out", file("filters.json"), "--quiet", "--fail-on", "never"]);
    const offline = await run(["--from-snapshot", file("filters.json"), "--vendor", "jira,gihub"], { FLOW_API_TOKEN: undefined, FLOW_API_URL: undefined });
    expect(offline.code).toBe(2);
    expect(offline.stderr).toContain(
      "--vendor 'gihub': no integration of this vendor in the snapshot (vendors in the snapshot: azure_devops, bitbucket, github, gitlab, jira)",
    );
  });

  it("counts one of a thing in the singular (one integration with one violation)", async () => {
    const table = await run(["--id", "104"]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("9 ok · 1 violation · 0 errors ·");
    expect(table.stdout).toContain(`\nFAIL: 1 integration, ${ENABLED.length} rules, 1 failing at mandatory, 0 other open findings`);
    const markdown = await run(["--id", "104", "--format", "markdown"]);
    expect(markdown.stdout).toContain(`FAIL: 1 integration, ${ENABLED.length} rules, 1 failing at mandatory`);
    for (const out of [table.stdout, markdown.stdout]) expect(out).not.toMatch(/\b1 (integrations|violations|errors|rules|findings|days|hours)\b/);
  });

  it("passes an empty tenant, saying that it evaluated 0 integrations", async () => {
    const empty = await startFlowSimulator({ token: TOKEN, dataset: "empty" });
    try {
      const r = await run([], { FLOW_API_URL: empty.url });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("No integrations were evaluated.");
      expect(r.stdout).toContain(`\nPASS: 0 integrations, ${ENABLED.length} rules`);
      expect(r.stderr).toBe("flow-audit: warning: 0 integrations in Flow, so nothing was evaluated\n");
    } finally {
      await empty.close();
    }
  });

  it("lists the rules with their levels after the policy file, as a table or JSON, without a token", async () => {
    const table = await run(["--list-rules"], { FLOW_API_TOKEN: undefined, COLUMNS: "80" });
    expect(table.code).toBe(0);
    const [head, blank, columns] = table.stdout.split("\n");
    expect([head, blank]).toEqual([`${rules.length} rules (levels from the defaults: no policy file)`, ""]);
    expect(columns).toMatch(/^RULE +LEVEL +SEVERITY$/);
    expect(table.stdout).toMatch(/^flow-integration-connected +mandatory +critical\n {4}Checks that each integration's connection status is healthy\.$/m);
    for (const line of table.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    fs.writeFileSync(file("levels.yaml"), "rules:\n  flow-integration-connected: {enforcement: advisory}\n");
    const json = await run(["--list-rules", "--format", "json", "--policy-file", file("levels.yaml")], { FLOW_API_TOKEN: undefined });
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout);
    expect(listed.policyFile).toBe(file("levels.yaml"));
    expect(listed.rules.map((r: { id: string }) => r.id)).toEqual(rules.map((r) => r.id));
    expect(listed.rules.find((r: { id: string }) => r.id === "flow-integration-connected")).toEqual({
      id: "flow-integration-connected",
      title: expect.any(String),
      scope: "integration",
      enforcement: "advisory",
      severity: "critical",
      description: "Checks that each integration's connection status is healthy.",
      helpUri: "https://github.com/pulumi-flow/pulumi-flow/blob/main/docs/rules.md#flow-integration-connected",
    });
    const sarif = await run(["--list-rules", "--format", "sarif"]);
    expect(sarif.code).toBe(2);
    expect(sarif.stderr).toContain('--list-rules writes table or json, not "sarif"');
  });

  it("writes --output FORMAT=- to stdout, never to a file named -, and refuses two reports on stdout", async () => {
    const r = await run(["--output", "json=-", "--output", `markdown=${file("dash.md")}`]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ integrations: 12, failing: 4 });
    expect(fs.existsSync(file("-"))).toBe(false);
    expect(fs.readFileSync(file("dash.md"), "utf8")).toMatch(/^## ❌ Flow integration audit: failed/);
    const two = await run(["--format", "sarif", "--output", "junit=-"]);
    expect(two.code).toBe(2);
    expect(two.stdout).toBe("");
    expect(two.stderr).toContain("--format sarif and --output junit=- would all write to stdout");
    expect(fs.existsSync(file("-"))).toBe(false);
  });

  it("documents every option in --help", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--api-url",
      "--policy-file",
      "--vendor",
      "--id",
      "--fail-on",
      "--format",
      "--output",
      "--snapshot-out",
      "--from-snapshot",
      "--diff-against",
      "--show-personal-data",
      "--quiet",
      "--list-rules",
      "FLOW_API_TOKEN",
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});
