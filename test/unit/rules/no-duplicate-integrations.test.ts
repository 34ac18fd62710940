import { describe, expect, it } from "vitest";
import { noDuplicateIntegrations } from "../../../src/rules/index";
import { another, healthy, runStack } from "./fixtures";

describe("flow-no-duplicate-integrations (stack)", () => {
  it("flags every integration of a same-vendor, same-name group (case-insensitive)", () => {
    const fs = runStack(noDuplicateIntegrations, [
      healthy(),
      another(502, { name: "engineering bb " }),
      another(503),
      another(504, { vendor_type: "gitlab", name: "Engineering BB" }),
    ]);
    expect(fs.map((f) => [f.integration?.id, f.status])).toEqual([
      [10649, "violation"],
      [502, "violation"],
      [503, "ok"],
      [504, "ok"],
    ]);
    expect(fs[0].message).toContain("shares its name 'Engineering BB' with integration 502");
  });
  it("matches on username only when configured (the example's username is null)", () => {
    const records = [healthy({ username: "flow-svc" }), another(502, { username: "flow-svc" })];
    expect(runStack(noDuplicateIntegrations, records).every((f) => f.status === "ok")).toBe(true);
    expect(runStack(noDuplicateIntegrations, records, { matchOn: ["username"] }).every((f) => f.status === "violation")).toBe(true);
    expect(runStack(noDuplicateIntegrations, [healthy(), another(502)], { matchOn: ["username"] }).every((f) => f.status === "ok")).toBe(true);
  });
});
