import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { analyse, requestsFor, secret, UNKNOWN, type AnalyzedResource } from "../../../bench/analyzer.mjs";
import { flowPolicies } from "../../../src/policy/pack";
import { defaultPolicy } from "../../../src/rules/evaluate";
import { holdsUnknown, shareReads, valuesOf } from "../../../src/policy/shared-reads";
import { toChunkStates } from "../../../src/pulumi/chunk";
import { CHUNK_TYPE, INTEGRATION_TYPE } from "../../../src/pulumi/type";
import { generatedDataset } from "../../../src/simulator/datasets";

const require = createRequire(__filename);
const NOW = new Date("2026-12-01T00:00:00Z");

/** A stand-in for @pulumi/policy's deserialize module that counts its reads. */
function standIn() {
  const reads: object[] = [];
  return { reads, module: { deserializeProperties: (struct: object, proxySecrets: boolean) => (reads.push(struct), { proxySecrets }) } };
}

describe("shareReads", () => {
  it("reads each Struct once, a new Struct afresh, and never shares a reading with secrets as proxies", () => {
    const { reads, module } = standIn();
    expect(shareReads(module, "1.21.0", {})).toBeUndefined();
    const [a, b] = [{}, {}];
    const first = module.deserializeProperties(a, false);
    expect(module.deserializeProperties(a, false)).toBe(first);
    expect(module.deserializeProperties(b, false)).not.toBe(first);
    expect(module.deserializeProperties(a, true)).not.toBe(module.deserializeProperties(a, true));
    expect(reads).toEqual([a, b, a, a]);
    expect(shareReads(module, "1.21.0", {})).toBeUndefined(); // idempotent: not wrapped twice
    module.deserializeProperties(b, false);
    expect(reads).toHaveLength(4);
  });

  it("leaves the SDK as it is on an unverified version or with PULUMI_FLOW_SDK_PATCH off, saying why", () => {
    for (const [version, env, why] of [
      ["1.22.0", {}, /@pulumi\/policy 1\.22\.0 is not one it was verified on/],
      [undefined, {}, /\(unknown version\)/],
      ["v1.21.0", { PULUMI_FLOW_SDK_PATCH: "off" }, /PULUMI_FLOW_SDK_PATCH=off switches it off/],
    ] as const) {
      const { reads, module } = standIn();
      expect(shareReads(module, version, env)).toMatch(why);
      const s = {};
      module.deserializeProperties(s, false);
      module.deserializeProperties(s, false);
      expect(reads).toHaveLength(2);
    }
  });

  it("finds a value a preview cannot know at any depth, and reads through the SDK's proxies to their values", () => {
    expect(holdsUnknown({ a: [{ b: "x" }, { c: 1, d: null }] })).toBe(false);
    expect(holdsUnknown({ a: [{ b: "x" }, { c: [UNKNOWN] }] })).toBe(true);
    const { unknownCheckingProxy } = require("@pulumi/policy/proxy.js") as { unknownCheckingProxy: (v: object) => Record<string, unknown> };
    const values = { integration: { id: 1 } };
    expect(valuesOf(unknownCheckingProxy(values))).toBe(values);
    expect(valuesOf(values)).toBe(values);
  });
});

/** A preview's resources: 40 integrations one resource each (one with a name a preview cannot know), and the same in 2 chunks. */
function resources(): AnalyzedResource[] {
  const records = generatedDataset(40, 7, NOW.getTime());
  const per = records.map((r, i): AnalyzedResource => {
    const name = `flow-${r.integration.id}`;
    const integration = { ...r.integration, name: i === 3 ? UNKNOWN : r.integration.name, created_by: secret(r.integration.created_by) };
    return [INTEGRATION_TYPE, name, `urn:pulumi:t::p::${INTEGRATION_TYPE}::${name}`, { integration, connectionStatus: r.connectionStatus }];
  });
  const chunks = toChunkStates(records, 2).map((c): AnalyzedResource => {
    const name = `flow-chunk-${c.chunk}`;
    return [CHUNK_TYPE, name, `urn:pulumi:t::p::${CHUNK_TYPE}::${name}`, { ...c, users: secret(c.users) }];
  });
  return [...per, ...chunks, ["aws:s3/bucket:Bucket", "b", "urn:pulumi:t::p::aws:s3/bucket:Bucket::b", { bucket: "b" }]];
}

describe("the pack through @pulumi/policy's own handlers", () => {
  it("reports exactly the same with shared reads as without them, the SDK's notice for an unknown value included", async () => {
    const policies = () => flowPolicies({ policy: defaultPolicy(), now: () => NOW, advisoryDetailLimit: 5 });
    const before = await analyse(policies(), requestsFor(resources()));
    // The real module, as startFlowPolicyPack patches it (this file runs in a process of its own).
    const deserialize = require("@pulumi/policy/deserialize.js") as Parameters<typeof shareReads>[0];
    expect(shareReads(deserialize, (require("@pulumi/policy/package.json") as { version: string }).version, {})).toBeUndefined();
    const after = await analyse(policies(), requestsFor(resources()));
    expect(after.diagnostics).toEqual(before.diagnostics);
    const messages = before.diagnostics.map((d) => d.message);
    expect(messages.filter((m) => m.includes("can't be known during preview")).length).toBeGreaterThan(0);
    expect(new Set(before.diagnostics.map((d) => d.policyname)).size).toBeGreaterThan(4);
  });
});
