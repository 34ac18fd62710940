import { describe, expect, it } from "vitest";
import { webhooksEnabled } from "../../../src/rules/index";
import { healthy, published, run } from "./fixtures";

describe("flow-integration-webhooks-enabled", () => {
  it("accepts the compliant example", () => {
    expect(run(webhooksEnabled, healthy()).status).toBe("ok");
  });
  it("flags the published example (webhooks off, vendor supports them), naming the integration and the vendor's title", () => {
    const f = run(webhooksEnabled, { integration: published() });
    expect(f).toMatchObject({ status: "violation", severity: "high", enforcement: "mandatory" });
    expect(f.message).toBe("Integration 'Engineering BB' (id 10649, bitbucket) has webhooks off although BitBucket Cloud supports them.");
    expect(f.remediation).toMatch(/turn on webhooks/);
    expect(f.evidence).toEqual({ webhooks_enabled: false, "vendor_meta.enable_webhooks": true });
  });
  it("is not applicable when the vendor has no webhooks", () => {
    const meta = { ...published().vendor_meta, enable_webhooks: false };
    expect(run(webhooksEnabled, healthy({ webhooks_enabled: false, vendor_meta: meta })).status).toBe("not-applicable");
  });
  it("is not applicable for a vendor the configuration exempts", () => {
    const f = run(webhooksEnabled, healthy({ webhooks_enabled: false }), { ignoreVendors: ["bitbucket"] });
    expect(f.status).toBe("not-applicable");
    expect(f.message).toMatch(/exempts/);
  });
  it("is an error, not a pass, when vendor support or the setting is unknown", () => {
    expect(run(webhooksEnabled, healthy({ vendor_meta: null })).status).toBe("error");
    expect(run(webhooksEnabled, healthy({ webhooks_enabled: null })).status).toBe("error");
  });
  it("is an error naming the field, its path and shape when Flow sends webhooks_enabled as a string", () => {
    const f = run(webhooksEnabled, healthy({ webhooks_enabled: "yes" as never }));
    expect(f.status).toBe("error");
    expect(f.message).toBe(
      "Integration 'Engineering BB' (id 10649, bitbucket) could not be checked: Flow sent webhooks_enabled ($.webhooks_enabled) is a string (\"yes\"); expected boolean or null.",
    );
    expect(f.dataProblems).toEqual([
      {
        integrationId: 10649,
        document: "integration",
        path: "$.webhooks_enabled",
        field: "webhooks_enabled",
        expected: "boolean or null",
        got: 'a string ("yes")',
      },
    ]);
  });
});
