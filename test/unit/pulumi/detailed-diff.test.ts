import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { describe, expect, it } from "vitest";
import { forwardDetailedDiffs, withDetailedDiff } from "../../../src/pulumi/detailed-diff";

const SOME = providerProto.DiffResponse.DiffChanges.DIFF_SOME;
const detailed = { "integration.webhooks_enabled": { kind: "update", inputDiff: true }, 'integrations["150"]': { kind: "add", inputDiff: true } } as const;

/** What the SDK's dynamic-provider server does with a provider's diff result (cmd/dynamic-provider: diff). */
function serverAnswer(result: { changes: boolean }): providerProto.DiffResponse {
  const resp = new providerProto.DiffResponse();
  if (result.changes === true) resp.setChanges(SOME);
  else if (result.changes === false) resp.setChanges(providerProto.DiffResponse.DiffChanges.DIFF_NONE);
  return resp;
}

describe("forwarding the providers' detailed diff (src/pulumi/detailed-diff.ts)", () => {
  it("is off on an SDK it was not verified on, and with PULUMI_FLOW_SDK_PATCH=0", () => {
    expect(forwardDetailedDiffs({}, "3.999.0")).toBe(false);
    expect(forwardDetailedDiffs({ PULUMI_FLOW_SDK_PATCH: "0" }, "3.248.0")).toBe(false);
    expect(serverAnswer(withDetailedDiff({ changes: true, detailedDiff: { ...detailed } })).getHasdetaileddiff()).toBe(false);
  });

  it("hands a result's detailed diff to the response the server fills with it, and to no other", async () => {
    expect(forwardDetailedDiffs({}, "3.248.0")).toBe(true);
    const resp = serverAnswer(withDetailedDiff({ changes: true, detailedDiff: { ...detailed } }));
    expect(resp.getHasdetaileddiff()).toBe(true);
    expect(resp.getDiffsList()).toEqual(["integration", "integrations"]);
    const map = resp.getDetaileddiffMap();
    expect(map.get("integration.webhooks_enabled")?.getKind()).toBe(providerProto.PropertyDiff.Kind.UPDATE);
    expect(map.get('integrations["150"]')?.getKind()).toBe(providerProto.PropertyDiff.Kind.ADD);
    expect(map.get('integrations["150"]')?.getInputdiff()).toBe(true);

    // A response filled without reading a result's `changes` gets nothing, then or after a microtask.
    const read = withDetailedDiff({ changes: true, detailedDiff: { ...detailed } });
    void read.changes;
    await Promise.resolve();
    expect(serverAnswer({ changes: true }).getHasdetaileddiff()).toBe(false);
    // No change: no detailed diff.
    expect(serverAnswer(withDetailedDiff({ changes: false, detailedDiff: {} })).getHasdetaileddiff()).toBe(false);
  });
});

describe("the Integration provider's diff (src/pulumi/runtime.ts)", () => {
  it("names each changed path in the engine's property path syntax, as an add, delete or update; volatile fields do not count", async () => {
    const { diff } = await import("../../../src/pulumi/runtime");
    const olds = { integrationId: 1, integration: { id: 1, webhooks_enabled: true, "odd.key": 1, gone: "x", source_projects_last_updated: "a" } };
    const news = { integrationId: 1, integration: { id: 1, webhooks_enabled: false, "odd.key": 2, added: [1], source_projects_last_updated: "b" } };
    expect(diff(olds, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      detailedDiff: {
        "integration.added": { kind: "add", inputDiff: true },
        "integration.gone": { kind: "delete", inputDiff: true },
        'integration["odd.key"]': { kind: "update", inputDiff: true },
        "integration.webhooks_enabled": { kind: "update", inputDiff: true },
      },
    });
    expect(diff(olds, { ...olds, integration: { ...olds.integration, source_projects_last_updated: "c" } }).changes).toBe(false);
  });
});
