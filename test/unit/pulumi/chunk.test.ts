import { describe, expect, it } from "vitest";
import { checkChunks, chunkDiff, chunkOf, toChunkStates } from "../../../src/pulumi/chunk";
import { chunkEntries } from "../../../src/pulumi/type";
import { another } from "../rules/fixtures";

describe("chunks (the granularity for large tenants)", () => {
  it("puts each integration in bucket id % chunks, keyed by id, and keeps every bucket (also an empty one)", () => {
    const records = [101, 102, 103, 104, 106].map((id) => another(id));
    const states = toChunkStates(records, 3);
    expect(states.map((s) => [s.chunk, s.chunks, Object.keys(s.integrations)])).toEqual([
      [0, 3, ["102"]],
      [1, 3, ["103", "106"]],
      [2, 3, ["101", "104"]],
    ]);
    expect(states[0].integrations["102"]).toEqual({ integration: records[1].integration, connectionStatus: records[1].connectionStatus });
    expect(toChunkStates([], 2).map((s) => s.integrations)).toEqual([{}, {}]);
    expect(chunkOf(-7, 4)).toBe(1);
  });

  it("reads a chunk's records back, naming entries that carry no data", () => {
    const [state] = toChunkStates([another(7)], 1);
    expect(chunkEntries({ ...state, integrations: { ...state.integrations, "8": {} } })).toEqual([
      { key: "7", record: { integration: another(7).integration, connectionStatus: another(7).connectionStatus } },
      { key: "8", record: undefined },
    ]);
    expect(chunkEntries({})).toEqual([]);
    expect(chunkEntries({ integrations: [1, 2] })).toEqual([]);
  });

  it("diffs per integration and field: added, removed, changed (sync timestamps are not drift)", () => {
    const [olds] = toChunkStates([another(1), another(2), another(3)], 1);
    const [news] = toChunkStates(
      [another(1, { webhooks_enabled: false, name: "Renamed" }), another(3, { source_projects_last_updated: "2026-06-15T00:00:00" }), another(4)],
      1,
    );
    expect(chunkDiff(olds as never, news as never)).toEqual({
      'integrations["1"].integration.name': { kind: "update", inputDiff: true },
      'integrations["1"].integration.webhooks_enabled': { kind: "update", inputDiff: true },
      'integrations["2"]': { kind: "delete", inputDiff: true },
      'integrations["4"]': { kind: "add", inputDiff: true },
    });
    expect(chunkDiff(olds as never, structuredClone(olds) as never)).toEqual({});
  });

  it("refuses a chunk count that is not a whole number from 1 to 1000, saying where it came from", () => {
    expect(checkChunks(40, "flow:chunks")).toBe(40);
    for (const bad of [0, -1, 2.5, 1001, "40", null])
      expect(() => checkChunks(bad, "flow:chunks")).toThrow(/^flow:chunks must be a whole number from 1 to 1000 \(the number of resources/);
  });
});
