import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import { parsePolicy } from "../../../src/config/policy-file";
import { DATA_POLICY, flowPolicies } from "../../../src/policy/pack";
import { toChunkStates } from "../../../src/pulumi/chunk";
import { CHUNK_TYPE, INTEGRATION_TYPE } from "../../../src/pulumi/type";
import { another, NOW } from "../rules/fixtures";

type Report = { policy: string; message: string; urn?: string };

// A small tenant with something for most rules: webhooks off, userpass, disconnected, a
// deactivated owner, a duplicate name, and a field Flow sent in an unusable shape.
const records: InventoryRecord[] = [
  another(101),
  another(102, { webhooks_enabled: false }),
  another(104, { auth_type: "userpass" }),
  { ...another(105), connectionStatus: { status: "disconnected", connected: false } },
  another(106, { name: "Integration 101" }),
  another(107, { webhooks_enabled: "yes" as never }),
  // The same deactivated user created two integrations (one value in the chunk's shared users).
  another(108, { created_by: deactivated(), updated_by: deactivated() }),
  another(110, { created_by: deactivated() }),
];

/** A deactivated user of the published example's shape. */
function deactivated(): never {
  return { ...(another(1).integration.created_by as object), id: 31, user_id: 31, is_active: false } as never;
}

/** The pack's policies, as the pack builds them once per preview. */
function packPolicies() {
  const policy = parsePolicy("rules:\n  flow-integration-owner-active: {enforcement: advisory}\n", "flow-policy.yaml");
  return flowPolicies({ policy, now: () => NOW });
}

/** Runs every policy over the resources as the engine would: each resource policy per resource, each stack policy once. */
async function evaluate(
  resources: Array<{ type: string; props: Record<string, unknown>; urn: string; name: string }>,
  policies = packPolicies(),
): Promise<Report[]> {
  const reports: Report[] = [];
  for (const p of policies) {
    const report = (message: string, urn?: string) => reports.push({ policy: p.name, message, urn });
    if ("validateResource" in p) {
      const validate = (p as ResourceValidationPolicy).validateResource as (args: unknown, r: typeof report) => void;
      for (const r of resources) {
        try {
          validate({ ...r, getConfig: () => ({}), notApplicable: () => {} }, (m, u) => report(m, u));
        } catch (e) {
          throw new Error(`${p.name} on ${r.name}: ${(e as Error).message}`, { cause: e });
        }
      }
    } else {
      const validate = (p as StackValidationPolicy).validateStack as (args: unknown, r: typeof report) => void;
      validate({ resources, getConfig: () => ({}) }, report);
    }
  }
  return reports;
}

const integrationUrn = (id: number) => `urn:pulumi:dev::audit::flow:index:Integrations$${INTEGRATION_TYPE}::flow-${id}`;
const chunkUrn = (k: number) => `urn:pulumi:dev::audit::flow:index:Integrations$${CHUNK_TYPE}::flow-chunk-${k}-of-2`;

describe("the pack over chunks", () => {
  it("reports for a chunked inventory exactly what it reports per integration, each on the chunk that holds the integration", async () => {
    const single = await evaluate(
      records.map((r) => ({
        type: INTEGRATION_TYPE,
        props: { integrationId: r.integration.id, integration: r.integration, connectionStatus: r.connectionStatus },
        urn: integrationUrn(r.integration.id),
        name: `flow-${r.integration.id}`,
      })),
    );
    const chunked = await evaluate(
      toChunkStates(records, 2).map((s) => ({ type: CHUNK_TYPE, props: s as never, urn: chunkUrn(s.chunk), name: `flow-chunk-${s.chunk}-of-2` })),
    );
    expect(single.length).toBeGreaterThanOrEqual(6);
    expect(single.filter((r) => r.policy === "flow-integration-owner-active")).toHaveLength(2);
    expect(single.some((r) => r.policy === DATA_POLICY)).toBe(true);
    const idOf = (urn: string | undefined) => Number(/flow-(\d+)$/.exec(urn ?? "")?.[1]);
    const expected = single.map((r) => ({ ...r, urn: r.urn && chunkUrn(idOf(r.urn) % 2) })); // stack-level findings have none
    const sort = (list: Report[]) => [...list].sort((a, b) => `${a.policy}${a.message}`.localeCompare(`${b.policy}${b.message}`));
    expect(sort(chunked)).toEqual(sort(expected));
  });

  it("names an entry of a chunk that carries no integration data", async () => {
    const [state] = toChunkStates([another(101)], 1);
    const reports = await evaluate([
      { type: CHUNK_TYPE, props: { ...state, integrations: { ...state.integrations, "9": {} } } as never, urn: chunkUrn(0), name: "flow-chunk-0-of-1" },
    ]);
    const empty = reports.filter((r) => r.message.includes(`Resource 'flow-chunk-0-of-1 integrations["9"]'`));
    expect(empty.length).toBeGreaterThan(0);
    expect(empty.every((r) => r.message.includes("carries no integration data") && r.urn === chunkUrn(0))).toBe(true);
  });

  it("judges a chunk again when its integrations change under the same URN (the pack keeps a chunk's records while its texts are the same)", async () => {
    const policies = packPolicies();
    const at = (recs: InventoryRecord[]) =>
      toChunkStates(recs, 1).map((s) => ({ type: CHUNK_TYPE, props: s as never, urn: chunkUrn(0), name: "flow-chunk-0-of-1" }));
    const webhooks = (reports: Report[]) => reports.filter((r) => r.policy === "flow-integration-webhooks-enabled").map((r) => r.message);
    // Copies of the same texts (as the SDK deserializes them for every policy) are the same chunk.
    const before = await evaluate(at([another(101), another(102)]), policies);
    expect(webhooks(before)).toEqual([]);
    expect(await evaluate(at([another(101), another(102)]), policies)).toEqual(before);
    const after = await evaluate(at([another(101), another(102, { webhooks_enabled: false })]), policies);
    expect(webhooks(after)).toHaveLength(1);
    expect(webhooks(after)[0]).toContain("(id 102");
    const fewer = await evaluate(at([another(102, { webhooks_enabled: false })]), policies);
    expect(webhooks(fewer)).toHaveLength(1);
    expect(fewer.some((r) => r.message.includes("(id 101"))).toBe(false);
    // A change in a shared value alone (the entries' texts are the same) is a change too.
    const owner = (reports: Report[]) => reports.filter((r) => r.policy === "flow-integration-owner-active").map((r) => r.message);
    const user = (active: boolean) => ({ ...(another(1).integration.created_by as object), id: 31, user_id: 31, is_active: active }) as never;
    const active = at([another(101, { created_by: user(true) })]);
    const inactive = at([another(101, { created_by: user(false) })]);
    expect((inactive[0].props as { integrations: object }).integrations).toEqual((active[0].props as { integrations: object }).integrations);
    expect(owner(await evaluate(active, policies))).toEqual([]);
    expect(owner(await evaluate(inactive, policies))).toHaveLength(1);
  });
});
