import { describe, expect, it } from "vitest";
import { parsePreviewEvents } from "../../../src/pulumi/events";

const urn = "urn:pulumi:dev::audit::flow:index:Integrations$pulumi-nodejs:dynamic/flow:Integration::flow-102";
const policyEvent = {
  policyEvent: {
    resourceUrn: urn,
    message: "Checks that webhooks are turned on.\nIntegration 'GitHub Mobile' (id 102, github) has webhooks off. Fix: turn them on.\n",
    policyName: "flow-integration-webhooks-enabled",
    policyPackName: "pulumi-flow",
    enforcementLevel: "mandatory",
    severity: "high",
  },
};
const lines = [
  JSON.stringify({ preludeEvent: { config: {} } }),
  "not json at all",
  JSON.stringify(policyEvent),
  JSON.stringify(policyEvent), // `pulumi up`: the same violation again in the update
  JSON.stringify({
    policyEvent: {
      ...policyEvent.policyEvent,
      resourceUrn: undefined,
      policyName: "flow-required-vendors-present",
      message: "d\nVendor 'gitlab' is required.\n",
    },
  }),
  JSON.stringify({ resOutputsEvent: { metadata: { type: "pulumi:pulumi:Stack", new: { outputs: {} } } } }),
  JSON.stringify({ resOutputsEvent: { metadata: { type: "pulumi:pulumi:Stack", new: { outputs: { summary: { total: 12 } } } } } }),
  JSON.stringify({ diagnosticEvent: { severity: "debug", message: "noise" } }),
  JSON.stringify({ diagnosticEvent: { severity: "error", message: "preview failed\n" } }),
  JSON.stringify({ summaryEvent: { result: "failed" } }),
].join("\n");

describe("parsePreviewEvents", () => {
  it("reads violations (once each, without the description line), outputs, result and diagnostics", () => {
    const e = parsePreviewEvents(lines);
    expect(e.violations).toEqual([
      {
        policy: "flow-integration-webhooks-enabled",
        pack: "pulumi-flow",
        enforcement: "mandatory",
        severity: "high",
        urn,
        resource: "flow-102",
        message: "Integration 'GitHub Mobile' (id 102, github) has webhooks off. Fix: turn them on.",
      },
      { policy: "flow-required-vendors-present", pack: "pulumi-flow", enforcement: "mandatory", severity: "high", message: "Vendor 'gitlab' is required." },
    ]);
    expect(e.outputs).toEqual({ summary: { total: 12 } });
    expect(e.result).toBe("failed");
    expect(e.diagnostics).toEqual([{ severity: "error", message: "preview failed\n" }]);
  });
});
