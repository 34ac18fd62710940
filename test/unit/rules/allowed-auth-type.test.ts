import { describe, expect, it } from "vitest";
import { allowedAuthType } from "../../../src/rules/index";
import { healthy, published, run } from "./fixtures";

describe("flow-integration-allowed-auth-type", () => {
  it("allows the published example's oauth", () => {
    const f = run(allowedAuthType, { integration: published() });
    expect(f.status).toBe("ok");
    expect(f.message).toBe("Integration 'Engineering BB' (id 10649, bitbucket) uses the allowed auth type 'oauth'.");
  });
  it("rejects userpass by default and says what to use instead", () => {
    const f = run(allowedAuthType, healthy({ auth_type: "userpass" }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("uses auth type 'userpass', which is not allowed for BitBucket Cloud integrations");
    expect(f.remediation).toContain("'oauth', 'app' or 'token' instead of a stored username and password");
  });
  it("rejects a type outside a configured allowlist", () => {
    expect(run(allowedAuthType, healthy({ auth_type: "token" }), { allowedAuthTypes: ["oauth"] }).status).toBe("violation");
  });
  it("uses the vendor's own list when there is one", () => {
    const params = { vendorAllowedAuthTypes: { bitbucket: ["userpass"] } };
    expect(run(allowedAuthType, healthy({ auth_type: "userpass" }), params).status).toBe("ok");
    expect(run(allowedAuthType, healthy({ auth_type: "oauth" }), params).status).toBe("violation");
    expect(run(allowedAuthType, healthy({ vendor_type: "jira", auth_type: "oauth" }), params).status).toBe("ok");
  });
  it("is an error when auth_type is missing", () => {
    expect(run(allowedAuthType, healthy({ auth_type: null })).status).toBe("error");
  });
});
