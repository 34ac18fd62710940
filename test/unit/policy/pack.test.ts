import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import {
  DATA_POLICY,
  BASELINE_POLICY,
  EXCEPTIONS_POLICY,
  flowPolicies,
  packPolicies,
  packPolicyFile,
  POLICY_FILE_POLICY,
  type FlowPoliciesOptions,
} from "../../../src/policy/pack";
import { INTEGRATION_TYPE } from "../../../src/pulumi/integration";
import { parsePolicy } from "../../../src/config/policy-file";
import { rules } from "../../../src/rules/index";
import { another, healthy, NOW } from "../rules/fixtures";

const POLICY = parsePolicy(
  `rules:
  flow-integration-recently-synced: {enforcement: mandatory, maxAgeDays: 3}
exceptions:
  - {rule: flow-integration-webhooks-enabled, integrations: [102], reason: org policy, owner: mobile, ticket: OPS-1, expires: 2026-06-30}
  - {rule: flow-integration-connected, integrations: [105], reason: migration, expires: 2026-01-31}
`,
  "flow-policy.yaml",
);

function harness(config: Record<string, Record<string, unknown>> = {}, options: FlowPoliciesOptions = {}) {
  const policies = flowPolicies({ policy: POLICY, now: () => NOW, ...options });
  const reports: Array<{ policy: string; message: string; urn?: string }> = [];
  const notApplicable: string[] = [];
  const byName = (name: string) => policies.find((p) => p.name === name)!;
  const props = (r: InventoryRecord) => ({ integrationId: r.integration?.id, integration: r.integration, connectionStatus: r.connectionStatus });
  const urn = (id: number) => `urn:pulumi:dev::audit::flow:index:Integrations$${INTEGRATION_TYPE}::flow-${id}`;
  const resource = async (name: string, r: InventoryRecord, type = INTEGRATION_TYPE, id = r.integration?.id ?? 0) => {
    const p = byName(name) as ResourceValidationPolicy & StackValidationPolicy;
    if (p.validateStack) {
      // An advisory per-integration rule judges the stack at once (to aggregate many findings): a stack of this one resource.
      const only = [{ type, props: props(r), urn: urn(id), name: `flow-${id}` }];
      await p.validateStack({ resources: only, getConfig: () => config[name] ?? {} } as never, (message, u) => reports.push({ policy: name, message, urn: u }));
      return;
    }
    const validate = p.validateResource as (args: unknown, report: (m: string, u?: string) => void) => Promise<void> | void;
    try {
      await validate(
        {
          type,
          props: props(r),
          urn: urn(id),
          name: `flow-${id}`,
          getConfig: () => config[name] ?? {},
          notApplicable: (reason: string) => {
            notApplicable.push(reason);
            throw new Error("not applicable");
          },
        },
        (message) => reports.push({ policy: name, message, urn: urn(id) }),
      );
    } catch (e) {
      if ((e as Error).message !== "not applicable") throw e;
    }
  };
  const stack = async (name: string, records: InventoryRecord[]) => {
    const p = byName(name) as StackValidationPolicy;
    const validate = p.validateStack as (args: unknown, report: (m: string, u?: string) => void) => Promise<void> | void;
    const resources = records.map((r) => ({ type: INTEGRATION_TYPE, props: props(r), urn: urn(r.integration.id), name: `flow-${r.integration.id}` }));
    await validate({ resources, getConfig: () => config[name] ?? {} }, (message, u) => reports.push({ policy: name, message, urn: u }));
  };
  return { policies, byName, reports, notApplicable, resource, stack };
}

const byPolicy = (policies: ReturnType<typeof flowPolicies>, name: string) => policies.find((p) => p.name === name)!;

