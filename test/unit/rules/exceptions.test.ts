import { describe, expect, it } from "vitest";
import { demoDataset } from "../../../src/simulator/datasets";
import { evaluateInventory, isFailing } from "../../../src/rules/evaluate";
import { applyExceptions, exceptionMatches, exceptionState, globMatch } from "../../../src/rules/exceptions";
import { parsePolicy } from "../../../src/config/policy-file";
import type { Finding, PolicyException } from "../../../src/rules/types";
import { another, healthy, NOW } from "./fixtures";

const x = (over: Partial<PolicyException>): PolicyException => ({ rule: "flow-integration-webhooks-enabled", reason: "r", expires: "2026-06-30", ...over });
const finding = { ruleId: "flow-integration-webhooks-enabled", integration: { id: 102, name: "GitHub Mobile", vendor: "github" }, evidence: {} };

describe("exceptions", () => {
  it("match by rule and every selector given (ids, vendor, name glob)", () => {
    expect(exceptionMatches(x({ integrations: [102] }), finding)).toBe(true);
    expect(exceptionMatches(x({ integrations: [103] }), finding)).toBe(false);
    expect(exceptionMatches(x({ rule: "flow-integration-connected", integrations: [102] }), finding)).toBe(false);
    expect(exceptionMatches(x({ vendor: "github", name: "github mob*" }), finding)).toBe(true);
    expect(exceptionMatches(x({ vendor: "gitlab", name: "GitHub*" }), finding)).toBe(false);
    expect(
      exceptionMatches(x({ rule: "flow-required-vendors-present", vendor: "gitlab" }), {
        ruleId: "flow-required-vendors-present",
        evidence: { vendor: "gitlab" },
      }),
    ).toBe(true);
    expect(globMatch("GitHub", "GitHub Mobile")).toBe(false);
    expect(globMatch("a.b*", "axb")).toBe(false);
    expect(globMatch("*-prod", "payments-prod")).toBe(true);
    expect(globMatch("a*b*c", "aXbYbZc")).toBe(true);
    expect(globMatch("a*b*c", "acb")).toBe(false);
    expect(globMatch("ab*ba", "aba")).toBe(false);
  });

  it("are looked up by rule and integration id, choosing as a scan of the whole list in file order would", () => {
    // The reference: every exception tried in order (what applyExceptions did before it indexed them).
    const scan = (f: Finding, xs: readonly PolicyException[], now: Date) => {
      const matching = xs.filter((e) => exceptionMatches(e, f)).map((e) => ({ e, state: exceptionState(e, now) }));
      return matching.find((m) => m.state === "active") ?? matching.sort((a, b) => b.e.expires.localeCompare(a.e.expires))[0];
    };
    const rules = ["flow-integration-webhooks-enabled", "flow-integration-connected"];
    const xs: PolicyException[] = [];
    for (let i = 0; i < 400; i++) {
      const selector =
        i % 5 === 0 ? { vendor: i % 2 ? "github" : "gitlab" } : i % 7 === 0 ? { name: "*mobile*" } : { integrations: [100 + (i % 13), 100 + (i % 3)] };
      xs.push(x({ rule: rules[i % 2], ...selector, reason: `reason ${i}`, expires: i % 4 ? "2026-06-30" : "2025-01-01" }));
    }
    const now = new Date("2026-06-01T00:00:00Z");
    for (const rule of [...rules, "flow-integration-owner-active"])
      for (let id = 95; id < 120; id++)
        for (const vendor of ["github", "gitlab"]) {
          const f = {
            ...finding,
            ruleId: rule,
            status: "violation",
            integration: { id, name: id % 2 ? "GitHub Mobile" : "Jira", vendor },
          } as unknown as Finding;
          const expected = scan(f, xs, now);
          const got = applyExceptions(f, xs, now).exception;
          expect(got ? { reason: got.reason, state: got.state } : undefined, `${rule} ${id} ${vendor}`).toEqual(
            expected ? { reason: expected.e.reason, state: expected.state } : undefined,
          );
        }
  });

  it("match globs without backtracking: patterns that hang a regular expression return at once", () => {
    // With a regular expression these take minutes; the matcher is linear in the name.
    expect(globMatch("*".repeat(74) + "x", "a".repeat(5000))).toBe(false);
    expect(globMatch("*-*-*-*-*-*-*-prod", `${"a-".repeat(40)}x`)).toBe(false);
    expect(globMatch("*-*-*-*-*-*-*-prod", `${"a-".repeat(40)}prod`)).toBe(true);
  });

  it("are active through their whole expiry day (UTC) and expired after it", () => {
    expect(exceptionState(x({ expires: "2026-06-15" }), NOW)).toBe("active");
    expect(exceptionState(x({ expires: "2026-06-15" }), new Date("2026-06-15T23:59:59Z"))).toBe("active");
    expect(exceptionState(x({ expires: "2026-06-15" }), new Date("2026-06-16T00:00:00Z"))).toBe("expired");
  });

  it("suppress a violation while active, and say so when expired", () => {
    const records = [healthy(), another(102, { webhooks_enabled: false })];
    const policy = parsePolicy(
      `exceptions:\n  - rule: flow-integration-webhooks-enabled\n    integrations: [102]\n    reason: org policy\n    expires: 2026-06-30\n`,
      "p.yaml",
    );
    const active = evaluateInventory(records, { policy, now: NOW }).find((f) => f.ruleId === "flow-integration-webhooks-enabled" && f.integration?.id === 102)!;
    expect(active).toMatchObject({ status: "violation", exception: { state: "active", reason: "org policy", expires: "2026-06-30" } });
    expect(isFailing(active)).toBe(false);
    const later = evaluateInventory(records, { policy, now: new Date("2026-07-01T00:00:00Z") }).find(
      (f) => f.integration?.id === 102 && f.status === "violation",
    )!;
    expect(later.exception?.state).toBe("expired");
    expect(isFailing(later)).toBe(true);
  });

  it("prefer an active exception over an expired one for the same finding", () => {
    const policy = parsePolicy(
      `exceptions:\n  - {rule: flow-integration-webhooks-enabled, integrations: [102], reason: old, expires: 2026-01-01}\n  - {rule: flow-integration-webhooks-enabled, vendor: bitbucket, reason: new, expires: 2026-12-31}\n`,
      "p.yaml",
    );
    const [f] = evaluateInventory([another(102, { webhooks_enabled: false })], { policy, now: NOW }).filter((f) => f.status === "violation");
    expect(f.exception).toMatchObject({ state: "active", reason: "new" });
  });
});

