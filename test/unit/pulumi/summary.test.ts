import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import { resolveSettings } from "../../../src/pulumi/settings";
import { changedPaths, fromIntegrationState, toIntegrationState } from "../../../src/pulumi/state";
import { isConnected, summarize } from "../../../src/pulumi/summary";
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

describe("resource state", () => {
  it("maps records to state and back, without undefined values", () => {
    const state = toIntegrationState({ integration: { id: 7, name: "x", vendor_type: "github", url: undefined } });
    expect(state).toEqual({ integrationId: 7, integration: { id: 7, name: "x", vendor_type: "github" } });
    expect(fromIntegrationState(state)).toEqual({ integration: state.integration, connectionStatus: undefined });
  });

  it("lists changed paths, ignoring __ keys", () => {
    const a = { integration: { webhooks_enabled: true, name: "a" }, __provider: "x" };
    const b = { integration: { webhooks_enabled: false, name: "a" }, __provider: "y" };
    expect(changedPaths(a, b)).toEqual(["integration.webhooks_enabled"]);
    expect(changedPaths(a, a)).toEqual([]);
  });
});

describe("settings", () => {
  it("prefers explicit arguments, then stack config, then the environment", () => {
    const config = { get: (k: string) => (k === "apiUrl" ? "https://config.example/v3/customer/core" : undefined) };
    const env = { FLOW_API_URL: "https://env.example", FLOW_API_TOKEN: "env-token" };
    expect(resolveSettings({}, config, env)).toEqual({ apiUrl: "https://config.example/v3/customer/core", token: "env-token" });
    expect(resolveSettings({ apiUrl: "https://arg.example", token: "arg" }, config, env)).toEqual({ apiUrl: "https://arg.example", token: "arg" });
    expect(resolveSettings({}, undefined, env)).toEqual({ apiUrl: "https://env.example", token: "env-token" });
  });
});
