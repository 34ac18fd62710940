import { describe, expect, it } from "vitest";
import { INTEGRATIONS_COMPONENT, packageSchema, PACKAGE_NAME } from "../../../src/pulumi/package/schema";
import { packageProvider, typeOfUrn } from "../../../src/pulumi/package/provider";
import { toChunkStates } from "../../../src/pulumi/chunk";
import { toIntegrationState } from "../../../src/pulumi/state";
import { isChunkType, isIntegrationType, PACKAGE_CHUNK_TYPE, PACKAGE_INTEGRATION_TYPE } from "../../../src/pulumi/type";
import { recordOf } from "../../../src/policy/pack";
import { healthy } from "../rules/fixtures";

type Resource = { isComponent?: boolean; inputProperties: Record<string, unknown>; properties: Record<string, unknown>; required?: string[] };
const schema = packageSchema("1.2.3") as { name: string; version: string; resources: Record<string, Resource>; types: Record<string, unknown> };

describe("the component package `flow` (component/)", () => {
  it("declares the component and its two child types under the package's name", () => {
    expect(schema.name).toBe(PACKAGE_NAME);
    expect(schema.version).toBe("1.2.3");
    expect(Object.keys(schema.resources).sort()).toEqual([INTEGRATIONS_COMPONENT, PACKAGE_CHUNK_TYPE, PACKAGE_INTEGRATION_TYPE].sort());
    expect(schema.resources[INTEGRATIONS_COMPONENT].isComponent).toBe(true);
    for (const t of [PACKAGE_INTEGRATION_TYPE, PACKAGE_CHUNK_TYPE]) expect(t.startsWith(`${PACKAGE_NAME}:index:`)).toBe(true);
  });

  it("declares every property the children's state has (what the pack reads), as the resource classes write it", () => {
    const record = healthy();
    const integration = Object.keys(toIntegrationState(record));
    expect(Object.keys(schema.resources[PACKAGE_INTEGRATION_TYPE].properties)).toEqual(expect.arrayContaining([...integration, "apiUrl"]));
    const chunk = Object.keys(toChunkStates([record], 2)[0]);
    expect(Object.keys(schema.resources[PACKAGE_CHUNK_TYPE].properties)).toEqual(expect.arrayContaining([...chunk, "apiUrl"]));
    // Every $ref to a type of the package resolves.
    const refs = JSON.stringify(schema).match(/#\/types\/[^"]+/g) ?? [];
    for (const ref of refs) expect(schema.types, ref).toHaveProperty([ref.slice("#/types/".length)]);
  });

  it("marks the token input secret, and gives the children no token property", () => {
    expect(schema.resources[INTEGRATIONS_COMPONENT].inputProperties.token).toMatchObject({ type: "string", secret: true });
    for (const t of [PACKAGE_INTEGRATION_TYPE, PACKAGE_CHUNK_TYPE]) expect(schema.resources[t].inputProperties).not.toHaveProperty("token");
  });

  it("is judged by the pack like the dynamic resources of a TypeScript stack", () => {
    expect(isIntegrationType(PACKAGE_INTEGRATION_TYPE) && isChunkType(PACKAGE_CHUNK_TYPE)).toBe(true);
    const state = toIntegrationState(healthy());
    expect(recordOf(PACKAGE_INTEGRATION_TYPE, { ...state, apiUrl: "https://x.example" })?.integration.id).toBe(state.integrationId);
  });

  it("records without touching Flow: ids from the state, updates as given, deletes forget, diffs report changed fields", async () => {
    const p = packageProvider("1.2.3");
    const urn = (type: string, name: string) => `urn:pulumi:dev::proj::flow:index:Integrations$${type}::${name}`;
    expect(typeOfUrn(urn(PACKAGE_INTEGRATION_TYPE, "inv-101"))).toBe(PACKAGE_INTEGRATION_TYPE);
    const state = toIntegrationState(healthy());
    expect(await p.create!(urn(PACKAGE_INTEGRATION_TYPE, "inv-101"), state)).toEqual({ id: String(state.integrationId), outs: state });
    const chunk = toChunkStates([healthy()], 4)[0];
    expect((await p.create!(urn(PACKAGE_CHUNK_TYPE, "inv-chunk-0-of-4"), chunk)).id).toBe("chunk-0-of-4");
    const renamed = { ...state, integration: { ...state.integration, name: "Renamed" } };
    const diff = await p.diff!("1", urn(PACKAGE_INTEGRATION_TYPE, "inv-101"), state, renamed);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    expect(Object.keys((diff as { detailedDiff: object }).detailedDiff)).toEqual(["integration.name"]);
    expect(JSON.parse(await p.getSchema!())).toMatchObject({ name: "flow", version: "1.2.3" });
    await expect(p.construct!("x", "flow:index:Other", {}, {})).rejects.toThrow("the flow package has no component flow:index:Other");
  });
});
