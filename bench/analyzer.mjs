// @pulumi/policy's own Analyze and AnalyzeStack handlers (the functions its gRPC server calls),
// fed the requests a preview sends, in one process: for bench/pack.mjs and the pack's tests.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const server = require("@pulumi/policy/server.js");
const { AnalyzeRequest, AnalyzeStackRequest, AnalyzerResource, AnalyzerResourceOptions } = require("@pulumi/pulumi/proto/analyzer_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");

/** A value as the engine sends a secret. */
export const secret = (value) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** A value as the engine sends one that a preview cannot know yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The requests of one preview for `resources` ([type, name, urn, properties]): an Analyze request
 * per resource and the AnalyzeStack request, each decoded from its own bytes as gRPC hands them over.
 */
export function requestsFor(resources) {
  const message = (m, [type, name, urn, props]) =>
    m.setType(type).setName(name).setUrn(urn).setOptions(new AnalyzerResourceOptions()).setProperties(Struct.fromJavaScript(props));
  const analyze = resources.map((r) => AnalyzeRequest.deserializeBinary(message(new AnalyzeRequest(), r).serializeBinary()));
  const stack = new AnalyzeStackRequest();
  for (const r of resources) stack.addResources(message(new AnalyzerResource(), r));
  return { analyze, stack: AnalyzeStackRequest.deserializeBinary(stack.serializeBinary()) };
}

const call = (handler, request) => new Promise((resolve, reject) => handler({ request }, (err, res) => (err ? reject(err) : resolve(res))));

/** Runs `policies` over one preview's requests (requestsFor): the diagnostics as plain objects, and the CPU it took (ms). */
export async function analyse(policies, requests) {
  const analyze = server.makeAnalyzeRpcFun("bench", "0.0.1", "advisory", policies);
  const analyzeStack = server.makeAnalyzeStackRpcFun("bench", "0.0.1", "advisory", policies);
  const start = process.cpuUsage();
  const diagnostics = [];
  for (const req of requests.analyze) diagnostics.push(...(await call(analyze, req)).getDiagnosticsList());
  diagnostics.push(...(await call(analyzeStack, requests.stack)).getDiagnosticsList());
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, diagnostics: diagnostics.map((d) => d.toObject()) };
}
