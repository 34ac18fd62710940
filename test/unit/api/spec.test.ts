import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../src/api/client";
import { loadSpec } from "../../../src/api/spec";
import publishedExample from "../../../src/api/examples/published-integration.json";
import { integrationProblems, validateIntegration, validateIntegrationList } from "../../../src/api/validation";

const repo = path.resolve(__dirname, "../../..");

describe("the OpenAPI spec", () => {
  it("declares three GET operations and marks the connection-status body as an assumption", () => {
    const spec = loadSpec() as unknown as { paths: Record<string, Record<string, { operationId: string }>> };
    const ops = Object.values(spec.paths).flatMap((p) => Object.entries(p).map(([method, op]) => `${method} ${op.operationId}`));
    expect(ops.sort()).toEqual(["get getConnectionStatus", "get getIntegration", "get listIntegrations"]);
    expect(loadSpec().components.schemas.ConnectionStatus).toHaveProperty("x-pulumi-flow-assumption");
  });

  it("names each path's operation as the client does", () => {
    const spec = loadSpec() as unknown as { paths: Record<string, { get: { operationId: string } }> };
    expect(Object.fromEntries(Object.entries(spec.paths).map(([p, op]) => [p, op.get.operationId]))).toEqual(OPERATIONS);
  });

  it("has Flow's published example, verbatim, as its integration example", () => {
    const spec = loadSpec() as unknown as { components: { examples: Record<string, { value: unknown }> } };
    expect(spec.components.examples.PublishedIntegration.value).toEqual(publishedExample);
    const text = fs.readFileSync(path.join(repo, "src/api/examples/published-integration.json"), "utf8");
    expect(JSON.parse(text)).toEqual(publishedExample);
  });

  it("validates the published example verbatim, with no data problem", () => {
    expect(integrationProblems(structuredClone(publishedExample), 10649)).toEqual([]);
    expect(validateIntegration("test", structuredClone(publishedExample)).id).toBe(10649);
  });

  it("reads a 'double' id sent as 10649.0 and tolerates users as ids, nulls, offsets and extra fields", () => {
    const fromText = JSON.parse(JSON.stringify(publishedExample).replace('"id":10649,', '"id":10649.0,'));
    expect(validateIntegration("test", fromText).id).toBe(10649);
    const variants: Array<Record<string, unknown>> = [
      { created_by: 19994, updated_by: "19994" },
      { created_by: null, updated_by: null, vendor_meta: null, enabled_source_types: null, source_type_names: null },
      { created_at: "2024-03-20T22:09:54Z", updated_at: "2024-03-20T22:09:54.828795+01:00", source_projects_last_updated: "2024-03-20 22:09:54" },
      { brand_new_field: { x: 1 }, vendor_meta: { ...publishedExample.vendor_meta, brand_new: true } },
      { enabled_source_types: ["repo", "pull_request"], source_type_names: "repo,pull_request" },
    ];
    for (const v of variants) expect(integrationProblems({ ...structuredClone(publishedExample), ...v }, 10649), JSON.stringify(v)).toEqual([]);
    expect(integrationProblems({ id: 1, name: "x", vendor_type: "github" }, 1)).toEqual([]);
  });

  it("names field, JSON path, shape and expectation of a field it cannot use, without rejecting the record", () => {
    const record = {
      ...structuredClone(publishedExample),
      created_at: "yesterday",
      vendor_meta: { ...publishedExample.vendor_meta, auth_types: [{ name: "oauth" }] },
    };
    expect(validateIntegration("test", record).id).toBe(10649);
    expect(integrationProblems(record, 10649)).toEqual([
      {
        integrationId: 10649,
        document: "integration",
        path: "$.created_at",
        field: "created_at",
        expected: "a date-time such as 2024-03-20T22:09:54.828795 or null",
        got: 'a string ("yesterday")',
      },
      {
        integrationId: 10649,
        document: "integration",
        path: "$.vendor_meta.auth_types[0]",
        field: "vendor_meta.auth_types",
        expected: "string",
        got: "an object",
      },
    ]);
    const user = { ...structuredClone(publishedExample), created_by: { ...publishedExample.created_by, is_active: "yes" } };
    expect(integrationProblems(user, 10649).map((p) => [p.path, p.expected])).toEqual([["$.created_by.is_active", "boolean or null"]]);
  });

  it("still rejects what cannot be identified: a record that is not an object, or has no usable id", () => {
    for (const id of ["10649", -5, 0, 1.5, 1e300, null, undefined]) {
      expect(() => validateIntegration("listIntegrations", { ...structuredClone(publishedExample), id }, "/results/2"), String(id)).toThrow(
        /no usable id .* at \$\.results\[2\]\.id/,
      );
    }
    expect(() => validateIntegration("listIntegrations", "10649", "/results/0")).toThrow(/not a JSON object at \$\.results\[0\]/);
    expect(() => validateIntegrationList("listIntegrations", { count: 1, next: null, previous: null, results: {} })).toThrow(
      /not a page of integrations .* at \$\.results — must be array/,
    );
  });
});
