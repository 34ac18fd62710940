import { describe, expect, it } from "vitest";
import { allowedVendor } from "../../../src/rules/index";
import { healthy, run } from "./fixtures";

describe("flow-integration-allowed-vendor", () => {
  it("is disabled until configured, and an error when enabled without a list", () => {
    expect(allowedVendor.enforcement).toBe("disabled");
    expect(run(allowedVendor, healthy()).status).toBe("error");
  });
  it("flags a vendor outside the allowlist", () => {
    expect(run(allowedVendor, healthy(), { allowedVendors: ["bitbucket"] }).status).toBe("ok");
    const f = run(allowedVendor, healthy(), { allowedVendors: ["github", "jira"] });
    expect(f.status).toBe("violation");
    expect(f.message).toContain("vendor 'bitbucket', which is not allowed (allowed: 'github' and 'jira')");
  });
});
