import { describe, expect, it } from "vitest";
import { ownerActive } from "../../../src/rules/index";
import { healthy, published, run } from "./fixtures";

const sam = { ...(published().created_by as object), id: 1002, user_id: 1002, name: "Sam Former", is_active: false };

describe("flow-integration-owner-active", () => {
  it("accepts the published example's active user objects", () => {
    const f = run(ownerActive, { integration: published() });
    expect(f.status).toBe("ok");
    expect(f.evidence).toEqual({ created_by: { id: 19994, state: "active" }, updated_by: { id: 19994, state: "active" } });
  });
  it("flags a deactivated creator or updater", () => {
    const f = run(ownerActive, healthy({ created_by: sam }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("created_by user 'Sam Former' (id 1002)");
    expect(run(ownerActive, healthy({ updated_by: sam })).status).toBe("violation");
  });
  it("ignores the updater when configured to", () => {
    expect(run(ownerActive, healthy({ updated_by: sam }), { checkUpdatedBy: false }).status).toBe("ok");
  });
  it("is not applicable, with the reason, for a user given only as an id (string or number)", () => {
    const f = run(ownerActive, healthy({ created_by: "19994" }));
    expect(f.status).toBe("not-applicable");
    expect(f.message).toContain("created_by is given only as user id 19994");
    expect(run(ownerActive, healthy({ created_by: 19994 })).status).toBe("not-applicable");
    expect(run(ownerActive, healthy({ created_by: { id: 3 } })).status).toBe("not-applicable");
    expect(run(ownerActive, healthy({ created_by: null, updated_by: null })).status).toBe("not-applicable");
  });
  it("still flags a known deactivated user when the other is unknown", () => {
    expect(run(ownerActive, healthy({ created_by: "1002", updated_by: sam })).status).toBe("violation");
  });
  it("is an error naming the field when a user is neither an object, an id nor null", () => {
    const f = run(ownerActive, healthy({ created_by: "sam@example.com" }));
    expect(f.status).toBe("error");
    expect(f.message).toContain('created_by ($.created_by) is a string ("sam@example.com"); expected object, integer, a user id of digits or null');
  });
});
