import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import { isConnected } from "../../../src/inventory/health";
import { summarize } from "../../../src/inventory/summary";
import { demoDataset } from "../../../src/simulator/datasets";

const now = new Date("2026-06-01T00:00:00Z");
const demo: InventoryRecord[] = demoDataset(now.getTime()).map((r) => ({ integration: r.integration, connectionStatus: r.connectionStatus }));

describe("summarize", () => {
  it("counts by vendor and auth type and lists the ids needing attention in the demo tenant", () => {
    expect(summarize(demo, { now })).toEqual({
      total: 12,
      byVendor: { azure_devops: 2, bitbucket: 2, github: 3, gitlab: 3, jira: 2 },
      byAuthType: { app: 1, oauth: 7, token: 2, userpass: 2 },
      disconnected: [105],
      webhooksOff: [102],
      notRecentlySynced: [107],
    });
  });

  it("counts vendor names such as __proto__ and constructor as plain keys", () => {
    const [one] = demo;
    const odd = ["__proto__", "constructor", "toString"].map((vendor_type, i) => ({ ...one, integration: { ...one.integration, id: 900 + i, vendor_type } }));
    const summary = summarize(odd, { now });
    expect(JSON.stringify(summary.byVendor)).toBe(`{"__proto__":1,"constructor":1,"toString":1}`);
    expect(Object.keys(summary.byVendor).sort()).toEqual(["__proto__", "constructor", "toString"]);
  });

  it("agrees with the connected rule on healthy values, whatever their case", () => {
    const [one] = demo;
    expect(isConnected({ ...one, connectionStatus: { status: "connected" } }, ["Connected"])).toBe(true);
    expect(summarize([{ ...one, connectionStatus: { status: "CONNECTED" } }], { now, healthyStatuses: ["Connected"] }).disconnected).toEqual([]);
  });

  it("honours staleAfterDays and treats an unknown sync time as stale", () => {
    const [one] = demo;
    const unknown = { ...one, integration: { ...one.integration, source_projects_last_updated: null } };
    expect(summarize([unknown], { now }).notRecentlySynced).toEqual([101]);
    expect(summarize(demo, { now, staleAfterDays: 2 }).notRecentlySynced).toEqual([106, 107]);
  });

  it("counts a missing connection status as disconnected, and uses configurable healthy values", () => {
    const [one] = demo;
    expect(isConnected({ integration: one.integration })).toBe(false);
    expect(isConnected({ integration: one.integration, connectionStatus: { connected: true } })).toBe(true);
    expect(isConnected({ integration: one.integration, connectionStatus: { status: "OK" } }, ["ok"])).toBe(true);
  });
});
