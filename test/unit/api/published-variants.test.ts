import fc from "fast-check";
import { describe, expect, it } from "vitest";
import publishedExample from "../../../src/api/examples/published-integration.json";
import { parseFlowTimestamp } from "../../../src/api/time";
import type { InventoryRecord } from "../../../src/api/types";
import { integrationProblems, recordProblems } from "../../../src/api/validation";
import { defaultPolicy, evaluateInventory, isDataError } from "../../../src/rules/evaluate";
import { rules } from "../../../src/rules/index";
import { connectionHealth } from "../../../src/inventory/health";

/** Every rule enabled, with the parameters the disabled-by-default ones need. */
const everyRule = (() => {
  const policy = defaultPolicy(rules);
  for (const rule of rules) {
    const settings = policy.rules[rule.id];
    settings.enforcement = settings.enforcement === "disabled" ? "advisory" : settings.enforcement;
    Object.assign(
      settings.config,
      rule.id.includes("allowed-vendor") ? { allowedVendors: ["bitbucket"] } : {},
      rule.id.includes("service-account") ? { usernamePattern: "flow-.*" } : {},
      rule.id.includes("required-vendors") ? { requiredVendors: ["bitbucket"] } : {},
    );
  }
  return policy;
})();

/** A timestamp as the spec allows: naive or with an offset, 0–9 fractional digits, `T` or a space. */
const timestamp = fc
  .record({
    ms: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
    digits: fc.integer({ min: 0, max: 9 }),
    sep: fc.constantFrom("T", " "),
    offset: fc.constantFrom("", "Z", "+00:00", "-05:00", "+0530", "+01"),
  })
  .map(({ ms, digits, sep, offset }) => {
    const iso = new Date(ms).toISOString();
    const frac = digits === 0 ? "" : `.${`${iso.slice(20, 23)}000000`.slice(0, digits)}`;
    return `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}${frac}${offset}`;
  });

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
/** The example's own values of an object, one constant arbitrary per field. */
const constants = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fc.constant(v)])) as Record<string, fc.Arbitrary<unknown>>;
const userObject = fc.record(
  {
    ...Object.fromEntries(Object.entries(constants(publishedExample.created_by)).map(([k, v]) => [k, nullable(v)])),
    id: fc.integer({ min: 1, max: 1e9 }),
    audit_created_at: nullable(timestamp),
    is_active: nullable(fc.boolean()),
  },
  { requiredKeys: [] },
);
/** A user as the table and the example allow: an object, an id (number or digit string), or null. */
const userRef = fc.oneof(userObject, fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }).map(String), fc.constant(null));
const sourceType = fc.record({
  ...constants(publishedExample.enabled_source_types[0]),
  source_type_name: fc.constantFrom("repo", "pull_request", "ticket"),
  status: nullable(fc.constantFrom("active", "ACTIVE", "inactive", "error")),
  created_by: userRef,
});
const extraKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in publishedExample) && k !== "__proto__");

/** Any record the published table and example allow, derived from the example. */
const record = fc
  .record({
    webhooks_enabled: nullable(fc.boolean()),
    auth_type: nullable(fc.constantFrom("oauth", "userpass", "token", "app")),
    enabled_source_types: fc.oneof(fc.constant(null), fc.array(sourceType, { maxLength: 4 }), fc.array(fc.constantFrom("repo", "ticket"), { maxLength: 2 })),
    created_at: nullable(timestamp),
    updated_at: nullable(timestamp),
    created_by: userRef,
    updated_by: userRef,
    source_type_names: fc.oneof(fc.constant(null), fc.constant("repo,ticket"), fc.array(fc.constantFrom("repo", "pull_request", "ticket"))),
    username: nullable(fc.constantFrom("flow-svc", "jdoe")),
    vendor_meta: nullable(
      fc.record(
        { ...constants(publishedExample.vendor_meta), enable_webhooks: nullable(fc.boolean()), title: nullable(fc.constant("BitBucket Cloud")) },
        { requiredKeys: [] },
      ),
    ),
    has_repos: nullable(fc.boolean()),
    excluded_project_owners: nullable(fc.array(fc.constantFrom("sandbox", "forks"), { maxLength: 2 })),
    url: nullable(fc.constantFrom("", "https://bitbucket.org/acme")),
    api_url: nullable(fc.constant("https://api.bitbucket.org/2.0")),
    source_projects_last_updated: nullable(timestamp),
    integration_type: nullable(fc.integer({ min: 0, max: 9 })),
    processing_status: nullable(fc.constantFrom("UNPROCESSED", "PROCESSED", "FAILED")),
    connected_accounts_count: nullable(fc.nat(5)),
    exclusion_rule_count: nullable(fc.nat(5)),
    extra: fc.dictionary(extraKey, fc.jsonValue(), { maxKeys: 2 }),
  })
  .map(({ extra, ...fields }) => ({ ...extra, ...structuredClone(publishedExample), ...fields }));

const connection = fc.option(
  fc.record(
    {
      status: nullable(fc.constantFrom("connected", "CONNECTED", "disconnected")),
      connected: nullable(fc.boolean()),
      last_checked_at: nullable(timestamp),
      message: nullable(fc.string()),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

describe("generated variants of the published example (property-based)", () => {
  it("every timestamp form the spec allows parses, naive ones as UTC", () => {
    fc.assert(
      fc.property(timestamp, (t) => {
        const ms = parseFlowTimestamp(t);
        expect(ms, t).toBeTypeOf("number");
        if (!/(Z|[+-]\d{2}(:?\d{2})?)$/.test(t)) expect(ms).toBe(Date.parse(`${t.replace(" ", "T").slice(0, 23)}Z`));
      }),
    );
    expect(parseFlowTimestamp("2024-03-20T22:09:54.828795")).toBe(Date.UTC(2024, 2, 20, 22, 9, 54, 828));
    expect(parseFlowTimestamp("2024-02-31T00:00:00")).toBeUndefined();
  });

  it("any record the table and example allow validates, and no rule throws or errors on it", () => {
    fc.assert(
      fc.property(record, connection, (integration, connectionStatus) => {
        expect(integrationProblems(integration, integration.id)).toEqual([]);
        const r = (connectionStatus === undefined ? { integration } : { integration, connectionStatus }) as InventoryRecord;
        expect(recordProblems(r)).toEqual([]);
        const findings = evaluateInventory([r], { policy: everyRule, now: new Date("2026-06-15T12:00:00Z") });
        expect(findings.length).toBeGreaterThanOrEqual(rules.length);
        // A status whose fields contradict each other is the one data problem a shape-valid body can have.
        const contradictory = connectionHealth(connectionStatus) === "conflicting";
        for (const f of findings) {
          expect(f.message, f.ruleId).not.toMatch(/could not be checked: rule .* failed/);
          expect(isDataError(f)).toBe(contradictory && f.ruleId === "flow-integration-connected");
        }
      }),
      { numRuns: 300 },
    );
  });
});
