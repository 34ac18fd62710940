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
    // Each entry is its integration and connection status as compact JSON text.
    expect(JSON.parse(states[0].integrations["102"])).toEqual({ integration: records[1].integration, connectionStatus: records[1].connectionStatus });
    expect(states[0].integrations["102"]).not.toContain("\n");
    expect(toChunkStates([], 2).map((s) => s.integrations)).toEqual([{}, {}]);
    expect(chunkOf(-7, 4)).toBe(1);
  });

  it("reads a chunk's records back — JSON text, or objects as 0.2.0 recorded them — naming entries that carry no data", () => {
    const [state] = toChunkStates([another(7)], 1);
    const seven = { integration: another(7).integration, connectionStatus: another(7).connectionStatus };
    expect(
      chunkEntries({ ...state, integrations: { ...state.integrations, "8": {}, "9": "{not json", "10": "[1]", "11": '{"integration":"x"}', "12": seven } }),
    ).toEqual([
      { key: "7", record: seven },
      { key: "8", record: undefined },
      { key: "9", record: undefined },
      { key: "10", record: undefined },
      { key: "11", record: undefined },
      { key: "12", record: seven },
    ]);
    const [withoutStatus] = toChunkStates([{ integration: another(5).integration }], 1);
    expect(JSON.parse(withoutStatus.integrations["5"])).toEqual({ integration: another(5).integration });
    expect(chunkEntries({ ...withoutStatus })).toEqual([{ key: "5", record: { integration: another(5).integration, connectionStatus: undefined } }]);
    expect(chunkEntries({})).toEqual([]);
    expect(chunkEntries({ integrations: [1, 2] })).toEqual([]);
  });

  it("diffs per integration: added, removed, changed (sync timestamps are not drift)", () => {
    const [olds] = toChunkStates([another(1), another(2), another(3)], 1);
    const [news] = toChunkStates(
      [another(1, { webhooks_enabled: false, name: "Renamed" }), another(3, { source_projects_last_updated: "2026-06-15T00:00:00" }), another(4)],
      1,
    );
    // An entry is JSON text: the engine resolves no path inside it, and its display decodes the text to show the fields.
    expect(chunkDiff(olds as never, news as never)).toEqual({
      'integrations["1"]': { kind: "update", inputDiff: true },
      'integrations["2"]': { kind: "delete", inputDiff: true },
      'integrations["4"]': { kind: "add", inputDiff: true },
    });
    expect(chunkDiff(olds as never, structuredClone(olds) as never)).toEqual({});
    expect(chunkDiff({ ...olds, chunks: 2 } as never, olds as never)).toEqual({ chunks: { kind: "update", inputDiff: true } });
  });

  it("compares entries as data: state recorded as objects (0.2.0) equals the same integrations as text", () => {
    const records = [another(1), another(2)];
    const [texts] = toChunkStates(records, 1);
    // The engine's state orders keys its own way (sorted, at every depth).
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    const objects = { ...texts, integrations: Object.fromEntries(Object.entries(texts.integrations).map(([k, v]) => [k, sorted(JSON.parse(v))])) };
    expect(chunkDiff(objects as never, texts as never)).toEqual({});
    // Key order in the text does not matter either.
    const reordered = {
      ...texts,
      integrations: {
        "1": JSON.stringify({ connectionStatus: records[0].connectionStatus, integration: records[0].integration }),
        "2": texts.integrations["2"],
      },
    };
    expect(chunkDiff(texts as never, reordered as never)).toEqual({});
    const [changed] = toChunkStates([another(1, { auth_type: "userpass" }), another(2)], 1);
    expect(chunkDiff(objects as never, changed as never)).toEqual({ 'integrations["1"]': { kind: "update", inputDiff: true } });
  });

  it("refuses a chunk count that is not a whole number from 1 to 1000, saying where it came from", () => {
    expect(checkChunks(40, "flow:chunks")).toBe(40);
    for (const bad of [0, -1, 2.5, 1001, "40", null])
      expect(() => checkChunks(bad, "flow:chunks")).toThrow(/^flow:chunks must be a whole number from 1 to 1000 \(the number of resources/);
  });
});
