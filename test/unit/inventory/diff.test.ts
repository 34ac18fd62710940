import { describe, expect, it } from "vitest";
import { changedPaths, diffInventories, VOLATILE_FIELDS, withoutVolatile } from "../../../src/inventory/diff";
import { demoDataset } from "../../../src/simulator/datasets";

describe("changed paths and inventory diffs", () => {
  it("lists changed paths, ignoring __ keys", () => {
    const a = { integration: { webhooks_enabled: true, name: "a" }, __provider: "x" };
    const b = { integration: { webhooks_enabled: false, name: "a" }, __provider: "y" };
    expect(changedPaths(a, b)).toEqual(["integration.webhooks_enabled"]);
    expect(changedPaths(a, a)).toEqual([]);
  });

  it("ignores volatile fields (sync and check timestamps) at any depth", () => {
    const [a] = demoDataset(Date.UTC(2026, 0, 1));
    const b = structuredClone(a);
    b.integration.source_projects_last_updated = "2026-01-02T00:00:00.000000";
    b.connectionStatus.last_checked_at = "2026-01-02T00:00:00.000000";
    expect(changedPaths(withoutVolatile(a), withoutVolatile(b))).toEqual([]);
    expect(VOLATILE_FIELDS).toContain("source_projects_last_updated");
    b.integration.webhooks_enabled = false;
    expect(diffInventories([a], [b]).changed).toEqual([{ id: 101, name: "GitHub Platform", vendor: "github", fields: ["integration.webhooks_enabled"] }]);
  });
});
