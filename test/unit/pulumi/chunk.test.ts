import { describe, expect, it } from "vitest";
import { checkChunks, chunkDiff, chunkOf, toChunkStates } from "../../../src/pulumi/chunk";
import { chunkEntries, encodeChunk, type ChunkEntry } from "../../../src/pulumi/type";
import type { InventoryRecord } from "../../../src/api/types";
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
    // Each entry is its integration and connection status as compact JSON text, read back whole.
    expect(states[0].integrations["102"]).not.toContain("\n");
    expect(chunkEntries(states[0] as never)).toEqual([
      { key: "102", record: { integration: records[1].integration, connectionStatus: records[1].connectionStatus } },
    ]);
    expect(toChunkStates([], 2).map((s) => [s.integrations, s.users, s.vendorMeta])).toEqual([
      [{}, {}, {}],
      [{}, {}, {}],
    ]);
    expect(chunkOf(-7, 4)).toBe(1);
  });

  it("holds the user objects and vendor descriptions its entries share once, each entry naming their keys", () => {
    const published = another(1).integration;
    const user = (id: number, name: string) => ({ ...(published.created_by as object), id, user_id: id, name });
    const records = [1, 2, 3].map((id) => another(id, { created_by: user(7, "Ann"), updated_by: user(id === 3 ? 8 : 7, "Ann") }));
    const state = encodeChunk(records);
    expect(Object.keys(state.users)).toEqual(["7", "8"]);
    expect(JSON.parse(state.users["7"])).toEqual(user(7, "Ann"));
    expect(Object.keys(state.vendorMeta)).toEqual([published.vendor_type]);
    const entry = JSON.parse(state.integrations["3"]) as ChunkEntry;
    expect(entry.shared).toEqual({ created_by: "7", updated_by: "8", vendor_meta: published.vendor_type });
    // The field keeps its place, null; the whole value is in the table.
    expect(Object.keys(entry.integration)).toEqual(Object.keys(records[2].integration));
    expect([entry.integration.created_by, entry.integration.updated_by, entry.integration.vendor_meta]).toEqual([null, null, null]);
    // Each about half its text without them.
    const alone = JSON.stringify({ integration: records[0].integration, connectionStatus: records[0].connectionStatus });
    expect(state.integrations["1"].length).toBeLessThan(alone.length * 0.6);
    expect(chunkEntries(state as never).map((e) => e.record)).toEqual(records);
  });

  it("keeps a value inline when it differs from the one its key holds, has no usable key, or is not an object", () => {
    const published = another(1).integration;
    const edited = { ...(published.created_by as object), id: 7, name: "Ann (edited since)" };
    const records = [
      another(1, { created_by: { ...(published.created_by as object), id: 7 } as never }),
      another(2, { created_by: edited as never, updated_by: "19994" as never }),
      another(3, {
        created_by: { name: "no id" } as never,
        updated_by: null as never,
        vendor_meta: { ...(published.vendor_meta as object), name: 'a"]b' } as never,
      }),
      another(4, { vendor_meta: { ...(published.vendor_meta as object), name: "__proto__" } as never }),
    ];
    const state = encodeChunk(records);
    const shared = (id: number) => (JSON.parse(state.integrations[String(id)]) as ChunkEntry).shared ?? {};
    expect(shared(1).created_by).toBe("7");
    expect(shared(2).created_by).toBeUndefined();
    expect(shared(2).updated_by).toBeUndefined();
    expect(shared(3)).toEqual({});
    expect(shared(4).vendor_meta).toBeUndefined();
    expect(Object.keys(state.vendorMeta)).toEqual([published.vendor_type]);
    expect(chunkEntries(state as never).map((e) => e.record)).toEqual(records);
  });

  it("reads a chunk's records back — JSON text, or objects as 0.2.0 recorded them — naming entries that carry no data or refer to a value the chunk lacks", () => {
    const [state] = toChunkStates([another(7)], 1);
    const seven = { integration: another(7).integration, connectionStatus: another(7).connectionStatus };
    const missing = JSON.stringify({ ...(JSON.parse(state.integrations["7"]) as object), shared: { created_by: "404" } });
    const badRef = JSON.stringify({ ...(JSON.parse(state.integrations["7"]) as object), shared: { name: "7" } });
    expect(
      chunkEntries({
        ...state,
        integrations: { ...state.integrations, "8": {}, "9": "{not json", "10": "[1]", "11": '{"integration":"x"}', "12": seven, "13": missing, "14": badRef },
      }),
    ).toEqual([
      { key: "7", record: seven },
      { key: "8", record: undefined },
      { key: "9", record: undefined },
      { key: "10", record: undefined },
      { key: "11", record: undefined },
      { key: "12", record: seven },
      { key: "13", record: undefined },
      { key: "14", record: undefined },
    ]);
    const [withoutStatus] = toChunkStates([{ integration: another(5).integration }], 1);
    expect(JSON.parse(withoutStatus.integrations["5"])).not.toHaveProperty("connectionStatus");
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

  it("shows a change inside a shared value once, under its key, and a change of which value an integration refers to on the integration", () => {
    const published = another(1).integration;
    const user = (id: number, changes: Record<string, unknown> = {}) => ({ ...(published.created_by as object), id, user_id: id, ...changes }) as never;
    const records = (active: boolean, third = 7, title = "BitBucket Cloud") =>
      [1, 2, 3].map((id) =>
        another(id, {
          created_by: user(7, { is_active: active }),
          updated_by: id === 3 ? user(third) : user(7, { is_active: active }),
          vendor_meta: { ...(published.vendor_meta as object), title } as never,
        }),
      );
    const chunk = (rs: InventoryRecord[]) => ({ chunk: 0, chunks: 1, ...encodeChunk(rs) });
    const olds = chunk(records(true));
    // A user deactivated: one change, on the user, not on the three integrations that name them.
    expect(chunkDiff(olds as never, chunk(records(false)) as never)).toEqual({ 'users["7"]': { kind: "update", inputDiff: true } });
    // Another user updated integration 3: that integration changed.
    expect(chunkDiff(olds as never, chunk(records(true, 8)) as never)).toEqual({ 'integrations["3"]': { kind: "update", inputDiff: true } });
    // The vendor's description changed.
    expect(chunkDiff(olds as never, chunk(records(true, 7, "Bitbucket")) as never)).toEqual({
      [`vendorMeta["${published.vendor_type}"]`]: { kind: "update", inputDiff: true },
    });
    // State recorded before the shared tables (each entry whole) compares equal to the same integrations now.
    const whole = { chunk: 0, chunks: 1, integrations: Object.fromEntries(records(true).map((r) => [String(r.integration.id), JSON.stringify(r)])) };
    expect(chunkDiff(whole, olds as never)).toEqual({});
    expect(chunkDiff(olds as never, whole)).toEqual({});
    // …and a change across the two forms is on the integration (the old one holds no key).
    expect(chunkDiff(whole, chunk(records(false)) as never)).toEqual({
      'integrations["1"]': { kind: "update", inputDiff: true },
      'integrations["2"]': { kind: "update", inputDiff: true },
      'integrations["3"]': { kind: "update", inputDiff: true },
    });
    // An entry that names a value its chunk lacks is rewritten from a reading that can be read whole;
    // two such readings are compared as their texts hold them.
    const broken = { ...olds, users: {} };
    const all = Object.fromEntries(["1", "2", "3"].map((id) => [`integrations["${id}"]`, { kind: "update", inputDiff: true }]));
    expect(chunkDiff(broken as never, olds as never)).toEqual(all);
    expect(chunkDiff(olds as never, broken as never)).toEqual(all);
    expect(chunkDiff(broken as never, structuredClone(broken) as never)).toEqual({});
    expect(chunkDiff(broken as never, { ...chunk(records(true, 8)), users: {} } as never)).toEqual({
      'integrations["3"]': { kind: "update", inputDiff: true },
    });
  });

  it("refuses a chunk count that is not a whole number from 1 to 1000, saying where it came from", () => {
    expect(checkChunks(40, "flow:chunks")).toBe(40);
    for (const bad of [0, -1, 2.5, 1001, "40", null])
      expect(() => checkChunks(bad, "flow:chunks")).toThrow(/^flow:chunks must be a whole number from 1 to 1000 \(the number of resources/);
  });
});
