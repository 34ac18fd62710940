import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import { connected } from "../../../src/rules/index";
import { healthy, run } from "./fixtures";

const withStatus = (connectionStatus: InventoryRecord["connectionStatus"]) => ({ ...healthy(), connectionStatus });

describe("flow-integration-connected", () => {
  it("accepts a connected status", () => {
    expect(run(connected, healthy()).status).toBe("ok");
  });
  it("flags a status outside the healthy list, with Flow's message", () => {
    const f = run(connected, withStatus({ status: "disconnected", connected: false, message: "OAuth token expired" }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("is not connected: status 'disconnected' (OAuth token expired)");
  });
  it("accepts configured healthy values, case-insensitively", () => {
    expect(run(connected, withStatus({ status: "OK" }), { healthyStatuses: ["ok"] }).status).toBe("ok");
    expect(run(connected, withStatus({ status: "CONNECTED" })).status).toBe("ok");
    expect(run(connected, withStatus({ status: "connected" }), { healthyStatuses: ["Connected"] }).status).toBe("ok");
  });
  it("falls back to the connected boolean", () => {
    expect(run(connected, withStatus({ connected: true })).status).toBe("ok");
    expect(run(connected, withStatus({ connected: false })).status).toBe("violation");
  });
  it("is an error naming both fields when status and connected contradict each other (never a pass)", () => {
    const f = run(connected, withStatus({ status: "connected", connected: false, message: "token revoked" }));
    expect(f.status).toBe("error");
    expect(f.message).toContain(
      "returned a connection status that contradicts itself: status 'connected' counts as healthy but connected is false (message: token revoked)",
    );
    expect(f.evidence).toEqual({ "connection_status.status": "connected", "connection_status.connected": false, "connection_status.message": "token revoked" });
    expect(f.dataProblems).toEqual([expect.objectContaining({ field: "connection_status.connected", path: "$.connected", got: "a boolean (false)" })]);
    const g = run(connected, withStatus({ status: "disconnected", connected: true }));
    expect(g.status).toBe("error");
    expect(g.message).toContain("status 'disconnected' is not healthy (healthy is 'connected') but connected is true");
    // they agree under the configured healthy values: no contradiction
    expect(run(connected, withStatus({ status: "syncing", connected: true }), { healthyStatuses: ["connected", "syncing"] }).status).toBe("ok");
    expect(run(connected, withStatus({ status: "connected", connected: null })).status).toBe("ok");
  });
  it("is an error when no status was read or the body says nothing", () => {
    expect(run(connected, withStatus(undefined)).status).toBe("error");
    expect(run(connected, withStatus({ detail: "?" })).status).toBe("error");
  });
  it("is an error naming the field when the (unpublished) status body has an unusable shape", () => {
    const f = run(connected, withStatus({ status: 3 as never }));
    expect(f.status).toBe("error");
    expect(f.message).toContain("connection_status.status (connection_status $.status) is a number (3); expected string or null");
    const g = run(connected, withStatus("ok" as never));
    expect(g.status).toBe("error");
    expect(g.dataProblems?.[0]).toMatchObject({ field: "connection_status", path: "$", got: 'a string ("ok")' });
  });
});
