import { describe, expect, it } from "vitest";
import { DEFAULT_FLOW_API_URL, flowConnection } from "../../../src/api/connection";
import { FlowApiError } from "../../../src/api/errors";

const env = { FLOW_API_URL: "https://tenant.appfireflow.com/v3/customer/core", FLOW_API_TOKEN: "from-env" };

describe("the connection defaults (src/api/connection.ts)", () => {
  it("takes a given URL and token first, then FLOW_API_URL and FLOW_API_TOKEN, then Flow Cloud", () => {
    expect(flowConnection({ baseUrl: "https://other.example/v3/customer/core", token: "given" }, env, "-")).toEqual({
      baseUrl: "https://other.example/v3/customer/core",
      token: "given",
    });
    expect(flowConnection({ baseUrl: undefined, token: undefined }, env, "-")).toEqual({ baseUrl: env.FLOW_API_URL, token: "from-env" });
    expect(flowConnection({}, { FLOW_API_TOKEN: "from-env" }, "-")).toEqual({ baseUrl: DEFAULT_FLOW_API_URL, token: "from-env" });
  });

  it("refuses a missing or empty token as a config error naming the ways to give one", () => {
    for (const e of [{}, { FLOW_API_TOKEN: "" }]) {
      let error: unknown;
      try {
        flowConnection({}, e, "set FLOW_API_TOKEN");
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(FlowApiError);
      expect((error as FlowApiError).kind).toBe("config");
      expect((error as FlowApiError).message).toMatch(/no API token .*: set FLOW_API_TOKEN$/);
    }
  });
});
