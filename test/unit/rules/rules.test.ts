import { describe, expect, it } from "vitest";
import { evaluateIntegrationRule, evaluateStackRule } from "../../../src/rules/evaluate";
import {
  allowedAuthType,
  allowedVendor,
  connected,
  exclusionsReviewed,
  noDuplicateIntegrations,
  ownerActive,
  processingHealthy,
  recentlySynced,
  requiredSourceTypes,
  requiredVendorsPresent,
  serviceAccount,
  sourceTypesActive,
  webhooksEnabled,
} from "../../../src/rules/index";
import type { IntegrationRule, StackRule } from "../../../src/rules/types";
import { resolveRuleConfig } from "../../../src/rules/util";
import type { InventoryRecord } from "../../../src/api/types";
import { another, ctx, healthy } from "./fixtures";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function run(rule: IntegrationRule<any>, record: InventoryRecord, params: Record<string, unknown> = {}) {
  return evaluateIntegrationRule(rule, record, resolveRuleConfig(rule, params), ctx);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function runStack(rule: StackRule<any>, records: InventoryRecord[], params: Record<string, unknown> = {}) {
  return evaluateStackRule(rule, records, resolveRuleConfig(rule, params), ctx);
}

describe("every integration rule accepts the healthy fixture with its defaults", () => {
  for (const rule of [webhooksEnabled, allowedAuthType, connected, sourceTypesActive, requiredSourceTypes, processingHealthy, recentlySynced, ownerActive, exclusionsReviewed]) {
    it(rule.id, () => {
      const f = run(rule, healthy());
      expect(f.status, f.message).toBe("ok");
      expect(f.integration).toEqual({ id: 501, name: "GitHub Platform", vendor: "github" });
      expect(f.helpUri).toMatch(new RegExp(`docs/rules\\.md#${rule.id}$`));
    });
  }
});

describe("flow-integration-webhooks-enabled", () => {
  it("flags webhooks off where the vendor supports them, naming the integration", () => {
    const f = run(webhooksEnabled, healthy({ webhooks_enabled: false }));
    expect(f).toMatchObject({ status: "violation", severity: "high", enforcement: "mandatory" });
    expect(f.message).toBe("Integration 'GitHub Platform' (id 501, github) has webhooks off although github supports them.");
    expect(f.remediation).toMatch(/turn on webhooks/);
    expect(f.evidence).toEqual({ webhooks_enabled: false, "vendor_meta.enable_webhooks": true });
  });
  it("is not applicable when the vendor has no webhooks", () => {
    expect(run(webhooksEnabled, healthy({ webhooks_enabled: false, vendor_meta: { enable_webhooks: false } })).status).toBe("not-applicable");
  });
  it("is not applicable for a vendor the configuration exempts", () => {
    const f = run(webhooksEnabled, healthy({ webhooks_enabled: false }), { ignoreVendors: ["github"] });
    expect(f.status).toBe("not-applicable");
    expect(f.message).toMatch(/exempts/);
  });
  it("is an error, not a pass, when vendor support or the setting is unknown", () => {
    expect(run(webhooksEnabled, healthy({ vendor_meta: null })).status).toBe("error");
    expect(run(webhooksEnabled, healthy({ webhooks_enabled: null })).status).toBe("error");
  });
});

describe("flow-integration-allowed-auth-type", () => {
  it("rejects userpass by default and says what to use instead", () => {
    const f = run(allowedAuthType, healthy({ auth_type: "userpass" }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("uses auth type 'userpass', which is not allowed for github");
    expect(f.remediation).toContain("'oauth', 'app' or 'token' instead of a stored username and password");
  });
  it("rejects a type outside a configured allowlist", () => {
    expect(run(allowedAuthType, healthy({ auth_type: "token" }), { allowedAuthTypes: ["oauth"] }).status).toBe("violation");
  });
  it("uses the vendor's own list when there is one", () => {
    const params = { vendorAllowedAuthTypes: { github: ["userpass"] } };
    expect(run(allowedAuthType, healthy({ auth_type: "userpass" }), params).status).toBe("ok");
    expect(run(allowedAuthType, healthy({ auth_type: "app" }), params).status).toBe("violation");
    expect(run(allowedAuthType, healthy({ vendor_type: "jira", auth_type: "app" }), params).status).toBe("ok");
  });
  it("is an error when auth_type is missing", () => {
    expect(run(allowedAuthType, healthy({ auth_type: null })).status).toBe("error");
  });
});

describe("flow-integration-connected", () => {
  const withStatus = (connectionStatus: InventoryRecord["connectionStatus"]) => ({ ...healthy(), connectionStatus });
  it("flags a status outside the healthy list, with Flow's message", () => {
    const f = run(connected, withStatus({ status: "disconnected", connected: false, message: "OAuth token expired" }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("is not connected: status 'disconnected' (OAuth token expired)");
  });
  it("accepts configured healthy values, case-insensitively", () => {
    expect(run(connected, withStatus({ status: "OK" }), { healthyStatuses: ["ok"] }).status).toBe("ok");
    expect(run(connected, withStatus({ status: "Connected" })).status).toBe("ok");
  });
  it("falls back to the connected boolean", () => {
    expect(run(connected, withStatus({ connected: true })).status).toBe("ok");
    expect(run(connected, withStatus({ connected: false })).status).toBe("violation");
  });
  it("is an error when no status was read or the body says nothing", () => {
    expect(run(connected, withStatus(undefined)).status).toBe("error");
    expect(run(connected, withStatus({ detail: "?" })).status).toBe("error");
  });
});

describe("flow-integration-source-types-active", () => {
  it("flags an enabled source type that is not active", () => {
    const f = run(sourceTypesActive, healthy({ enabled_source_types: [{ name: "repo", status: "active" }, { name: "pull_request", status: "inactive" }] }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("pull_request (inactive)");
    expect(f.enforcement).toBe("advisory");
  });
  it("accepts configured active statuses", () => {
    expect(run(sourceTypesActive, healthy({ enabled_source_types: [{ name: "repo", status: "syncing" }] }), { activeStatuses: ["active", "syncing"] }).status).toBe("ok");
  });
  it("is not applicable without source types, or when statuses are not reported", () => {
    expect(run(sourceTypesActive, healthy({ enabled_source_types: [] })).status).toBe("not-applicable");
    expect(run(sourceTypesActive, healthy({ enabled_source_types: null as never })).status).toBe("not-applicable");
    expect(run(sourceTypesActive, healthy({ enabled_source_types: ["repo"] as never })).status).toBe("not-applicable");
  });
});

describe("flow-integration-required-source-types", () => {
  it("flags a required source type the vendor offers but the integration lacks", () => {
    const f = run(requiredSourceTypes, healthy({ enabled_source_types: [{ name: "repo", status: "active" }] }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("does not have 'pull_request' enabled although github offers it");
    expect(f.remediation).toContain("enable 'pull_request'");
  });
  it("reads source_type_names when enabled_source_types is absent (list or comma string)", () => {
    expect(run(requiredSourceTypes, healthy({ enabled_source_types: undefined, source_type_names: "repo, pull_request" })).status).toBe("ok");
    expect(run(requiredSourceTypes, healthy({ enabled_source_types: undefined, source_type_names: ["repo"] })).status).toBe("violation");
  });
  it("uses per-vendor requirements", () => {
    expect(run(requiredSourceTypes, healthy(), { vendorRequiredSourceTypes: { github: ["commit"] } }).status).toBe("violation");
  });
  it("is not applicable when the vendor offers none of them, or offers are unknown", () => {
    const jira = { vendor_type: "jira", vendor_meta: { services: [{ name: "jira_cloud", source_types: ["ticket"] }] }, enabled_source_types: [{ name: "ticket", status: "active" }] };
    expect(run(requiredSourceTypes, healthy(jira)).status).toBe("not-applicable");
    expect(run(requiredSourceTypes, healthy({ vendor_meta: { enable_webhooks: true } })).status).toBe("not-applicable");
    expect(run(requiredSourceTypes, healthy(), { requiredSourceTypes: [] }).status).toBe("not-applicable");
  });
});

describe("flow-integration-processing-healthy", () => {
  it("flags a failure state, case-insensitively", () => {
    expect(run(processingHealthy, healthy({ processing_status: "FAILED" })).status).toBe("violation");
    expect(run(processingHealthy, healthy({ processing_status: "error" })).status).toBe("violation");
  });
  it("uses configured failure states", () => {
    expect(run(processingHealthy, healthy({ processing_status: "STALLED" }), { failureStatuses: ["STALLED"] }).status).toBe("violation");
    expect(run(processingHealthy, healthy({ processing_status: "PROCESSING" })).status).toBe("ok");
  });
  it("is not applicable without a processing status", () => {
    expect(run(processingHealthy, healthy({ processing_status: null })).status).toBe("not-applicable");
  });
});

describe("flow-integration-recently-synced", () => {
  it("flags a last sync older than maxAgeDays, with its age", () => {
    const f = run(recentlySynced, healthy({ source_projects_last_updated: "2026-05-25T12:00:00Z" }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("last synced its projects 21 days ago");
    expect(f.evidence.ageDays).toBe(21);
  });
  it("honours a configured maxAgeDays", () => {
    expect(run(recentlySynced, healthy({ source_projects_last_updated: "2026-05-25T12:00:00Z" }), { maxAgeDays: 30 }).status).toBe("ok");
    expect(run(recentlySynced, healthy(), { maxAgeDays: 0.5 }).status).toBe("violation");
  });
  it("flags repositories that never synced", () => {
    expect(run(recentlySynced, healthy({ source_projects_last_updated: null })).status).toBe("violation");
  });
  it("is not applicable without repositories or when that is unknown; an error for an unreadable date", () => {
    expect(run(recentlySynced, healthy({ has_repos: false, source_projects_last_updated: null })).status).toBe("not-applicable");
    expect(run(recentlySynced, healthy({ has_repos: null })).status).toBe("not-applicable");
    expect(run(recentlySynced, healthy({ source_projects_last_updated: "last tuesday" })).status).toBe("error");
  });
});

describe("flow-integration-owner-active", () => {
  const sam = { id: 1002, name: "Sam Former", is_active: false };
  it("flags a deactivated creator or updater", () => {
    const f = run(ownerActive, healthy({ created_by: sam }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("created_by user 'Sam Former' (id 1002)");
    expect(run(ownerActive, healthy({ updated_by: sam })).status).toBe("violation");
  });
  it("ignores the updater when configured to", () => {
    expect(run(ownerActive, healthy({ updated_by: sam }), { checkUpdatedBy: false }).status).toBe("ok");
  });
  it("is not applicable, with the reason, for a user given only as an id", () => {
    const f = run(ownerActive, healthy({ created_by: 1002 }));
    expect(f.status).toBe("not-applicable");
    expect(f.message).toContain("created_by is given only as user id 1002");
    expect(run(ownerActive, healthy({ created_by: { id: 3 } })).status).toBe("not-applicable");
    expect(run(ownerActive, healthy({ created_by: null, updated_by: null })).status).toBe("not-applicable");
  });
  it("still flags a known deactivated user when the other is unknown", () => {
    expect(run(ownerActive, healthy({ created_by: 1002, updated_by: sam })).status).toBe("violation");
  });
});

describe("flow-integration-service-account", () => {
  it("is disabled until configured, and an error when enabled without a pattern", () => {
    expect(serviceAccount.enforcement).toBe("disabled");
    expect(run(serviceAccount, healthy()).status).toBe("error");
  });
  it("checks the whole username against the pattern", () => {
    const params = { usernamePattern: "flow-.*-svc" };
    expect(run(serviceAccount, healthy(), params).status).toBe("ok");
    const f = run(serviceAccount, healthy({ username: "jdoe" }), params);
    expect(f.status).toBe("violation");
    expect(f.message).toContain("authenticates as 'jdoe'");
    expect(run(serviceAccount, healthy({ username: "xflow-github-svc-old" }), params).status).toBe("violation");
  });
  it("limits itself to configured auth types and needs a username", () => {
    expect(run(serviceAccount, healthy({ username: "jdoe" }), { usernamePattern: "svc", authTypes: ["userpass"] }).status).toBe("not-applicable");
    expect(run(serviceAccount, healthy({ username: null }), { usernamePattern: "svc" }).status).toBe("not-applicable");
  });
  it("reports an invalid pattern as an error", () => {
    expect(run(serviceAccount, healthy(), { usernamePattern: "(" }).message).toContain("not a valid regular expression");
  });
});

describe("flow-integration-allowed-vendor", () => {
  it("is disabled until configured, and an error when enabled without a list", () => {
    expect(allowedVendor.enforcement).toBe("disabled");
    expect(run(allowedVendor, healthy()).status).toBe("error");
  });
  it("flags a vendor outside the allowlist", () => {
    expect(run(allowedVendor, healthy(), { allowedVendors: ["github"] }).status).toBe("ok");
    const f = run(allowedVendor, healthy({ vendor_type: "bitbucket" }), { allowedVendors: ["github", "jira"] });
    expect(f.status).toBe("violation");
    expect(f.message).toContain("vendor 'bitbucket', which is not allowed (allowed: 'github' and 'jira')");
  });
});

describe("flow-integration-exclusions-reviewed", () => {
  it("flags excluded owners that were not reviewed", () => {
    const f = run(exclusionsReviewed, healthy({ excluded_project_owners: ["sandbox"] }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("'sandbox'");
  });
  it("flags more exclusion rules than allowed", () => {
    expect(run(exclusionsReviewed, healthy({ exclusion_rule_count: 3 }), { maxExclusionRules: 2 }).status).toBe("violation");
  });
  it("accepts reviewed exclusions", () => {
    expect(run(exclusionsReviewed, healthy({ excluded_project_owners: ["sandbox"], exclusion_rule_count: 2 }), { allowedExcludedOwners: ["sandbox"], maxExclusionRules: 2 }).status).toBe("ok");
    expect(run(exclusionsReviewed, healthy({ excluded_project_owners: null, exclusion_rule_count: null })).status).toBe("ok");
  });
});

describe("flow-required-vendors-present (stack)", () => {
  const jira = another(502, { vendor_type: "jira" });
  it("is an error when enabled without requiredVendors", () => {
    expect(runStack(requiredVendorsPresent, [healthy()]).map((f) => f.status)).toEqual(["error"]);
  });
  it("reports one finding per required vendor", () => {
    const fs = runStack(requiredVendorsPresent, [healthy(), jira], { requiredVendors: ["github", "gitlab"] });
    expect(fs.map((f) => [f.subject, f.status])).toEqual([["vendor 'github'", "ok"], ["vendor 'gitlab'", "violation"]]);
    expect(fs[1].message).toBe("Vendor 'gitlab' is required but has no integration in Flow.");
    expect(fs[1].evidence.vendor).toBe("gitlab");
  });
  it("flags a vendor whose integrations are all disconnected", () => {
    const down = { ...jira, connectionStatus: { status: "error" } };
    const [f] = runStack(requiredVendorsPresent, [healthy(), down], { requiredVendors: ["jira"] });
    expect(f.status).toBe("violation");
    expect(f.message).toBe("Vendor 'jira' is required but none of its integrations is connected ('Integration 502' (id 502)).");
  });
});

describe("flow-no-duplicate-integrations (stack)", () => {
  it("flags every integration of a same-vendor, same-name group (case-insensitive)", () => {
    const fs = runStack(noDuplicateIntegrations, [healthy(), another(502, { name: "github platform " }), another(503), another(504, { vendor_type: "gitlab", name: "GitHub Platform" })]);
    expect(fs.map((f) => [f.integration?.id, f.status])).toEqual([
      [501, "violation"],
      [502, "violation"],
      [503, "ok"],
      [504, "ok"],
    ]);
    expect(fs[0].message).toContain("shares its name 'GitHub Platform' with integration 502");
  });
  it("matches on username only when configured", () => {
    const records = [healthy(), another(502)];
    expect(runStack(noDuplicateIntegrations, records).every((f) => f.status === "ok")).toBe(true);
    expect(runStack(noDuplicateIntegrations, records, { matchOn: ["username"] }).every((f) => f.status === "violation")).toBe(true);
  });
});

describe("robustness", () => {
  it("turns a rule that throws on odd data into an error finding, not a crash", () => {
    const f = run(exclusionsReviewed, healthy({ excluded_project_owners: "sandbox" as never }));
    expect(f.status).toBe("error");
    expect(f.message).toContain("could not be checked");
  });
});
