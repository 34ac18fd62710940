import { describe, expect, it } from "vitest";
import { rewriteBaseline } from "../../../src/rules/baseline";
import {
  defaultPolicy,
  evaluateInventory,
  fieldTouches,
  isDataError,
  isFailing,
  judge,
  OPEN_STATUSES,
  ruleSettings,
  unreadDataProblems,
  type JudgeContext,
} from "../../../src/rules/evaluate";
import { rules } from "../../../src/rules/index";
import type { FindingStatus, IntegrationRule, PolicyException } from "../../../src/rules/types";
import { demoDataset, generatedDataset } from "../../../src/simulator/datasets";
import { another, ctx, healthy, NOW, published, run } from "./fixtures";

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

describe("judge with `only` (what the pack builds: the findings it reports, nothing else)", () => {
  // Every status of every rule: a generated tenant, the demo's problems, and two malformed records.
  const records = [
    ...generatedDataset(300, 7, NOW.getTime()),
    ...demoDataset(NOW.getTime()),
    another(901, { webhooks_enabled: "yes" as never }),
    another(902, { auth_type: 42 as never, created_by: "someone" as never }),
  ];
  const exceptions: PolicyException[] = [
    { rule: "flow-integration-webhooks-enabled", vendor: "github", reason: "org policy", expires: "2099-12-31" },
    { rule: "flow-integration-allowed-auth-type", integrations: [902], reason: "known", expires: "2099-12-31" },
  ];
  const all = evaluateInventory(records, { now: NOW });
  // Half of the open violations tolerated by a baseline, so that `only` must keep each finding aligned with its record.
  const baseline = rewriteBaseline({
    file: "flow-baseline.json",
    findings: all.filter((_, i) => i % 2 === 0),
    evaluated: () => true,
    grow: false,
    expires: "2099-12-31",
    now: NOW,
  }).baseline;
  const policy = defaultPolicy();
  const contexts: Array<[string, JudgeContext]> = [
    ["no baseline, no fingerprints (the pack)", { now: NOW, exceptions, fingerprints: false }],
    ["no baseline, fingerprints (reports)", { now: NOW, exceptions }],
    ["a baseline", { now: NOW, exceptions, baseline }],
  ];
  const sets: Array<ReadonlySet<FindingStatus>> = [
    OPEN_STATUSES,
    new Set<FindingStatus>(["violation", "error", "not-applicable"]),
    new Set<FindingStatus>(["ok"]),
  ];

  it("the tenant has every status, exceptions and baseline entries in force", () => {
    expect(new Set(all.map((f) => f.status))).toEqual(new Set(["ok", "violation", "not-applicable", "error"]));
    const judged = rules.flatMap((rule) => judge(rule, records, ruleSettings(policy, rule), contexts[2][1]));
    expect(judged.some((f) => f.exception?.state === "active")).toBe(true);
    expect(judged.some((f) => f.baseline?.state === "active")).toBe(true);
    expect(judged.some((f) => f.status === "violation" && f.baseline === undefined && f.exception === undefined)).toBe(true);
  });

  it.each(contexts)("returns the findings of a full judge of those statuses, equal and in the same order: %s", (_name, context) => {
    for (const rule of rules) {
      const full = judge(rule, records, ruleSettings(policy, rule), context);
      for (const only of sets)
        expect(judge(rule, records, ruleSettings(policy, rule), { ...context, only }), `${rule.id} ${[...only].join(",")}`).toEqual(
          full.filter((f) => only.has(f.status)),
        );
    }
  });
});
