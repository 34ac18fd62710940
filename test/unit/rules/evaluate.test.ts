import { describe, expect, it } from "vitest";
import { evaluateInventory, fieldTouches, isDataError, isFailing, unreadDataProblems } from "../../../src/rules/evaluate";
import { rules } from "../../../src/rules/index";
import type { IntegrationRule } from "../../../src/rules/types";
import { another, ctx, healthy, published, run } from "./fixtures";

describe("fieldTouches (which data problems concern a rule)", () => {
  it("matches the field, anything inside it, and a broken container of it", () => {
    expect(fieldTouches("vendor_meta.enable_webhooks", "vendor_meta.enable_webhooks")).toBe(true);
    expect(fieldTouches("enabled_source_types", "enabled_source_types.status")).toBe(true);
    expect(fieldTouches("vendor_meta.enable_webhooks", "vendor_meta")).toBe(true);
    expect(fieldTouches("vendor_meta.enable_webhooks", "vendor_meta.services.name")).toBe(false);
    expect(fieldTouches("created_by", "created_by_team")).toBe(false);
  });
});

describe("evaluating an inventory with one malformed record (fail closed without failing everything)", () => {
  const records = [healthy(), another(502, { webhooks_enabled: "yes" as never }), another(503, { integration_type: "remote" as never })];
  const findings = evaluateInventory(records, { now: ctx.now });

  it("gives only the rules that read the field an error for that integration, naming the field", () => {
    const errors = findings.filter((f) => f.status === "error" && f.integration?.id === 502);
    expect(errors.map((f) => f.ruleId)).toEqual(["flow-integration-webhooks-enabled"]);
    expect(errors[0].dataProblems).toEqual([
      {
        integrationId: 502,
        document: "integration",
        path: "$.webhooks_enabled",
        field: "webhooks_enabled",
        expected: "boolean or null",
        got: 'a string ("yes")',
      },
    ]);
    expect(errors[0].remediation).toContain("This is Flow's data, not a setting");
  });
  it("still evaluates everything else, including the malformed record's other rules", () => {
    expect(findings.filter((f) => f.integration?.id === 502 && f.ruleId === "flow-integration-allowed-auth-type")[0].status).toBe("ok");
    expect(findings.filter((f) => f.integration?.id === 10649).every((f) => f.status === "ok" || f.status === "not-applicable")).toBe(true);
  });
  it("makes the data error fail the gate whatever the rule's enforcement", () => {
    const f = findings.find((x) => x.status === "error")!;
    expect(isDataError(f)).toBe(true);
    const downgraded = evaluateInventory(records, {
      now: ctx.now,
      policy: { file: undefined, rules: { "flow-integration-webhooks-enabled": { enforcement: "advisory", config: { ignoreVendors: [] } } }, exceptions: [] },
    });
    const g = downgraded.find((x) => x.status === "error")!;
    expect(isFailing(g)).toBe(false);
    expect(isDataError(g)).toBe(true);
  });
  it("reports a malformed field no enabled rule reads as a warning, once, and nothing else about it", () => {
    expect(unreadDataProblems(records)).toEqual([
      {
        integrationId: 503,
        document: "integration",
        path: "$.integration_type",
        field: "integration_type",
        expected: "integer or null",
        got: 'a string ("remote")',
      },
    ]);
    expect(findings.filter((f) => f.integration?.id === 503 && f.status === "error")).toEqual([]);
  });
  it("accepts the published example as it is, with no data problem", () => {
    expect(unreadDataProblems([{ integration: published() }])).toEqual([]);
    expect(evaluateInventory([{ integration: published(), connectionStatus: { status: "connected" } }], { now: ctx.now }).filter(isDataError)).toEqual([]);
  });
});

describe("a rule that throws", () => {
  it("becomes an error finding naming the rule, not a crash", () => {
    const boom: IntegrationRule = {
      ...(rules[0] as IntegrationRule),
      evaluate: () => {
        throw new Error("kaput");
      },
    };
    const f = run(boom, healthy());
    expect(f.status).toBe("error");
    expect(f.message).toContain(`could not be checked: rule ${boom.id} failed (kaput)`);
    expect(isDataError(f)).toBe(false);
  });
});
