import { describe, expect, it } from "vitest";
import { requiredSourceTypes } from "../../../src/rules/index";
import { healthy, published, run, sourceTypes } from "./fixtures";

const only = (...names: string[]) => sourceTypes()!.filter((t) => typeof t !== "string" && names.includes(t.source_type_name));

describe("flow-integration-required-source-types", () => {
  it("accepts the published example (repo and pull_request enabled, as vendor_meta.services offers)", () => {
    const f = run(requiredSourceTypes, { integration: published() });
    expect(f.status).toBe("ok");
    expect(f.evidence).toEqual({
      required: ["repo", "pull_request"],
      offered: ["repo", "ticket", "pull_request"],
      enabled: ["pull_request", "ticket", "repo"],
    });
  });
  it("flags a required source type the vendor offers but the integration lacks", () => {
    const f = run(requiredSourceTypes, healthy({ enabled_source_types: only("repo", "ticket") }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("does not have 'pull_request' enabled although BitBucket Cloud offers it");
    expect(f.remediation).toContain("enable 'pull_request'");
  });
  it("reads source_type_names when enabled_source_types is absent (list or comma string)", () => {
    expect(run(requiredSourceTypes, healthy({ enabled_source_types: undefined, source_type_names: "repo, pull_request" })).status).toBe("ok");
    expect(run(requiredSourceTypes, healthy({ enabled_source_types: undefined, source_type_names: ["repo"] })).status).toBe("violation");
  });
  it("uses per-vendor requirements", () => {
    expect(
      run(requiredSourceTypes, healthy({ enabled_source_types: only("repo", "pull_request") }), { vendorRequiredSourceTypes: { bitbucket: ["ticket"] } })
        .status,
    ).toBe("violation");
  });
  it("is not applicable when the vendor offers none of them, or offers are unknown", () => {
    const meta = { ...published().vendor_meta, services: [{ name: "ticket", display: "Tickets" }] };
    expect(run(requiredSourceTypes, healthy({ vendor_meta: meta, enabled_source_types: only("ticket") })).status).toBe("not-applicable");
    expect(run(requiredSourceTypes, healthy({ vendor_meta: { ...published().vendor_meta, services: undefined } })).status).toBe("not-applicable");
    expect(run(requiredSourceTypes, healthy(), { requiredSourceTypes: [] }).status).toBe("not-applicable");
  });
  it("is an error naming the field when vendor_meta.services has no names", () => {
    const meta = { ...published().vendor_meta, services: [{ display: "Repos" }] as never };
    const f = run(requiredSourceTypes, healthy({ vendor_meta: meta }));
    expect(f.status).toBe("error");
    expect(f.message).toContain("vendor_meta.services.name ($.vendor_meta.services[0].name) is missing");
  });
});
