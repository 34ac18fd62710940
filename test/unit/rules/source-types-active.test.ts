import { describe, expect, it } from "vitest";
import { sourceTypesActive } from "../../../src/rules/index";
import { healthy, run, sourceTypes } from "./fixtures";

describe("flow-integration-source-types-active", () => {
  it("accepts the example's active source types", () => {
    const f = run(sourceTypesActive, healthy());
    expect(f.status).toBe("ok");
    expect(f.message).toContain("has 3 enabled source types, all active");
  });
  it("flags an enabled source type that is not active, by its source_type_name", () => {
    const f = run(sourceTypesActive, healthy({ enabled_source_types: sourceTypes({ pull_request: { status: "inactive" } }) }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("pull_request (inactive)");
    expect(f.remediation).toContain("'pull_request'");
    expect(f.enforcement).toBe("advisory");
  });
  it("compares statuses case-insensitively (ACTIVE is active)", () => {
    expect(run(sourceTypesActive, healthy({ enabled_source_types: sourceTypes({ repo: { status: "ACTIVE" }, ticket: { status: "Active" } }) })).status).toBe(
      "ok",
    );
  });
  it("accepts configured active statuses", () => {
    expect(
      run(sourceTypesActive, healthy({ enabled_source_types: sourceTypes({ repo: { status: "syncing" } }) }), { activeStatuses: ["active", "syncing"] }).status,
    ).toBe("ok");
  });
  it("is not applicable without source types, or when statuses are not reported", () => {
    expect(run(sourceTypesActive, healthy({ enabled_source_types: [] })).status).toBe("not-applicable");
    expect(run(sourceTypesActive, healthy({ enabled_source_types: null })).status).toBe("not-applicable");
    expect(run(sourceTypesActive, healthy({ enabled_source_types: ["repo"] })).status).toBe("not-applicable");
    expect(run(sourceTypesActive, healthy({ enabled_source_types: sourceTypes({ repo: { status: null } }) })).status).toBe("not-applicable");
  });
  it("is an error naming the item when a source type has no source_type_name", () => {
    const types = sourceTypes();
    delete (types![1] as Record<string, unknown>).source_type_name;
    const f = run(sourceTypesActive, healthy({ enabled_source_types: types }));
    expect(f.status).toBe("error");
    expect(f.message).toContain("enabled_source_types.source_type_name ($.enabled_source_types[1].source_type_name) is missing");
  });
});
