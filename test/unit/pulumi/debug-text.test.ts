import * as fs from "node:fs";
import * as path from "node:path";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { describe, expect, it } from "vitest";
import {
  isFlowResource,
  isVerifiedSdk,
  SDK_PATCH_ENV,
  sdkPatchSkipReason,
  sdkVersion,
  shortenFlowResponseDebugText,
  urnType,
  VERIFIED_SDK,
} from "../../../src/pulumi/debug-text";
import { toChunkStates } from "../../../src/pulumi/chunk";
import { CHUNK_TYPE, INTEGRATION_TYPE } from "../../../src/pulumi/type";
import { another } from "../rules/fixtures";

// The SDK's own copy of google-protobuf, so the Struct below is the class the response expects.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from the SDK's folder, not ours
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] })) as {
  Struct: { fromJavaScript(v: Record<string, unknown>): unknown };
};

const urn = (type: string, name: string) => `urn:pulumi:dev::audit::flow:index:Integrations$${type}::${name}`;

function response(forUrn: string, outputs: Record<string, unknown>): resourceProto.RegisterResourceResponse {
  const r = new resourceProto.RegisterResourceResponse();
  r.setUrn(forUrn);
  r.setId("flow-chunk-0-of-2");
  r.setObject(Struct.fromJavaScript(outputs) as never);
  return r;
}

describe("the debug text of the SDK's RegisterResource responses", () => {
  it("reads the resource type of a URN, parent chain or not", () => {
    expect(urnType(urn(CHUNK_TYPE, "flow-chunk-0-of-2"))).toBe(CHUNK_TYPE);
    expect(urnType(`urn:pulumi:dev::audit::${INTEGRATION_TYPE}::flow-101`)).toBe(INTEGRATION_TYPE);
    expect(urnType("not a urn")).toBe("");
    expect(isFlowResource(urn(CHUNK_TYPE, "c"))).toBe(true);
    expect(isFlowResource(urn(INTEGRATION_TYPE, "i"))).toBe(true);
    // A name that merely contains the token is not the type.
    expect(isFlowResource(`urn:pulumi:dev::audit::aws:s3/bucket:Bucket::${CHUNK_TYPE}`)).toBe(false);
  });

  it("applies only to the SDK versions it was verified on", () => {
    expect(VERIFIED_SDK).toEqual({ min: "3.200.0", maxMinor: "3.276" });
    for (const v of ["3.200.0", "3.248.0", "3.276.0", "3.276.3"]) expect(isVerifiedSdk(v), v).toBe(true);
    for (const v of ["3.199.9", "3.277.0", "3.300.0", "4.0.0", "2.276.0", "not-a-version", "", undefined]) expect(isVerifiedSdk(v), String(v)).toBe(false);
    expect(sdkPatchSkipReason("3.277.0", {})).toBe("@pulumi/pulumi 3.277.0 is outside the versions it was verified on (3.200.0 … 3.276.x)");
    expect(sdkPatchSkipReason("3.248.0", {})).toBeUndefined();
  });

  it("is switched off by PULUMI_FLOW_SDK_PATCH=0 (or false, off, no), and on by anything else", () => {
    expect(SDK_PATCH_ENV).toBe("PULUMI_FLOW_SDK_PATCH");
    for (const off of ["0", "false", "OFF", " no "])
      expect(sdkPatchSkipReason("3.248.0", { [SDK_PATCH_ENV]: off })).toBe(`PULUMI_FLOW_SDK_PATCH=${off} switches it off`);
    for (const on of ["1", "true", "", undefined]) expect(sdkPatchSkipReason("3.248.0", { [SDK_PATCH_ENV]: on })).toBeUndefined();
  });

  it("reads the version of the SDK it would patch", () => {
    const installed = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve("@pulumi/pulumi")), "package.json"), "utf8")) as { version: string };
    expect(sdkVersion()).toBe(installed.version);
  });

  it("leaves a Flow resource's outputs out of the text, and every other resource's text as it was", () => {
    const state = toChunkStates([another(101), another(103)], 2)[1];
    const chunk = response(urn(CHUNK_TYPE, "flow-chunk-1-of-2"), { ...state });
    const other = response("urn:pulumi:dev::audit::aws:s3/bucket:Bucket::logs", { bucket: "logs-123", tags: { team: "platform" } });
    const before = { chunk: String(chunk), other: String(other) };
    // Without the workaround the whole reading is in the text (what the SDK sends the engine as a debug line).
    expect(before.chunk).toContain(state.integrations["101"].slice(0, 40));

    // Switched off, or an SDK it was not verified on: nothing is replaced.
    expect(shortenFlowResponseDebugText({ [SDK_PATCH_ENV]: "0" }, "3.248.0")).toBe(false);
    expect(String(chunk)).toBe(before.chunk);
    expect(shortenFlowResponseDebugText({}, "3.277.0")).toBe(false);
    expect(String(chunk)).toBe(before.chunk);
    expect(Object.hasOwn(resourceProto.RegisterResourceResponse.prototype, "toString")).toBe(false);

    expect(shortenFlowResponseDebugText({}, "3.248.0")).toBe(true);
    shortenFlowResponseDebugText(); // idempotent: wrapped once
    const text = String(chunk);
    expect(text).toContain(urn(CHUNK_TYPE, "flow-chunk-1-of-2"));
    expect(text).toContain("flow-chunk-0-of-2");
    expect(text).not.toContain('"integration"');
    expect(text.length).toBeLessThan(400);
    expect(String(other)).toBe(before.other);
    expect(String(other)).toContain("logs-123");
    // The response itself is untouched: the SDK reads the outputs from it, not from the text.
    expect((chunk.getObject() as unknown as { toJavaScript(): Record<string, unknown> }).toJavaScript()).toEqual({ ...state });
  });

  it("is still needed: the SDK still sends each response as debug text (remove the workaround when this fails)", () => {
    const source = fs.readFileSync(path.join(path.dirname(require.resolve("@pulumi/pulumi")), "runtime", "resource.js"), "utf8");
    expect(source).toContain("RegisterResource RPC finished: ${label}; err: ${rpcErr}, resp: ${innerResponse}");
    // ...whatever the engine's verbosity: the SDK's log.debug has no level check to rely on instead.
    const logSource = fs.readFileSync(path.join(path.dirname(require.resolve("@pulumi/pulumi")), "log", "index.js"), "utf8");
    expect(logSource).toMatch(
      /function debug\([^)]*\) \{\s*const engine = settings_1\.getEngine\(\);\s*if \(engine\) \{\s*return log\(engine, engproto\.LogSeverity\.DEBUG/,
    );
  });
});
