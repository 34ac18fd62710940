import { describe, expect, it } from "vitest";
import { requiredVendorsPresent } from "../../../src/rules/index";
import { another, healthy, runStack } from "./fixtures";

describe("flow-required-vendors-present (stack)", () => {
  const jira = another(502, { vendor_type: "jira" });
  it("is an error when enabled without requiredVendors", () => {
    expect(runStack(requiredVendorsPresent, [healthy()]).map((f) => f.status)).toEqual(["error"]);
  });
  it("reports one finding per required vendor", () => {
    const fs = runStack(requiredVendorsPresent, [healthy(), jira], { requiredVendors: ["bitbucket", "gitlab"] });
    expect(fs.map((f) => [f.subject, f.status])).toEqual([
      ["vendor 'bitbucket'", "ok"],
      ["vendor 'gitlab'", "violation"],
    ]);
    expect(fs[1].message).toBe("Vendor 'gitlab' is required but has no integration in Flow.");
    expect(fs[1].evidence.vendor).toBe("gitlab");
  });
  it("flags a vendor whose integrations are all disconnected", () => {
    const down = { ...jira, connectionStatus: { status: "error" } };
    const [f] = runStack(requiredVendorsPresent, [healthy(), down], { requiredVendors: ["jira"] });
    expect(f.status).toBe("violation");
    expect(f.message).toBe("Vendor 'jira' is required but none of its integrations is connected ('Integration 502' (id 502)).");
  });
  it("counts connected statuses case-insensitively, with the configured healthy values", () => {
    const up = { ...jira, connectionStatus: { status: "CONNECTED" } };
    expect(runStack(requiredVendorsPresent, [up], { requiredVendors: ["jira"] })[0].status).toBe("ok");
    expect(runStack(requiredVendorsPresent, [up], { requiredVendors: ["jira"], healthyStatuses: ["Connected"] })[0].status).toBe("ok");
  });
  it("gives an integration with an unusable vendor_type an error and judges the rest without it", () => {
    const broken = another(503, { vendor_type: 7 as never });
    const fs = runStack(requiredVendorsPresent, [healthy(), broken], { requiredVendors: ["bitbucket"] });
    expect(fs.map((f) => [f.integration?.id ?? f.subject, f.status])).toEqual([
      [503, "error"],
      ["vendor 'bitbucket'", "ok"],
    ]);
    expect(fs[0].message).toContain("vendor_type ($.vendor_type) is a number (7); expected string");
  });
});
