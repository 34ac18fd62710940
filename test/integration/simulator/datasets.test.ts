import { describe, expect, it } from "vitest";
import example from "../../../src/api/examples/published-integration.json";
import { loadDataset } from "../../../src/simulator/datasets";

/**
 * Where a value's shape differs from the published example's: a missing or extra key, or
 * another JSON type. Null stands for any type (the published table allows nulls), and an
 * empty array for an array of anything.
 */
function shapeDifferences(value: unknown, reference: unknown, path = "$"): string[] {
  if (value === null || reference === null) return [];
  const kind = (v: unknown) => (Array.isArray(v) ? "array" : typeof v);
  if (kind(value) !== kind(reference)) return [`${path}: ${kind(value)}, the example has ${kind(reference)}`];
  if (Array.isArray(value)) {
    const ref = (reference as unknown[])[0];
    return ref === undefined ? [] : value.flatMap((v, i) => shapeDifferences(v, ref, `${path}[${i}]`));
  }
  if (typeof value !== "object") return [];
  const v = value as Record<string, unknown>;
  const r = reference as Record<string, unknown>;
  return [
    ...Object.keys(r)
      .filter((k) => !(k in v))
      .map((k) => `${path}.${k}: missing`),
    ...Object.keys(v)
      .filter((k) => !(k in r))
      .map((k) => `${path}.${k}: not in the example`),
    ...Object.keys(v)
      .filter((k) => k in r)
      .flatMap((k) => shapeDifferences(v[k], r[k], `${path}.${k}`)),
  ];
}

describe("simulator datasets have exactly the published record shape", () => {
  it.each(["demo", "generated:200", "published"])("%s: every record has the example's keys and JSON types, no more, no fewer", (name) => {
    const records = loadDataset(name);
    expect(records.length).toBeGreaterThan(0);
    const differences = records.flatMap((r) => shapeDifferences(r.integration, example).map((d) => `integration ${r.integration.id} ${d}`));
    // The published dataset's variants change one thing each, on purpose (a user id instead of a user, …): only they may differ.
    if (name === "published") expect(differences.every((d) => !d.startsWith("integration 10649 "))).toBe(true);
    else expect(differences).toEqual([]);
  });

  it("notices a record that lacks a field or has one of another type (the check can fail)", () => {
    const broken = structuredClone(example) as Record<string, unknown>;
    delete broken.vendor_meta;
    broken.integration_type = "1";
    expect(shapeDifferences(broken, example)).toEqual(["$.vendor_meta: missing", "$.integration_type: string, the example has number"]);
  });
});
