import { describe, expect, it } from "vitest";
import { buildReport, type AuditReport } from "../../../src/cli/report";
import { renderSarif } from "../../../src/cli/reporters/sarif";
import { defaultPolicy, evaluateInventory, inventoryProblems, ruleSettings } from "../../../src/rules/evaluate";
import { rules } from "../../../src/rules/index";
import { demoDataset } from "../../../src/simulator/datasets";
import { sarifSchemaProblems } from "../../helpers/sarif";

const NOW = new Date("2026-11-30T12:00:00Z");

/** The demo tenant's report with an active and an expired exception. */
function demoReport(): AuditReport {
  const policy = defaultPolicy();
  policy.exceptions = [
    { rule: "flow-integration-webhooks-enabled", integrations: [102], reason: "org policy", expires: "2099-01-31" },
    { rule: "flow-integration-connected", integrations: [105], reason: "migration", expires: "2020-01-31" },
  ];
  const records = demoDataset(NOW.getTime());
  return buildReport({
    version: "0.0.0",
    source: { kind: "api", location: "https://flow.example/v3/customer/core" },
    policyFile: policy.file,
    failOn: "mandatory",
    personalDataMasked: true,
    integrations: records.length,
    rules,
    enforcement: (r) => ruleSettings(policy, r).enforcement,
    findings: evaluateInventory(records, { policy, now: NOW, problems: inventoryProblems(records) }),
    records,
    now: NOW,
  });
}

const sarif = () =>
  JSON.parse(
    renderSarif(demoReport(), {
      locate: (_f, i) => ({ uri: i % 2 ? "flow-policy.yaml" : "file:///elsewhere/r.json", line: i + 1 }),
      srcRoot: "file:///project-root/",
    }),
  );

describe("the SARIF 2.1.0 schema check the integration tests use (test/helpers/sarif.ts)", () => {
  it("accepts flow-audit's SARIF: rules, results with both kinds of location, suppressions, invocations", () => {
    const log = sarif();
    expect(log.runs[0].results.some((r: { suppressions?: unknown }) => r.suppressions)).toBe(true);
    expect(log.runs[0].originalUriBaseIds).toBeDefined();
    expect(sarifSchemaProblems(log)).toEqual([]);
  });

  it("rejects a log that breaks the schema, saying where", () => {
    const wrongVersion = { ...sarif(), version: "2.0.0" };
    expect(sarifSchemaProblems(wrongVersion)).toContain("/version must be equal to one of the allowed values");

    const noMessage = sarif();
    delete noMessage.runs[0].results[0].message;
    expect(sarifSchemaProblems(noMessage)).toContain("/runs/0/results/0 must have required property 'message'");

    const badLevel = sarif();
    badLevel.runs[0].results[0].level = "fatal";
    expect(sarifSchemaProblems(badLevel)).toContain("/runs/0/results/0/level must be equal to one of the allowed values");

    // The pre-standard drafts called a suppression's status `state`: the standard's schema refuses it.
    const draftSuppression = sarif();
    const suppressed = draftSuppression.runs[0].results.find((r: { suppressions?: unknown }) => r.suppressions);
    suppressed.suppressions[0] = { kind: "external", state: "accepted" };
    expect(sarifSchemaProblems(draftSuppression).some((p) => p.startsWith("/runs/0/results/") && p.endsWith("must NOT have additional properties"))).toBe(true);

    const badTime = sarif();
    badTime.runs[0].invocations[0].endTimeUtc = "yesterday";
    expect(sarifSchemaProblems(badTime)).toContain('/runs/0/invocations/0/endTimeUtc must match format "date-time"');
  });
});
