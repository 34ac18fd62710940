import { describe, expect, it } from "vitest";
import { changedPaths, diffInventories, sameJson, VOLATILE_FIELDS, withoutVolatile } from "../../../src/inventory/diff";
import { demoDataset } from "../../../src/simulator/datasets";

describe("changed paths and inventory diffs", () => {
  it("lists changed paths, ignoring __ keys", () => {
    const a = { integration: { webhooks_enabled: true, name: "a" }, __provider: "x" };
    const b = { integration: { webhooks_enabled: false, name: "a" }, __provider: "y" };
    expect(changedPaths(a, b)).toEqual(["integration.webhooks_enabled"]);
    expect(changedPaths(a, a)).toEqual([]);
  });

  it("compares regardless of key order, also inside arrays (state read back may order keys differently)", () => {
    const a = { integration: { owners: [{ id: 1, email: "a@x" }], name: "a" }, connectionStatus: { status: "ok", connected: true } };
    const b = { connectionStatus: { connected: true, status: "ok" }, integration: { name: "a", owners: [{ email: "a@x", id: 1 }] } };
    expect(sameJson(a, b)).toBe(true);
    expect(changedPaths(a, b)).toEqual([]);
    expect(changedPaths(a, { ...b, integration: { name: "a", owners: [{ email: "b@x", id: 1 }] } })).toEqual(["integration.owners"]);
    expect(changedPaths(a, { ...b, integration: { name: "a", owners: [] } })).toEqual(["integration.owners"]);
    // A key that holds undefined is no key (as in JSON); null is a value.
    expect(sameJson({ x: 1, y: undefined }, { x: 1 })).toBe(true);
    expect(sameJson({ x: 1, y: null }, { x: 1 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: [1] }, { a: { 0: 1 } })).toBe(false);
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