describe("the CrossGuard adapter (flowPolicies)", () => {
  it("has one policy per rule plus the exceptions notice, with levels and schema defaults from the policy file", () => {
    const { policies, byName } = harness();
    expect(policies.map((p) => p.name)).toEqual([...rules.map((r) => r.id), DATA_POLICY, EXCEPTIONS_POLICY, BASELINE_POLICY]);
    expect(byName("flow-integration-recently-synced")).toMatchObject({ enforcementLevel: "mandatory", severity: "medium" });
    expect(byName("flow-integration-recently-synced").configSchema?.properties.maxAgeDays).toMatchObject({ type: "number", default: 3 });
    expect(byName("flow-integration-allowed-vendor").enforcementLevel).toBe("disabled");
    expect(byName(EXCEPTIONS_POLICY).enforcementLevel).toBe("advisory");
    // No baseline in this policy file: its notice policy does not run (nor cost the SDK a pass over the stack).
    expect(byName(BASELINE_POLICY).enforcementLevel).toBe("disabled");
    const bare = flowPolicies({ policy: parsePolicy("rules: {}\n", "flow-policy.yaml"), now: () => NOW });
    expect([EXCEPTIONS_POLICY, BASELINE_POLICY].map((name) => byPolicy(bare, name).enforcementLevel)).toEqual(["disabled", "disabled"]);
    expect("validateStack" in byName("flow-no-duplicate-integrations")).toBe(true);
  });

  it("reports an advisory rule's findings one by one up to the limit and as one above it; mandatory ones always per resource", async () => {
    const policy = parsePolicy("rules:\n  flow-integration-webhooks-enabled: {enforcement: advisory}\n", "flow-policy.yaml");
    const off = [201, 202, 203, 204].map((id) => another(id, { webhooks_enabled: false }));
    const userpass = [301, 302, 303].map((id) => another(id, { auth_type: "userpass" }));
    const resources = [...off, ...userpass].map((r) => ({
      type: INTEGRATION_TYPE,
      props: { integrationId: r.integration.id, integration: r.integration, connectionStatus: r.connectionStatus },
      urn: `urn:x::flow-${r.integration.id}`,
      name: `flow-${r.integration.id}`,
    }));
    const run = (limit: number) => {
      const policies = flowPolicies({ policy, now: () => NOW, advisoryDetailLimit: limit });
      const reports: Array<{ policy: string; message: string; urn?: string }> = [];
      const webhooks = byPolicy(policies, "flow-integration-webhooks-enabled") as StackValidationPolicy;
      void webhooks.validateStack({ resources, getConfig: () => ({}) } as never, (message, urn) => reports.push({ policy: webhooks.name, message, urn }));
      const auth = byPolicy(policies, "flow-integration-allowed-auth-type") as ResourceValidationPolicy;
      const validate = auth.validateResource as (args: never, report: (message: string, urn?: string) => void) => void;
      for (const r of resources)
        validate({ ...r, getConfig: () => ({}), notApplicable: () => {} } as never, (message, urn) => reports.push({ policy: auth.name, message, urn }));
      return reports;
    };
    const within = run(4);
    expect(within.filter((r) => r.policy === "flow-integration-webhooks-enabled").map((r) => r.urn)).toEqual(off.map((r) => `urn:x::flow-${r.integration.id}`));
    const above = run(3);
    const aggregated = above.filter((r) => r.policy === "flow-integration-webhooks-enabled");
    expect(aggregated).toHaveLength(1);
    expect(aggregated[0].urn).toBeUndefined();
    expect(aggregated[0].message).toMatch(
      /^4 advisory findings of flow-integration-webhooks-enabled, more than the 3 the pack lists one by one, so they are reported together: integrations 201, 202, 203, 204\. The full list, each with its message and evidence: flow-audit .* Fix: In Flow, open Settings > Integrations.* See https:\/\/\S+#flow-integration-webhooks-enabled$/,
    );
    // Mandatory: three findings above a limit of 1, each still on its resource.
    expect(
      run(1)
        .filter((r) => r.policy === "flow-integration-allowed-auth-type")
        .map((r) => r.urn),
    ).toEqual(userpass.map((r) => `urn:x::flow-${r.integration.id}`));
  });

  it("reports a violation with the fix and the docs link, and ignores other resource types", async () => {
    const h = harness();
    await h.resource("flow-integration-allowed-auth-type", another(104, { auth_type: "userpass" }));
    await h.resource("flow-integration-allowed-auth-type", another(104, { auth_type: "userpass" }), "aws:s3/bucket:Bucket");
    expect(h.reports).toHaveLength(1);
    expect(h.reports[0].message).toMatch(
      /^Integration 'Integration 104' \(id 104, bitbucket\) uses auth type 'userpass'.* Fix: In Flow, reconnect .* See https:\/\/\S+#flow-integration-allowed-auth-type$/,
    );
  });

  it("uses the engine's config (pack config) over the policy file's parameters", async () => {
    const h = harness({ "flow-integration-recently-synced": { maxAgeDays: 30 } });
    await h.resource("flow-integration-recently-synced", healthy({ source_projects_last_updated: "2026-06-05T00:00:00Z" }));
    expect(h.reports).toEqual([]);
  });

  it("tells the engine when a rule does not apply", async () => {
    const h = harness();
    await h.resource("flow-integration-webhooks-enabled", healthy({ vendor_type: "jira", vendor_meta: { enable_webhooks: false } }));
    expect(h.notApplicable).toEqual(["Integration 'Engineering BB' (id 10649, jira) is from a vendor without webhook support."]);
  });

  it("suppresses a violation under an active exception and lists it in the notices policy, whatever ran before", async () => {
    const h = harness();
    const suppressed = another(102, { webhooks_enabled: false });
    await h.resource("flow-integration-webhooks-enabled", suppressed);
    expect(h.reports).toEqual([]);
    // The notices policy judges the stack's resources itself: no state shared with other policies, no order assumed.
    const fresh = harness();
    await fresh.stack(EXCEPTIONS_POLICY, [healthy(), suppressed]);
    expect(fresh.reports).toHaveLength(1);
    expect(fresh.reports[0].urn).toContain("flow-102");
    expect(fresh.reports[0].message).toBe(
      "[flow-integration-webhooks-enabled] suppressed by an exception until 2026-06-30 (owner mobile, ticket OPS-1): org policy. Suppressed finding: Integration 'Integration 102' (id 102, bitbucket) has webhooks off although BitBucket Cloud supports them.",
    );
    fresh.reports.length = 0;
    await fresh.stack(EXCEPTIONS_POLICY, [healthy()]);
    expect(fresh.reports).toEqual([]);
  });

  it("reports a broken policy file through the engine as one mandatory stack violation, without exiting", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
    const file = path.join(dir, "broken.yaml");
    fs.writeFileSync(file, "exceptions:\n  - rule: flow-integration-connected\n    integrations: [1]\n    expires: 2099-01-01\n");
    const previous = process.env.FLOW_POLICY_FILE;
    process.env.FLOW_POLICY_FILE = file;
    let policies: Policies;
    try {
      policies = packPolicies();
    } finally {
      if (previous === undefined) delete process.env.FLOW_POLICY_FILE;
      else process.env.FLOW_POLICY_FILE = previous;
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(policies.map((p) => [p.name, p.enforcementLevel])).toEqual([[POLICY_FILE_POLICY, "mandatory"]]);
    const reports: string[] = [];
    (policies[0] as StackValidationPolicy).validateStack!({ resources: [], getConfig: () => ({}) } as never, (m) => reports.push(m));
    expect(reports).toEqual([
      `invalid policy file: ${file}:2:5: exceptions[0] is missing 'reason' (every exception needs a reason). No rule was evaluated; fix the file and run again.`,
    ]);
  });

  it("reports a violation whose exception expired, saying so", async () => {
    const h = harness();
    await h.resource("flow-integration-connected", { ...another(105), connectionStatus: { status: "disconnected" } });
    expect(h.reports[0].message).toContain("An exception for this (reason: migration) expired on 2026-01-31; it no longer applies.");
  });

  it("attaches stack findings to the integration's resource", async () => {
    const h = harness();
    await h.stack("flow-no-duplicate-integrations", [healthy(), another(502, { name: "Engineering BB" }), another(503)]);
    expect(h.reports.map((r) => r.urn?.split("::").pop())).toEqual(["flow-10649", "flow-502"]);
  });

  it("fails closed on a flow:Integration without integration data", async () => {
    const h = harness();
    await h.resource("flow-integration-connected", { integration: undefined as never });
    expect(h.reports[0].message).toContain("carries no integration data");
  });
  it("fails the gate through the data policy when a rule cannot judge unusable data, naming field, path and shape", async () => {
    const h = harness();
    const broken = another(104, { webhooks_enabled: "yes" as never, integration_type: "remote" as never });
    await h.resource("flow-integration-webhooks-enabled", broken);
    await h.resource(DATA_POLICY, broken);
    expect(h.reports.map((r) => r.policy)).toEqual(["flow-integration-webhooks-enabled", DATA_POLICY]);
    expect(h.reports[0].message).toContain(
      'could not be checked: Flow sent webhooks_enabled ($.webhooks_enabled) is a string ("yes"); expected boolean or null.',
    );
    expect(h.reports[1].message).toMatch(
      /^Integration 'Integration 104' \(id 104, bitbucket\) could not be fully evaluated: Flow sent webhooks_enabled \(\$\.webhooks_enabled\) is a string \("yes"\); expected boolean or null\. Rules that could not decide: flow-integration-webhooks-enabled\. Fix: This is Flow's data/,
    );
    expect(h.reports[1].message).not.toContain("integration_type");
    expect(byPolicy(flowPolicies({ policy: POLICY, now: () => NOW }), DATA_POLICY).enforcementLevel).toBe("mandatory");
  });

  it("stays quiet in the data policy for clean data, unread fields, and errors an active exception covers", async () => {
    const h = harness();
    await h.resource(DATA_POLICY, healthy());
    await h.resource(DATA_POLICY, another(110, { integration_type: "remote" as never }));
    await h.resource(DATA_POLICY, another(102, { webhooks_enabled: "yes" as never }));
    expect(h.reports).toEqual([]);
  });
});

