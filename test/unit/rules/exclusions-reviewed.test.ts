import { describe, expect, it } from "vitest";
import { exclusionsReviewed } from "../../../src/rules/index";
import { healthy, published, run } from "./fixtures";

describe("flow-integration-exclusions-reviewed", () => {
  it("flags the published example's one exclusion rule (maximum 0 by default)", () => {
    const f = run(exclusionsReviewed, { integration: published() });
    expect(f.status).toBe("violation");
    expect(f.message).toBe("Integration 'Engineering BB' (id 10649, bitbucket) has 1 exclusion rule (maximum 0).");
  });
  it("flags excluded owners that were not reviewed", () => {
    const f = run(exclusionsReviewed, healthy({ excluded_project_owners: ["sandbox"] }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("'sandbox'");
  });
  it("flags more exclusion rules than allowed", () => {
    expect(run(exclusionsReviewed, healthy({ exclusion_rule_count: 3 }), { maxExclusionRules: 2 }).status).toBe("violation");
  });
  it("accepts reviewed exclusions", () => {
    expect(run(exclusionsReviewed, healthy()).status).toBe("ok");
    expect(
      run(exclusionsReviewed, healthy({ excluded_project_owners: ["sandbox"], exclusion_rule_count: 2 }), {
        allowedExcludedOwners: ["sandbox"],
        maxExclusionRules: 2,
      }).status,
    ).toBe("ok");
    expect(run(exclusionsReviewed, healthy({ excluded_project_owners: null, exclusion_rule_count: null })).status).toBe("ok");
  });
  it("is an error naming the field, not a crash, when owners arrive as a string", () => {
    const f = run(exclusionsReviewed, healthy({ excluded_project_owners: "sandbox" as never }));
    expect(f.status).toBe("error");
    expect(f.message).toContain('excluded_project_owners ($.excluded_project_owners) is a string ("sandbox"); expected array or null');
  });
});
