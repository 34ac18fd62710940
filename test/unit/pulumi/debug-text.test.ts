import * as fs from "node:fs";
import * as path from "node:path";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { describe, expect, it } from "vitest";
import { isFlowResource, shortenFlowResponseDebugText, urnType } from "../../../src/pulumi/debug-text";
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

  it("leaves a Flow resource's outputs out of the text, and every other resource's text as it was", () => {
    const state = toChunkStates([another(101), another(103)], 2)[1];
    const chunk = response(urn(CHUNK_TYPE, "flow-chunk-1-of-2"), { ...state });
    const other = response("urn:pulumi:dev::audit::aws:s3/bucket:Bucket::logs", { bucket: "logs-123", tags: { team: "platform" } });
    const before = { chunk: String(chunk), other: String(other) };
    // Without the workaround the whole reading is in the text (what the SDK sends the engine as a debug line).
    expect(before.chunk).toContain(state.integrations["101"].slice(0, 40));

    shortenFlowResponseDebugText();
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
  });
});