describe("personal data in the pack's messages", () => {
  const former = { id: 1002, name: "Sam Former", email: "sam.former@example.com", login_email: "sam.former@example.com", is_active: false };
  const orphaned = () => another(108, { created_by: former, updated_by: former });
  const OWNER = "flow-integration-owner-active";
  const withEnv = async <T>(value: string | undefined, f: () => Promise<T>): Promise<T> => {
    const previous = process.env.FLOW_SHOW_PERSONAL_DATA;
    if (value === undefined) delete process.env.FLOW_SHOW_PERSONAL_DATA;
    else process.env.FLOW_SHOW_PERSONAL_DATA = value;
    try {
      return await f();
    } finally {
      if (previous === undefined) delete process.env.FLOW_SHOW_PERSONAL_DATA;
      else process.env.FLOW_SHOW_PERSONAL_DATA = previous;
    }
  };

  it("masks user names and emails by default, as flow-audit does", async () => {
    const h = await withEnv(undefined, async () => harness());
    await h.resource(OWNER, orphaned());
    expect(h.reports.map((r) => r.message)).toEqual([
      expect.stringMatching(
        /^Integration 'Integration 108' \(id 108, bitbucket\) depends on a deactivated user: created_by user id 1002 and updated_by user id 1002\. Fix: /,
      ),
    ]);
    expect(JSON.stringify(h.reports)).not.toMatch(/Sam Former|sam\.former/);
  });

  it("masks them in the exceptions notices too", async () => {
    const policy = parsePolicy(`exceptions:\n  - {rule: ${OWNER}, integrations: [108], reason: handover, expires: 2099-01-01}\n`);
    const policies = flowPolicies({ policy, now: () => NOW, showPersonalData: false });
    const notices: string[] = [];
    const resources = [{ type: INTEGRATION_TYPE, props: { integration: orphaned().integration }, urn: "urn:x", name: "flow-108" }];
    await (byPolicy(policies, EXCEPTIONS_POLICY) as StackValidationPolicy).validateStack!({ resources, getConfig: () => ({}) } as never, (m) =>
      notices.push(m),
    );
    expect(notices).toEqual([
      expect.stringContaining("Suppressed finding: Integration 'Integration 108' (id 108, bitbucket) depends on a deactivated user: created_by user id 1002"),
    ]);
  });

  it("shows them when asked: the showPersonalData option, or FLOW_SHOW_PERSONAL_DATA as for flow-audit", async () => {
    const byOption = harness({}, { showPersonalData: true });
    await byOption.resource(OWNER, orphaned());
    expect(byOption.reports[0].message).toContain("created_by user 'Sam Former' (id 1002) and updated_by user 'Sam Former' (id 1002)");
    const byEnv = await withEnv("1", async () => harness());
    await byEnv.resource(OWNER, orphaned());
    expect(byEnv.reports[0].message).toContain("created_by user 'Sam Former' (id 1002)");
    const typo = await withEnv("yes please", async () => harness());
    await typo.resource(OWNER, orphaned());
    expect(typo.reports[0].message).not.toContain("Sam Former");
  });

  it("says on stderr when they are shown, or when the setting is not understood", () => {
    const said: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-env-"));
    try {
      packPolicyFile({ PWD: dir, FLOW_SHOW_PERSONAL_DATA: "true" }, (l) => said.push(l));
      packPolicyFile({ PWD: dir, FLOW_SHOW_PERSONAL_DATA: "sometimes" }, (l) => said.push(l));
      packPolicyFile({ PWD: dir }, (l) => said.push(l));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(said.filter((l) => !l.includes("policy file"))).toEqual([
      "pulumi-flow policy pack: user names and emails are shown in messages (FLOW_SHOW_PERSONAL_DATA)",
      'pulumi-flow policy pack: FLOW_SHOW_PERSONAL_DATA="sometimes" is not one of true, 1, yes, false, 0, no; personal data stays masked',
    ]);
  });
});
