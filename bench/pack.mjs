#!/usr/bin/env node
// The pack's own CPU, in one process: @pulumi/policy's real Analyze and AnalyzeStack handlers
// (the functions its gRPC server calls) fed the requests a preview sends for N integrations —
// one flow:Integration each, or chunks of 250 — with pulumi-flow's policies and with the no-op
// pack's one policy, side by side in interleaved rounds. What it isolates: deserializing the
// resources for each policy and the rules' work, without the engine, the program or gRPC.
// The end-to-end figure (the whole process tree of `pulumi preview`) is bench/run.mjs's.
//
//   npm run build && node bench/pack.mjs [--sizes 1000,5000] [--reps 5]
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { analyse, requestsFor, secret } from "./analyzer.mjs";

const require = createRequire(import.meta.url);
const { values: opts } = parseArgs({ options: { sizes: { type: "string", default: "1000,5000" }, reps: { type: "string", default: "5" } } });
const sizes = opts.sizes.split(",").map(Number);
const reps = Number(opts.reps);

const { flowPolicies } = require("../dist/policy/pack.js");
const { defaultPolicy } = require("../dist/rules/evaluate.js");
const { shareReads } = require("../dist/policy/shared-reads.js");
const { generatedDataset } = require("../dist/simulator/datasets.js");
const { toChunkStates } = require("../dist/pulumi/chunk.js");
const { INTEGRATION_TYPE, CHUNK_TYPE } = require("../dist/pulumi/type.js");

/** The resources a preview's AnalyzeStack carries, as [type, name, urn, properties]. */
function resources(n, chunked) {
  const records = generatedDataset(n, 42, Date.parse("2026-12-01T00:00:00Z"));
  if (chunked) {
    return toChunkStates(records, Math.ceil(n / 250)).map((c) => {
      const name = `flow-chunk-${c.chunk}`;
      return [CHUNK_TYPE, name, `urn:pulumi:bench::audit::${CHUNK_TYPE}::${name}`, { ...c, users: secret(c.users) }];
    });
  }
  return records.map((r) => {
    const name = `flow-${r.integration.id}`;
    const integration = { ...r.integration, created_by: secret(r.integration.created_by), updated_by: secret(r.integration.updated_by) };
    return [
      INTEGRATION_TYPE,
      name,
      `urn:pulumi:bench::audit::${INTEGRATION_TYPE}::${name}`,
      { integration, connectionStatus: r.connectionStatus, personalData: "secret" },
    ];
  });
}

// As startFlowPolicyPack does (PULUMI_FLOW_SDK_PATCH=0 measures without it).
const skip = shareReads(require("@pulumi/policy/deserialize.js"), require("@pulumi/policy/package.json").version);
console.log(`shared reads: ${skip ?? "on"}`);

const noop = [{ name: "noop", description: "Checks that nothing is done.", enforcementLevel: "advisory", validateResource: () => undefined }];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const n of sizes) {
  for (const chunked of [false, true]) {
    const list = resources(n, chunked);
    const flow = flowPolicies({ policy: defaultPolicy(), now: () => new Date("2026-12-01T00:00:00Z") });
    const runs = { flow: [], noop: [] };
    let found = 0;
    for (let i = 0; i <= reps; i++) {
      const a = await analyse(noop, requestsFor(list));
      const b = await analyse(flow, requestsFor(list));
      found = b.diagnostics.length;
      if (i === 0) continue; // round 0 warms up
      runs.noop.push(a.ms);
      runs.flow.push(b.ms);
    }
    const [f, z] = [median(runs.flow), median(runs.noop)];
    console.log(
      `N=${n} ${chunked ? "chunks" : "per integration"}: pulumi-flow ${f.toFixed(0)} ms, no-op ${z.toFixed(0)} ms of CPU (medians of ${reps}); the pack's own ${(f - z).toFixed(0)} ms; ${found} diagnostics`,
    );
  }
}