describe("evaluateInventory on the simulator's demo dataset", () => {
  const findings = evaluateInventory(demoDataset(NOW.getTime()), { now: NOW });
  const failing = findings.filter((f) => isFailing(f)).map((f) => `${f.ruleId} ${f.integration?.id}`);

  it("fails exactly the mandatory violations the dataset was built with", () => {
    expect(failing.sort()).toEqual([
      "flow-integration-allowed-auth-type 104",
      "flow-integration-allowed-auth-type 110",
      "flow-integration-connected 105",
      "flow-integration-webhooks-enabled 102",
    ]);
    expect(findings.filter((f) => isFailing(f, "advisory"))).toHaveLength(10);
    expect(findings.some((f) => f.exception)).toBe(false);
  });

  it("reports the advisory violations and skips disabled rules", () => {
    const advisory = findings.filter((f) => f.status === "violation" && f.enforcement === "advisory").map((f) => `${f.ruleId} ${f.integration?.id}`);
    expect(advisory.sort()).toEqual([
      "flow-integration-exclusions-reviewed 111",
      "flow-integration-owner-active 108",
      "flow-integration-processing-healthy 110",
      "flow-integration-recently-synced 107",
      "flow-integration-required-source-types 111",
      "flow-integration-source-types-active 106",
    ]);
    expect(findings.some((f) => f.ruleId === "flow-integration-allowed-vendor")).toBe(false);
    expect(findings.find((f) => f.ruleId === "flow-integration-owner-active" && f.integration?.id === 110)?.status).toBe("ok");
  });

  it("gives one finding per integration and per-integration rule", () => {
    expect(findings.filter((f) => f.ruleId === "flow-integration-connected")).toHaveLength(12);
  });
});
