import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../../src/pulumi/settings";
import { fromIntegrationState, toIntegrationState } from "../../../src/pulumi/state";

describe("resource state", () => {
  it("maps records to state and back, without undefined values", () => {
    const state = toIntegrationState({ integration: { id: 7, name: "x", vendor_type: "github", url: undefined } });
    expect(state).toEqual({ integrationId: 7, integration: { id: 7, name: "x", vendor_type: "github" } });
    expect(fromIntegrationState(state)).toEqual({ integration: state.integration, connectionStatus: undefined });
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
