/**
 * The chunked granularity: a large tenant recorded in a fixed number of resources, each holding
 * the integrations whose id falls in its bucket (`id % chunks`). Pure functions only (the pack
 * and the provider use them); the resource itself is in chunk-resource.ts.
 *
 * A chunk's state keys each integration by its id, its value the integration's entry as JSON
 * text (see encodeChunk), so a diff names the integration (`integrations["102"]`) and
 * `pulumi preview --diff` shows its changed fields, and the pack judges and reports every
 * integration of a chunk on its own. The user objects and vendor descriptions its entries
 * share are held once (`users["19994"]`, `vendorMeta["github"]`), and a change in one of them
 * is shown there.
 */
import type { InventoryRecord } from "../api/types";
import { changedPaths, withoutVolatile } from "../inventory/diff";
import { decodeChunkEntry, encodeChunk, resolveChunkEntry, SHARED_FIELDS, sharedValues, type ChunkEntry, type SharedField } from "./type";

/** Most chunks a stack may ask for (more would be the one-resource-per-integration mode with extra steps). */
export const MAX_CHUNKS = 1000;

export type { ChunkEntry } from "./type";

/** The state (inputs = outputs) of a flow:IntegrationChunk resource. */
export interface ChunkState {
  /** This chunk's bucket, 0 … chunks - 1. */
  chunk: number;
  /** How many chunks the inventory is recorded in. */
  chunks: number;
  /** The integrations of this bucket by Flow id (as a string key), each a ChunkEntry as JSON text. */
  integrations: Record<string, string>;
  /** The user objects its entries share, by user id, as JSON text (see encodeChunk). */
  users: Record<string, string>;
  /** The vendor descriptions its entries share, by vendor name, as JSON text. */
  vendorMeta: Record<string, string>;
}

/** Checks a `chunks` setting: an integer from 1 to MAX_CHUNKS; the message names where it came from. */
export function checkChunks(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_CHUNKS) {
    throw new Error(
      `${where} must be a whole number from 1 to ${MAX_CHUNKS} (the number of resources the inventory is recorded in), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** The bucket of an integration id: stable for as long as `chunks` is unchanged. */
export function chunkOf(id: number, chunks: number): number {
  return ((Math.trunc(id) % chunks) + chunks) % chunks;
}

/** The records in `chunks` buckets, as chunk states (every bucket, also an empty one, so the resource count stays fixed). */
export function toChunkStates(records: readonly InventoryRecord[], chunks: number): ChunkState[] {
  const buckets: InventoryRecord[][] = Array.from({ length: chunks }, () => []);
  for (const record of records) buckets[chunkOf(record.integration.id, chunks)].push(record);
  return buckets.map((bucket, chunk) => ({ chunk, chunks, ...encodeChunk(bucket) }));
}

/** A detailed diff entry of the engine (the kinds this provider reports). */
export interface PropertyDiff {
  kind: "add" | "delete" | "update";
  inputDiff: boolean;
}

/** The property path of one integration in a chunk: integrations["102"]. */
const entryPath = (id: string) => `integrations["${id}"]`;

/** A chunk's entries by id, each as its own text holds it and with its shared fields filled in (undefined when they cannot be). */
function entriesOf(props: Record<string, unknown>): Map<string, { own: Partial<ChunkEntry> | undefined; whole: Partial<ChunkEntry> | undefined }> {
  const integrations = (props.integrations ?? {}) as Record<string, unknown>;
  const lookup = sharedValues(props);
  const entries = new Map<string, { own: Partial<ChunkEntry> | undefined; whole: Partial<ChunkEntry> | undefined }>();
  for (const [id, value] of Object.entries(integrations)) {
    const own = decodeChunkEntry(value);
    entries.set(id, { own, whole: own && resolveChunkEntry(own, lookup) });
  }
  return entries;
}

/**
 * The diff of a chunk: per integration, added, removed, or updated when a field other than a
 * volatile one changed, each path naming the integration (an entry is JSON text, so the engine
 * can resolve no deeper path; its display decodes the text and shows the fields that differ).
 * A change inside a shared value both readings hold under the same key (a user deactivated)
 * is the update of that value (`users["19994"]`), shown once, not on every integration that
 * refers to it. Entries are compared as data with their shared fields filled in, so state
 * recorded as objects (0.2.0), as text without shared tables, and as it is now compare equal
 * when the integration is unchanged. Never a replace.
 */
export function chunkDiff(olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, PropertyDiff> {
  const before = entriesOf(olds);
  const after = entriesOf(news);
  const diff: Record<string, PropertyDiff> = {};
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(id);
    const now = after.get(id);
    if (!old) diff[entryPath(id)] = { kind: "add", inputDiff: true };
    else if (!now) diff[entryPath(id)] = { kind: "delete", inputDiff: true };
    else if (!old.whole || !now.whole) {
      // An entry that cannot be read whole (it names a value its chunk lacks) is rewritten when
      // the other reading can be; two that cannot are compared as their texts hold them.
      if (old.whole || now.whole || changedPaths(withoutVolatile(old.own), withoutVolatile(now.own)).length > 0)
        diff[entryPath(id)] = { kind: "update", inputDiff: true };
    } else {
      for (const path of changedPaths(withoutVolatile(old.whole), withoutVolatile(now.whole))) {
        const [top, field] = path.split(".");
        const key = top === "integration" && Object.hasOwn(SHARED_FIELDS, field) ? old.own?.shared?.[field as SharedField] : undefined;
        if (key !== undefined && key === now.own?.shared?.[field as SharedField])
          diff[`${SHARED_FIELDS[field as SharedField]}["${key}"]`] = { kind: "update", inputDiff: true };
        else diff[entryPath(id)] = { kind: "update", inputDiff: true };
      }
    }
  }
  for (const key of ["chunk", "chunks"]) if (olds[key] !== news[key]) diff[key] = { kind: "update", inputDiff: true };
  return diff;
}
