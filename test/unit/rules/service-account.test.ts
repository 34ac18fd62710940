import { describe, expect, it } from "vitest";
import { serviceAccount } from "../../../src/rules/index";
import { healthy, run } from "./fixtures";

const svc = { auth_type: "token", username: "flow-bitbucket-svc" };

describe("flow-integration-service-account", () => {
  it("is disabled until configured, and an error when enabled without a pattern", () => {
    expect(serviceAccount.enforcement).toBe("disabled");
    expect(run(serviceAccount, healthy(svc)).status).toBe("error");
  });
  it("checks the whole username against the pattern", () => {
    const params = { usernamePattern: "flow-.*-svc" };
    expect(run(serviceAccount, healthy(svc), params).status).toBe("ok");
    const f = run(serviceAccount, healthy({ username: "jdoe" }), params);
    expect(f.status).toBe("violation");
    expect(f.message).toContain("authenticates as 'jdoe'");
    expect(run(serviceAccount, healthy({ username: "xflow-github-svc-old" }), params).status).toBe("violation");
  });
  it("limits itself to configured auth types and needs a username (the published example has none)", () => {
    expect(run(serviceAccount, healthy({ username: "jdoe" }), { usernamePattern: "svc", authTypes: ["userpass"] }).status).toBe("not-applicable");
    expect(run(serviceAccount, healthy(), { usernamePattern: "svc" }).status).toBe("not-applicable");
  });
  it("reports an invalid pattern as an error", () => {
    expect(run(serviceAccount, healthy(svc), { usernamePattern: "(" }).message).toContain("not a valid regular expression");
  });
});
